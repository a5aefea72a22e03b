//! Pairing and sync from the command line, black-box: real `comeback` processes on
//! loopback (`--loopback --no-mdns`), one vault per device in a temporary folder. The
//! pairing test keeps its vaults' keys in the real keychain (the Secret Service that
//! `scripts/test.sh` starts unlocked in a private D-Bus session, as `keychain.rs` does);
//! the others use key files. Every child process is waited on with a deadline, so a hang
//! fails the test instead of blocking the run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

const NET: [&str; 2] = ["--loopback", "--no-mdns"];
const DEADLINE: Duration = Duration::from_secs(60);

/// One device: a vault folder, its key (a key file, or the keychain) and its name.
struct Device {
    dir: TempDir,
    vault: PathBuf,
    key_file: Option<PathBuf>,
    name: &'static str,
}

impl Device {
    fn new(name: &'static str, keychain: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let key_file = (!keychain).then(|| dir.path().join("key"));
        let d = Device {
            dir,
            vault,
            key_file,
            name,
        };
        d.ok(&["init"]);
        d
    }

    fn with_key_file(name: &'static str) -> Self {
        Self::new(name, false)
    }

    fn with_keychain(name: &'static str) -> Self {
        Self::new(name, true)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_comeback"));
        cmd.args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_DEVICE_NAME", self.name)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: a Ctrl-C on the test run does not reach it twice.
            .process_group(0);
        match &self.key_file {
            Some(key) => {
                let home = self.dir.path().join("home");
                cmd.env("COMEBACK_KEY_FILE", key)
                    .env("HOME", &home)
                    .env("XDG_DATA_HOME", home.join("data"));
            }
            None => {
                cmd.env_remove("COMEBACK_KEY_FILE");
            }
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        let child = self.command(args).spawn().unwrap();
        finish(Running::new(child), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`comeback {}` on {} failed: exit {:?}\nstdout: {}\nstderr: {}",
            args.join(" "),
            self.name,
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!("`comeback {}` printed no JSON ({e}): {out}", args.join(" "))
        })
    }

    fn add_entry(&self, text: &str) -> String {
        self.ok(&["entry", "add", "--text", text])
            .trim()
            .to_string()
    }

    fn entry_texts(&self) -> Vec<String> {
        self.json(&["entry", "list", "--json", "--limit", "100"])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    }

    fn devices(&self) -> Vec<Value> {
        self.json(&["devices", "list", "--json"])
            .as_array()
            .unwrap()
            .clone()
    }

    fn this_device_id(&self) -> String {
        let list = self.devices();
        let me: Vec<&Value> = list.iter().filter(|d| d["this_device"] == true).collect();
        assert_eq!(me.len(), 1, "exactly one this_device: {list:?}");
        me[0]["id"].as_str().unwrap().to_string()
    }

    /// Starts `comeback ARGS` in the background with its stdout read line by line.
    fn spawn(&self, args: &[&str]) -> Running {
        Running::new(self.command(args).spawn().unwrap())
    }

    /// Like `spawn`, with `input` on its stdin (then closed).
    fn spawn_with_input(&self, args: &[&str], input: &str) -> Running {
        let mut child = self.command(args).stdin(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
        drop(stdin);
        Running::new(child)
    }

    /// `comeback serve` in the background, once it says it is listening.
    fn serve(&self) -> Running {
        let mut args = vec!["serve"];
        args.extend(NET);
        let mut serve = self.spawn(&args);
        let line = serve.line();
        assert!(
            line.starts_with("listening on port "),
            "serve announces itself: {line:?}"
        );
        serve
    }
}

/// A child process whose stdout and stderr are read by threads (so it never blocks on a
/// full pipe), stdout line by line; killed if dropped while running.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stdout: Vec<String>,
    stderr: std::thread::JoinHandle<Vec<u8>>,
}

impl Running {
    fn new(mut child: Child) -> Self {
        let out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        Running {
            child,
            lines,
            stdout: Vec::new(),
            stderr,
        }
    }

    /// The next line of stdout, within the deadline.
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(l) => {
                self.stdout.push(l.clone());
                l
            }
            Err(_) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "no line on stdout within {DEADLINE:?}; so far: {:?}",
                    self.stdout
                )
            }
        }
    }

    fn terminate(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit, killing the process if it outlives the deadline.
    fn wait(&mut self) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits for a process to end (within the deadline) and collects what it printed.
fn finish(mut run: Running, args: &[&str]) -> Output {
    let status = run.wait();
    let mut stdout = run.stdout.join("\n");
    if !stdout.is_empty() {
        stdout.push('\n');
    }
    while let Ok(l) = run.lines.recv_timeout(Duration::from_secs(5)) {
        stdout.push_str(&l);
        stdout.push('\n');
    }
    let (tx, rx) = mpsc::channel();
    let handle = std::mem::replace(&mut run.stderr, std::thread::spawn(Vec::new));
    std::thread::spawn(move || {
        let _ = tx.send(handle.join().unwrap_or_default());
    });
    let stderr = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
    let Some(status) = status else {
        panic!(
            "`comeback {}` did not end within {DEADLINE:?}\nstdout: {stdout}\nstderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&stderr)
        );
    };
    Output {
        status,
        stdout: stdout.into_bytes(),
        stderr,
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `invite --json --yes` on `inviter`, `join --yes` on `joiner`; both must succeed.
/// Returns the ticket.
fn pair(inviter: &Device, joiner: &Device) -> String {
    let mut args = vec!["devices", "invite", "--json", "--yes", "--timeout", "60"];
    args.extend(NET);
    let mut invite = inviter.spawn(&args);
    let first: Value = serde_json::from_str(&invite.line()).expect("the first line is JSON");
    let ticket = first["ticket"].as_str().unwrap().to_string();
    assert!(ticket.starts_with("CB1"), "{ticket}");

    let entries = joiner.entry_texts().len();
    let mut join = vec!["devices", "join", ticket.as_str(), "--yes"];
    join.extend(NET);
    let joined = joiner.run(&join);
    assert!(joined.status.success(), "join: {}", text(&joined));
    // The joiner is told what it shares, and with whom, with the code.
    let said = String::from_utf8_lossy(&joined.stdout);
    assert!(
        said.contains(&format!(
            "Joining shares this device's journal ({entries} entr"
        )) && said.contains(&format!("with {} (", inviter.name)),
        "{said}"
    );

    let invited = finish(invite, &args);
    assert!(invited.status.success(), "invite: {}", text(&invited));
    let lines: Vec<Value> = String::from_utf8_lossy(&invited.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), 3, "ticket, request, result: {lines:?}");
    let code = lines[1]["code"].as_str().unwrap();
    assert!(!code.is_empty());
    assert_eq!(lines[1]["device"]["name"], joiner.name);
    assert!(
        String::from_utf8_lossy(&joined.stdout).contains(code),
        "the joiner shows the same check code {code}: {}",
        text(&joined)
    );
    assert_eq!(lines[2]["sync"]["ok"], true, "{:?}", lines[2]);
    ticket
}

#[test]
fn invite_and_join_pair_two_keychain_vaults_and_merge_them() {
    let laptop = Device::with_keychain("laptop");
    let phone = Device::with_keychain("phone");
    laptop.add_entry("written on the laptop before pairing");
    phone.add_entry("written on the phone before pairing");

    pair(&laptop, &phone);

    for d in [&laptop, &phone] {
        let texts = d.entry_texts();
        assert!(
            texts.contains(&"written on the laptop before pairing".to_string())
                && texts.contains(&"written on the phone before pairing".to_string()),
            "{} has both entries: {texts:?}",
            d.name
        );
        let list = d.devices();
        assert_eq!(list.len(), 2, "{}: {list:?}", d.name);
        assert_eq!(
            list.iter().filter(|x| x["this_device"] == true).count(),
            1,
            "{list:?}"
        );
        for x in &list {
            assert_eq!(x["revoked"], false);
            assert!(x["last_seen"].is_null() || x["last_seen"].is_i64(), "{x}");
        }
        let mut names: Vec<&str> = list.iter().map(|x| x["name"].as_str().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["laptop", "phone"]);
    }
    // Both list the same two ids, each marking a different one as itself.
    let ids = |d: &Device| {
        let mut v: Vec<String> = d
            .devices()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&laptop), ids(&phone));
    assert_ne!(laptop.this_device_id(), phone.this_device_id());
}

#[test]
fn a_used_ticket_is_refused_even_after_the_inviter_restarts_as_serve() {
    let laptop = Device::with_key_file("laptop");
    let phone = Device::with_key_file("phone");
    let tablet = Device::with_key_file("tablet");
    let ticket = pair(&laptop, &phone);

    // The inviter comes back as `serve` on the port it remembered (the ticket's).
    let mut serve = laptop.serve();
    let mut args = vec!["devices", "join", ticket.as_str(), "--yes"];
    args.extend(NET);
    let out = tablet.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("comeback: ") && err.trim().len() > "comeback: ".len(),
        "a reason: {err}"
    );
    assert!(
        err.contains("not known here") || err.contains("already used"),
        "{err}"
    );
    serve.terminate();
    assert!(serve.wait().expect("serve stops on SIGTERM").success());
    assert_eq!(laptop.devices().len(), 2, "the tablet was not added");
    assert_eq!(tablet.devices().len(), 1);
}

#[test]
fn sync_once_carries_new_entries_and_their_photos_both_ways_and_serve_stops_cleanly_on_sigterm() {
    let laptop = Device::with_key_file("laptop");
    let phone = Device::with_key_file("phone");
    pair(&laptop, &phone);
    let on_laptop = laptop.add_entry("new on the laptop");
    let on_phone = phone.add_entry("new on the phone");
    // A photo on each (random-ish bytes, over two parts of 256 KiB).
    let photo = |d: &Device, entry: &str, seed: u32| {
        let bytes: Vec<u8> = (0..600_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
            .collect();
        let path = d.dir.path().join(format!("IMG_{seed}.jpg"));
        std::fs::write(&path, &bytes).unwrap();
        d.ok(&["entry", "attach", entry, path.to_str().unwrap()]);
    };
    photo(&laptop, &on_laptop, 1);
    photo(&phone, &on_phone, 2);
    let present = |d: &Device, entry: &str| {
        let shown = d.json(&["entry", "show", entry, "--json"]);
        let files = shown["attachments"].as_array().unwrap().clone();
        assert_eq!(files.len(), 1, "{shown}");
        files[0]["present"] == true
    };

    let mut serve = laptop.serve();
    let mut args = vec!["sync", "--once", "--json", "--timeout", "30"];
    args.extend(NET);
    let reports = phone.json(&args);
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0]["ok"], true, "{reports:?}");
    assert_eq!(reports[0]["refused"], false);
    assert_eq!(reports[0]["name"], "laptop");
    assert!(reports[0]["sent"].as_u64().unwrap() > 0);
    assert!(
        phone
            .entry_texts()
            .contains(&"new on the laptop".to_string())
    );
    // The photo came after the records, and the phone's went the other way.
    assert_eq!(reports[0]["files"]["received"], 1, "{reports:?}");
    assert_eq!(reports[0]["files"]["error"], Value::Null, "{reports:?}");
    assert!(present(&phone, &on_laptop));

    serve.terminate();
    let status = serve.wait().expect("serve stops on SIGTERM");
    assert!(status.success(), "serve exits 0 on SIGTERM: {status:?}");
    assert!(
        laptop
            .entry_texts()
            .contains(&"new on the phone".to_string())
    );
    assert!(present(&laptop, &on_phone));
    // The phone remembers when it last reached the laptop.
    let seen = phone.devices();
    let other = seen.iter().find(|d| d["this_device"] == false).unwrap();
    assert!(other["last_seen"].is_i64(), "{other}");
}

#[test]
fn a_revoked_device_is_refused_when_it_syncs() {
    let laptop = Device::with_key_file("laptop");
    let phone = Device::with_key_file("phone");
    pair(&laptop, &phone);
    let phone_id = phone.this_device_id();

    // A unique prefix of 8+ characters is enough; too short is refused.
    let short = laptop.run(&["devices", "revoke", &phone_id[..4]]);
    assert_eq!(short.status.code(), Some(1), "{}", text(&short));
    laptop.ok(&["devices", "revoke", &phone_id[..10]]);
    let list = laptop.devices();
    let revoked = list.iter().find(|d| d["id"] == phone_id.as_str()).unwrap();
    assert_eq!(revoked["revoked"], true, "{list:?}");

    let mut serve = laptop.serve();
    let mut args = vec!["sync", "--once", "--timeout", "20"];
    args.extend(NET);
    let out = phone.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("refused"),
        "says it was refused: {}",
        text(&out)
    );
    serve.terminate();
    assert!(serve.wait().expect("serve stops").success());
}

#[test]
fn sync_once_with_no_paired_device_says_how_to_pair() {
    let alone = Device::with_key_file("alone");
    let mut args = vec!["sync", "--once"];
    args.extend(NET);
    let out = alone.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no paired devices; pair one with `comeback devices invite`"),
        "{err}"
    );
    // Without --once there is nothing to do: a usage error that names --once.
    let out = alone.run(&["sync"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--once"));
}

#[test]
fn a_garbage_ticket_is_not_a_pairing_ticket() {
    let phone = Device::with_key_file("phone");
    let mut args = vec!["devices", "join", "hello-this-is-not-it", "--yes"];
    args.extend(NET);
    let out = phone.run(&args);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a pairing ticket"),
        "{}",
        text(&out)
    );
    assert_eq!(phone.devices().len(), 1, "nothing was added");
}

#[test]
fn join_without_a_terminal_needs_yes() {
    let phone = Device::with_key_file("phone");
    let ticket = comeback_net::Ticket {
        device: [7; 32],
        secret: [9; 32],
        expires: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 60,
        addrs: vec!["127.0.0.1:9".parse().unwrap()],
    }
    .encode();
    let mut args = vec!["devices", "join", ticket.as_str()];
    args.extend(NET);
    let out = phone.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--yes"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_invite_nobody_answers_times_out() {
    let laptop = Device::with_key_file("laptop");
    let mut args = vec!["devices", "invite", "--json", "--timeout", "1"];
    args.extend(NET);
    let start = Instant::now();
    let out = laptop.run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(start.elapsed() < Duration::from_secs(30));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert!(first["ticket"].as_str().unwrap().starts_with("CB1"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no device joined"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_declined_code_pairs_nothing_on_either_side() {
    let laptop = Device::with_key_file("laptop");
    let phone = Device::with_key_file("phone");
    // No --yes: the inviter asks on stdin, and the answer is no.
    let mut args = vec!["devices", "invite", "--json", "--timeout", "60"];
    args.extend(NET);
    let mut invite = laptop.spawn_with_input(&args, "n\n");
    let first: Value = serde_json::from_str(&invite.line()).unwrap();
    let ticket = first["ticket"].as_str().unwrap().to_string();
    let mut join = vec!["devices", "join", ticket.as_str(), "--yes"];
    join.extend(NET);
    let joined = phone.run(&join);
    assert_eq!(joined.status.code(), Some(1), "{}", text(&joined));
    assert!(
        String::from_utf8_lossy(&joined.stderr).contains("declined"),
        "{}",
        text(&joined)
    );
    let invited = finish(invite, &args);
    assert_eq!(invited.status.code(), Some(1), "{}", text(&invited));
    let err = String::from_utf8_lossy(&invited.stderr);
    assert!(
        err.contains("Does the other device show the same code?"),
        "{err}"
    );
    assert!(err.contains("declined"), "{err}");
    assert_eq!(laptop.devices().len(), 1);
    assert_eq!(phone.devices().len(), 1);
}

#[test]
fn the_relay_is_off_until_chosen_and_a_bad_value_changes_nothing() {
    let d = Device::with_key_file("relay");
    let out = d.run(&["devices", "relay"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("relay: off"));
    let out = d.run(&["devices", "relay", "https://relay.example.org"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("only encrypted traffic"));
    let out = d.run(&["devices", "relay", "somewhere"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not off, n0 or an https:// URL"));
    let out = d.run(&["devices", "relay"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("https://relay.example.org"),
        "a refused value leaves the setting as it was: {}",
        text(&out)
    );
    let out = d.run(&["devices", "relay", "off"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("relay: off"));
}
