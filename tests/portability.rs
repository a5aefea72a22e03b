//! `comeback export DIR`, driven as a script drives it: a vault in a temporary folder
//! (key-file mode, no keychain), exported, and what lands on disk and on stdout checked;
//! a folder that holds anything is refused with exit 1, one line on stderr and the folder
//! as it was. What the export holds in detail is tested in the core (`api::export`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// One private vault in a temporary folder, and the commands run against it.
struct Sandbox {
    dir: TempDir,
    vault: PathBuf,
    key: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let key = dir.path().join("key");
        let sandbox = Self { dir, vault, key };
        sandbox.ok(&["init"]);
        sandbox
    }

    fn run(&self, args: &[&str]) -> Output {
        let home = self.dir.path().join("home");
        Command::new(env!("CARGO_BIN_EXE_comeback"))
            .args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_KEY_FILE", &self.key)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`comeback {}` failed: exit {:?}\nstderr: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A folder path inside the sandbox, as text for an argument.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn with_entries() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&[
        "entry",
        "add",
        "--text",
        "First day out",
        "--date",
        "2026-10-01",
        "--tag",
        "walk",
    ]);
    s.ok(&[
        "entry",
        "add",
        "--text",
        "First day out",
        "--date",
        "2026-10-01",
    ]);
    s.ok(&[
        "entry",
        "add",
        "--text",
        "A new month",
        "--date",
        "2026-11-02",
        "--mood",
        "4",
    ]);
    s.ok(&["contact", "add", "--name", "Ada"]);
    s
}

#[test]
fn export_writes_the_journal_as_markdown_and_every_record_to_comeback_json() {
    let s = with_entries();
    let out = s.path("export");
    let printed = s.ok(&["export", out.to_str().unwrap()]);
    let dir = std::fs::canonicalize(&out).unwrap();
    assert_eq!(
        printed,
        format!("Exported 4 records (3 entries) to {}\n", dir.display())
    );
    let files = files_under(&out);
    for want in [
        "README.md",
        "comeback.json",
        "journal/2026/10/2026-10-01-first-day-out.md",
        "journal/2026/10/2026-10-01-first-day-out-2.md",
        "journal/2026/11/2026-11-02-a-new-month.md",
        "stories.md",
        "time-off-summary.md",
    ] {
        assert!(files.iter().any(|f| f == want), "{want} in {files:?}");
    }
    let md =
        std::fs::read_to_string(out.join("journal/2026/11/2026-11-02-a-new-month.md")).unwrap();
    assert!(md.starts_with("---\nid: \""), "{md}");
    assert!(md.contains("\ndate: 2026-11-02\nmood: 4\n"), "{md}");
    assert!(md.ends_with("---\n\nA new month\n"), "{md}");

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comeback.json")).unwrap()).unwrap();
    assert_eq!(json["format"], "comeback-export");
    let kinds: Vec<&str> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["entry", "entry", "entry", "contact"]);
}

#[test]
fn export_json_prints_the_summary() {
    let s = with_entries();
    let out = s.path("export");
    let printed = s.ok(&["export", out.to_str().unwrap(), "--json"]);
    let summary: Value = serde_json::from_str(&printed).unwrap();
    let fields: Vec<&str> = summary
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields.len(), 5, "{summary}");
    assert_eq!(
        summary["dir"],
        std::fs::canonicalize(&out).unwrap().display().to_string()
    );
    assert_eq!(summary["records"], 4);
    assert_eq!(summary["entries"], 3);
    assert_eq!(summary["attachments"], 0);
    assert!(summary["bytes"].as_u64().unwrap() > 0, "{summary}");
}

#[test]
fn export_into_a_folder_that_holds_anything_is_refused_and_changes_nothing() {
    let s = with_entries();
    let out = s.path("export");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let result = s.run(&["export", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "stderr: {stderr}");
    assert!(result.stdout.is_empty());
    assert!(stderr.starts_with("comeback: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("choose an empty or new folder"), "{stderr}");
    assert_eq!(files_under(&out), ["keep.txt"]);
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.contains("partial"),
            "a partial folder was left: {name}"
        );
    }
}
