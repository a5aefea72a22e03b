//! `cargo bench -p comeback-cli --bench sync`: device-to-device sync (comeback-net over
//! loopback) measured on the seeded ten-year journal. It prints one line per figure; the
//! figures and the command are kept in docs/BENCHMARKS.md ("Sync").
//!
//! The journal is the one `--bench vault` generates into `$CARGO_TARGET_DIR/bench-vault`
//! (generated here too if it is missing). Device A is a copy of it; device B is a fresh,
//! empty vault. `COMEBACK_BENCH_FRACTION=0.1` runs on a tenth for a quick look.
//!
//! Measured:
//! 1. the first sync of the whole vault to an empty paired device (the join): time,
//!    bytes of sync frames and UDP bytes on the wire, against the compacted size of the
//!    documents (the sum of `AutoCommit::save()`);
//! 2. one edit reaching a connected device in live mode (`run_live` on both), 20 times:
//!    latency until the entry is readable on B; bytes per edit from `sync_once` reports
//!    (live sessions report their bytes only when they end) and the live sessions' total;
//! 3. a reconnect with nothing new (`sync_once` after a completed sync);
//! 4. the peak RSS of a `comeback` process during a first sync of the whole journal to
//!    an in-process device: `devices invite` (the pairing's first sync), then `serve`.
//!    `COMEBACK_BENCH_SERVE_ONLY=1` runs only this part, `COMEBACK_BENCH_SERVE_ONLY=serve`
//!    only its `serve` half (A listed as paired by hand instead of by `devices invite`);
//!    `COMEBACK_BENCH_SERVE_WRAP="heaptrack -o /tmp/serve"` runs `serve` under a tool
//!    (its RSS figure then is the tool's process, not `comeback`'s);
//! 5. a first sync of photos: 500 entries with a photo of ~2 MB each (random bytes,
//!    generated once into `$CARGO_TARGET_DIR/bench-photos-500`) from `comeback serve`
//!    to an empty device running `comeback sync --once`: time, bytes on the wire against
//!    the photos' size, and the peak RSS of both processes. `COMEBACK_BENCH_PHOTOS=100`
//!    sets the number of photos (by default 500 times `COMEBACK_BENCH_FRACTION`);
//!    `COMEBACK_BENCH_PHOTOS_ONLY=1` runs only this part.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use comeback_core::api::{self, NewEntry};
use comeback_core::model::Entry;
use comeback_core::sample;
use comeback_core::{KeySource, Vault};
use comeback_net::{Event, Node, Options, PeerReport, Shared, TICKET_TTL};

#[path = "journal.rs"]
mod journal;

const TARGETS: &str = "targets: first sync <= 1.2x the compacted documents; an edit arrives < 1 s and costs < 2 KB; a reconnect with nothing new <= 2 KB; serve peak RSS < 32 MiB; photos: bytes on the wire <= 1.05x their size, peak RSS < 128 MB on both sides";

const TIMEOUT: Duration = Duration::from_secs(300);

/// The generated journal, made once (shared with `--bench vault`).
fn pristine() -> (PathBuf, PathBuf) {
    let (vault_dir, key, _) = journal::pristine();
    (vault_dir, key)
}

/// A working copy of the journal for device A, with its own database key file and
/// device key (`KEY.device`), so A has an identity of its own.
fn copy_vault(from: &Path, key: &Path, to: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    let vault = to.join("vault");
    std::fs::create_dir_all(&vault).unwrap();
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap();
        if f.file_name() != "lock" {
            std::fs::copy(f.path(), vault.join(f.file_name())).unwrap();
        }
    }
    let key_copy = to.join("key");
    std::fs::copy(key, &key_copy).unwrap();
    let mut device = key.as_os_str().to_owned();
    device.push(".device");
    if Path::new(&device).exists() {
        let mut dest = key_copy.as_os_str().to_owned();
        dest.push(".device");
        std::fs::copy(&device, &dest).unwrap();
    }
    key_copy
}

fn mb(b: u64) -> f64 {
    b as f64 / 1e6
}

fn percentile<T: Copy + Ord>(sorted: &[T], p: f64) -> T {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn show(report: &PeerReport) -> String {
    format!(
        "frames {} B sent / {} B received, wire {} B sent / {} B received, {} ms{}",
        report.sent,
        report.received,
        report.wire_sent,
        report.wire_received,
        report.millis,
        report
            .error
            .as_ref()
            .map(|e| format!(" ERROR {e}"))
            .unwrap_or_default()
    )
}

struct Device {
    vault: Shared,
    node: Node,
}

async fn start(vault: Vault, name: &str) -> Device {
    let vault: Shared = Arc::new(Mutex::new(Some(vault)));
    let node = Node::start(
        vault.clone(),
        Options {
            port: None,
            loopback: true,
            mdns: false,
            name: Some(name.into()),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    Device { vault, node }
}

fn with<R>(d: &Device, f: impl FnOnce(&mut Vault) -> R) -> R {
    let mut g = d.vault.lock().unwrap();
    f(g.as_mut().unwrap())
}

fn add_entry(d: &Device, text: String) -> Entry {
    with(d, |v| {
        api::add_entry(
            v,
            NewEntry {
                text,
                ..Default::default()
            },
        )
        .unwrap()
    })
}

fn has(d: &Device, id: &str) -> bool {
    with(d, |v| v.get::<Entry>(id).unwrap().is_some())
}

/// Pairs `joiner` with `inviter` (saying yes on both); returns the joiner's report of
/// the first sync, the inviter's, and the time the join took.
async fn pair(inviter: &Device, joiner: &Device) -> (PeerReport, PeerReport, Duration) {
    let (invite, mut requests) = inviter.node.invite(TICKET_TTL).unwrap();
    let answering = tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        req.answer(true).await
    });
    let t = Instant::now();
    let joined = tokio::time::timeout(
        TIMEOUT,
        joiner.node.join(&invite.ticket, |_| async { true }),
    )
    .await
    .expect("the first sync took over 300 s");
    let took = t.elapsed();
    let answered = answering.await.unwrap();
    let (Ok(joined), Ok(Some(answered))) = (&joined, &answered) else {
        let records = |d: &Device| with(d, |v| v.doctor().map(|r| r.records).unwrap_or(0));
        panic!(
            "the first sync did not complete: the joiner says {joined:?}, the inviter says {answered:?}; the joiner holds {} of the inviter's {} records",
            records(joiner),
            records(inviter)
        );
    };
    (joined.clone(), answered.clone(), took)
}

/// The compacted size of every document of the vault: what a first sync must move, at
/// the least, if it sends whole documents.
fn compacted(dir: &Path, key: &Path) -> (u64, usize) {
    let mut vault = Vault::open(dir, &KeySource::KeyFile(key.to_path_buf())).unwrap();
    let ids = vault.document_ids().unwrap();
    let mut total = 0u64;
    for id in &ids {
        total += comeback_core::testing::document_save(&mut vault, id)
            .unwrap()
            .len() as u64;
    }
    (total, ids.len())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: only run when
    // benchmarking, so the test suite stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    println!("{TARGETS}");
    if std::env::var_os("COMEBACK_BENCH_PHOTOS_ONLY").is_some() {
        photos().await;
        return;
    }
    let (pristine_dir, pristine_key) = pristine();
    let root = journal::bench_root();
    if std::env::var_os("COMEBACK_BENCH_SERVE_ONLY").is_some() {
        serve_rss(&pristine_dir, &pristine_key, &root).await;
        return;
    }

    // ----- 1. First sync of the whole journal to an empty paired device -----
    let a_key = copy_vault(&pristine_dir, &pristine_key, &root.join("sync-a"));
    let a_dir = root.join("sync-a/vault");
    let (docs_bytes, docs) = compacted(&a_dir, &a_key);
    println!(
        "compacted documents: {docs} documents, {:.2} MB (sum of AutoCommit::save)",
        mb(docs_bytes)
    );
    let b_root = root.join("sync-b");
    let _ = std::fs::remove_dir_all(&b_root);
    std::fs::create_dir_all(&b_root).unwrap();
    let a_vault = Vault::open(&a_dir, &KeySource::KeyFile(a_key.clone())).unwrap();
    let (b_vault, _) = Vault::create(
        &b_root.join("vault"),
        &KeySource::KeyFile(b_root.join("key")),
    )
    .unwrap();
    let a = start(a_vault, "Bench A").await;
    let b = start(b_vault, "Bench B").await;
    let (joined, answered, took) = pair(&a, &b).await;
    assert!(joined.ok && answered.ok, "{joined:?} {answered:?}");
    let frames = joined.sent + joined.received;
    let wire = joined.wire_sent + joined.wire_received;
    println!(
        "first sync (join, empty B): {:.2} s; B: {}",
        took.as_secs_f64(),
        show(&joined)
    );
    println!("first sync: A: {}", show(&answered));
    println!(
        "first sync: frames {:.2} MB ({:.2}x compacted), wire {:.2} MB ({:.2}x compacted) [goal <= 1.2x]",
        mb(frames),
        frames as f64 / docs_bytes as f64,
        mb(wire),
        wire as f64 / docs_bytes as f64
    );
    let (rows_a, rows_b) = (
        with(&a, |v| v.mirror_rows().unwrap()),
        with(&b, |v| v.mirror_rows().unwrap()),
    );
    assert_eq!(
        rows_a.len(),
        rows_b.len(),
        "B holds every record after the first sync"
    );
    assert!(rows_a == rows_b, "B's mirror equals A's");
    let doctor = with(&b, |v| v.doctor().unwrap());
    assert!(doctor.healthy(), "{:?}", doctor.problems);
    println!(
        "  B after the first sync: {} records in {} documents, doctor healthy",
        doctor.records, doctor.documents
    );

    // ----- 3. Reconnect with nothing new -----
    for (who, d) in [("B", &b), ("A", &a), ("B", &b)] {
        let reports = d.node.sync_once(Duration::from_secs(30)).await.unwrap();
        assert_eq!(reports.len(), 1, "{reports:?}");
        let r = &reports[0];
        assert!(r.ok, "{r:?}");
        println!(
            "reconnect, nothing new, dialed by {who}: frames {} B, wire {} B, {} ms [goal <= 2 KB]",
            r.sent + r.received,
            r.wire_sent + r.wire_received,
            r.millis
        );
    }

    // ----- 2a. One edit, bytes per edit from sync_once -----
    // Three kinds of edit: a whole new entry of ~250 words saved at once, a new entry of
    // ~80 words (one debounced save, as the generator types entries), and a debounced
    // save that appends ~80 words to an existing entry.
    let mut prose = sample::Prose::new(42);
    let mut last: Option<Entry> = None;
    for kind in [
        "new entry, ~250 words",
        "new entry, ~80 words",
        "append ~80 words to an entry",
    ] {
        let mut frame_bytes = Vec::new();
        let mut wire_bytes = Vec::new();
        let mut text_bytes = 0;
        for _ in 0..20 {
            let e = match kind {
                "new entry, ~250 words" => add_entry(&a, prose.text(250)),
                "new entry, ~80 words" => add_entry(&a, prose.text(80)),
                _ => {
                    let base = last.clone().unwrap();
                    let more = format!("{}\n\n{}", base.text, prose.text(80));
                    with(&a, |v| {
                        api::edit_entry(
                            v,
                            &base.id,
                            api::EntryEdit {
                                text: Some(more),
                                ..Default::default()
                            },
                        )
                        .unwrap()
                    })
                }
            };
            text_bytes = e.text.len()
                - last
                    .as_ref()
                    .filter(|l| l.id == e.id)
                    .map(|l| l.text.len())
                    .unwrap_or(0);
            let reports = a.node.sync_once(Duration::from_secs(30)).await.unwrap();
            let r = &reports[0];
            assert!(r.ok, "{r:?}");
            let arrived = with(&b, |v| v.get::<Entry>(&e.id).unwrap());
            assert_eq!(arrived.map(|x| x.text), Some(e.text.clone()));
            frame_bytes.push(r.sent + r.received);
            wire_bytes.push(r.wire_sent + r.wire_received);
            last = Some(e);
        }
        frame_bytes.sort();
        wire_bytes.sort();
        println!(
            "one edit by sync_once ({kind}, {text_bytes} B of new text): frames p50 {} B p99 {} B, wire p50 {} B p99 {} B [goal < 2 KB]",
            percentile(&frame_bytes, 0.5),
            percentile(&frame_bytes, 0.99),
            percentile(&wire_bytes, 0.5),
            percentile(&wire_bytes, 0.99)
        );
    }

    // ----- 2b. One edit in live mode: latency -----
    let mut a_events = a.node.subscribe();
    let mut b_events = b.node.subscribe();
    let (la, lb) = (a.node.clone(), b.node.clone());
    let live_a = tokio::spawn(async move { la.run_live().await });
    let live_b = tokio::spawn(async move { lb.run_live().await });
    // Wait until a live session is up.
    let up = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(Event::Connected { .. }) = b_events.recv().await {
                break;
            }
        }
    })
    .await;
    assert!(up.is_ok(), "no live session within 10 s");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut latencies = Vec::new();
    let edits = 20;
    let mut missed = 0;
    for _ in 0..edits {
        let e = add_entry(&a, prose.text(250));
        let t = Instant::now();
        a.node.local_changed();
        loop {
            if has(&b, &e.id) {
                latencies.push(t.elapsed());
                break;
            }
            if t.elapsed() > Duration::from_secs(10) {
                missed += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    latencies.sort();
    if latencies.is_empty() {
        println!("live edit: NONE of {edits} edits arrived within 10 s");
    } else {
        println!(
            "live edit, A to B: n={} p50 {:.1} ms p99 {:.1} ms max {:.1} ms{} [goal < 1 s]",
            latencies.len(),
            percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies.last().unwrap().as_secs_f64() * 1000.0,
            if missed > 0 {
                format!("; {missed} did not arrive within 10 s")
            } else {
                String::new()
            }
        );
    }
    // Live sessions report their bytes when they end.
    a.node.shutdown().await;
    b.node.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), live_a).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), live_b).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (mut sessions, mut frames_total, mut wire_total) = (0, 0, 0);
    while let Ok(ev) = a_events.try_recv() {
        if let Event::Synced(r) = ev {
            sessions += 1;
            frames_total += r.sent + r.received;
            wire_total += r.wire_sent + r.wire_received;
            println!(
                "  live session seen by A: {}; per edit {:.0} B frames, {:.0} B wire (session total / {edits})",
                show(&r),
                (r.sent + r.received) as f64 / edits as f64,
                (r.wire_sent + r.wire_received) as f64 / edits as f64
            );
        }
    }
    println!(
        "live edit, bytes: {sessions} live session(s) between A and B; all of them together per edit {:.0} B frames, {:.0} B wire (totals / {edits}, idle keep-alives included) [goal < 2 KB]",
        frames_total as f64 / edits as f64,
        wire_total as f64 / edits as f64
    );

    // ----- 4. Peak RSS of `comeback serve` during a first sync -----
    serve_rss(&pristine_dir, &pristine_key, &root).await;

    // ----- 5. A first sync of photos -----
    photos().await;
}

/// Peak and sampled RSS (kB) of a process, from /proc.
fn rss_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// A process's resident anonymous memory and mapped files (its code, mostly), kB.
fn rss_split_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some((field("RssAnon:")?, field("RssFile:")?))
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The largest of each figure sampled, kB (`n` samples).
#[derive(Default)]
struct Sampled {
    hwm: u64,
    rss: u64,
    anon: u64,
    file: u64,
    n: usize,
}

/// Samples a process's VmHWM / VmRSS every 20 ms until stopped.
struct Sampler {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Sampled>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut m = Sampled::default();
            while !s.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some((h, r)) = rss_kb(pid) {
                    m.hwm = h.max(m.hwm);
                    m.rss = r.max(m.rss);
                    m.n += 1;
                }
                if let Some((a, f)) = rss_split_kb(pid) {
                    m.anon = a.max(m.anon);
                    m.file = f.max(m.file);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            m
        });
        Sampler { stop, thread }
    }

    fn finish(self) -> Sampled {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

fn show_rss(what: &str, before: Option<(u64, u64)>, m: Sampled) {
    let mib = |kb: u64| kb as f64 / 1024.0;
    println!(
        "{what}: RSS before {:.1} MiB; during the first sync peak VmHWM {:.1} MiB, largest sampled VmRSS {:.1} MiB (of it at most {:.1} MiB anonymous, {:.1} MiB mapped files: the program's code) ({} samples every 20 ms) [goal < 32 MiB]",
        mib(before.map(|b| b.1).unwrap_or(0)),
        mib(m.hwm),
        mib(m.rss),
        mib(m.anon),
        mib(m.file),
        m.n
    );
}

/// The first line of a child's stdout; the rest is read and dropped, so the child never
/// writes into a closed pipe.
fn first_line(child: &mut Child) -> String {
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    // A wrapping tool (`COMEBACK_BENCH_SERVE_WRAP`) may say something first.
    while !first.is_empty() && !first.starts_with("listening") && !first.starts_with('{') {
        first.clear();
        out.read_line(&mut first).unwrap();
    }
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    first
}

/// Waits for a child with a deadline.
fn wait_for(child: &mut Child, deadline: Duration) -> Option<std::process::ExitStatus> {
    let t = Instant::now();
    while t.elapsed() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// The memory of the `comeback` process during a first sync of the whole journal to an
/// empty in-process device: first `comeback devices invite` (which runs the pairing's
/// first sync itself), then `comeback serve` answering a first sync from an empty vault
/// of the same paired device (its kept sync states forgotten on the serve side, as for a
/// device that was reset).
async fn serve_rss(pristine_dir: &Path, pristine_key: &Path, root: &Path) {
    let bin = env!("CARGO_BIN_EXE_comeback");
    let serve_root = root.join("sync-serve");
    let key = copy_vault(pristine_dir, pristine_key, &serve_root);
    let dir = serve_root.join("vault");
    let help = Command::new(bin)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    if !help.status.success() {
        println!("serve peak RSS: NOT MEASURED, this `comeback` has no `serve` yet");
        return;
    }
    let comeback = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.args(args)
            .env("COMEBACK_VAULT", &dir)
            .env("COMEBACK_KEY_FILE", &key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        c
    };

    let serve_only = std::env::var("COMEBACK_BENCH_SERVE_ONLY").is_ok_and(|v| v == "serve");
    let (a_id, a_addrs) = if serve_only {
        let mut v = Vault::open(&dir, &KeySource::KeyFile(key.clone())).unwrap();
        v.ensure_this_device(Some("Bench A")).unwrap();
        (v.device_id().to_string(), None)
    } else {
        let (a_id, a_addrs) = invite_rss(&comeback, root).await;
        (a_id, Some(a_addrs))
    };

    // (b) `comeback serve` answering a first sync from a new, empty device C. C is
    // listed on A out of band (A's vault opened here while nothing runs on it), as a
    // pairing would list it, so no ticket is needed and serve alone does the work. (C
    // cannot reuse B's device key on an empty vault: its own edits to the device list
    // would restart B's Automerge actor at seq 1, which A rightly refuses as duplicate.)
    let c_root = root.join("sync-serve-c");
    let _ = std::fs::remove_dir_all(&c_root);
    std::fs::create_dir_all(&c_root).unwrap();
    let (mut c_vault, _) = Vault::create(
        &c_root.join("vault"),
        &KeySource::KeyFile(c_root.join("key")),
    )
    .unwrap();
    let c_id = c_vault.device_id().to_string();
    {
        let mut v = Vault::open(&dir, &KeySource::KeyFile(key.clone())).unwrap();
        v.add_device(&c_id, "Bench C", &a_id).unwrap();
    }
    let mut serve = match std::env::var("COMEBACK_BENCH_SERVE_WRAP") {
        Ok(wrap) if !wrap.trim().is_empty() => {
            let mut words = wrap.split_whitespace();
            let mut c = Command::new(words.next().unwrap());
            c.args(words)
                .arg(bin)
                .args(["serve", "--loopback", "--no-mdns"])
                .env("COMEBACK_VAULT", &dir)
                .env("COMEBACK_KEY_FILE", &key)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            c
        }
        _ => comeback(&["serve", "--loopback", "--no-mdns"]),
    }
    .spawn()
    .unwrap();
    let pid = serve.id();
    let first = first_line(&mut serve);
    let _serve = Killed(serve);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kb(pid);
    // Without the pairing, A is reached at the port `serve` printed.
    let a_addrs = a_addrs.unwrap_or_else(|| {
        let port = first
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("`serve` printed {first:?}"));
        vec![format!("127.0.0.1:{port}")]
    });
    c_vault.ensure_this_device(Some("Bench C")).unwrap();
    c_vault.add_device(&a_id, "Bench A", &c_id).unwrap();
    c_vault.remember_peer(&a_id, &a_addrs).unwrap();
    let c = start(c_vault, "Bench C").await;
    let sampler = Sampler::start(pid);
    let t = Instant::now();
    let reports = c.node.sync_once(TIMEOUT).await.unwrap();
    let took = t.elapsed();
    let sampled = sampler.finish();
    assert_eq!(reports.len(), 1, "{reports:?}");
    println!(
        "first sync from `comeback serve` (serve printed {:?}): {:.2} s; {}",
        first.trim(),
        took.as_secs_f64(),
        show(&reports[0])
    );
    let records = with(&c, |v| v.doctor().unwrap().records);
    println!("  C after it: {records} records");
    show_rss("`comeback serve` process", before, sampled);
    c.node.shutdown().await;
}

/// `comeback devices invite` serving the pairing's first sync to a new in-process device;
/// returns A's device id and the addresses the joiner knows it by.
async fn invite_rss(comeback: &dyn Fn(&[&str]) -> Command, root: &Path) -> (String, Vec<String>) {
    let mut invite = comeback(&[
        "devices",
        "invite",
        "--json",
        "--yes",
        "--loopback",
        "--no-mdns",
    ])
    .spawn()
    .unwrap();
    let pid = invite.id();
    let first = first_line(&mut invite);
    let mut invite = Killed(invite);
    let before = rss_kb(pid);
    let ticket = serde_json::from_str::<serde_json::Value>(&first)
        .unwrap_or_else(|_| panic!("`devices invite --json` printed {first:?}"))["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let b_root = root.join("sync-serve-b");
    let _ = std::fs::remove_dir_all(&b_root);
    std::fs::create_dir_all(&b_root).unwrap();
    let (b_vault, _) = Vault::create(
        &b_root.join("vault"),
        &KeySource::KeyFile(b_root.join("key")),
    )
    .unwrap();
    let b = start(b_vault, "Bench B").await;
    let sampler = Sampler::start(pid);
    let t = Instant::now();
    let joined = tokio::time::timeout(TIMEOUT, b.node.join(&ticket, |_| async { true }))
        .await
        .unwrap()
        .unwrap();
    let took = t.elapsed();
    let status = wait_for(&mut invite.0, Duration::from_secs(30));
    let sampled = sampler.finish();
    assert!(joined.ok, "{joined:?}");
    assert!(
        status.is_some_and(|s| s.success()),
        "`devices invite` ended with {status:?}"
    );
    println!(
        "first sync from `comeback devices invite`: {:.2} s; {}",
        took.as_secs_f64(),
        show(&joined)
    );
    show_rss("`comeback devices invite` process", before, sampled);
    let a_id = joined.id.clone();
    let a_addrs = with(&b, |v| v.peer(&a_id).unwrap().unwrap().addrs);
    b.node.shutdown().await;
    drop(b);
    (a_id, a_addrs)
}

/// The size of photo `i`: about 2 MB, not a whole number of parts.
fn photo_size(i: usize) -> usize {
    1_900_000 + (i * 7919) % 200_000
}

/// Photo `i`: bytes that do not compress (xorshift), the same at every run.
fn photo(i: usize) -> Vec<u8> {
    let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..photo_size(i))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A vault with `n` entries, one a day, each with a photo; made once and reused.
fn pristine_photos(n: usize) -> (PathBuf, PathBuf, u64) {
    let target = journal::bench_root().parent().unwrap().to_path_buf();
    let root = target.join(format!("bench-photos-{n}"));
    let (dir, key) = (root.join("vault"), root.join("key"));
    let total: u64 = (0..n).map(|i| photo_size(i) as u64).sum();
    if root.join("ready").exists() {
        return (dir, key, total);
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let (mut v, _) = Vault::create(&dir, &KeySource::KeyFile(key.clone())).unwrap();
    v.ensure_this_device(Some("Bench A")).unwrap();
    let t = Instant::now();
    let mut date = comeback_core::model::Date::from_ymd_opt(2024, 1, 1).unwrap();
    for i in 0..n {
        let e = api::add_entry(
            &mut v,
            NewEntry {
                text: format!("Day {i}: a walk, and a photo of it."),
                date: Some(date),
                ..Default::default()
            },
        )
        .unwrap();
        let bytes = photo(i);
        api::attach(
            &mut v,
            &e.id,
            &format!("IMG_{i:04}.jpg"),
            None,
            &mut &bytes[..],
        )
        .unwrap();
        date = date.succ_opt().unwrap();
    }
    comeback_core::testing::checkpoint(&v).unwrap();
    std::fs::write(root.join("ready"), "").unwrap();
    println!(
        "generated {n} entries with a photo each ({:.1} MB of photos) in {:.1} s",
        mb(total),
        t.elapsed().as_secs_f64()
    );
    (dir, key, total)
}

/// A first sync of photos, both ways: `comeback serve` on the vault of photos and
/// `comeback sync --once` on an empty vault paired with it, then `sync --once` on the
/// photos and `serve` on the empty vault (listed on both out of band, as `serve_rss`
/// does), each measured from outside both processes.
async fn photos() {
    // 500 photos, or the same share of them as of the journal (`COMEBACK_BENCH_FRACTION`:
    // the smoke run in scripts/test.sh moves 25, not a gigabyte).
    let n: usize = std::env::var("COMEBACK_BENCH_PHOTOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| ((500.0 * journal::fraction()).ceil() as usize).clamp(5, 500));
    let (pristine_dir, pristine_key, total) = pristine_photos(n);
    photos_once(n, total, &pristine_dir, &pristine_key, true).await;
    photos_once(n, total, &pristine_dir, &pristine_key, false).await;
}

async fn photos_once(
    n: usize,
    total: u64,
    pristine_dir: &Path,
    pristine_key: &Path,
    to_sync: bool,
) {
    let bin = env!("CARGO_BIN_EXE_comeback");
    let root = pristine_dir.parent().unwrap().to_path_buf();
    // The device holding the photos (a copy of the generated vault) and an empty one.
    let full_key = copy_vault(pristine_dir, pristine_key, &root.join("run-full"));
    let full_dir = root.join("run-full/vault");
    let empty_root = root.join("run-empty");
    let _ = std::fs::remove_dir_all(&empty_root);
    std::fs::create_dir_all(&empty_root).unwrap();
    let empty_key = empty_root.join("key");
    let empty_dir = empty_root.join("vault");
    let (mut empty, _) = Vault::create(&empty_dir, &KeySource::KeyFile(empty_key.clone())).unwrap();
    empty.ensure_this_device(Some("Bench empty")).unwrap();
    let empty_id = empty.device_id().to_string();
    let full_id = {
        let mut full = Vault::open(&full_dir, &KeySource::KeyFile(full_key.clone())).unwrap();
        let full_id = full.device_id().to_owned();
        full.add_device(&empty_id, "Bench empty", &full_id).unwrap();
        full_id
    };
    empty
        .add_device(&full_id, "Bench photos", &empty_id)
        .unwrap();
    drop(empty);
    // `serve` runs on A, `sync --once` on C.
    let ((a_dir, a_key), (c_dir, c_key), c_id) = if to_sync {
        (
            (full_dir, full_key),
            (empty_dir.clone(), empty_key.clone()),
            empty_id,
        )
    } else {
        (
            (empty_dir.clone(), empty_key.clone()),
            (full_dir, full_key),
            full_id,
        )
    };
    let a_id = {
        let a = Vault::open(&a_dir, &KeySource::KeyFile(a_key.clone())).unwrap();
        a.device_id().to_owned()
    };
    let run = |dir: &Path, key: &Path, args: &[&str]| {
        Command::new(bin)
            .args(args)
            .env("COMEBACK_VAULT", dir)
            .env("COMEBACK_KEY_FILE", key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut serve = run(&a_dir, &a_key, &["serve", "--loopback", "--no-mdns"]);
    let serve_pid = serve.id();
    let first = first_line(&mut serve);
    let _serve = Killed(serve);
    let port = first
        .split_whitespace()
        .skip_while(|w| *w != "port")
        .nth(1)
        .unwrap_or_else(|| panic!("`serve` printed {first:?}"))
        .to_string();
    {
        let c = Vault::open(&c_dir, &KeySource::KeyFile(c_key.clone())).unwrap();
        assert_eq!(c.device_id(), c_id);
        c.remember_peer(&a_id, &[format!("127.0.0.1:{port}")])
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let serve_before = rss_kb(serve_pid);
    let serve_sampler = Sampler::start(serve_pid);
    let t = Instant::now();
    let mut sync = run(
        &c_dir,
        &c_key,
        &[
            "sync",
            "--once",
            "--json",
            "--loopback",
            "--no-mdns",
            "--timeout",
            "300",
        ],
    );
    let sync_sampler = Sampler::start(sync.id());
    let mut out = String::new();
    std::io::Read::read_to_string(&mut sync.stdout.take().unwrap(), &mut out).unwrap();
    let status = sync.wait().unwrap();
    let took = t.elapsed();
    let synced = sync_sampler.finish();
    let served = serve_sampler.finish();
    assert!(status.success(), "`sync --once` ended with {status}: {out}");
    let reports: Vec<serde_json::Value> = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`sync --once --json` printed {out:?} ({e})"));
    let r = &reports[0];
    let f = &r["files"];
    let num = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let files_wire = num(&f["wire_sent"]) + num(&f["wire_received"]);
    let sync_wire = num(&r["wire_sent"]) + num(&r["wire_received"]);
    let way = if to_sync {
        "from `comeback serve` to `comeback sync --once`"
    } else {
        "from `comeback sync --once` to `comeback serve`"
    };
    println!(
        "first sync of {n} photos ({:.1} MB) {way}: {:.1} s ({:.1} MB/s); records: frames {} B, wire {} B in {} ms; photos: {} received, {} sent, {:.1} MB, wire {:.1} MB in {} ms{}{}",
        mb(total),
        took.as_secs_f64(),
        mb(total) / took.as_secs_f64(),
        num(&r["sent"]) + num(&r["received"]),
        sync_wire,
        num(&r["millis"]),
        num(&f["received"]),
        num(&f["sent"]),
        mb(num(&f["bytes"])),
        mb(files_wire),
        num(&f["millis"]),
        if f["pulled"].as_bool() == Some(true) {
            " (some fetched on the connection `serve` dialed back, at its asking)"
        } else {
            ""
        },
        f["error"]
            .as_str()
            .map(|e| format!(" ERROR {e}"))
            .unwrap_or_default()
    );
    // What went over the connections `sync --once` counts: all of it, unless `serve`
    // fetched some on a connection of its own (it dials back, being live).
    let (counted, counted_bytes) = if to_sync {
        (num(&f["received"]), num(&f["bytes"]))
    } else {
        (num(&f["sent"]), num(&f["sent_bytes"]))
    };
    println!(
        "photos ({}): bytes on the wire {:.4}x their size over the connections `sync --once` counts ({counted} of {n} photos{}), {:.4}x with the records' session [goal <= 1.05x]",
        if to_sync {
            "to sync --once"
        } else {
            "to serve"
        },
        files_wire as f64 / counted_bytes.max(1) as f64,
        if counted < n as u64 {
            "; `serve` fetched the rest on a connection it dialed back, which no report here counts"
        } else {
            ""
        },
        (files_wire + sync_wire) as f64 / counted_bytes.max(1) as f64
    );
    let mib = |kb: u64| kb as f64 / 1024.0;
    println!(
        "photos: peak RSS `comeback serve` {:.1} MiB (before {:.1} MiB; at most {:.1} MiB anonymous), `comeback sync --once` {:.1} MiB (at most {:.1} MiB anonymous) ({} / {} samples every 20 ms) [goal < 128 MB]",
        mib(served.hwm),
        mib(serve_before.map(|b| b.1).unwrap_or(0)),
        mib(served.anon),
        mib(synced.hwm),
        mib(synced.anon),
        served.n,
        synced.n
    );
    drop(_serve);
    // Every photo arrived whole.
    let c = Vault::open(&empty_dir, &KeySource::KeyFile(empty_key)).unwrap();
    assert!(c.missing_blobs().unwrap().is_empty(), "photos are missing");
    assert_eq!(c.blob_totals().unwrap(), (n as u64, total));
    for i in [0, n / 2, n - 1] {
        let a = c
            .list::<comeback_core::model::Attachment>(n, 0)
            .unwrap()
            .into_iter()
            .find(|a| a.name == format!("IMG_{i:04}.jpg"))
            .unwrap();
        assert_eq!(api::attachment_bytes(&c, &a.id).unwrap(), photo(i));
    }
    println!("  the empty device after it: {n} photos, every one whole");
}
