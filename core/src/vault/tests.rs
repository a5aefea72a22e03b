#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::api::{self, NewEntry};
use crate::model::{Contact, Entry, Tie};
use proptest::prelude::*;

struct Fixture {
    _dir: tempfile::TempDir,
    vault_dir: PathBuf,
    source: KeySource,
}

fn fixture() -> (Fixture, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let vault_dir = dir.path().join("vault");
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&vault_dir, &source).unwrap();
    (
        Fixture {
            _dir: dir,
            vault_dir,
            source,
        },
        vault,
    )
}

fn date(s: &str) -> model::Date {
    model::Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn entry(vault: &mut Vault, text: &str, day: &str) -> Entry {
    api::add_entry(
        vault,
        NewEntry {
            text: text.into(),
            mood: Some(3),
            tags: vec![],
            date: Some(date(day)),
        },
    )
    .unwrap()
}

use crate::model;

#[test]
fn an_entry_written_is_read_back_from_the_mirror_after_reopening() {
    let (fx, mut vault) = fixture();
    let e = entry(
        &mut vault,
        "The first page of the rest of it.",
        "2026-03-14",
    );
    drop(vault);
    let vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    let back: Entry = vault.require(&e.id).unwrap();
    assert_eq!(back, e);
    assert_eq!(vault.list::<Entry>(10, 0).unwrap(), vec![e]);
}

#[test]
fn a_second_process_cannot_open_a_vault_that_is_open() {
    let (fx, vault) = fixture();
    let err = Vault::open(&fx.vault_dir, &fx.source).unwrap_err();
    assert_eq!(err.code(), "vault_busy", "{err}");
    drop(vault);
    Vault::open(&fx.vault_dir, &fx.source).unwrap();
}

#[test]
fn a_refused_write_leaves_nothing_behind() {
    let (_fx, mut vault) = fixture();
    let err = api::add_entry(
        &mut vault,
        NewEntry {
            text: "fine words".into(),
            mood: Some(9),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("mood"), "{err}");
    assert!(vault.list::<Entry>(10, 0).unwrap().is_empty());
    assert!(vault.document_ids().unwrap().is_empty());
}

#[test]
fn an_entry_lives_in_the_document_of_the_month_it_was_written_for_and_stays_when_redated() {
    let (_fx, mut vault) = fixture();
    let e = entry(&mut vault, "March words", "2026-03-14");
    assert_eq!(
        vault.store.row("entry", &e.id).unwrap().unwrap().doc,
        "journal-2026-03"
    );
    api::edit_entry(
        &mut vault,
        &e.id,
        api::EntryEdit {
            date: Some(date("2026-04-01")),
            ..Default::default()
        },
    )
    .unwrap();
    // A date change is a field edit: the entry stays in March's document, dated April.
    let row = vault.store.row("entry", &e.id).unwrap().unwrap();
    assert_eq!(row.doc, "journal-2026-03");
    assert!(row.sort_key.starts_with("2026-04-01"));
    let march = vault.document("journal-2026-03").unwrap();
    assert_eq!(
        doc::get_record(march, "entry", &e.id).unwrap()["date"],
        "2026-04-01"
    );
    assert!(vault.doctor().unwrap().healthy());
}

#[test]
fn search_finds_words_by_prefix_and_ignores_punctuation() {
    let (_fx, mut vault) = fixture();
    let e = entry(
        &mut vault,
        "Coffee with Priya about the data engineering course.",
        "2026-01-02",
    );
    entry(&mut vault, "Nothing to see here.", "2026-01-03");
    let hits = api::search(&vault, "engin", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, e.id);
    assert!(api::search(&vault, "\"(*", 10).unwrap().is_empty());
}

#[test]
fn the_doctor_finds_a_tampered_mirror_and_rebuild_repairs_it() {
    let (_fx, mut vault) = fixture();
    let e = entry(&mut vault, "Honest words", "2026-02-02");
    assert!(vault.doctor().unwrap().healthy());
    vault
        .store
        .conn
        .execute(
            "UPDATE record SET title = 'tampered' WHERE id = ?1",
            [&e.id],
        )
        .unwrap();
    let report = vault.doctor().unwrap();
    assert!(!report.healthy());
    assert!(report.problems[0].contains("journal-2026-02"), "{report:?}");
    vault.rebuild_mirror().unwrap();
    assert!(vault.doctor().unwrap().healthy());
}

#[test]
fn the_doctor_notices_a_search_index_out_of_step_with_the_mirror() {
    let (_fx, mut vault) = fixture();
    let e = entry(&mut vault, "Indexed words", "2026-02-03");
    vault
        .store
        .conn
        .execute(
            "INSERT INTO search (rowid, kind, id, title, body)
             SELECT rowid + 1000, kind, id, title, 'other words' FROM record WHERE id = ?1",
            [&e.id],
        )
        .unwrap();
    let report = vault.doctor().unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("search index")),
        "{report:?}"
    );
    vault.rebuild_mirror().unwrap();
    assert!(vault.doctor().unwrap().healthy());
}

#[test]
fn a_damaged_chunk_is_set_aside_and_the_rest_of_the_vault_opens() {
    let (fx, mut vault) = fixture();
    let kept = entry(&mut vault, "This one stays.", "2026-05-05");
    {
        let tx = vault.store.transaction().unwrap();
        store::insert_chunk(&tx, "journal-2026-05", false, b"not an automerge chunk").unwrap();
        tx.commit().unwrap();
    }
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    let report = vault.doctor().unwrap();
    // Something is missing, so the doctor does not call the vault healthy, and says why.
    assert!(!report.healthy(), "{report:?}");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("journal-2026-05")),
        "{report:?}"
    );
    assert_eq!(report.quarantined.len(), 1);
    assert_eq!(report.quarantined[0].doc, "journal-2026-05");
    let back: Entry = vault.require(&kept.id).unwrap();
    assert_eq!(back.text, "This one stays.");
}

#[test]
fn saves_after_a_damaged_chunk_of_this_devices_history_are_kept_across_reopening() {
    let (fx, mut vault) = fixture();
    entry(&mut vault, "first", "2026-05-01");
    let lost = entry(
        &mut vault,
        "second, in the chunk that gets damaged",
        "2026-05-02",
    );
    entry(
        &mut vault,
        "third, which depends on the second",
        "2026-05-03",
    );
    // Damage the chunk holding the second save (this device's seq 2), so the third
    // waits on a change that is gone.
    let seq: i64 = vault
        .store
        .conn
        .query_row(
            "SELECT seq FROM chunk WHERE doc = 'journal-2026-05' ORDER BY seq LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    vault
        .store
        .conn
        .execute("UPDATE chunk SET bytes = x'00ff' WHERE seq = ?1", [seq])
        .unwrap();
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    let mut later = Vec::new();
    for i in 0..3 {
        later.push(entry(&mut vault, &format!("later save {i}"), "2026-05-10"));
        // Reopen between saves: the damage is remembered, not only noticed once.
        drop(vault);
        vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    }
    let report = vault.doctor().unwrap();
    assert!(vault.quarantined().unwrap().len() == 1, "{report:?}");
    for e in &later {
        let back: Entry = vault.require(&e.id).unwrap();
        assert_eq!(back.text, e.text);
    }
    // None of them was a duplicate of the lost change: nothing more was set aside.
    assert_eq!(vault.quarantined().unwrap().len(), 1);
    assert!(vault.get::<Entry>(&lost.id).unwrap().is_none());
    assert!(
        report.problems.iter().all(|p| !p.contains("differs")),
        "{report:?}"
    );
    // The third save waits on the lost one: the doctor says so too.
    assert!(
        report.problems.iter().any(|p| p.contains("wait on")),
        "{report:?}"
    );
    // Letting the damaged chunk go keeps the document on its own actor: later saves
    // still never reuse a lost sequence number.
    assert_eq!(vault.forget_damaged().unwrap(), 1);
    let after = entry(&mut vault, "after letting go", "2026-05-11");
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    assert!(vault.quarantined().unwrap().is_empty());
    assert_eq!(
        vault.require::<Entry>(&after.id).unwrap().text,
        "after letting go"
    );
    let report = vault.doctor().unwrap();
    assert!(
        report.problems.iter().all(|p| !p.contains("damaged")),
        "{report:?}"
    );
}

#[test]
fn init_refuses_a_folder_that_holds_a_database_and_leaves_it_as_it_was() {
    let (fx, vault) = fixture();
    drop(vault);
    let db = fx.vault_dir.join(DB_FILE);
    let before = std::fs::read(&db).unwrap();
    std::fs::remove_file(fx.vault_dir.join(VAULT_FILE)).unwrap();
    let err = Vault::create(&fx.vault_dir, &fx.source).unwrap_err();
    assert_eq!(err.code(), "database_exists", "{err}");
    assert!(err.to_string().contains("vault.json"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_vault_whose_database_is_missing_or_empty_is_reported_not_opened_empty() {
    let (fx, mut vault) = fixture();
    entry(&mut vault, "kept", "2026-05-01");
    drop(vault);
    let db = fx.vault_dir.join(DB_FILE);
    let saved = std::fs::read(&db).unwrap();
    std::fs::write(&db, b"").unwrap();
    let err = Vault::open(&fx.vault_dir, &fx.source).unwrap_err();
    assert_eq!(err.code(), "database_missing", "{err}");
    std::fs::remove_file(&db).unwrap();
    let err = Vault::open(&fx.vault_dir, &fx.source).unwrap_err();
    assert_eq!(err.code(), "database_missing", "{err}");
    assert!(!db.exists(), "opening must not create a new database");
    std::fs::write(&db, saved).unwrap();
    assert!(Vault::open(&fx.vault_dir, &fx.source).is_ok());
}

#[test]
fn a_damaged_database_header_is_told_apart_from_a_wrong_key() {
    let (fx, mut vault) = fixture();
    entry(&mut vault, "kept", "2026-05-01");
    drop(vault);
    // A wrong key first.
    let other = KeySource::KeyFile(fx._dir.path().join("other-key"));
    keys::write_key_file(
        match &other {
            KeySource::KeyFile(p) => p,
            KeySource::Keychain(_) => unreachable!(),
        },
        &SecretKey::generate().unwrap(),
    )
    .unwrap();
    let err = Vault::open(&fx.vault_dir, &other).unwrap_err();
    assert_eq!(err.code(), "wrong_key", "{err}");
    // Then the right key on a database whose first page is damaged.
    let db = fx.vault_dir.join(DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    for b in &mut bytes[20..40] {
        *b ^= 0x5a;
    }
    std::fs::write(&db, bytes).unwrap();
    let err = Vault::open(&fx.vault_dir, &fx.source).unwrap_err();
    assert_eq!(err.code(), "database_damaged", "{err}");
    assert!(err.to_string().contains("backup"), "{err}");
}

#[test]
fn many_writes_are_compacted_into_a_snapshot_without_losing_anything() {
    let (fx, mut vault) = fixture();
    vault.set_compact_after(5);
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(entry(&mut vault, &format!("entry number {i}"), "2026-06-01").id);
    }
    let chunks = vault.store.chunks("journal-2026-06").unwrap();
    assert!(chunks.len() < 12, "{} chunks", chunks.len());
    assert!(chunks[0].snapshot);
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    vault.forget_documents();
    assert!(vault.doctor().unwrap().healthy());
    assert_eq!(vault.list::<Entry>(100, 0).unwrap().len(), 12);
}

#[test]
fn a_stored_document_is_sent_as_its_stored_chunks_without_loading_it() {
    let (_fx, mut vault) = fixture();
    // A snapshot and a change after it (which the rule by size would compact at once).
    vault.set_compact_by_count_only();
    vault.set_compact_after(60);
    for i in 0..61 {
        entry(&mut vault, &format!("entry number {i}"), "2026-06-01");
    }
    let stored = vault.store.chunks("journal-2026-06").unwrap();
    assert!(
        stored.len() > 1 && stored[0].snapshot,
        "{} chunks",
        stored.len()
    );
    let changes: usize = stored[1..].iter().map(|c| c.bytes.len()).sum();
    assert!(
        changes * SENT_AS_STORED <= stored[0].bytes.len(),
        "{changes} {}",
        stored[0].bytes.len()
    );
    vault.forget_documents();
    let (bytes, heads) = vault.snapshot("journal-2026-06").unwrap();
    assert_eq!(vault.documents_in_memory(), 0);
    assert_eq!(
        bytes,
        stored
            .iter()
            .flat_map(|c| c.bytes.clone())
            .collect::<Vec<_>>()
    );
    let mut loaded = AutoCommit::load(&bytes).unwrap();
    assert_eq!(heads, loaded.get_heads());
    assert_eq!(
        vault.document("journal-2026-06").unwrap().get_heads(),
        heads
    );
    let (_fy, mut other) = fixture();
    other.absorb_snapshot("journal-2026-06", &bytes).unwrap();
    assert_eq!(other.list::<Entry>(100, 0).unwrap().len(), 61);
}

/// Entry texts that do not compress to nothing: ~900 bytes of made-up words.
fn long_text(i: usize) -> String {
    let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = String::new();
    while out.len() < 900 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for k in 0..(3 + x % 6) {
            out.push((b'a' + ((x >> (k * 5)) % 26) as u8) as char);
        }
        out.push(' ');
    }
    out
}

#[test]
fn a_big_document_is_compacted_by_the_size_of_its_changes_so_it_always_goes_as_stored() {
    let (_fx, mut vault) = fixture();
    vault.set_compact_after(10_000);
    let mut compactions = 0;
    let mut last_snapshot = 0;
    for i in 0..300 {
        entry(&mut vault, &long_text(i), "2026-06-01");
        let f = vault.store.footprint("journal-2026-06").unwrap();
        if f.snapshot_bytes != last_snapshot {
            compactions += 1;
            last_snapshot = f.snapshot_bytes;
        }
        if f.snapshot_bytes + f.change_bytes >= COMPACT_BY_SIZE_FROM {
            assert!(
                f.change_bytes * SENT_AS_STORED as i64 <= f.snapshot_bytes,
                "after entry {i}: {f:?}"
            );
        }
    }
    assert!(
        last_snapshot >= 2 * COMPACT_BY_SIZE_FROM,
        "the document never grew big: {last_snapshot} bytes"
    );
    // Compacted now and then, not after every change.
    assert!((3..100).contains(&compactions), "{compactions} compactions");
    vault.forget_documents();
    let (bytes, heads) = vault.snapshot("journal-2026-06").unwrap();
    assert_eq!(
        vault.documents_in_memory(),
        0,
        "the document was loaded to be sent"
    );
    let (_fy, mut other) = fixture();
    assert_eq!(
        other.absorb_snapshot("journal-2026-06", &bytes).unwrap(),
        heads
    );
    assert_eq!(other.list::<Entry>(500, 0).unwrap().len(), 300);
}

#[test]
fn a_big_document_an_earlier_release_stored_is_compacted_when_it_is_first_sent() {
    let (fx, mut vault) = fixture();
    vault.set_compact_by_count_only();
    for i in 0..120 {
        entry(&mut vault, &long_text(i), "2026-06-01");
    }
    let before = vault.store.footprint("journal-2026-06").unwrap();
    assert!(
        before.snapshot_bytes >= COMPACT_BY_SIZE_FROM
            && before.change_bytes * SENT_AS_STORED as i64 > before.snapshot_bytes,
        "not the case this test is about: {before:?}"
    );
    drop(vault);
    // The release that compacts by size opens it: a first peer gets it loaded and saved,
    // and the save is kept, so the next one gets it as stored.
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    let (first, heads) = vault.snapshot("journal-2026-06").unwrap();
    let after = vault.store.footprint("journal-2026-06").unwrap();
    assert_eq!(
        (after.changes, after.snapshot_bytes),
        (0, first.len() as i64),
        "{after:?}"
    );
    vault.forget_documents();
    let (again, same) = vault.snapshot("journal-2026-06").unwrap();
    assert_eq!(vault.documents_in_memory(), 0);
    assert_eq!((again, same), (first, heads));
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    assert!(vault.doctor().unwrap().healthy());
    assert_eq!(vault.list::<Entry>(500, 0).unwrap().len(), 120);
}

#[test]
fn a_small_peer_keeps_a_smaller_page_cache_and_still_reads_and_writes() {
    let (_fx, mut vault) = fixture();
    let cache = |v: &Vault| -> i64 {
        v.store
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(cache(&vault), -2000, "SQLite's default");
    vault.set_page_cache(256).unwrap();
    assert_eq!(cache(&vault), -256);
    // Never below 64 KiB, however small the ask.
    vault.set_page_cache(1).unwrap();
    assert_eq!(cache(&vault), -64);
    let e = entry(&mut vault, "written under a small cache", "2026-06-01");
    vault.forget_documents();
    let back: Entry = vault.require(&e.id).unwrap();
    assert_eq!(back.text, "written under a small cache");
}

#[test]
fn the_heads_of_stored_chunks_are_read_only_from_a_whole_undamaged_save_and_changes() {
    use automerge::transaction::Transactable;
    let (_fx, mut vault) = fixture();
    entry(&mut vault, "one", "2026-06-01");
    let mut doc = vault.document("journal-2026-06").unwrap().clone();
    let saved = doc.save();
    assert_eq!(doc::saved_heads(&saved), Some(doc.get_heads()));
    let mut flipped = saved.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(doc::saved_heads(&flipped), None);
    let heads = doc.get_heads();
    doc.put(automerge::ROOT, "x", 1).unwrap();
    doc.commit();
    doc.put(automerge::ROOT, "y", "a longer value ".repeat(40))
        .unwrap();
    doc.commit();
    let mut with_changes = saved.clone();
    with_changes.extend(doc.save_after(&heads));
    assert_eq!(doc::saved_heads(&with_changes), Some(doc.get_heads()));
    assert_eq!(doc::saved_heads(&doc.save_after(&heads)), None);
    assert_eq!(doc::saved_heads(&saved[..saved.len() - 1]), None);
    assert_eq!(
        doc::saved_heads(&with_changes[..with_changes.len() - 1]),
        None
    );
}

#[test]
fn a_schema_change_rebuilds_the_mirror_from_the_documents() {
    let (fx, mut vault) = fixture();
    let e = entry(&mut vault, "survives a rebuild", "2026-07-07");
    store::outdate_mirror(&vault.store.conn).unwrap();
    vault.store.conn.execute("DELETE FROM record", []).unwrap();
    drop(vault);
    let vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    assert_eq!(
        vault.require::<Entry>(&e.id).unwrap().text,
        "survives a rebuild"
    );
}

#[test]
fn a_rebuild_cut_short_is_done_again_at_the_next_open() {
    let (fx, mut vault) = fixture();
    let e = entry(&mut vault, "survives a rebuild cut short", "2026-07-07");
    store::outdate_mirror(&vault.store.conn).unwrap();
    drop(vault);
    // What a process killed during the rebuild leaves: the store opened (the old mirror
    // dropped, the new one created empty) and the rebuild's transaction never committed.
    let key = key_for(&read_vault_file(&fx.vault_dir).unwrap(), &fx.source).unwrap();
    let (store, rebuild) = Store::open(&fx.vault_dir.join(super::DB_FILE), &key).unwrap();
    assert!(rebuild);
    drop(store);
    let mut noted = 0;
    let vault = Vault::open_noting_rebuild(&fx.vault_dir, &fx.source, || noted += 1).unwrap();
    assert_eq!(noted, 1, "a front is told the open rebuilds the mirror");
    assert_eq!(
        vault.require::<Entry>(&e.id).unwrap().text,
        "survives a rebuild cut short"
    );
    drop(vault);
    let mut noted = 0;
    let mut vault = Vault::open_noting_rebuild(&fx.vault_dir, &fx.source, || noted += 1).unwrap();
    assert_eq!(noted, 0, "an ordinary open rebuilds nothing");
    assert!(vault.doctor().unwrap().problems.is_empty());
}

#[test]
fn an_empty_mirror_beside_documents_is_rebuilt_at_open() {
    // What a release that wrote the mirror's version before rebuilding left when it
    // was killed in the middle: the version current, the mirror empty.
    let (fx, mut vault) = fixture();
    let e = entry(&mut vault, "not hidden by an empty mirror", "2026-07-07");
    vault.store.conn.execute("DELETE FROM record", []).unwrap();
    drop(vault);
    let mut vault = Vault::open(&fx.vault_dir, &fx.source).unwrap();
    assert_eq!(
        vault.require::<Entry>(&e.id).unwrap().text,
        "not hidden by an empty mirror"
    );
    assert!(vault.doctor().unwrap().problems.is_empty());
}

#[test]
fn two_devices_editing_different_paragraphs_of_one_entry_keep_both() {
    let (_fa, mut a) = fixture();
    let (_fb, mut b) = fixture();
    let e = entry(
        &mut a,
        "First paragraph.\n\nSecond paragraph.",
        "2026-08-08",
    );
    sync(&mut a, &mut b);
    let mut on_a: Entry = a.require(&e.id).unwrap();
    on_a.text = "First paragraph, edited on the phone.\n\nSecond paragraph.".into();
    a.put(&on_a).unwrap();
    let mut on_b: Entry = b.require(&e.id).unwrap();
    on_b.text = "First paragraph.\n\nSecond paragraph, edited on the laptop.".into();
    b.put(&on_b).unwrap();
    sync(&mut a, &mut b);
    let want = "First paragraph, edited on the phone.\n\nSecond paragraph, edited on the laptop.";
    assert_eq!(a.require::<Entry>(&e.id).unwrap().text, want);
    assert_eq!(b.require::<Entry>(&e.id).unwrap().text, want);
    assert_ne!(a.actor(), b.actor());
}

#[test]
fn two_devices_creating_the_same_month_independently_both_keep_their_entries() {
    let (_fa, mut a) = fixture();
    let (_fb, mut b) = fixture();
    let x = entry(&mut a, "from a", "2026-09-09");
    let y = entry(&mut b, "from b", "2026-09-10");
    sync(&mut a, &mut b);
    for v in [&a, &b] {
        assert!(v.get::<Entry>(&x.id).unwrap().is_some());
        assert!(v.get::<Entry>(&y.id).unwrap().is_some());
    }
}

/// Exchanges every document both ways, as sync will.
fn sync(a: &mut Vault, b: &mut Vault) {
    for _ in 0..2 {
        let mut ids = a.document_ids().unwrap();
        ids.extend(b.document_ids().unwrap());
        ids.sort();
        ids.dedup();
        for id in &ids {
            let bytes = a.document(id).unwrap().save();
            b.apply_changes(id, &bytes).unwrap();
            let bytes = b.document(id).unwrap().save();
            a.apply_changes(id, &bytes).unwrap();
        }
    }
}

fn mirror(v: &Vault) -> Vec<(String, String, String)> {
    v.mirror_rows().unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Add { on_b: bool, month: u32, words: u8 },
    Edit { on_b: bool, pick: usize, words: u8 },
    Delete { on_b: bool, pick: usize },
    Contact { on_b: bool, tie: u8 },
    Reload { on_b: bool },
    Sync,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), 1..=3u32, 1..20u8).prop_map(|(on_b, month, words)| Op::Add { on_b, month, words }),
        3 => (any::<bool>(), any::<usize>(), 1..20u8).prop_map(|(on_b, pick, words)| Op::Edit { on_b, pick, words }),
        1 => (any::<bool>(), any::<usize>()).prop_map(|(on_b, pick)| Op::Delete { on_b, pick }),
        1 => (any::<bool>(), 0..3u8).prop_map(|(on_b, tie)| Op::Contact { on_b, tie }),
        1 => any::<bool>().prop_map(|on_b| Op::Reload { on_b }),
        2 => Just(Op::Sync),
    ]
}

fn words(n: u8, salt: usize) -> String {
    (0..n)
        .map(|i| format!("w{}", (i as usize * 7 + salt) % 31))
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The mirror invariant: after any edits, deletes, reloads and merges of two
    /// replicas, each mirror equals a fresh projection of its documents, and once
    /// synced both replicas show the same records.
    #[test]
    fn the_mirror_always_equals_a_fresh_projection(ops in prop::collection::vec(op(), 1..30)) {
        let (fa, mut a) = fixture();
        let (fb, mut b) = fixture();
        for (step, op) in ops.into_iter().enumerate() {
            match op {
                Op::Add { on_b, month, words: n } => {
                    let v = if on_b { &mut b } else { &mut a };
                    entry(v, &words(n, step), &format!("2026-{month:02}-1{}", step % 10));
                }
                Op::Edit { on_b, pick, words: n } => {
                    let v = if on_b { &mut b } else { &mut a };
                    let all: Vec<Entry> = v.list(1000, 0).unwrap();
                    if !all.is_empty() {
                        let mut e = all[pick % all.len()].clone();
                        e.text = format!("{} {}", e.text, words(n, step));
                        v.put(&e).unwrap();
                    }
                }
                Op::Delete { on_b, pick } => {
                    let v = if on_b { &mut b } else { &mut a };
                    let all: Vec<Entry> = v.list(1000, 0).unwrap();
                    if !all.is_empty() {
                        v.delete("entry", &all[pick % all.len()].id).unwrap();
                    }
                }
                Op::Contact { on_b, tie } => {
                    let v = if on_b { &mut b } else { &mut a };
                    let c = Contact {
                        id: model::new_id(),
                        name: format!("Person {step}"),
                        tie: [Tie::Often, Tie::Occasionally, Tie::Rarely][tie as usize],
                        ..Default::default()
                    };
                    v.put(&c).unwrap();
                }
                Op::Reload { on_b } => {
                    if on_b {
                        drop(b);
                        b = Vault::open(&fb.vault_dir, &fb.source).unwrap();
                    } else {
                        drop(a);
                        a = Vault::open(&fa.vault_dir, &fa.source).unwrap();
                    }
                }
                Op::Sync => sync(&mut a, &mut b),
            }
            for v in [&mut a, &mut b] {
                let report = v.doctor().unwrap();
                prop_assert!(report.healthy(), "after step {step}: {report:?}");
            }
        }
        sync(&mut a, &mut b);
        prop_assert_eq!(mirror(&a), mirror(&b));
    }
}

#[test]
fn warming_takes_one_document_per_step_the_core_shards_then_this_month_then_stops() {
    let (_f, mut vault) = fixture();
    let today = date("2024-03-05");
    entry(&mut vault, "written this month", "2024-03-05");
    let steps = (0..)
        .take_while(|&step| vault.warm_step(today, step).unwrap())
        .count();
    assert_eq!(steps, usize::from(model::CORE_SHARDS) + 1);
    assert!(!vault.warm_step(today, steps + 1).unwrap());
    // Warming again, all at once, finds everything loaded and changes nothing.
    vault.warm(today).unwrap();
    assert_eq!(vault.list::<Entry>(10, 0).unwrap().len(), 1);
}
