//! `comeback reminders`, `comeback lock` and `comeback prompt`, driven as a script (or a
//! home box's scheduler) drives them: a vault in a temporary folder (key-file mode, no
//! keychain), the JSON read back, the passcode piped on standard input. Which reminders
//! fall due when, how the lock keeps and checks a passcode, and which prompt a day brings
//! are tested in the core (`api::reminders`, `api::lock`, `api::daily_prompt`); here: the
//! command line's shapes, exit codes and messages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Output, Stdio};

use serde_json::{Value, json};

#[path = "support/sandbox.rs"]
mod sandbox;
use sandbox::{Sandbox, stdout_of};

/// The zone every command here runs in (`TZ`).
const ZONE: &str = "Europe/Berlin";

/// A refused command: its exit code and its one line on stderr.
fn refused(out: &Output) -> (Option<i32>, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

#[test]
fn reminders_json_lists_kind_title_moment_and_record_in_the_zone_asked_for() {
    let s = Sandbox::in_zone(ZONE);
    s.ok(&[
        "profile",
        "set",
        "--happened-on",
        "2026-01-10",
        "--worry-time",
        "02:30",
        "--grief-ends-on",
        "2026-03-08",
    ]);
    s.ok(&["contact", "add", "--name", "Ada Lovelace"]);
    let contact_id = s.json(&["contact", "list", "--json"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The day New York springs forward: 02:30 does not exist, the worry time fires at 03:00.
    let due = s.json(&[
        "reminders",
        "--json",
        "--from",
        "2026-03-08",
        "--to",
        "2026-03-09",
        "--tz",
        "America/New_York",
    ]);
    assert_eq!(
        due,
        json!([
            {"kind": "worry_time", "title": "Worry time: 15 minutes for the worries you parked",
             "at": "2026-03-08T03:00:00-04:00", "record": null},
            {"kind": "grief_window_end", "title": "Your grief window ends today: time to tell people",
             "at": "2026-03-08T09:00:00-04:00", "record": {"kind": "profile", "id": "profile"}},
            {"kind": "contact_due", "title": "Someone is due a message from you",
             "at": "2026-03-08T09:00:00-04:00", "record": {"kind": "contact", "id": contact_id}},
        ])
    );
    // Moments with their offset mean the same whatever the zone; the zone decides the
    // wall-clock times. No --tz: TZ (Europe/Berlin here).
    let berlin = s.json(&[
        "reminders",
        "--json",
        "--from",
        "2026-06-01T00:00:00+02:00",
        "--to",
        "2026-06-01T12:00:00+02:00",
    ]);
    let moments: Vec<&str> = berlin
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        moments,
        ["2026-06-01T02:30:00+02:00", "2026-06-01T09:00:00+02:00"]
    );
    // The lines say the same, without a name on them.
    let lines = s.ok(&[
        "reminders",
        "--from",
        "2026-06-01T00:00:00+02:00",
        "--to",
        "2026-06-01T12:00:00+02:00",
    ]);
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(
        lines.contains("2026-06-01T09:00:00+02:00  contact_due"),
        "{lines}"
    );
    assert!(!lines.contains("Ada"), "{lines}");
    // With no window given: from now, a day ahead; still an array of the same shape.
    for r in s.json(&["reminders", "--json"]).as_array().unwrap() {
        let mut keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["at", "kind", "record", "title"]);
    }
}

#[test]
fn a_malformed_window_or_zone_is_a_usage_error_and_a_backwards_one_refused() {
    let s = Sandbox::in_zone(ZONE);
    let (code, err) = refused(&s.run(&["reminders", "--from", "tomorrow"]));
    assert_eq!(code, Some(2));
    assert!(err.contains("'tomorrow' is not a moment"), "{err}");
    let (code, err) = refused(&s.run(&["reminders", "--tz", "Mars/Olympus"]));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("is not a time zone this version knows"),
        "{err}"
    );
    let (code, err) = refused(&s.run(&["reminders", "--from", "2026-06-02", "--to", "2026-06-01"]));
    assert_eq!(code, Some(1));
    assert!(err.starts_with("comeback: to: the window ends"), "{err}");
}

#[test]
fn reminder_settings_change_one_kind_quiet_hours_and_the_check_in_and_refuse_nonsense() {
    let s = Sandbox::in_zone(ZONE);
    let before = s.json(&["reminders", "settings", "--json"]);
    assert_eq!(before["quiet_hours"], Value::Null);
    assert_eq!(before["kinds"][6], json!({"kind": "check_in", "on": false}));
    let after = s.json(&[
        "reminders",
        "set",
        "--kind",
        "check-in",
        "--on",
        "--quiet",
        "22:00-07:00",
        "--check-in",
        "21:30",
        "--json",
    ]);
    assert_eq!(after, s.json(&["reminders", "settings", "--json"]));
    assert_eq!(after["kinds"][6], json!({"kind": "check_in", "on": true}));
    assert_eq!(
        after["quiet_hours"],
        json!({"start": "22:00", "end": "07:00"})
    );
    assert_eq!(after["check_in_time"], "21:30");
    // The check-in now falls due; a worry-free vault has nothing else.
    let due = s.json(&[
        "reminders",
        "--json",
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-02",
    ]);
    assert_eq!(due[0]["kind"], "check_in");
    assert_eq!(due[0]["at"], "2026-06-01T21:30:00+02:00");

    let (code, err) = refused(&s.run(&["reminders", "set", "--quiet", "07:00-07:00"]));
    assert_eq!(code, Some(1));
    assert!(err.contains("cover no time"), "{err}");
    let (code, err) = refused(&s.run(&["reminders", "set", "--check-in", "8pm"]));
    assert_eq!(code, Some(1));
    assert!(err.contains("write it as HH:MM"), "{err}");
    let (code, _) = refused(&s.run(&["reminders", "set", "--kind", "nap", "--on"]));
    assert_eq!(code, Some(2));
    assert_eq!(after, s.json(&["reminders", "settings", "--json"]));
    s.ok(&["reminders", "set", "--quiet", "off"]);
    assert_eq!(
        s.json(&["reminders", "settings", "--json"])["quiet_hours"],
        Value::Null
    );
}

#[test]
fn lock_set_status_and_off_read_the_passcode_from_standard_input() {
    let s = Sandbox::in_zone(ZONE);
    assert_eq!(
        s.json(&["lock", "status", "--json"]),
        json!({"on": false, "idle_minutes": 5, "retry_after_s": 0})
    );
    let (code, err) = refused(&s.run_with(&["lock", "set"], "123\n"));
    assert_eq!(code, Some(1));
    assert!(err.contains("at least 4 digits or characters"), "{err}");
    stdout_of(&["lock", "set"], s.run_with(&["lock", "set"], "2468\n"));
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], true);

    let (code, err) = refused(&s.run_with(&["lock", "off"], "1357\n"));
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "comeback: that passcode is not right; 2 more tries, then each wrong one makes you wait"
    );
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], true);
    s.ok(&["lock", "idle", "15"]);
    stdout_of(&["lock", "off"], s.run_with(&["lock", "off"], "2468\n"));
    assert_eq!(
        s.json(&["lock", "status", "--json"]),
        json!({"on": false, "idle_minutes": 15, "retry_after_s": 0})
    );
    let (code, err) = refused(&s.run_with(&["lock", "off"], "2468\n"));
    assert_eq!(code, Some(1));
    assert!(err.contains("no app lock"), "{err}");
}

#[test]
fn lock_reset_turns_a_forgotten_lock_off_with_the_recovery_key_from_standard_input() {
    let s = Sandbox::in_zone(ZONE);
    s.run_with(&["lock", "set"], "2468\n");
    // The key file holds the key in its recovery-key form.
    let recovery = std::fs::read_to_string(&s.key).unwrap();
    let other = comeback_core::keys::SecretKey::from_bytes([7; 32]).recovery_key();
    let (code, err) = refused(&s.run_with(&["lock", "reset"], &format!("{}\n", other.reveal())));
    assert_eq!(code, Some(1));
    assert!(err.contains("not the key of this vault"), "{err}");
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], true);
    stdout_of(
        &["lock", "reset"],
        s.run_with(&["lock", "reset"], &format!("{}\n", recovery.trim())),
    );
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], false);
    let (code, err) = refused(&s.run_with(&["lock", "reset"], &recovery));
    assert_eq!(code, Some(1));
    assert!(err.contains("no app lock"), "{err}");
}

#[test]
fn three_wrong_passcodes_make_the_next_try_wait_across_runs() {
    let s = Sandbox::in_zone(ZONE);
    s.run_with(&["lock", "set"], "2468\n");
    for _ in 0..3 {
        assert_eq!(
            s.run_with(&["lock", "off"], "0000\n").status.code(),
            Some(1)
        );
    }
    // Each run is a new process: the wait was kept in the vault. (It is 30 seconds; the
    // runs between take well under that.)
    let (code, err) = refused(&s.run_with(&["lock", "off"], "2468\n"));
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("comeback: too many wrong passcodes; try again in"),
        "{err}"
    );
    let status = s.json(&["lock", "status", "--json"]);
    assert!(status["on"].as_bool().unwrap());
    let wait = status["retry_after_s"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{status}");
}

/// A pseudo-terminal (as in `tests/cli.rs`): `comeback` gets its terminal end as standard
/// input; the test types on the other end and sees what the terminal would show.
struct Pty {
    master: std::os::fd::OwnedFd,
    terminal: std::fs::File,
}

impl Pty {
    fn open() -> Self {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        use std::os::unix::fs::OpenOptionsExt;
        let master =
            openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let terminal = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(name.to_str().unwrap())
            .unwrap();
        rustix::io::ioctl_fionbio(&master, true).unwrap();
        Self { master, terminal }
    }

    fn type_keys(&self, keys: &[u8]) {
        assert_eq!(rustix::io::write(&self.master, keys).unwrap(), keys.len());
    }

    /// Everything the terminal has shown so far.
    fn shown(&self) -> Vec<u8> {
        let mut shown = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match rustix::io::read(&self.master, &mut buf) {
                Ok(0) | Err(rustix::io::Errno::AGAIN) => return shown,
                Ok(n) => shown.extend_from_slice(&buf[..n]),
                Err(e) => panic!("reading the terminal: {e}"),
            }
        }
    }

    /// Starts `comeback ARGS` at this terminal.
    fn start(&self, s: &Sandbox, args: &[&str]) -> std::process::Child {
        s.command(args)
            .stdin(self.terminal.try_clone().unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

/// Reads the child's stderr up to and including `prompt`.
fn wait_for_prompt(child: &mut std::process::Child, prompt: &str) {
    let stderr = child.stderr.as_mut().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).ends_with(prompt) {
        let n = std::io::Read::read(stderr, &mut byte).unwrap();
        assert_eq!(
            n,
            1,
            "ended before {prompt:?}: {:?}",
            String::from_utf8_lossy(&seen)
        );
        seen.push(byte[0]);
    }
}

#[test]
fn lock_set_at_a_terminal_asks_twice_shows_nothing_and_refuses_two_different_passcodes() {
    let s = Sandbox::in_zone(ZONE);
    let pty = Pty::open();
    let mut child = pty.start(&s, &["lock", "set"]);
    wait_for_prompt(&mut child, "Passcode (what you type is not shown): ");
    pty.type_keys(b"2468\r");
    wait_for_prompt(&mut child, "The same passcode again: ");
    pty.type_keys(b"2469\r");
    let (code, err) = refused(&child.wait_with_output().unwrap());
    assert_eq!(code, Some(1));
    assert!(
        err.ends_with(
            "the two passcodes differ; nothing was changed, run `comeback lock set` again"
        ),
        "{err}"
    );
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], false);

    let mut child = pty.start(&s, &["lock", "set"]);
    wait_for_prompt(&mut child, "Passcode (what you type is not shown): ");
    pty.type_keys(b"2468\r");
    wait_for_prompt(&mut child, "The same passcode again: ");
    pty.type_keys(b"2468\r");
    stdout_of(&["lock", "set"], child.wait_with_output().unwrap());
    assert_eq!(s.json(&["lock", "status", "--json"])["on"], true);
    let shown = pty.shown();
    assert!(
        shown.is_empty(),
        "the terminal showed {:?}",
        String::from_utf8_lossy(&shown)
    );
    // The passcode set at the terminal is the one that opens.
    stdout_of(&["lock", "off"], s.run_with(&["lock", "off"], "2468\n"));
}

#[test]
fn prompt_names_a_due_contact_after_the_grief_window_and_falls_silent_after_six_weeks() {
    let s = Sandbox::in_zone(ZONE);
    s.ok(&[
        "profile",
        "set",
        "--happened-on",
        "2026-03-01",
        "--grief-ends-on",
        "2026-03-05",
    ]);
    // No debrief yet: step 1, expressive writing into a new entry.
    let p = s.json(&["prompt", "--json", "--today", "2026-03-03"]);
    assert_eq!(
        (p["step"].clone(), p["kind"].clone()),
        (json!(1), json!("expressive"))
    );
    assert_eq!(p["action"]["screen"], json!("journal"));
    assert_eq!(p["action"]["first_line"], p["text"]);
    let again = s.json(&["prompt", "--json", "--today", "2026-03-03"]);
    assert_eq!(p, again, "the same prompt all day");
    let text = s.ok(&["prompt", "--today", "2026-03-03"]);
    assert!(text.contains("Today's prompt (step 1 of 4):"), "{text}");
    assert!(text.contains(p["text"].as_str().unwrap()), "{text}");

    // A finished debrief and a weak tie due: step 2 names them once the window is over.
    let debrief = s
        .ok(&["debrief", "new", "--title", "Leaving Acme"])
        .trim()
        .to_string();
    s.ok(&[
        "debrief",
        "lesson",
        &debrief,
        "--lesson",
        "Runway",
        "--action",
        "Save",
        "--due",
        "2026-04-01",
    ]);
    s.ok(&["debrief", "complete", &debrief]);
    s.ok(&[
        "contact",
        "add",
        "--name",
        "Grace Hopper",
        "--tie",
        "rarely",
    ]);
    let p = s.json(&["prompt", "--json", "--today", "2026-03-10"]);
    assert_eq!(
        (p["step"].clone(), p["kind"].clone()),
        (json!(2), json!("reach_out"))
    );
    assert!(
        p["text"]
            .as_str()
            .unwrap()
            .starts_with("Grace Hopper is due a message."),
        "{p}"
    );
    assert_eq!(p["action"]["screen"], json!("network"));
    let home = s.json(&["home", "--json", "--date", "2026-03-10"]);
    assert_eq!(home["prompt"], p, "Home shows the same prompt");

    assert_eq!(
        s.json(&["prompt", "--json", "--today", "2026-04-12"]),
        json!(null)
    );
    let text = s.ok(&["prompt", "--today", "2026-04-12"]);
    assert!(text.starts_with("No prompt today"), "{text}");
}
