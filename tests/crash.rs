//! A crash test of the write path. `comeback dev add-many` adds entries one after another
//! and prints each id once that entry's write has returned; this test kills it with
//! SIGKILL at random moments (seeded, so a failure can be replayed) many times over on
//! one vault: half the trials at a random moment after the spawn (so some kills land
//! while the vault is being opened), half at a random moment after the first write was
//! acknowledged (so every one of those lands amid writes). It checks that the vault opens
//! again after every kill, that every id ever printed is still there with the text it was
//! written with, and that the doctor finds the mirror matching the documents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TRIALS: usize = 80;
const CHECK_EVERY: usize = 10;
const SEED: u64 = 0x00C0_FFEE;
/// SIGKILL's number, 9 on every Unix (what `Child::kill` sends there).
const SIGKILL: i32 = 9;

struct Sandbox {
    _dir: tempfile::TempDir,
    vault: PathBuf,
    key: PathBuf,
    home: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let key = dir.path().join("key");
        let home = dir.path().join("home");
        Self {
            _dir: dir,
            vault,
            key,
            home,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_comeback"));
        cmd.args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_KEY_FILE", &self.key)
            // Should anything ignore the two variables above, it still stays in here.
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join("data"));
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        let out: Output = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "`comeback {}` failed: exit {:?}\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// When a trial's kill comes.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the spawn: possibly before the vault is even open.
    AfterSpawn(Duration),
    /// This long after the first id was printed: always amid writes.
    AfterFirstWrite(Duration),
}

/// Sends every complete line (ending in a newline) until the pipe closes; a torn last
/// line would be an id whose printing was cut short, and is not counted as printed.
fn send_ids(stdout: impl Read, ids: &mpsc::Sender<String>) {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(n) if n > 0 && line.ends_with('\n') => {
                if ids.send(line.trim_end().to_string()).is_err() {
                    break;
                }
            }
            _ => break,
        }
    }
}

/// Runs one `add-many`, SIGKILLs it at `kill_at`, and returns the ids it printed, in
/// order. Fails if the process ended by itself (it could not open the vault, or a write
/// failed) instead of being killed.
fn add_until_killed(sandbox: &Sandbox, prefix: &str, kill_at: KillAt) -> Vec<String> {
    let mut child = sandbox
        .command(&[
            "dev",
            "add-many",
            "--count",
            "100000000",
            "--prefix",
            prefix,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || send_ids(stdout, &tx));

    let mut ids = Vec::new();
    match kill_at {
        KillAt::AfterSpawn(wait) => std::thread::sleep(wait),
        KillAt::AfterFirstWrite(wait) => {
            // Blocks until the first id, or until the pipe closes if the process ended.
            if let Ok(first) = rx.recv() {
                ids.push(first);
                std::thread::sleep(wait);
            }
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    ids.extend(rx.iter());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(
        status.signal(),
        Some(SIGKILL),
        "{prefix} ({kill_at:?}): add-many should still have been running when killed, \
         but ended with {status}; stderr: {stderr}"
    );
    if let KillAt::AfterFirstWrite(_) = kill_at {
        assert!(!ids.is_empty(), "{prefix}: killed after its first write");
    }
    ids
}

/// Every printed id is present with the text it was written with, and the doctor finds
/// the mirror matching the documents.
fn check(sandbox: &Sandbox, printed: &HashMap<String, String>, after_trial: usize) {
    let out = sandbox.ok(&["entry", "list", "--json", "--limit", "1000000"]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let stored: HashMap<&str, &str> = entries
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["text"].as_str().unwrap()))
        .collect();
    assert_eq!(stored.len(), entries.len(), "no entry is listed twice");
    for (id, text) in printed {
        assert_eq!(
            stored.get(id.as_str()),
            Some(&text.as_str()),
            "after trial {after_trial}: entry {id} was acknowledged but is not stored as {text:?}"
        );
    }
    let doctor = sandbox.ok(&["doctor"]);
    assert!(
        doctor.contains("the mirror matches the documents"),
        "after trial {after_trial}: {doctor}"
    );
}

#[test]
fn every_entry_acknowledged_before_a_sigkill_survives_it_and_the_vault_reopens() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["init"]);

    let mut rng = StdRng::seed_from_u64(SEED);
    // id → the text `add-many` wrote for it ("<prefix> <index>").
    let mut printed: HashMap<String, String> = HashMap::new();
    let mut trials_that_wrote = 0;
    for trial in 1..=TRIALS {
        let prefix = format!("trial-{trial}");
        let wait = Duration::from_millis(rng.random_range(5..=150));
        let kill_at = if rng.random_bool(0.5) {
            KillAt::AfterSpawn(wait)
        } else {
            KillAt::AfterFirstWrite(wait)
        };
        let ids = add_until_killed(&sandbox, &prefix, kill_at);
        if !ids.is_empty() {
            trials_that_wrote += 1;
        }
        for (i, id) in ids.into_iter().enumerate() {
            let previous = printed.insert(id.clone(), format!("{prefix} {i}"));
            assert!(previous.is_none(), "id {id} was printed twice");
        }
        if trial % CHECK_EVERY == 0 {
            check(&sandbox, &printed, trial);
        }
    }

    assert!(
        !printed.is_empty(),
        "no trial printed an id: the test never exercised a write"
    );
    eprintln!(
        "{TRIALS} trials, {trials_that_wrote} of them acknowledged writes: {} entries in all",
        printed.len()
    );
    // And the vault takes an ordinary write after the last kill.
    let last = sandbox.ok(&["entry", "add", "--text", "after the crashes"]);
    printed.insert(last.trim().to_string(), "after the crashes".into());
    check(&sandbox, &printed, TRIALS);
}
