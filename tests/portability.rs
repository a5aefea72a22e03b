//! `comeback export DIR` and `comeback import PATH`, driven as a script drives them: a vault in a temporary folder
//! (key-file mode, no keychain), exported, and what lands on disk and on stdout checked;
//! a folder that holds anything is refused with exit 1, one line on stderr and the folder
//! as it was. What the export holds in detail is tested in the core (`api::export`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

#[path = "support/sandbox.rs"]
mod sandbox;
use sandbox::Sandbox;

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

/// A Day One export folder: `n` entries, each with a photo of `photo_bytes` bytes.
fn day_one(dir: &Path, n: usize, photo_bytes: usize) {
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let mut entries = Vec::new();
    for i in 0..n {
        let md5 = format!("{i:032x}");
        let bytes: Vec<u8> = (0..photo_bytes).map(|b| (b * 7 + i) as u8).collect();
        std::fs::write(dir.join(format!("photos/{md5}.jpeg")), bytes).unwrap();
        entries.push(serde_json::json!({
            "uuid": format!("U{i}"),
            "creationDate": format!("2024-03-{:02}T22:30:00Z", 1 + i % 28),
            "timeZone": "Asia/Tokyo",
            "text": format!("Day {i}\\. A note\\!\n\n![](dayone-moment://P{i})"),
            "tags": ["job search"],
            "photos": [{"identifier": format!("P{i}"), "md5": md5, "type": "jpeg"}],
        }));
    }
    let journal = serde_json::json!({"metadata": {"version": "1.0"}, "entries": entries});
    std::fs::write(dir.join("Journal.json"), journal.to_string()).unwrap();
}

#[test]
fn import_takes_a_day_one_export_with_its_photos_and_a_second_import_adds_nothing() {
    let s = Sandbox::new();
    let export = s.path("dayone");
    day_one(&export, 3, 1000);
    let out = s.run(&["import", export.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["added"], 3);
    assert_eq!(summary["unchanged"], 0);
    assert_eq!(summary["attachments"], 3);
    assert_eq!(summary["skipped"], serde_json::json!([]));
    let entries: Value = serde_json::from_str(&s.ok(&["entry", "list", "--json"])).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    // 22:30 UTC is 07:30 the next morning in Tokyo.
    let first = entries
        .iter()
        .find(|e| e["text"].as_str().unwrap().starts_with("Day 0"))
        .unwrap();
    assert_eq!(first["date"], "2024-03-02");
    assert_eq!(first["tags"], serde_json::json!(["job-search"]));
    let shown: Value =
        serde_json::from_str(&s.ok(&["entry", "show", first["id"].as_str().unwrap(), "--json"]))
            .unwrap();
    let files = shown["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["size"], 1000);
    assert_eq!(files[0]["media_type"], "image/jpeg");
    assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);

    let again = s.ok(&["import", export.to_str().unwrap()]);
    assert_eq!(
        again.trim(),
        "Imported from a Day One export: 0 added, 6 already there, 0 skipped"
    );
}

#[test]
fn an_export_imported_into_a_new_vault_gives_the_same_journal_and_photos() {
    let s = with_entries();
    let id = s
        .ok(&["entry", "add", "--text", "With a photo"])
        .trim()
        .to_string();
    let photo = s.path("pic.png");
    std::fs::write(&photo, b"png bytes here").unwrap();
    s.ok(&["entry", "attach", &id, photo.to_str().unwrap()]);
    let out = s.path("out");
    s.ok(&["export", out.to_str().unwrap()]);
    let fresh = Sandbox::new();
    let printed = fresh.ok(&["import", out.to_str().unwrap()]);
    assert!(
        printed.starts_with("Imported from a Comeback export: "),
        "{printed}"
    );
    for kind in ["entry", "contact"] {
        let strip = |text: String| {
            let mut v: Value = serde_json::from_str(&text).unwrap();
            for r in v.as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("version");
            }
            v
        };
        assert_eq!(
            strip(s.ok(&[kind, "list", "--json"])),
            strip(fresh.ok(&[kind, "list", "--json"])),
            "{kind}"
        );
    }
    let shown: Value = serde_json::from_str(&fresh.ok(&["entry", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["attachments"][0]["name"], "pic.png");
    assert_eq!(shown["attachments"][0]["present"], true);
}

#[test]
fn import_refuses_what_it_does_not_know_with_exit_1_and_writes_nothing() {
    let s = Sandbox::new();
    let odd = s.path("odd.txt");
    std::fs::write(&odd, "hello").unwrap();
    let out = s.run(&["import", odd.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("Day One") && err.contains("jrnl"), "{err}");
    let damaged = s.path("dayone");
    std::fs::create_dir_all(damaged.join("photos")).unwrap();
    std::fs::write(
        damaged.join("Journal.json"),
        "{\"metadata\": {}, \"entries\": [",
    )
    .unwrap();
    let out = s.run(&["import", damaged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.ok(&["entry", "list", "--json"]).trim(), "[]");
}

#[test]
fn a_kill_in_the_middle_of_an_import_leaves_the_vault_as_it_was() {
    let s = with_entries();
    let before = s.ok(&["entry", "list", "--json", "--limit", "1000"]);
    let export = s.path("dayone");
    // Big enough that the import is still writing when the kill comes.
    day_one(&export, 120, 512 * 1024);
    let mut child = s
        .command(&["import", export.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import has written several megabytes (its photos, into the
    // write-ahead log), then kill it without warning.
    let wal = s.vault.join("comeback.db-wal");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 8 << 20 {
        assert!(
            std::time::Instant::now() < deadline,
            "the import never got going"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before the kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed, not finished");
    assert_eq!(
        s.ok(&["entry", "list", "--json", "--limit", "1000"]),
        before
    );
    assert!(
        s.ok(&["doctor"])
            .contains("the mirror matches the documents")
    );
    // Nothing half-written stands in the way of doing it again.
    let done: Value =
        serde_json::from_str(&s.ok(&["import", export.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(done["added"], 120);
    assert_eq!(done["attachments"], 120);
}
