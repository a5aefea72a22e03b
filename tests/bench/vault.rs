//! `cargo bench -p comeback-cli --bench vault`: the core vault measured on the seeded
//! ten-year journal (see `comeback_core::sample`). It prints one line per figure; the
//! figures and the command are kept in docs/BENCHMARKS.md.
//!
//! The journal is generated once through the real write path into
//! `$CARGO_TARGET_DIR/bench-vault` (reused on later runs; delete it to regenerate).
//! Set `COMEBACK_BENCH_FRACTION=0.1` for a quick run on a tenth of the journal.
//!
//! Measured: a cold `comeback entry list --limit 50` (a whole process, 30 runs), the
//! load time and transient heap of every document (the largest reported), write latency
//! (new entries and debounced edits on the big vault), search latency, and the size on
//! disk against a plain-text dump.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use comeback_core::api::{self, NewEntry};
use comeback_core::model::{Date, Entry};
use comeback_core::sample;
use comeback_core::{KeySource, Vault, testing};
use peak_alloc::PeakAlloc;

#[path = "journal.rs"]
mod journal;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const TARGETS: &str = "targets: open < 150 ms, write p99 < 15 ms, search p99 < 30 ms, document load <= 200 ms / 50 MB";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<34} n={:<5} p50 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap())
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: only run when
    // benchmarking, so the test suite stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let root = journal::bench_root();
    let (vault_dir, key, text_bytes) = journal::pristine();
    let key = KeySource::KeyFile(key);
    // Measure on a copy, so the writes below never grow the generated journal.
    let pristine = vault_dir.clone();
    // One copy per run: other benchmarks may be measuring the same journal meanwhile.
    let vault_dir = root.join(format!("run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&vault_dir);
    std::fs::create_dir_all(&vault_dir).unwrap();
    for f in std::fs::read_dir(&pristine).unwrap() {
        let f = f.unwrap();
        if f.file_name() != "lock" {
            std::fs::copy(f.path(), vault_dir.join(f.file_name())).unwrap();
        }
    }
    println!("{TARGETS}");

    // 1. Cold open: a whole `comeback entry list --limit 50` process.
    let bin = env!("CARGO_BIN_EXE_comeback");
    let mut runs = Vec::new();
    for i in 0..31 {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(["entry", "list", "--limit", "50"])
            .env("COMEBACK_VAULT", &vault_dir)
            .env("COMEBACK_KEY_FILE", root.join("key"))
            .output()
            .unwrap();
        let took = t.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 50);
        if i > 0 {
            runs.push(took); // the first run warms the page cache
        }
    }
    report("open: entry list --limit 50", runs);

    // 2. Every document: load time and transient heap.
    let mut vault = Vault::open(&vault_dir, &key).unwrap();
    let mut worst_time = (String::new(), Duration::ZERO);
    let mut worst_heap = (String::new(), 0usize);
    let ids = vault.document_ids().unwrap();
    for id in &ids {
        let chunks = testing::chunks(&vault, id).unwrap();
        let base = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let t = Instant::now();
        let (loaded, bad) = testing::load_chunks(
            chunks
                .iter()
                .map(|c| (c.seq, c.snapshot, c.bytes.as_slice())),
        );
        let took = t.elapsed();
        let heap = HEAP.peak_usage().saturating_sub(base);
        assert!(bad.is_empty());
        drop(loaded);
        if id == "core" || id.ends_with("-06") && id.starts_with("journal-2020") {
            println!(
                "  document {id}: {:.1} ms, {:.1} MB transient",
                ms(took),
                heap as f64 / 1e6
            );
        }
        if took > worst_time.1 {
            worst_time = (id.clone(), took);
        }
        if heap > worst_heap.1 {
            worst_heap = (id.clone(), heap);
        }
    }
    println!(
        "documents: {}; slowest load {} {:.1} ms; largest transient heap {} {:.1} MB",
        ids.len(),
        worst_time.0,
        ms(worst_time.1),
        worst_heap.0,
        worst_heap.1 as f64 / 1e6
    );

    // 3. Writes on the big vault. The first write to a document after opening includes
    // loading it; the app loads the current month and the core shards in the
    // background at start (Vault::warm), so typing meets warm documents.
    let day = Date::from_ymd_opt(2025, 12, 31).unwrap();
    let mut prose = sample::Prose::new(99);
    let mut cold = Vec::new();
    for i in 0..comeback_core::model::CORE_SHARDS {
        // One contact per core shard: each write is the first to its document.
        let mut c = comeback_core::model::Contact {
            name: format!("Cold person {i}"),
            ..Default::default()
        };
        loop {
            c.id = comeback_core::model::new_id();
            if comeback_core::model::Home::core_for(&c.id)
                == (comeback_core::model::Home::Core { shard: i })
            {
                break;
            }
        }
        let t = Instant::now();
        vault.put(&c).unwrap();
        cold.push(t.elapsed());
    }
    let t = Instant::now();
    vault.warm(day).unwrap();
    let warm_took = t.elapsed();
    let mut adds = Vec::new();
    let mut edits = Vec::new();
    let mut written: Vec<Entry> = Vec::new();
    for _ in 0..300 {
        let text = prose.text(40);
        let t = Instant::now();
        let e = api::add_entry(
            &mut vault,
            NewEntry {
                text,
                mood: Some(3),
                tags: vec![],
                date: Some(day),
            },
        )
        .unwrap();
        adds.push(t.elapsed());
        written.push(e);
    }
    for e in written.iter_mut() {
        e.text.push_str(&format!(" {}", prose.sentence()));
        let t = Instant::now();
        vault.put(e).unwrap();
        edits.push(t.elapsed());
    }
    // An open editor saving on the version it loaded while two other saves reached the
    // same month's document meanwhile (what a live sync does): the save is applied at the
    // old version and merged (`Vault::put_at`).
    let mut stale = Vec::new();
    for group in written.chunks_mut(3).take(100) {
        let (first, others) = group.split_at_mut(1);
        let mut editor = api::get_json(&vault, "entry", &first[0].id).unwrap();
        for other in others.iter_mut() {
            other.text.push_str(" Meanwhile.");
            vault.put(other).unwrap();
        }
        let typed = format!("{} {}", editor["text"].as_str().unwrap(), prose.sentence());
        editor["text"] = typed.into();
        let t = Instant::now();
        let saved = api::save_json(&mut vault, "entry", editor).unwrap();
        stale.push(t.elapsed());
        assert_ne!(saved["version"], serde_json::Value::Null);
    }
    let mut contact_writes = Vec::new();
    for i in 0..300 {
        let c = comeback_core::model::Contact {
            id: comeback_core::model::new_id(),
            name: format!("Bench person {i}"),
            ..Default::default()
        };
        let t = Instant::now();
        vault.put(&c).unwrap();
        contact_writes.push(t.elapsed());
    }
    report("write: first to a document (cold)", cold);
    println!(
        "warm-up of the month and core shards: {:.1} ms",
        ms(warm_took)
    );
    report("write: new entry", adds);
    report("write: debounced entry edit", edits);
    report("write: edit on a version two saves old", stale);
    report("write: contact (core shard)", contact_writes);

    // 4. Search.
    let words = [
        "coffee",
        "interview",
        "portfolio",
        "savings",
        "mentor",
        "feedback",
        "lessons",
        "recruiter",
        "rain",
        "doubt",
    ];
    let mut searches = Vec::new();
    for i in 0..400 {
        let q = words[i % words.len()];
        let t = Instant::now();
        let hits = api::search(&vault, q, 20).unwrap();
        searches.push(t.elapsed());
        assert!(!hits.is_empty(), "no hits for {q}");
    }
    report("search (20 hits)", searches);

    // 5. Size on disk against a plain-text dump of what was written.
    testing::checkpoint(&vault).unwrap();
    for (part, bytes) in testing::sizes(&vault).unwrap() {
        println!("  {part}: {:.1} MB", bytes as f64 / 1e6);
    }
    drop(vault);
    let on_disk = journal::dir_size(&vault_dir);
    println!(
        "size: vault folder {:.1} MB; plain text written {:.1} MB; ratio {:.2}x",
        on_disk as f64 / 1e6,
        text_bytes as f64 / 1e6,
        on_disk as f64 / text_bytes as f64
    );
    let _ = Path::new(bin);
    let _ = std::fs::remove_dir_all(&vault_dir);
}
