//! The `comeback` command line, driven as a user's script drives it: every test makes its
//! own vault in a temporary folder (key-file mode, so no OS keychain is involved) and
//! checks what the commands print, their exit codes (0 success, 2 usage error, 1 any
//! other error with a one-line `comeback: ` reason), that a refused command writes
//! nothing, that every kind of record can be added, listed, shown and changed, that the
//! vault is encrypted at rest, that a key file others can read is refused, and that
//! `unlock` takes the recovery key only at a hidden prompt (a pseudo-terminal here) or on
//! standard input, never as an argument, and that `comeback` runs with core dumps off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use tempfile::TempDir;

/// One private vault in a temporary folder, and the commands run against it.
struct Sandbox {
    dir: TempDir,
    vault: PathBuf,
    key: PathBuf,
}

impl Sandbox {
    /// A folder with no vault in it yet.
    fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let key = dir.path().join("key");
        Self { dir, vault, key }
    }

    /// A folder with a fresh vault; returns it with what `init` printed.
    fn with_init() -> (Self, String) {
        let sandbox = Self::empty();
        let printed = sandbox.ok(&["init"]);
        (sandbox, printed)
    }

    fn new() -> Self {
        Self::with_init().0
    }

    fn command(&self, args: &[&str]) -> Command {
        let home = self.dir.path().join("home");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_comeback"));
        cmd.args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_KEY_FILE", &self.key)
            // Should anything ignore the two variables above, it still stays in here.
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"));
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
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

    /// Runs a command that must succeed and print one id (and nothing else).
    fn add(&self, args: &[&str]) -> String {
        let out = self.ok(args);
        let id = out.trim_end_matches('\n');
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "`comeback {}` should print only the new id, printed {out:?}",
            args.join(" ")
        );
        assert_eq!(out, format!("{id}\n"), "only the id, on one line");
        id.to_string()
    }

    /// Runs a command that must succeed with `--json` output; returns it parsed.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!("`comeback {}` printed no JSON ({e}): {out}", args.join(" "))
        })
    }

    /// Runs a `--json` list command; returns the array.
    fn list(&self, args: &[&str]) -> Vec<Value> {
        match self.json(args) {
            Value::Array(items) => items,
            other => panic!(
                "`comeback {}` should print an array, printed {other}",
                args.join(" ")
            ),
        }
    }

    /// Runs a command with `input` piped to its standard input (not a terminal).
    fn run_with_input(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that refuses before reading may have gone already.
        let _ = child.stdin.take().unwrap().write_all(input);
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must be refused with exit 1 and a one-line reason; returns it.
    fn refused(&self, args: &[&str]) -> String {
        refused(args, self.run(args))
    }

    /// `refused`, with `input` piped to its standard input.
    fn refused_with_input(&self, args: &[&str], input: &[u8]) -> String {
        refused(args, self.run_with_input(args, input))
    }

    /// Runs a command that must be a usage error (exit 2); returns stderr.
    fn usage_error(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(2),
            "`comeback {}` should be a usage error (exit 2)\nstdout: {}\nstderr: {stderr}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            !stderr.trim().is_empty(),
            "a usage error says what is wrong"
        );
        stderr
    }

    /// How many records the documents hold, by the doctor.
    fn records(&self) -> u64 {
        self.json(&["doctor", "--json"])["records"]
            .as_u64()
            .unwrap()
    }
}

/// `out` must be a refusal: exit 1, a one-line reason on stderr, nothing on stdout.
fn refused(args: &[&str], out: Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "`comeback {}` should be refused with exit 1\nstdout: {}\nstderr: {stderr}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.starts_with("comeback: "),
        "the reason starts with `comeback: `: {stderr:?}"
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "the reason is one line: {stderr:?}"
    );
    assert!(
        out.stdout.is_empty(),
        "a refused command prints nothing on stdout"
    );
    stderr
}

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["id"].as_str().unwrap()).collect()
}

/// Every file under `dir`, its subfolders included.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The recovery key in what `init` printed.
fn recovery_key(printed: &str) -> String {
    printed
        .lines()
        .map(str::trim)
        .find(|l| l.len() > 40 && l.split('-').all(|g| !g.is_empty() && g.len() <= 4))
        .expect("init prints the recovery key")
        .to_string()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ----- journal entries -----

#[test]
fn an_entry_is_added_listed_shown_edited_limited_and_deleted() {
    let s = Sandbox::new();
    let id = s.add(&[
        "entry",
        "add",
        "--text",
        "Told the team today. Strange relief.",
        "--mood",
        "4",
        "--tag",
        "Work",
        "--tag",
        "job search",
        "--date",
        "2026-03-14",
    ]);

    let listed = s.list(&["entry", "list", "--json"]);
    assert_eq!(listed.len(), 1);
    let e = &listed[0];
    assert_eq!(e["id"], json!(id));
    assert_eq!(e["date"], json!("2026-03-14"));
    assert_eq!(e["text"], json!("Told the team today. Strange relief."));
    assert_eq!(e["mood"], json!(4));
    assert_eq!(e["tags"], json!(["work", "job-search"]));

    let shown = s.ok(&["entry", "show", &id]);
    assert!(shown.contains("2026-03-14"), "{shown}");
    assert!(
        shown.contains("Told the team today. Strange relief."),
        "{shown}"
    );
    assert!(shown.contains("job-search"), "{shown}");
    // `show --json` is the listed record plus its files (none here).
    let mut shown = s.json(&["entry", "show", &id, "--json"]);
    assert_eq!(
        shown.as_object_mut().unwrap().remove("attachments"),
        Some(json!([]))
    );
    assert_eq!(shown, *e);

    s.ok(&[
        "entry",
        "edit",
        &id,
        "--text",
        "Told the team. Relief, then dread.",
    ]);
    let edited = s.json(&["entry", "show", &id, "--json"]);
    assert_eq!(edited["text"], json!("Told the team. Relief, then dread."));
    assert_eq!(
        edited["mood"],
        json!(4),
        "an edit of the text keeps the mood"
    );
    assert_eq!(
        edited["tags"],
        json!(["work", "job-search"]),
        "and the tags"
    );
    assert_eq!(edited["date"], json!("2026-03-14"), "and the date");

    let newer = s.add(&[
        "entry",
        "add",
        "--text",
        "Second day.",
        "--date",
        "2026-03-15",
    ]);
    assert_eq!(s.list(&["entry", "list", "--json"]).len(), 2);
    let limited = s.list(&["entry", "list", "--limit", "1", "--json"]);
    assert_eq!(
        ids(&limited),
        vec![newer.as_str()],
        "newest first, one only"
    );
    let plain = s.ok(&["entry", "list", "--limit", "1"]);
    assert_eq!(plain.lines().count(), 1, "{plain}");
    assert!(plain.contains(&newer), "{plain}");

    s.ok(&["entry", "delete", &id]);
    assert_eq!(
        ids(&s.list(&["entry", "list", "--json"])),
        vec![newer.as_str()]
    );
    let again = s.refused(&["entry", "delete", &id]);
    assert!(again.contains("no entry"), "{again}");
    let show = s.refused(&["entry", "show", &id]);
    assert!(show.contains("no entry"), "{show}");
}

#[test]
fn an_entry_moved_to_another_month_is_listed_once_with_its_new_date() {
    let s = Sandbox::new();
    let id = s.add(&[
        "entry",
        "add",
        "--text",
        "Wrong day",
        "--date",
        "2026-03-14",
    ]);
    s.ok(&[
        "entry",
        "edit",
        &id,
        "--date",
        "2025-12-31",
        "--mood",
        "2",
        "--tag",
        "#Grief",
    ]);
    let entries = s.list(&["entry", "list", "--json"]);
    assert_eq!(ids(&entries), vec![id.as_str()], "{entries:?}");
    assert_eq!(entries[0]["date"], json!("2025-12-31"));
    assert_eq!(entries[0]["mood"], json!(2));
    assert_eq!(entries[0]["tags"], json!(["grief"]));
    assert_eq!(entries[0]["text"], json!("Wrong day"));
    assert_eq!(s.list(&["search", "wrong", "--json"]).len(), 1);
    assert_eq!(s.json(&["doctor", "--json"])["healthy"], json!(true));

    let err = s.refused(&["entry", "edit", &id, "--mood", "9"]);
    assert!(err.contains("mood"), "{err}");
    s.refused(&["entry", "edit", &id, "--text", "  "]);
    assert_eq!(
        s.list(&["entry", "list", "--json"]),
        entries,
        "refused edits change nothing"
    );
}

#[test]
fn editing_an_entry_that_does_not_exist_is_refused() {
    let s = Sandbox::new();
    let err = s.refused(&["entry", "edit", "NOSUCHENTRY1", "--text", "hello"]);
    assert!(err.contains("no entry"), "{err}");
    assert!(s.list(&["entry", "list", "--json"]).is_empty());
}

#[test]
fn entries_written_on_this_day_in_earlier_years_are_found() {
    let s = Sandbox::new();
    let old = s.add(&[
        "entry",
        "add",
        "--text",
        "A year ago.",
        "--date",
        "2025-03-14",
    ]);
    s.add(&[
        "entry",
        "add",
        "--text",
        "This year.",
        "--date",
        "2026-03-14",
    ]);
    s.add(&[
        "entry",
        "add",
        "--text",
        "Another day.",
        "--date",
        "2025-03-15",
    ]);
    let found = s.list(&["entry", "on-this-day", "--date", "2026-03-14", "--json"]);
    assert_eq!(ids(&found), vec![old.as_str()]);
}

// ----- refusals -----

#[test]
fn a_mood_of_nine_is_refused_and_nothing_is_written() {
    let s = Sandbox::new();
    let before = s.records();
    let err = s.refused(&["entry", "add", "--text", "fine", "--mood", "9"]);
    assert!(err.contains("mood"), "{err}");
    assert!(s.list(&["entry", "list", "--json"]).is_empty());
    assert_eq!(s.records(), before);
}

#[test]
fn an_empty_or_blank_entry_is_refused_and_nothing_is_written() {
    let s = Sandbox::new();
    for text in ["", "   ", "\n\t "] {
        let err = s.refused(&["entry", "add", "--text", text]);
        assert!(err.contains("text"), "{err}");
    }
    assert!(s.list(&["entry", "list", "--json"]).is_empty());
}

#[test]
fn an_entry_without_text_an_impossible_date_or_an_unknown_flag_is_a_usage_error() {
    let s = Sandbox::new();
    s.usage_error(&["entry", "add"]);
    s.usage_error(&["entry", "add", "--mood", "3"]);
    let err = s.usage_error(&["entry", "add", "--text", "x", "--date", "2026-13-40"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    s.usage_error(&["entry", "add", "--text", "x", "--mood", "many"]);
    s.usage_error(&["entry", "add", "--text", "x", "--colour", "blue"]);
    s.usage_error(&["entry", "list", "--limit", "lots"]);
    assert!(s.list(&["entry", "list", "--json"]).is_empty());
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let s = Sandbox::new();
    s.usage_error(&["frobnicate"]);
    s.usage_error(&["entry", "frobnicate"]);
    s.usage_error(&[]);
}

#[test]
fn every_command_before_init_is_refused_and_points_to_comeback_init() {
    let s = Sandbox::empty();
    for args in [
        &["entry", "add", "--text", "too early"][..],
        &["entry", "list", "--json"],
        &["search", "early"],
        &["doctor"],
        &["contact", "due"],
        &["mood", "add", "--mood", "3"],
    ] {
        let err = s.refused(args);
        assert!(err.contains("comeback init"), "{args:?}: {err}");
    }
    assert!(
        !s.vault.exists(),
        "a refused command creates no vault folder"
    );
    assert!(!s.key.exists(), "a refused command creates no key file");
}

#[test]
fn init_twice_is_refused_and_the_first_vault_still_works() {
    let s = Sandbox::new();
    let id = s.add(&["entry", "add", "--text", "before the second init"]);
    let key_before = std::fs::read(&s.key).unwrap();

    let err = s.refused(&["init"]);
    assert!(err.contains("already"), "{err}");

    assert_eq!(
        std::fs::read(&s.key).unwrap(),
        key_before,
        "the key file is untouched"
    );
    assert_eq!(
        ids(&s.list(&["entry", "list", "--json"])),
        vec![id.as_str()]
    );
    s.add(&["entry", "add", "--text", "after the second init"]);
    assert_eq!(s.list(&["entry", "list", "--json"]).len(), 2);
}

#[test]
fn init_prints_a_recovery_key_and_help_or_version_exit_zero() {
    let (s, printed) = Sandbox::with_init();
    assert!(printed.contains("recovery key"), "{printed}");
    assert!(
        printed.contains(&s.vault.display().to_string()),
        "{printed}"
    );
    let help = s.run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("entry"));
    let version = s.run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&version.stdout).contains("comeback"));
}

// ----- search -----

#[test]
fn search_finds_an_entry_by_a_word_prefix() {
    let s = Sandbox::new();
    let id = s.add(&[
        "entry",
        "add",
        "--text",
        "Interviewing with Marmot Labs on Friday",
        "--date",
        "2026-03-14",
    ]);
    s.add(&[
        "entry",
        "add",
        "--text",
        "Walked the dog.",
        "--date",
        "2026-03-15",
    ]);

    let hits = s.list(&["search", "interv", "--json"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit["kind"], json!("entry"));
    assert_eq!(hit["id"], json!(id));
    assert_eq!(hit["date"], json!("2026-03-14"));
    assert!(
        hit["title"]
            .as_str()
            .unwrap()
            .contains("Interviewing with Marmot Labs"),
        "{hit}"
    );
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("interviewing"),
        "{hit}"
    );

    let two_words = s.list(&["search", "MARM fri", "--json"]);
    assert_eq!(ids(&two_words), vec![id.as_str()]);
    assert!(s.list(&["search", "zzzqqq", "--json"]).is_empty());
    let plain = s.ok(&["search", "interv"]);
    assert!(plain.contains(&id), "{plain}");

    s.ok(&["entry", "edit", &id, "--text", "Walked the cat."]);
    assert!(
        s.list(&["search", "interv", "--json"]).is_empty(),
        "an edit updates the index"
    );
    assert_eq!(s.list(&["search", "walked", "--json"]).len(), 2);
    s.ok(&["entry", "delete", &id]);
    assert_eq!(
        s.list(&["search", "walked", "--json"]).len(),
        1,
        "a delete too"
    );
}

#[test]
fn a_search_of_only_punctuation_returns_nothing_rather_than_an_error() {
    let s = Sandbox::new();
    s.add(&["entry", "add", "--text", "Something to find, maybe."]);
    for query in ["!!!", "\"*(", "-- ^ ? :", ""] {
        // `--` ends the options, so a query may start with a dash.
        let hits = s.list(&["search", "--json", "--", query]);
        assert!(hits.is_empty(), "{query:?}: {hits:?}");
    }
}

// ----- the rest of the model -----

#[test]
fn the_profile_is_set_shown_and_updated() {
    let s = Sandbox::new();
    let err = s.refused(&["profile", "show"]);
    assert!(err.contains("profile set"), "{err}");
    let err = s.refused(&["profile", "set", "--what-happened", "no date yet"]);
    assert!(err.contains("happened"), "{err}");

    s.ok(&[
        "profile",
        "set",
        "--setback",
        "business-folded",
        "--happened-on",
        "2026-02-01",
        "--back-by",
        "2026-06-01",
        "--what-happened",
        "The shop closed.",
        "--worry-time",
        "18:30",
    ]);
    let p = s.json(&["profile", "show", "--json"]);
    assert_eq!(p["setback"], json!("business_folded"));
    assert_eq!(p["happened_on"], json!("2026-02-01"));
    assert_eq!(p["back_by"], json!("2026-06-01"));
    assert_eq!(p["what_happened"], json!("The shop closed."));
    assert_eq!(p["worry_time"], json!("18:30"));

    s.ok(&[
        "profile",
        "set",
        "--announcement",
        "I am looking for my next role.",
    ]);
    let p = s.json(&["profile", "show", "--json"]);
    assert_eq!(p["announcement"], json!("I am looking for my next role."));
    assert_eq!(
        p["what_happened"],
        json!("The shop closed."),
        "other fields are kept"
    );

    let err = s.refused(&["profile", "set", "--back-by", "2026-01-01"]);
    assert!(err.contains("back_by"), "{err}");
    assert_eq!(
        s.json(&["profile", "show", "--json"])["back_by"],
        json!("2026-06-01")
    );
    let shown = s.ok(&["profile", "show"]);
    assert!(shown.contains("The shop closed."), "{shown}");
}

#[test]
fn a_mood_check_in_is_added_and_moods_outside_one_to_five_are_refused() {
    let s = Sandbox::new();
    let id = s.add(&[
        "mood",
        "add",
        "--mood",
        "3",
        "--note",
        "tired",
        "--date",
        "2026-03-14",
    ]);
    for bad in ["0", "6"] {
        let err = s.refused(&["mood", "add", "--mood", bad]);
        assert!(err.contains("mood"), "{err}");
    }
    s.usage_error(&["mood", "add"]);
    let moods = s.list(&["mood", "list", "--json"]);
    assert_eq!(ids(&moods), vec![id.as_str()]);
    assert_eq!(moods[0]["mood"], json!(3));
    assert_eq!(moods[0]["note"], json!("tired"));
    assert_eq!(moods[0]["date"], json!("2026-03-14"));
}

#[test]
fn never_contacted_weak_ties_come_first_and_an_outreach_takes_a_contact_off_the_due_list() {
    let s = Sandbox::new();
    let often = s.add(&["contact", "add", "--name", "Olivia Often", "--tie", "often"]);
    let rarely = s.add(&[
        "contact",
        "add",
        "--name",
        "Raj Rarely",
        "--tie",
        "rarely",
        "--how-known",
        "old colleague",
    ]);
    let occasionally = s.add(&[
        "contact",
        "add",
        "--name",
        "Omar Now-and-then",
        "--tie",
        "occasionally",
    ]);
    let recent = s.add(&[
        "contact",
        "add",
        "--name",
        "Rita Recent",
        "--tie",
        "rarely",
        "--last-contact",
        &today(),
    ]);
    let err = s.refused(&["contact", "add", "--name", "Bad", "--cadence-days", "0"]);
    assert!(err.contains("cadence"), "{err}");

    let due = s.list(&["contact", "due", "--json"]);
    assert_eq!(
        ids(&due),
        vec![rarely.as_str(), occasionally.as_str(), often.as_str()],
        "weak ties first; the contact reached today is not due"
    );
    assert!(
        due[0].get("last_contact").is_none_or(Value::is_null),
        "{}",
        due[0]
    );
    assert!(!ids(&due).contains(&recent.as_str()));

    let outreach = s.add(&[
        "outreach",
        "add",
        "--contact",
        &rarely,
        "--message",
        "Coffee next week?",
        "--date",
        &today(),
    ]);
    let due = s.list(&["contact", "due", "--json"]);
    assert_eq!(ids(&due), vec![occasionally.as_str(), often.as_str()]);
    let raj = s.json(&["contact", "show", &rarely, "--json"]);
    assert_eq!(raj["last_contact"], json!(today()));
    assert_eq!(raj["how_known"], json!("old colleague"));

    let logged = s.list(&["outreach", "list", "--json"]);
    assert_eq!(ids(&logged), vec![outreach.as_str()]);
    assert_eq!(logged[0]["contact_id"], json!(rarely));
    assert_eq!(logged[0]["message"], json!("Coffee next week?"));

    let err = s.refused(&["outreach", "add", "--contact", "NOSUCHCONTACT"]);
    assert!(err.contains("no contact"), "{err}");
    assert_eq!(s.list(&["outreach", "list", "--json"]).len(), 1);
    assert_eq!(s.list(&["contact", "list", "--json"]).len(), 4);
}

#[test]
fn an_introduction_moves_from_requested_to_made_to_met() {
    let s = Sandbox::new();
    let via = s.add(&["contact", "add", "--name", "Dana"]);
    let intro = s.add(&[
        "intro",
        "add",
        "--via",
        &via,
        "--to",
        "Sam at Acme",
        "--date",
        "2026-03-01",
    ]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert_eq!(rec["status"], json!("requested"));
    assert_eq!(rec["via_contact_id"], json!(via));
    assert_eq!(rec["to_name"], json!("Sam at Acme"));

    s.ok(&[
        "intro",
        "move",
        &intro,
        "--status",
        "made",
        "--date",
        "2026-03-05",
    ]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert_eq!(rec["status"], json!("made"));
    assert_eq!(rec["made_on"], json!("2026-03-05"));

    s.ok(&[
        "intro",
        "move",
        &intro,
        "--status",
        "met",
        "--date",
        "2026-03-09",
    ]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert_eq!(rec["status"], json!("met"));
    assert_eq!(rec["made_on"], json!("2026-03-05"));
    assert_eq!(rec["met_on"], json!("2026-03-09"));

    let err = s.refused(&["intro", "add", "--via", "NOSUCHCONTACT", "--to", "Someone"]);
    assert!(err.contains("no contact"), "{err}");
    assert_eq!(s.list(&["intro", "list", "--json"]).len(), 1);
}

#[test]
fn project_hours_are_summed_per_week_against_the_target() {
    let s = Sandbox::new();
    let project = s.add(&["project", "add", "--name", "Pottery shop site"]);
    // 2026-03-09 and 2026-03-16 are Mondays.
    s.add(&[
        "project",
        "log",
        &project,
        "--hours",
        "3.5",
        "--date",
        "2026-03-10",
    ]);
    s.add(&[
        "project",
        "log",
        &project,
        "--hours",
        "3.5",
        "--date",
        "2026-03-15",
    ]);
    s.add(&[
        "project",
        "log",
        &project,
        "--hours",
        "3.5",
        "--date",
        "2026-03-16",
    ]);

    let weeks = s.list(&["project", "hours", &project, "--json"]);
    assert_eq!(
        weeks,
        vec![
            json!({"week": "2026-03-09", "hours": 7.0, "target": 20.0}),
            json!({"week": "2026-03-16", "hours": 3.5, "target": 20.0}),
        ]
    );

    for bad in ["0", "30"] {
        let err = s.refused(&[
            "project",
            "log",
            &project,
            "--hours",
            bad,
            "--date",
            "2026-03-16",
        ]);
        assert!(err.contains("hours"), "{err}");
    }
    let err = s.refused(&["project", "log", "NOSUCHPROJECT", "--hours", "2"]);
    assert!(err.contains("no project"), "{err}");
    s.usage_error(&["project", "log", &project, "--hours", "lots"]);
    assert_eq!(
        s.list(&["project", "hours", &project, "--json"]),
        weeks,
        "nothing was logged"
    );

    let other = s.add(&["project", "add", "--name", "Course", "--target-hours", "5"]);
    assert!(s.list(&["project", "hours", &other, "--json"]).is_empty());
    let projects = s.list(&["project", "list", "--json"]);
    assert_eq!(projects.len(), 2);
    let err = s.refused(&[
        "project",
        "add",
        "--name",
        "Too much",
        "--target-hours",
        "100",
    ]);
    assert!(err.contains("weekly_target_hours"), "{err}");
}

#[test]
fn an_event_keeps_its_contacts_and_a_win_is_kept() {
    let s = Sandbox::new();
    let contact = s.add(&["contact", "add", "--name", "Priya"]);
    let event = s.add(&[
        "event",
        "add",
        "--title",
        "Rust meetup",
        "--kind",
        "networking",
        "--contact",
        &contact,
        "--date",
        "2026-03-12",
    ]);
    let rec = s.json(&["event", "show", &event, "--json"]);
    assert_eq!(rec["title"], json!("Rust meetup"));
    assert_eq!(rec["kind"], json!("networking"));
    assert_eq!(rec["contact_ids"], json!([contact]));
    assert_eq!(rec["date"], json!("2026-03-12"));
    let err = s.refused(&[
        "event",
        "add",
        "--title",
        "Ghost",
        "--contact",
        "NOSUCHCONTACT",
    ]);
    assert!(err.contains("no contact"), "{err}");
    s.usage_error(&["event", "add", "--title", "Party", "--kind", "rave"]);
    assert_eq!(s.list(&["event", "list", "--json"]).len(), 1);

    let win = s.add(&[
        "win",
        "add",
        "--title",
        "Shipped the beta",
        "--category",
        "collaboration-mentoring",
        "--text",
        "Two hundred sign-ups.",
    ]);
    let wins = s.list(&["win", "list", "--json"]);
    assert_eq!(ids(&wins), vec![win.as_str()]);
    assert_eq!(wins[0]["category"], json!("collaboration_mentoring"));
    assert_eq!(wins[0]["text"], json!("Two hundred sign-ups."));
    s.refused(&["win", "add", "--title", " "]);
}

#[test]
fn closing_a_pipeline_item_needs_a_reason() {
    let s = Sandbox::new();
    let item = s.add(&[
        "next",
        "add",
        "--title",
        "Backend engineer",
        "--org",
        "Acme",
    ]);
    assert_eq!(
        s.json(&["next", "show", &item, "--json"])["stage"],
        json!("saved")
    );

    s.ok(&["next", "move", &item, "--stage", "offer"]);
    assert_eq!(
        s.json(&["next", "show", &item, "--json"])["stage"],
        json!("offer")
    );

    let err = s.refused(&["next", "move", &item, "--stage", "closed"]);
    assert!(err.contains("reason"), "{err}");
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(
        rec["stage"],
        json!("offer"),
        "the refused move left it at offer"
    );
    s.usage_error(&["next", "move", &item, "--stage", "hired"]);

    s.ok(&[
        "next",
        "move",
        &item,
        "--stage",
        "closed",
        "--reason",
        "took another offer",
    ]);
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(rec["stage"], json!("closed"));
    assert_eq!(rec["closed_reason"], json!("took another offer"));
    assert!(s.list(&["next", "follow-ups", "--json"]).is_empty());
}

#[test]
fn a_debrief_cannot_be_completed_without_a_lesson_and_exports_as_markdown() {
    let s = Sandbox::new();
    let id = s.add(&["debrief", "new", "--title", "Leaving Acme"]);
    let rec = s.json(&["debrief", "show", &id, "--json"]);
    assert_eq!(rec["title"], json!("Leaving Acme"));
    assert_eq!(rec["setback"], json!("let_go"));
    assert!(
        !rec["questions"].as_array().unwrap().is_empty(),
        "probing questions are seeded"
    );

    let err = s.refused(&["debrief", "complete", &id]);
    assert!(err.to_lowercase().contains("lesson"), "{err}");
    assert_eq!(
        s.json(&["debrief", "show", &id, "--json"])["completed"],
        json!(false)
    );

    s.ok(&[
        "debrief",
        "lesson",
        &id,
        "--lesson",
        "I quit my day job too soon",
        "--action",
        "Keep a part-time contract until revenue covers rent",
        "--due",
        "2026-04-01",
    ]);
    s.ok(&["debrief", "complete", &id]);
    let rec = s.json(&["debrief", "show", &id, "--json"]);
    assert_eq!(rec["completed"], json!(true));
    assert_eq!(
        rec["lessons"][0]["lesson"],
        json!("I quit my day job too soon")
    );
    assert_eq!(rec["lessons"][0]["due"], json!("2026-04-01"));

    let md = s.ok(&["debrief", "export", &id]);
    assert!(md.contains("Leaving Acme"), "{md}");
    assert!(md.contains("I quit my day job too soon"), "{md}");
    assert!(
        md.contains("Keep a part-time contract until revenue covers rent"),
        "{md}"
    );
    assert!(md.contains("2026-04-01"), "{md}");
    assert!(
        md.lines().any(|l| l.starts_with('#')),
        "Markdown headings: {md}"
    );

    let err = s.refused(&["debrief", "export", "NOSUCHDEBRIEF"]);
    assert!(err.contains("no debrief"), "{err}");
}

#[test]
fn a_debrief_field_is_changed_with_set_including_nested_fields() {
    let s = Sandbox::new();
    let id = s.add(&[
        "debrief",
        "new",
        "--title",
        "The folded shop",
        "--setback",
        "business_folded",
    ]);
    s.ok(&[
        "debrief",
        "set",
        &id,
        "--set",
        "intent=what I meant to do",
        "--set",
        "hot_thought.before=80",
    ]);
    let rec = s.json(&["debrief", "show", &id, "--json"]);
    assert_eq!(rec["intent"], json!("what I meant to do"));
    assert_eq!(rec["hot_thought"]["before"], json!(80));
    assert_eq!(
        rec["setback"],
        json!("business_folded"),
        "other fields are kept"
    );

    s.ok(&[
        "debrief",
        "set",
        &id,
        "--set",
        "hot_thought.thought=I am unemployable",
    ]);
    let rec = s.json(&["debrief", "show", &id, "--json"]);
    assert_eq!(rec["hot_thought"]["thought"], json!("I am unemployable"));
    assert_eq!(
        rec["hot_thought"]["before"],
        json!(80),
        "a nested set keeps its siblings"
    );

    let err = s.refused(&["debrief", "set", &id, "--set", "hot_thought.before=300"]);
    assert!(err.contains("debrief"), "{err}");
    s.refused(&["debrief", "set", &id, "--set", "no-equals-sign"]);
    s.usage_error(&["debrief", "set", &id]);
    let after = s.json(&["debrief", "show", &id, "--json"]);
    assert_eq!(after, rec, "refused sets change nothing");
    assert_eq!(
        ids(&s.list(&["debrief", "list", "--json"])),
        vec![id.as_str()]
    );
}

#[test]
fn every_kind_lists_as_a_json_array() {
    let s = Sandbox::new();
    let contact = s.add(&["contact", "add", "--name", "Lee"]);
    let project = s.add(&["project", "add", "--name", "Side thing"]);
    let added = [
        ("entry", s.add(&["entry", "add", "--text", "Hello"])),
        ("mood", s.add(&["mood", "add", "--mood", "2"])),
        ("debrief", s.add(&["debrief", "new", "--title", "D"])),
        ("worry", s.add(&["worry", "add", "--text", "Money"])),
        ("contact", contact.clone()),
        (
            "outreach",
            s.add(&["outreach", "add", "--contact", &contact]),
        ),
        (
            "intro",
            s.add(&["intro", "add", "--via", &contact, "--to", "Kim"]),
        ),
        ("project", project.clone()),
        (
            "event",
            s.add(&["event", "add", "--title", "Coffee", "--kind", "coffee"]),
        ),
        (
            "win",
            s.add(&["win", "add", "--title", "Finished the course"]),
        ),
        (
            "next",
            s.add(&["next", "add", "--title", "Café idea", "--kind", "business"]),
        ),
        (
            "story",
            s.add(&[
                "story",
                "add",
                "--title",
                "Rescuing the launch",
                "--result",
                "On time",
            ]),
        ),
    ];
    s.add(&["project", "log", &project, "--hours", "2"]);
    for (kind, id) in added.iter().map(|(k, i)| (*k, i.as_str())) {
        let items = s.list(&[kind, "list", "--json"]);
        assert_eq!(ids(&items), vec![id], "{kind}");
        let mut shown = s.json(&[kind, "show", id, "--json"]);
        if kind == "entry" {
            // An entry's `show` adds its files.
            assert_eq!(
                shown.as_object_mut().unwrap().remove("attachments"),
                Some(json!([]))
            );
        }
        assert_eq!(shown, items[0], "{kind}");
        let plain = s.ok(&[kind, "list"]);
        assert!(plain.contains(id), "{kind}: {plain}");
    }
    // Deleting works through the shared verb for every kind.
    let (_, story) = &added[11];
    s.ok(&["story", "delete", story]);
    assert!(s.list(&["story", "list", "--json"]).is_empty());
    let err = s.refused(&["story", "delete", story]);
    assert!(err.contains("no story"), "{err}");
}

// ----- doctor -----

#[test]
fn the_doctor_finds_the_mirror_matching_and_can_rebuild_it() {
    let s = Sandbox::new();
    s.add(&["entry", "add", "--text", "One", "--date", "2026-01-02"]);
    s.add(&["entry", "add", "--text", "Two", "--date", "2026-03-14"]);
    s.add(&["contact", "add", "--name", "Ana"]);

    let out = s.ok(&["doctor"]);
    assert!(out.contains("the mirror matches the documents"), "{out}");
    let report = s.json(&["doctor", "--json"]);
    assert_eq!(report["healthy"], json!(true), "{report}");
    assert_eq!(report["problems"], json!([]), "{report}");
    assert_eq!(report["records"], json!(3), "{report}");

    let out = s.ok(&["doctor", "--rebuild"]);
    assert!(out.contains("Rebuilt"), "{out}");
    assert!(out.contains("the mirror matches the documents"), "{out}");
    assert_eq!(s.list(&["entry", "list", "--json"]).len(), 2);
    assert_eq!(
        s.list(&["search", "two", "--json"]).len(),
        1,
        "search is rebuilt too"
    );
    assert_eq!(s.json(&["doctor", "--json"])["healthy"], json!(true));
}

#[test]
fn an_open_that_rebuilds_the_mirror_after_an_update_says_so_on_stderr_and_shows_everything() {
    let s = Sandbox::new();
    s.add(&[
        "entry",
        "add",
        "--text",
        "Kept through an update",
        "--date",
        "2026-01-02",
    ]);
    s.ok(&["dev", "outdate-mirror"]);

    let out = s.run(&["entry", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bringing the journal's index up to date"),
        "{err}"
    );
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.len(), 1, "standard output holds only the answer");
    assert_eq!(listed[0]["text"], json!("Kept through an update"));

    // Once: the next open is an ordinary one.
    let out = s.run(&["entry", "list", "--json"]);
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");
    assert_eq!(s.json(&["doctor", "--json"])["healthy"], json!(true));
}

#[test]
fn dev_footprints_weighs_each_documents_stored_chunks() {
    let s = Sandbox::new();
    s.add(&["entry", "add", "--text", "One", "--date", "2026-03-04"]);
    s.add(&["entry", "add", "--text", "Two", "--date", "2026-03-05"]);
    let out = s.ok(&["dev", "footprints"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("document\tsnapshot bytes\tchanges\tchange bytes")
    );
    let month: Vec<&str> = lines
        .find(|l| l.starts_with("journal-2026-03\t"))
        .unwrap_or_else(|| panic!("no row for the month: {out}"))
        .split('\t')
        .collect();
    let numbers: Vec<i64> = month[1..].iter().map(|n| n.parse().unwrap()).collect();
    // Two small writes: below the size from which a document is compacted by size, and
    // far below 64 changes, so they are stored as they came.
    assert!(numbers[1] >= 2 && numbers[2] > 0, "{out}");
}

// ----- encryption at rest and the key file -----

#[test]
fn nothing_written_is_readable_in_the_vault_files_and_vault_json_holds_no_key() {
    const MARKER: &str = "zebra-marmalade-7731";
    let (s, printed) = Sandbox::with_init();
    let recovery = recovery_key(&printed);

    let entry = s.add(&[
        "entry",
        "add",
        "--text",
        &format!("The {MARKER} plan"),
        "--tag",
        MARKER,
    ]);
    let contact = s.add(&["contact", "add", "--name", MARKER, "--how-known", MARKER]);
    let debrief = s.add(&["debrief", "new", "--title", "Private"]);
    s.ok(&[
        "debrief",
        "set",
        &debrief,
        "--set",
        &format!("unload={MARKER}"),
    ]);
    // The marker is really stored: it reads back through the CLI.
    assert!(s.ok(&["entry", "show", &entry]).contains(MARKER));
    assert!(s.ok(&["contact", "show", &contact]).contains(MARKER));
    assert!(s.ok(&["debrief", "show", &debrief]).contains(MARKER));
    assert_eq!(s.list(&["search", MARKER, "--json"]).len(), 3);

    // A writer killed mid-stream leaves its write-ahead log behind: that is read too.
    let mut writer = s
        .command(&["dev", "add-many", "--count", "1000000", "--prefix", MARKER])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(writer.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(!first.trim().is_empty(), "add-many wrote an entry");
    writer.kill().unwrap();
    writer.wait().unwrap();

    let names: Vec<String> = std::fs::read_dir(&s.vault)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "vault.json"), "{names:?}");
    assert!(names.iter().any(|n| n == "comeback.db"), "{names:?}");

    let key = comeback_core::keys::SecretKey::from_recovery_key(&recovery).unwrap();
    let hex = key.as_bytes().iter().fold(String::new(), |mut hex, b| {
        use std::fmt::Write;
        write!(hex, "{b:02x}").unwrap();
        hex
    });
    let files = files_under(&s.vault);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for needle in [MARKER, "zebra-marmalade", "marmalade", "Private"] {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{needle:?} is readable in {}",
                file.display()
            );
        }
        assert!(
            !contains(&bytes, key.as_bytes()),
            "the raw key is in {}",
            file.display()
        );
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(
            !text.contains(&hex),
            "the key in hex is in {}",
            file.display()
        );
        let compact = recovery.replace('-', "").to_lowercase();
        assert!(
            !text.replace('-', "").contains(&compact),
            "the recovery key is in {}",
            file.display()
        );
    }

    let vault_json: Value =
        serde_json::from_str(&std::fs::read_to_string(s.vault.join("vault.json")).unwrap())
            .unwrap();
    assert_eq!(vault_json["key"], json!("key-file"), "{vault_json}");
    assert!(vault_json.get("recovery_key").is_none(), "{vault_json}");
}

#[test]
fn init_writes_the_key_file_owner_only_and_a_readable_key_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    let mode = std::fs::metadata(&s.key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    let id = s.add(&["entry", "add", "--text", "secret"]);

    std::fs::set_permissions(&s.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = s.refused(&["entry", "list", "--json"]);
    assert!(err.contains("chmod 600"), "{err}");
    s.refused(&["entry", "add", "--text", "while the key is exposed"]);

    std::fs::set_permissions(&s.key, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        ids(&s.list(&["entry", "list", "--json"])),
        vec![id.as_str()]
    );
}

#[test]
fn a_vault_whose_key_file_is_missing_is_refused_and_opens_again_once_it_is_back() {
    let s = Sandbox::new();
    s.add(&["entry", "add", "--text", "mine"]);
    std::fs::rename(&s.key, s.dir.path().join("key.moved")).unwrap();
    let err = s.refused(&["entry", "list", "--json"]);
    assert!(err.contains("key file"), "{err}");
    s.refused(&["entry", "add", "--text", "without a key"]);
    assert!(
        !s.key.exists(),
        "a refused open does not make a new key file"
    );

    std::fs::rename(s.dir.path().join("key.moved"), &s.key).unwrap();
    let entries = s.list(&["entry", "list", "--json"]);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["text"], json!("mine"));
}

#[test]
fn a_vault_opened_with_another_vaults_key_is_refused_with_a_one_line_reason() {
    let s = Sandbox::new();
    s.add(&["entry", "add", "--text", "mine"]);
    let other = Sandbox::new();
    std::fs::rename(&s.key, s.dir.path().join("key.mine")).unwrap();
    std::fs::copy(&other.key, &s.key).unwrap();

    let err = s.refused(&["entry", "list", "--json"]);
    assert!(err.contains("key"), "{err}");
    s.refused(&["entry", "add", "--text", "with the wrong key"]);

    std::fs::rename(s.dir.path().join("key.mine"), &s.key).unwrap();
    let entries = s.list(&["entry", "list", "--json"]);
    assert_eq!(entries.len(), 1, "nothing was written with the wrong key");
    assert_eq!(entries[0]["text"], json!("mine"));
}

// ----- unlock: the recovery key never on the command line -----

/// A session bus that does not exist: these tests have no keychain, so a recovery key
/// that `unlock` read and accepted ends at "no keychain is reachable".
const NO_BUS: &str = "unix:path=/nonexistent/comeback-test-bus";

#[test]
fn unlock_refuses_the_recovery_key_as_an_argument_and_does_nothing() {
    let (s, printed) = Sandbox::with_init();
    let key = recovery_key(&printed);
    let id = s.add(&["entry", "add", "--text", "still here"]);
    let vault_json = std::fs::read(s.vault.join("vault.json")).unwrap();
    let flag = format!("--recovery-key={key}");
    for args in [
        vec!["unlock", "--recovery-key", key.as_str()],
        vec!["unlock", flag.as_str()],
        vec!["unlock", "--recovery-key"],
    ] {
        // Refused before anything else: even a key it could read on stdin is not read.
        let reason = s.refused_with_input(&args, format!("{key}\n").as_bytes());
        assert!(reason.contains("--recovery-key is refused"), "{reason}");
        assert!(reason.contains("shell history"), "says why: {reason}");
        assert!(
            reason.contains("paste it at the prompt of `comeback unlock`"),
            "{reason}"
        );
        assert!(reason.contains("`comeback unlock < key.txt`"), "{reason}");
        assert!(
            !reason.contains(&key),
            "the reason repeats no key: {reason}"
        );
    }
    // Refused before even looking for a vault.
    let reason = Sandbox::empty().refused(&["unlock", "--recovery-key", &key]);
    assert!(reason.contains("--recovery-key is refused"), "{reason}");
    // Nothing was done: the vault is as it was.
    assert_eq!(
        std::fs::read(s.vault.join("vault.json")).unwrap(),
        vault_json
    );
    assert_eq!(
        ids(&s.list(&["entry", "list", "--json"])),
        vec![id.as_str()]
    );
    // Help speaks of the prompt and standard input, not of the flag.
    let help = s.ok(&["unlock", "--help"]);
    assert!(help.contains("comeback unlock < key.txt"), "{help}");
    assert!(!help.contains("--recovery-key"), "{help}");
}

#[test]
fn unlock_reads_the_recovery_key_from_standard_input_and_says_what_is_wrong_with_it() {
    let (s, printed) = Sandbox::with_init();
    let key = recovery_key(&printed);
    let unlock = |input: &str| {
        let mut cmd = s.command(&["unlock"]);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes());
        refused(&["unlock"], child.wait_with_output().unwrap())
    };

    for empty in ["", "\n", "   \n", "\nsecond line\n"] {
        let reason = unlock(empty);
        assert!(
            reason.contains("no recovery key was given"),
            "{empty:?}: {reason}"
        );
        assert!(reason.contains("comeback unlock < key.txt"), "{reason}");
    }
    // With no vault, it says so before asking for a key.
    let reason = Sandbox::empty().refused_with_input(&["unlock"], format!("{key}\n").as_bytes());
    assert!(reason.contains("comeback init"), "{reason}");

    let reason = unlock("not a key: at all!\n");
    assert!(reason.contains("recovery key is not valid"), "{reason}");
    assert!(reason.contains("A–Z and 2–7"), "{reason}");
    let reason = unlock("ABCD-EFGH\n");
    assert!(reason.contains("not the right length"), "{reason}");
    let mut typo = key.clone();
    let first = typo.remove(0);
    typo.insert(0, if first == 'A' { 'B' } else { 'A' });
    let reason = unlock(&format!("{typo}\n"));
    assert!(reason.contains("checksum does not match"), "{reason}");
    let reason = unlock(&"A".repeat(10_000));
    assert!(reason.contains("longer than any recovery key"), "{reason}");
    assert!(
        !reason.contains("AAAA"),
        "the reason repeats none of it: {reason}"
    );

    // The right key is read, whatever its case, dashes, spaces, CR or what follows its
    // line, and goes on to the keychain (none here).
    for input in [
        format!("{key}\n"),
        format!("  {}\r\n", key.to_lowercase()),
        format!("{}\nmore\n", key.replace('-', " ")),
        key.clone(),
    ] {
        let reason = unlock(&input);
        assert!(
            reason.contains("no keychain is reachable"),
            "{input:?}: {reason}"
        );
    }
    // A key file (`init --key-file` writes one) can be piped in as it is.
    let out = s
        .command(&["unlock"])
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .stdin(std::fs::File::open(&s.key).unwrap())
        .output()
        .unwrap();
    let reason = refused(&["unlock"], out);
    assert!(reason.contains("no keychain is reachable"), "{reason}");
}

/// A pseudo-terminal: `comeback` gets its terminal end as standard input; the test types
/// on the other end and sees what the terminal would show.
struct Pty {
    master: std::os::fd::OwnedFd,
    terminal: std::fs::File,
}

impl Pty {
    fn open() -> Self {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        use std::os::unix::fs::OpenOptionsExt;
        // CLOEXEC: a `comeback` holding the other end would keep its terminal open, and
        // wait for ever should the test fail before typing.
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
        // What the terminal shows is read without waiting.
        rustix::io::ioctl_fionbio(&master, true).unwrap();
        Self { master, terminal }
    }

    fn echoes(&self) -> bool {
        let modes = rustix::termios::tcgetattr(&self.terminal)
            .unwrap()
            .local_modes;
        modes.contains(rustix::termios::LocalModes::ECHO)
    }

    fn line_mode(&self) -> bool {
        let modes = rustix::termios::tcgetattr(&self.terminal)
            .unwrap()
            .local_modes;
        modes.contains(rustix::termios::LocalModes::ICANON | rustix::termios::LocalModes::ISIG)
    }

    /// Types `keys` as a person at this terminal would.
    fn type_keys(&self, keys: &[u8]) {
        assert_eq!(rustix::io::write(&self.master, keys).unwrap(), keys.len());
    }

    /// The refusal `unlock` ended with, after the line its prompt ended with.
    fn refused(child: std::process::Child) -> String {
        let mut out = child.wait_with_output().unwrap();
        assert_eq!(
            out.stderr.first(),
            Some(&b'\n'),
            "the prompt's line is ended: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stderr.remove(0);
        refused(&["unlock"], out)
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

    /// Starts `comeback unlock` at this terminal (no keychain) and waits for its prompt
    /// on stderr.
    fn unlock(&self, s: &Sandbox) -> std::process::Child {
        let mut child = s
            .command(&["unlock"])
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .stdin(self.terminal.try_clone().unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.as_mut().unwrap();
        let mut prompt = Vec::new();
        let mut byte = [0u8; 1];
        while !String::from_utf8_lossy(&prompt).contains("(what you type is not shown): ") {
            let n = std::io::Read::read(stderr, &mut byte).unwrap();
            assert_eq!(
                n,
                1,
                "unlock ended before its prompt: {:?}",
                String::from_utf8_lossy(&prompt)
            );
            prompt.push(byte[0]);
        }
        assert!(
            String::from_utf8_lossy(&prompt).starts_with("Recovery key"),
            "{prompt:?}"
        );
        child
    }
}

#[test]
fn unlock_at_a_terminal_shows_nothing_of_the_key_and_puts_the_terminal_back() {
    let (s, printed) = Sandbox::with_init();
    let key = recovery_key(&printed);
    let pty = Pty::open();
    assert!(pty.echoes() && pty.line_mode(), "a fresh terminal echoes");

    let child = pty.unlock(&s);
    assert!(!pty.echoes(), "the prompt turns echo off");
    // A typo erased with Backspace, a false start cleared with Ctrl-U, then the key.
    pty.type_keys(b"WRONG\x15");
    pty.type_keys(format!("{}X\x7f\r", key.to_lowercase()).as_bytes());
    let reason = Pty::refused(child);
    // The key was read and accepted; only the keychain is missing here.
    assert!(reason.contains("no keychain is reachable"), "{reason}");

    let shown = pty.shown();
    assert!(
        shown.is_empty(),
        "the terminal showed {:?}",
        String::from_utf8_lossy(&shown)
    );
    assert!(pty.echoes() && pty.line_mode(), "the terminal is put back");
}

#[test]
fn ctrl_c_at_the_unlock_prompt_cancels_and_puts_the_terminal_back() {
    let s = Sandbox::new();
    let pty = Pty::open();
    let child = pty.unlock(&s);
    pty.type_keys(b"ABCD-EF\x03");
    let reason = Pty::refused(child);
    assert!(reason.contains("cancelled"), "{reason}");
    assert!(pty.shown().is_empty());
    assert!(pty.echoes() && pty.line_mode(), "the terminal is put back");
}

// ----- the process: no core dumps -----

/// The "Max core file size" line of /proc/PID/limits: soft and hard.
fn core_limit_of(pid: &str) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_else(|| panic!("no core limit in /proc/{pid}/limits:\n{limits}"));
    let mut fields = line["Max core file size".len()..].split_whitespace();
    (
        fields.next().unwrap().to_string(),
        fields.next().unwrap().to_string(),
    )
}

#[test]
fn comeback_runs_with_core_dumps_off_and_not_dumpable() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    use std::io::BufRead;
    // `comeback` inherits this process's core limit: make it one that allows core files,
    // so that the 0 it shows is its own doing.
    let before = getrlimit(Resource::Core);
    let allow = match before.maximum {
        None => Rlimit {
            current: Some(1 << 20),
            maximum: None,
        },
        Some(0) => Rlimit {
            current: Some(1 << 20),
            maximum: Some(1 << 20),
        },
        Some(hard) => Rlimit {
            current: Some(hard.min(1 << 20)),
            maximum: Some(hard),
        },
    };
    setrlimit(Resource::Core, allow).unwrap_or_else(|e| {
        panic!("this test needs core files allowed to start with (ulimit -Hc is 0 and cannot be raised: {e})")
    });
    assert_ne!(core_limit_of("self").0, "0", "the test allows core files");

    let s = Sandbox::empty();
    let mut child = s
        .command(&["dev", "hardening"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        out.read_line(&mut said).unwrap();
    }
    // Seen from outside, while it runs.
    let pid = child.id().to_string();
    assert_eq!(
        core_limit_of(&pid),
        ("0".to_string(), "0".to_string()),
        "Max core file size of the running comeback"
    );
    // Seen from inside (getrlimit and prctl(PR_GET_DUMPABLE)).
    assert_eq!(said, "core limit 0 0\ndumpable no\n");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    setrlimit(Resource::Core, before).unwrap();
}

// ----- writes that carry the version they started from -----

#[test]
fn show_and_list_json_carry_the_version_each_record_was_read_at() {
    let s = Sandbox::new();
    let id = s.add(&["entry", "add", "--text", "One.", "--date", "2026-02-02"]);
    let shown = s.json(&["entry", "show", &id, "--json"]);
    let version = shown["version"].as_str().unwrap().to_string();
    assert!(!version.is_empty());
    let listed = s.list(&["entry", "list", "--json"]);
    assert_eq!(listed[0]["version"], version.as_str());
    let contact = s.add(&["contact", "add", "--name", "Ana"]);
    assert!(s.json(&["contact", "show", &contact, "--json"])["version"].is_string());
    assert!(s.list(&["contact", "list", "--json"])[0]["version"].is_string());
    // Lists a rule picks carry it too.
    let due = s.list(&["contact", "due", "--json"]);
    assert!(!due.is_empty() && due.iter().all(|c| c["version"].is_string()));
    s.add(&[
        "entry",
        "add",
        "--text",
        "A year ago.",
        "--date",
        "2025-02-02",
    ]);
    let then = s.list(&["entry", "on-this-day", "--date", "2026-02-02", "--json"]);
    assert_eq!(then.len(), 1);
    assert!(then[0]["version"].is_string());
}

#[test]
fn an_edit_on_an_older_version_keeps_what_was_written_since() {
    let s = Sandbox::new();
    let id = s.add(&[
        "entry",
        "add",
        "--text",
        "First paragraph.\n\nSecond paragraph.",
        "--date",
        "2026-02-02",
    ]);
    let old = s.json(&["entry", "show", &id, "--json"])["version"]
        .as_str()
        .unwrap()
        .to_string();
    // Someone else (another device, another window) changes the second paragraph and
    // the mood ...
    s.ok(&[
        "entry",
        "edit",
        &id,
        "--text",
        "First paragraph.\n\nSecond paragraph, rewritten.",
        "--mood",
        "4",
    ]);
    // ... while this edit was made on the version read before.
    s.ok(&[
        "entry",
        "edit",
        &id,
        "--text",
        "First paragraph, rewritten.\n\nSecond paragraph.",
        "--version",
        &old,
    ]);
    let now = s.json(&["entry", "show", &id, "--json"]);
    assert_eq!(
        now["text"],
        "First paragraph, rewritten.\n\nSecond paragraph, rewritten."
    );
    assert_eq!(now["mood"], 4);
    // The same through `set`, on a contact.
    let c = s.add(&["contact", "add", "--name", "Ana"]);
    let v = s.json(&["contact", "show", &c, "--json"])["version"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(&["contact", "set", &c, "--set", "how_known=at a meetup"]);
    s.ok(&[
        "contact",
        "set",
        &c,
        "--set",
        "name=Ana Lima",
        "--version",
        &v,
    ]);
    let now = s.json(&["contact", "show", &c, "--json"]);
    assert_eq!(now["name"], "Ana Lima");
    assert_eq!(now["how_known"], "at a meetup");
}

#[test]
fn a_version_that_is_not_in_the_vaults_history_is_refused_and_nothing_is_written() {
    let s = Sandbox::new();
    let id = s.add(&["entry", "add", "--text", "Stays.", "--date", "2026-02-02"]);
    let other = s.add(&[
        "entry",
        "add",
        "--text",
        "Other month.",
        "--date",
        "2025-07-07",
    ]);
    let foreign = s.json(&["entry", "show", &other, "--json"])["version"]
        .as_str()
        .unwrap()
        .to_string();
    let before = s.list(&["entry", "list", "--json"]);
    for bad in [foreign.as_str(), "yesterday", &"ab".repeat(32)] {
        let reason = s.refused(&["entry", "edit", &id, "--text", "Gone?", "--version", bad]);
        assert!(reason.contains("version"), "{reason}");
        s.refused(&["entry", "set", &id, "--set", "text=Gone?", "--version", bad]);
    }
    assert_eq!(s.list(&["entry", "list", "--json"]), before);
}

#[test]
fn init_refuses_a_folder_holding_a_database_without_vault_json() {
    let (s, _) = Sandbox::with_init();
    s.add(&[
        "entry",
        "add",
        "--text",
        "Precious.",
        "--date",
        "2026-02-02",
    ]);
    let db = s.vault.join("comeback.db");
    let before = std::fs::read(&db).unwrap();
    let vault_json = std::fs::read(s.vault.join("vault.json")).unwrap();
    std::fs::remove_file(s.vault.join("vault.json")).unwrap();
    let reason = s.refused(&["init"]);
    assert!(reason.contains("vault.json"), "{reason}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );
    // Put vault.json back: the journal is all there.
    std::fs::write(s.vault.join("vault.json"), vault_json).unwrap();
    assert_eq!(s.list(&["entry", "list", "--json"]).len(), 1);
}

// ----- the core's verbs, as every front calls them -----

#[test]
fn moving_a_pipeline_item_to_its_own_stage_keeps_its_date_and_reopening_clears_the_reason() {
    let s = Sandbox::new();
    let item = s.add(&["next", "add", "--title", "Data engineer", "--org", "Acme"]);
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(
        rec["stage_changed_on"],
        json!(today()),
        "a new item starts today"
    );
    s.ok(&["next", "set", &item, "--set", "stage_changed_on=2020-01-05"]);

    s.ok(&["next", "move", &item, "--stage", "saved"]);
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(
        rec["stage_changed_on"],
        json!("2020-01-05"),
        "the stage did not change, so neither does its date"
    );

    let due = s.list(&["next", "follow-ups", "--json"]);
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["item"]["id"], json!(item));
    let reason = due[0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("no movement for "), "{reason}");
    let printed = s.ok(&["next", "follow-ups"]);
    assert!(
        printed.contains(&item) && printed.contains(reason),
        "{printed}"
    );

    s.ok(&["next", "move", &item, "--stage", "applied"]);
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(rec["stage"], json!("applied"));
    assert_eq!(rec["stage_changed_on"], json!(today()));
    assert!(s.list(&["next", "follow-ups", "--json"]).is_empty());

    s.ok(&[
        "next", "move", &item, "--stage", "closed", "--reason", "no reply",
    ]);
    assert_eq!(
        s.json(&["next", "show", &item, "--json"])["closed_reason"],
        json!("no reply")
    );
    s.ok(&["next", "move", &item, "--stage", "interview"]);
    let rec = s.json(&["next", "show", &item, "--json"]);
    assert_eq!(rec["stage"], json!("interview"));
    assert!(
        rec.get("closed_reason").is_none_or(Value::is_null),
        "a reopened item shows no closing reason: {rec}"
    );
}

#[test]
fn an_introduction_met_straight_away_gets_both_dates_and_moving_it_back_forgets_them() {
    let s = Sandbox::new();
    let via = s.add(&["contact", "add", "--name", "Dana"]);
    let intro = s.add(&[
        "intro",
        "add",
        "--via",
        &via,
        "--to",
        "Sam",
        "--date",
        "2026-03-01",
    ]);
    s.ok(&[
        "intro",
        "move",
        &intro,
        "--status",
        "met",
        "--date",
        "2026-03-09",
    ]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert_eq!(rec["made_on"], json!("2026-03-09"));
    assert_eq!(rec["met_on"], json!("2026-03-09"));

    s.ok(&[
        "intro",
        "move",
        &intro,
        "--status",
        "made",
        "--date",
        "2026-03-10",
    ]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert_eq!(rec["status"], json!("made"));
    assert_eq!(
        rec["made_on"],
        json!("2026-03-09"),
        "the day it was made is kept"
    );
    assert!(rec.get("met_on").is_none_or(Value::is_null), "{rec}");

    s.ok(&["intro", "move", &intro, "--status", "requested"]);
    let rec = s.json(&["intro", "show", &intro, "--json"]);
    assert!(rec.get("made_on").is_none_or(Value::is_null), "{rec}");

    let err = s.refused(&[
        "intro",
        "move",
        &intro,
        "--status",
        "made",
        "--date",
        "2026-02-01",
    ]);
    assert!(err.contains("made_on"), "{err}");
    assert_eq!(
        s.json(&["intro", "show", &intro, "--json"])["status"],
        json!("requested"),
        "the refused move changed nothing"
    );
}

#[test]
fn a_ticked_debrief_action_leaves_the_open_actions_and_home_until_undone() {
    let s = Sandbox::new();
    let debrief = s.add(&["debrief", "new", "--title", "Leaving Acme"]);
    s.ok(&[
        "debrief",
        "lesson",
        &debrief,
        "--lesson",
        "Runway matters",
        "--action",
        "Save three months of rent",
        "--due",
        "2026-04-01",
    ]);
    let open = s.list(&["debrief", "actions", "--json", "--date", "2026-03-01"]);
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["debrief_id"], json!(debrief));
    assert_eq!(open[0]["action"], json!("Save three months of rent"));
    assert_eq!(open[0]["overdue"], json!(false));
    let lesson = open[0]["lesson_id"].as_str().unwrap().to_string();
    let home = s.json(&["home", "--json", "--date", "2026-03-01"]);
    let lessons = |home: &Value| -> usize {
        home["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == json!("lesson"))
            .count()
    };
    assert_eq!(lessons(&home), 1, "{home}");
    assert_eq!(home["actions"][0]["opens"]["id"], json!(debrief));

    s.ok(&["debrief", "tick", &debrief, &lesson, "--date", "2026-03-02"]);
    assert!(
        s.list(&["debrief", "actions", "--json", "--date", "2026-03-02"])
            .is_empty()
    );
    assert_eq!(
        lessons(&s.json(&["home", "--json", "--date", "2026-03-02"])),
        0
    );
    let rec = s.json(&["debrief", "show", &debrief, "--json"]);
    assert_eq!(rec["actions_done"][&lesson], json!("2026-03-02"));

    s.ok(&["debrief", "tick", &debrief, &lesson, "--undo"]);
    assert_eq!(
        s.list(&["debrief", "actions", "--json", "--date", "2026-03-02"])
            .len(),
        1
    );
    let err = s.refused(&["debrief", "tick", &debrief, "NOSUCHLESSON"]);
    assert!(err.contains("NOSUCHLESSON"), "{err}");
}

#[test]
fn home_shows_the_first_next_actions_and_says_how_many_more_which_actions_lists() {
    let s = Sandbox::new();
    // Nine lessons over three debriefs (a debrief keeps three at most).
    let debriefs: Vec<String> = (0..3)
        .map(|_| s.add(&["debrief", "new", "--title", "Leaving Acme"]))
        .collect();
    for day in 1..=9 {
        s.ok(&[
            "debrief",
            "lesson",
            &debriefs[(day - 1) / 3],
            "--lesson",
            "Small steps",
            "--action",
            &format!("Step {day}"),
            "--due",
            &format!("2026-04-{day:02}"),
        ]);
    }
    let home = s.json(&["home", "--json", "--date", "2026-03-01"]);
    let shown = home["actions"].as_array().unwrap();
    let more = home["more_actions"].as_u64().unwrap() as usize;
    assert!(more > 0, "nine actions do not all fit on Home: {home}");
    assert_eq!(shown.len() + more, 9, "{home}");
    let all = s.list(&["actions", "--json", "--date", "2026-03-01"]);
    assert_eq!(all.len(), 9);
    assert_eq!(
        &all[..shown.len()],
        &shown[..],
        "Home shows the first of them"
    );
    assert_eq!(all[8]["text"], json!("Step 9"), "by due date");

    let text = s.ok(&["home", "--date", "2026-03-01"]);
    assert!(text.contains("Step 1"), "{text}");
    assert!(!text.contains("Step 9"), "{text}");
    assert!(
        text.contains(&format!("and {more} more: `comeback actions`")),
        "{text}"
    );
    let text = s.ok(&["actions", "--date", "2026-03-01"]);
    assert!(text.contains("Step 1") && text.contains("Step 9"), "{text}");
}

#[test]
fn hours_on_a_missing_project_and_an_intro_via_a_missing_contact_are_refused_and_write_nothing() {
    let s = Sandbox::new();
    let before = s.records();
    let err = s.refused(&["project", "log", "NOSUCHPROJECT", "--hours", "2"]);
    assert!(err.contains("no project with id NOSUCHPROJECT"), "{err}");
    let err = s.refused(&["intro", "add", "--via", "NOSUCHCONTACT", "--to", "Sam"]);
    assert!(err.contains("no contact with id NOSUCHCONTACT"), "{err}");
    let err = s.refused(&[
        "event",
        "add",
        "--title",
        "Meetup",
        "--contact",
        "NOSUCHCONTACT",
    ]);
    assert!(err.contains("no contact with id NOSUCHCONTACT"), "{err}");
    assert_eq!(s.records(), before, "nothing was written");
    assert!(s.list(&["intro", "list", "--json"]).is_empty());
    assert!(s.list(&["event", "list", "--json"]).is_empty());
}

#[test]
fn home_names_the_days_entries_as_json_and_as_text() {
    let s = Sandbox::new();
    let first = s.add(&[
        "entry",
        "add",
        "--text",
        "Slept badly\nbut walked",
        "--mood",
        "2",
        "--date",
        "2026-03-14",
    ]);
    s.add(&[
        "entry",
        "add",
        "--text",
        "Another day",
        "--date",
        "2026-03-13",
    ]);
    let home = s.json(&["home", "--json", "--date", "2026-03-14"]);
    assert_eq!(home["today"], json!("2026-03-14"));
    assert_eq!(
        home["today_entries"],
        json!([{"id": first, "title": "Slept badly", "mood": 2}])
    );
    for part in ["grief", "actions", "steps", "low_mood", "worry"] {
        assert!(home.get(part).is_some(), "home --json has {part}: {home}");
    }
    let text = s.ok(&["home", "--date", "2026-03-14"]);
    assert!(text.contains("Slept badly"), "{text}");
    assert!(text.contains("1. Debrief"), "{text}");
    assert!(!text.contains("Another day"), "{text}");

    let today_entry = s.add(&["entry", "add", "--text", "Written today"]);
    let home = s.json(&["home", "--json"]);
    assert_eq!(home["today"], json!(today()));
    assert_eq!(
        ids(home["today_entries"].as_array().unwrap()),
        [today_entry]
    );
}

#[test]
fn the_time_off_summary_totals_the_hours_and_lists_the_wins() {
    let s = Sandbox::new();
    let project = s.add(&["project", "add", "--name", "Pottery shop site"]);
    s.add(&[
        "project",
        "log",
        &project,
        "--hours",
        "2.5",
        "--date",
        "2026-03-10",
    ]);
    s.add(&[
        "win",
        "add",
        "--title",
        "Shipped the beta",
        "--date",
        "2026-03-12",
    ]);
    let text = s.ok(&["mojo", "summary", "--since", "2026-03-01"]);
    assert!(text.starts_with("How I spent my time off\n"), "{text}");
    assert!(
        text.contains("From Sun, Mar 1, 2026 to Thu, Mar 12, 2026."),
        "{text}"
    );
    assert!(text.contains("- Pottery shop site: 2.5 hours"), "{text}");
    assert!(text.contains("- Shipped the beta"), "{text}");
    let json = s.json(&[
        "mojo",
        "time-off-summary",
        "--since",
        "2026-03-01",
        "--json",
    ]);
    assert_eq!(json["text"], json!(text));
    assert_eq!(json["from"], json!("2026-03-01"));
    assert_eq!(json["to"], json!("2026-03-12"));
}

#[test]
fn a_due_contact_is_shown_with_the_day_a_message_was_next_due() {
    let s = Sandbox::new();
    let ada = s.add(&[
        "contact",
        "add",
        "--name",
        "Ada",
        "--cadence-days",
        "3",
        "--last-contact",
        "2026-03-01",
    ]);
    let due = s.list(&["contact", "due", "--json"]);
    assert_eq!(ids(&due), [ada.as_str()]);
    assert_eq!(due[0]["next_on"], json!("2026-03-04"));
    assert_eq!(due[0]["cadence_days"], json!(3));
    assert_eq!(due[0]["default_cadence"], json!(false));
    assert!(due[0]["version"].is_string(), "{}", due[0]);
    let text = s.ok(&["contact", "due"]);
    assert!(text.contains("next: 2026-03-04"), "{text}");
}
