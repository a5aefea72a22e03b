//! A malicious paired device, played through the real sync path (`Session` frames in
//! and out, stored like any sync): each test writes one attack of the security review
//! with plain Automerge calls, as a hostile build would, and checks that the victim
//! refuses it while its honest devices keep syncing.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};

use super::*;
use crate::api::{self, NewEntry};
use crate::model::{self, DEVICES_DOC, Device, Entry, Record};
use crate::vault::KeySource;

struct Dev {
    _dir: tempfile::TempDir,
    vault: Vault,
}

fn device() -> Dev {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&dir.path().join("vault"), &source).unwrap();
    Dev { _dir: dir, vault }
}

/// One whole session between two devices, frames passed in turn until both are quiet.
fn sync(a: &mut Vault, b: &mut Vault) {
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let mut to_b = sa.open(a).unwrap();
    let mut to_a = sb.open(b).unwrap();
    for _ in 0..1000 {
        if to_a.is_empty() && to_b.is_empty() && !sa.has_more() && !sb.has_more() {
            return;
        }
        to_b.extend(sa.more(a).unwrap());
        to_a.extend(sb.more(b).unwrap());
        let for_b = std::mem::take(&mut to_b);
        if !for_b.is_empty() {
            to_a.extend(sb.handle_batch(b, for_b).unwrap());
        }
        let for_a = std::mem::take(&mut to_a);
        if !for_a.is_empty() {
            to_b.extend(sa.handle_batch(a, for_a).unwrap());
        }
    }
    panic!("the session never ended");
}

/// Pairs two devices as pairing does: each lists and vouches for the other.
fn pair(a: &mut Vault, b: &mut Vault) {
    let (ida, idb) = (a.device_id().to_string(), b.device_id().to_string());
    a.ensure_this_device(Some("A")).unwrap();
    b.ensure_this_device(Some("B")).unwrap();
    a.add_device(&idb, "peer", &ida).unwrap();
    b.add_device(&ida, "peer", &idb).unwrap();
    sync(a, b);
}

fn entry(v: &mut Vault, text: &str) -> Entry {
    api::add_entry(
        v,
        NewEntry {
            text: text.into(),
            date: Some(model::Date::from_ymd_opt(2026, 3, 14).unwrap()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// The map of `kind` its genesis made, found as a hostile build would.
fn kind_map(doc: &AutoCommit, kind: &str) -> automerge::ObjId {
    doc.get(ROOT, kind).unwrap().unwrap().1
}

/// Changes written straight into a document of the attacker's vault with plain
/// Automerge calls, bypassing every rule, and stored there like received changes, so
/// the attacker's next sync offers them.
fn hostile(attacker: &mut Vault, doc_id: &str, write: impl FnOnce(&mut AutoCommit)) {
    let doc = attacker.document(doc_id).unwrap();
    let before = doc.get_heads();
    let mut fork = doc.fork();
    write(&mut fork);
    fork.commit();
    let bytes = fork.save_after(&before);
    attacker.apply_changes(doc_id, &bytes).unwrap();
}

/// A raw record put into a document of the attacker's vault (see [`hostile`]).
fn raw_record(
    attacker: &mut Vault,
    doc_id: &str,
    kind: &str,
    key: &str,
    fields: &[(&str, automerge::ScalarValue)],
) {
    hostile(attacker, doc_id, |doc| {
        let map = kind_map(doc, kind);
        let obj = doc.put_object(&map, key, ObjType::Map).unwrap();
        for (field, value) in fields {
            doc.put(&obj, *field, value.clone()).unwrap();
        }
    });
}

fn id_of(v: &Vault) -> String {
    v.device_id().to_string()
}

#[test]
fn finding_1_a_removed_device_cannot_undo_its_removal_through_a_device_that_had_not_heard_of_it() {
    let (mut a, mut b, mut r) = (device(), device(), device());
    pair(&mut a.vault, &mut b.vault);
    pair(&mut a.vault, &mut r.vault);
    sync(&mut a.vault, &mut b.vault);
    let rid = id_of(&r.vault);
    assert!(b.vault.trusts(&rid).unwrap(), "R was a member everywhere");
    a.vault.revoke_device(&rid).unwrap();
    // R, not knowing, deletes its own record and writes it anew without the removal,
    // copying the vouches it had: two attacks in one (the old map is gone, so the
    // removal lands on nothing, and the new map wins).
    let old: Device = r.vault.get(&rid).unwrap().unwrap();
    let aid = id_of(&a.vault);
    hostile(&mut r.vault, DEVICES_DOC, |doc| {
        let map = kind_map(doc, Device::KIND);
        doc.delete(&map, rid.as_str()).unwrap();
        let obj = doc.put_object(&map, rid.as_str(), ObjType::Map).unwrap();
        doc.put(&obj, "id", rid.as_str()).unwrap();
        doc.put(&obj, "name", "Phone").unwrap();
        doc.put(&obj, "added_at", 1).unwrap();
        doc.put(&obj, "added_by", aid.as_str()).unwrap();
        let vouches = doc.put_object(&obj, "vouched_by", ObjType::Map).unwrap();
        for (k, v) in &old.vouched_by {
            doc.put(&vouches, k.as_str(), v.as_str()).unwrap();
        }
    });
    // B has not heard of the removal: it takes R's change and relays it to A.
    sync(&mut r.vault, &mut b.vault);
    sync(&mut b.vault, &mut a.vault);
    sync(&mut a.vault, &mut b.vault);
    for (name, v) in [("A", &a.vault), ("B", &b.vault)] {
        assert!(
            !v.trusts(&rid).unwrap(),
            "{name} trusts the removed device again"
        );
        assert!(v.sync_peers().unwrap().iter().all(|d| d.id != rid));
    }
    assert!(
        a.vault.trusts(&id_of(&b.vault)).unwrap(),
        "A and B still trust each other"
    );
    assert!(b.vault.trusts(&id_of(&a.vault)).unwrap());
    // A later write on A still reaches B.
    let e = entry(&mut a.vault, "still syncing");
    sync(&mut a.vault, &mut b.vault);
    assert!(b.vault.get::<Entry>(&e.id).unwrap().is_some());
}

#[test]
fn finding_1_a_removal_that_loses_a_conflict_is_still_a_removal() {
    let (mut a, mut b, mut r) = (device(), device(), device());
    pair(&mut a.vault, &mut b.vault);
    pair(&mut a.vault, &mut r.vault);
    sync(&mut a.vault, &mut b.vault);
    let rid = id_of(&r.vault);
    a.vault.revoke_device(&rid).unwrap();
    // R sets its own `revoked_at` to null many times, so its op wins the conflict.
    hostile(&mut r.vault, DEVICES_DOC, |doc| {
        let map = kind_map(doc, Device::KIND);
        let (_, obj) = doc.get(&map, rid.as_str()).unwrap().unwrap();
        for _ in 0..50 {
            doc.put(&obj, "revoked_at", automerge::ScalarValue::Null)
                .unwrap();
        }
    });
    sync(&mut r.vault, &mut b.vault);
    sync(&mut b.vault, &mut a.vault);
    sync(&mut a.vault, &mut b.vault);
    assert!(!a.vault.trusts(&rid).unwrap());
    assert!(!b.vault.trusts(&rid).unwrap());
}

#[test]
fn finding_2_a_paired_device_cannot_let_a_stranger_in() {
    let (mut a, mut b, mut m) = (device(), device(), device());
    pair(&mut a.vault, &mut b.vault);
    pair(&mut a.vault, &mut m.vault);
    let stranger = device();
    let sid = id_of(&stranger.vault);
    let forged = "cd".repeat(32);
    // M lists a stranger, named like the owner's laptop, vouched for by nobody, and a
    // second one with a made-up vouch "by A".
    raw_record(
        &mut m.vault,
        DEVICES_DOC,
        Device::KIND,
        &sid,
        &[
            ("id", sid.as_str().into()),
            ("name", "Laptop".into()),
            ("added_at", 1.into()),
            ("added_by", id_of(&a.vault).as_str().into()),
        ],
    );
    let aid = id_of(&a.vault);
    hostile(&mut m.vault, DEVICES_DOC, |doc| {
        let map = kind_map(doc, Device::KIND);
        let obj = doc.put_object(&map, forged.as_str(), ObjType::Map).unwrap();
        doc.put(&obj, "id", forged.as_str()).unwrap();
        doc.put(&obj, "name", "Laptop").unwrap();
        doc.put(&obj, "added_at", 1).unwrap();
        doc.put(&obj, "added_by", aid.as_str()).unwrap();
        let v = doc.put_object(&obj, "vouched_by", ObjType::Map).unwrap();
        doc.put(&v, aid.as_str(), "ab".repeat(64)).unwrap();
    });
    sync(&mut m.vault, &mut a.vault);
    sync(&mut a.vault, &mut b.vault);
    for v in [&a.vault, &b.vault] {
        assert!(
            !v.trusts(&sid).unwrap(),
            "a stranger with no vouch is trusted"
        );
        assert!(!v.trusts(&forged).unwrap(), "a forged vouch is believed");
        let info = v.device_infos().unwrap();
        assert!(
            info.iter().any(|d| d.id == sid && !d.trusted),
            "listed as not trusted"
        );
    }
}

#[test]
fn finding_2_a_stranger_a_removed_device_vouched_for_loses_trust_with_it() {
    let (mut a, mut b, mut m) = (device(), device(), device());
    pair(&mut a.vault, &mut b.vault);
    pair(&mut a.vault, &mut m.vault);
    let stranger = device();
    let sid = id_of(&stranger.vault);
    // M signs for the stranger: a member may add a device, but only while it is one.
    let mid = id_of(&m.vault);
    m.vault.add_device(&sid, "Laptop", &mid).unwrap();
    sync(&mut m.vault, &mut a.vault);
    sync(&mut a.vault, &mut b.vault);
    assert!(a.vault.trusts(&sid).unwrap());
    a.vault.revoke_device(&mid).unwrap();
    sync(&mut a.vault, &mut b.vault);
    for v in [&a.vault, &b.vault] {
        assert!(!v.trusts(&mid).unwrap());
        assert!(
            !v.trusts(&sid).unwrap(),
            "the stranger stays trusted after M's removal"
        );
    }
    assert!(a.vault.trusts(&id_of(&b.vault)).unwrap());
}

#[test]
fn finding_2_a_new_device_list_at_the_root_is_never_read_even_by_doctor_rebuild() {
    let (mut a, mut b, mut m) = (device(), device(), device());
    pair(&mut a.vault, &mut b.vault);
    pair(&mut a.vault, &mut m.vault);
    let stranger = device();
    let sid = id_of(&stranger.vault);
    let mid = id_of(&m.vault);
    hostile(&mut m.vault, DEVICES_DOC, |doc| {
        // A whole new `device` map, listing only the stranger (many ops, so it wins).
        let map = doc.put_object(ROOT, Device::KIND, ObjType::Map).unwrap();
        let obj = doc.put_object(&map, sid.as_str(), ObjType::Map).unwrap();
        for (k, v) in [
            ("id", sid.as_str()),
            ("name", "Laptop"),
            ("added_by", mid.as_str()),
        ] {
            doc.put(&obj, k, v).unwrap();
        }
        doc.put(&obj, "added_at", 1).unwrap();
    });
    sync(&mut m.vault, &mut a.vault);
    a.vault.rebuild_mirror().unwrap();
    let aid = id_of(&a.vault);
    let listed: Vec<String> = a
        .vault
        .devices()
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert!(
        listed.contains(&id_of(&b.vault)),
        "the owner's devices are still listed"
    );
    assert!(!listed.contains(&sid), "the attacker's list is not read");
    assert!(a.vault.trusts(&id_of(&b.vault)).unwrap());
    assert!(!a.vault.trusts(&sid).unwrap());
    assert!(a.vault.doctor().unwrap().healthy());
    // A's next pairing still lands in the list every device reads.
    let c = device();
    let cid = id_of(&c.vault);
    a.vault.add_device(&cid, "Tablet", &aid).unwrap();
    sync(&mut a.vault, &mut b.vault);
    let on_b: Vec<String> = b
        .vault
        .devices()
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert!(
        on_b.contains(&cid),
        "{on_b:?} {:?}",
        b.vault.doctor().unwrap().problems
    );
    assert!(
        b.vault.trusts(&cid).unwrap(),
        "{:?} {:?}",
        b.vault.get::<Device>(&cid).unwrap(),
        b.vault.trusted_devices().unwrap()
    );
}

#[test]
fn finding_5_received_records_that_break_the_rules_are_set_aside_and_can_be_deleted() {
    let (mut a, mut m) = (device(), device());
    pair(&mut a.vault, &mut m.vault);
    let good = entry(&mut m.vault, "an honest entry");
    let month = "journal-2026-03";
    let date = |d: &str| automerge::ScalarValue::from(d);
    type Fields = Vec<(&'static str, automerge::ScalarValue)>;
    let bad: Vec<(&str, &str, Fields)> = vec![
        (
            "entry",
            "moodtoohigh2",
            vec![
                ("id", "moodtoohigh2".into()),
                ("date", date("2026-03-01")),
                ("text", "x".into()),
                ("mood", 200.into()),
                ("created_ms", 1.into()),
            ],
        ),
        (
            "entry",
            "emptytext222",
            vec![
                ("id", "emptytext222".into()),
                ("date", date("2026-03-01")),
                ("text", "".into()),
                ("created_ms", 1.into()),
            ],
        ),
        (
            "entry",
            "yearone22222",
            vec![
                ("id", "yearone22222".into()),
                ("date", date("0001-03-01")),
                ("text", "x".into()),
                ("created_ms", 1.into()),
            ],
        ),
        (
            "entry",
            "keyisnotid22",
            vec![
                ("id", "otherid22222".into()),
                ("date", date("2026-03-01")),
                ("text", "x".into()),
                ("created_ms", 1.into()),
            ],
        ),
        (
            "entry",
            "notanentry22",
            vec![("id", "notanentry22".into()), ("date", 7.into())],
        ),
        (
            "contact",
            "contactinmon",
            vec![("id", "contactinmon".into()), ("name", "Sam".into())],
        ),
    ];
    for (kind, key, fields) in &bad {
        raw_record(&mut m.vault, month, kind, key, fields);
    }
    // The honest entry's id, also put into another month.
    raw_record(
        &mut m.vault,
        "journal-2026-05",
        "entry",
        &good.id,
        &[
            ("id", good.id.as_str().into()),
            ("date", date("2026-05-01")),
            ("text", "a copy".into()),
            ("created_ms", 1.into()),
        ],
    );
    sync(&mut m.vault, &mut a.vault);
    // The honest entry is shown, once, from the document it was made in.
    let shown: Entry = a.vault.get(&good.id).unwrap().unwrap();
    assert_eq!(shown.text, "an honest entry");
    let entries: Vec<Entry> = a.vault.list(100, 0).unwrap();
    assert_eq!(
        entries.len(),
        1,
        "only the honest entry is shown: {entries:?}"
    );
    for (_, key, _) in &bad {
        assert!(a.vault.store().row("entry", key).unwrap().is_none());
        assert!(a.vault.store().row("contact", key).unwrap().is_none());
    }
    let report = a.vault.doctor().unwrap();
    assert_eq!(
        report.set_aside.len(),
        bad.len() + 1,
        "{:?}",
        report.set_aside
    );
    assert!(!report.healthy(), "doctor says so");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("break this version's rules"))
    );
    // They never block the rest: a later honest write syncs as before.
    let later = entry(&mut m.vault, "later");
    sync(&mut m.vault, &mut a.vault);
    assert!(a.vault.get::<Entry>(&later.id).unwrap().is_some());
    // And they can be deleted, on every device.
    assert_eq!(a.vault.drop_set_aside().unwrap(), bad.len() + 1);
    assert!(
        a.vault.doctor().unwrap().healthy(),
        "{:?}",
        a.vault.doctor().unwrap().problems
    );
    assert_eq!(
        a.vault.get::<Entry>(&good.id).unwrap().unwrap().text,
        "an honest entry"
    );
    sync(&mut a.vault, &mut m.vault);
    assert!(m.vault.doctor().unwrap().set_aside.is_empty());
}

/// Runs frames a hostile peer wrote into a fresh session of the victim's; returns the
/// first error the victim answered with.
fn feed(victim: &mut Vault, frames: Vec<Frame>) -> Result<Vec<Frame>> {
    let mut s = Session::default();
    s.open(victim).unwrap();
    let mut out = Vec::new();
    for f in frames {
        // Through the wire encoding, as they would arrive.
        let mut bytes = encode(&f);
        let f = decode(&mut bytes).unwrap().unwrap();
        out.extend(s.handle(victim, f)?);
    }
    Ok(out)
}

/// A sync message carrying `changes` (raw change or document chunks) for a document.
fn message_with(changes: Vec<Vec<u8>>) -> Vec<u8> {
    automerge::sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: changes.into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

#[test]
fn finding_3_a_change_nested_ten_thousand_maps_deep_is_refused_and_nothing_is_kept() {
    let mut a = device();
    let honest = entry(&mut a.vault, "kept");
    let month = "journal-2026-03";
    let before = a.vault.version_of(month).unwrap();
    // The attacker's change: one field of a new entry, 10,000 maps deep (~20 kB).
    let mut doc = crate::doc::new_document(month, automerge::ActorId::from([9u8; 16])).unwrap();
    let heads = doc.get_heads();
    let map = kind_map(&doc, "entry");
    let mut obj = doc.put_object(&map, "deepdeepdeep", ObjType::Map).unwrap();
    for _ in 0..10_000 {
        obj = doc.put_object(&obj, "x", ObjType::Map).unwrap();
    }
    doc.commit();
    let change = doc.save_after(&heads);
    assert!(change.len() < 64 * 1024, "{} bytes", change.len());
    let err = feed(
        &mut a.vault,
        vec![Frame::Sync {
            doc: month.into(),
            message: message_with(vec![change.clone()]),
        }],
    )
    .unwrap_err();
    assert!(err.to_string().contains("nests"), "{err}");
    assert_eq!(a.vault.version_of(month).unwrap(), before, "nothing stored");
    assert!(a.vault.doctor().unwrap().healthy());
    assert_eq!(
        a.vault.get::<Entry>(&honest.id).unwrap().unwrap().text,
        "kept"
    );
    // Again on the next session: refused again, never stored.
    assert!(
        feed(
            &mut a.vault,
            vec![Frame::Sync {
                doc: month.into(),
                message: message_with(vec![change]),
            }],
        )
        .is_err()
    );
    assert_eq!(a.vault.version_of(month).unwrap(), before);
}

#[test]
fn finding_3_a_small_document_of_a_million_letters_is_refused_before_it_is_loaded() {
    let mut a = device();
    let mut doc =
        crate::doc::new_document("journal-2026-04", automerge::ActorId::from([9u8; 16])).unwrap();
    let map = kind_map(&doc, "entry");
    let obj = doc.put_object(&map, "longlonglong", ObjType::Map).unwrap();
    let text = doc.put_object(&obj, "text", ObjType::Text).unwrap();
    doc.splice_text(&text, 0, 0, &"a".repeat(1_100_000))
        .unwrap();
    doc.commit();
    let bytes = doc.save();
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    let as_change = message_with(vec![bytes.clone()]);
    let err = feed(
        &mut a.vault,
        vec![Frame::Sync {
            doc: "journal-2026-04".into(),
            message: as_change,
        }],
    )
    .unwrap_err();
    assert!(err.to_string().contains("operations"), "{err}");
    assert!(!a.vault.has_document("journal-2026-04").unwrap());
    assert_eq!(
        a.vault.documents_in_memory(),
        0,
        "nothing loaded, nothing kept"
    );
}

#[test]
fn finding_3_a_whole_document_nobody_asked_for_is_refused() {
    let (mut a, mut b) = (device(), device());
    entry(&mut b.vault, "from b");
    let (bytes, _) = b.vault.snapshot("journal-2026-03").unwrap();
    // A resumed session (not a full manifest): the victim said it lacks nothing.
    let mut s = Session::resume(vec![(
        "core-0".into(),
        automerge::sync::State::new().encode(),
    )]);
    s.open(&a.vault).unwrap();
    let err = s
        .handle(
            &mut a.vault,
            Frame::Snapshot {
                doc: "journal-2026-03".into(),
                bytes: bytes.clone(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("did not ask for"), "{err}");
    // With a full manifest that lacks it, once; a second copy is refused.
    let mut s = Session::default();
    s.open(&a.vault).unwrap();
    s.handle(
        &mut a.vault,
        Frame::Snapshot {
            doc: "journal-2026-03".into(),
            bytes: bytes.clone(),
        },
    )
    .unwrap();
    assert!(
        s.handle(
            &mut a.vault,
            Frame::Snapshot {
                doc: "journal-2026-03".into(),
                bytes,
            },
        )
        .is_err()
    );
}

#[test]
fn finding_4_document_ids_outside_real_dates_are_refused_and_named_ids_make_nothing() {
    let mut a = device();
    for bad in [
        "journal-99999-01",
        "journal--001-01",
        "journal-0999-12",
        "journal-2026-13",
    ] {
        let err = feed(
            &mut a.vault,
            vec![Frame::Manifest {
                digest: [1; 32],
                full: false,
                more: false,
                docs: vec![(bad.into(), vec![ChangeHash([1; 32])])],
            }],
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not know"), "{bad}: {err}");
    }
    // 2,000 real months named: answered, but no document is made for any of them.
    let docs: Vec<(String, Vec<ChangeHash>)> = (0..2000)
        .map(|i| {
            (
                format!("journal-{:04}-{:02}", 2000 + i / 12, i % 12 + 1),
                vec![ChangeHash([1; 32])],
            )
        })
        .collect();
    let out = feed(
        &mut a.vault,
        vec![Frame::Manifest {
            digest: [1; 32],
            full: false,
            more: false,
            docs: docs.clone(),
        }],
    )
    .unwrap();
    assert!(!out.is_empty(), "the victim still answers");
    assert_eq!(a.vault.documents_in_memory(), 0);
    assert!(a.vault.document_ids().unwrap().is_empty());
    // More documents than a vault may hold, even split over frames, end the session.
    let many: Vec<(String, Vec<ChangeHash>)> = (0..3000)
        .map(|i| {
            (
                format!("journal-{:04}-{:02}", 1000 + i / 12, i % 12 + 1),
                vec![],
            )
        })
        .collect();
    let err = feed(
        &mut a.vault,
        vec![
            Frame::Manifest {
                digest: [1; 32],
                full: true,
                more: true,
                docs: many[..1500].to_vec(),
            },
            Frame::Manifest {
                digest: [1; 32],
                full: true,
                more: false,
                docs: many[1500..].to_vec(),
            },
        ],
    )
    .unwrap_err();
    assert!(err.to_string().contains("more than"), "{err}");
}

#[test]
fn a_manifest_too_big_for_one_frame_goes_in_parts_that_the_receiver_joins() {
    let docs: Vec<(String, Vec<ChangeHash>)> = (0..2400)
        .map(|i| {
            (
                format!("journal-{:04}-{:02}", 1000 + i / 12, i % 12 + 1),
                (0..20).map(|h| ChangeHash([h as u8; 32])).collect(),
            )
        })
        .collect();
    let frames = manifest_frames([0; 32], true, docs.clone());
    assert!(frames.len() > 1, "split into {} parts", frames.len());
    let mut joined = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let Frame::Manifest { more, docs, .. } = f else {
            panic!()
        };
        assert_eq!(*more, i + 1 < frames.len());
        assert!(encode(f).len() < MANIFEST_PART_BYTES + 64 * 1024);
        joined.extend(docs.clone());
    }
    assert_eq!(joined, docs);
    let mut a = device();
    let answer = feed(&mut a.vault, frames).unwrap();
    assert!(!answer.is_empty(), "answered once the last part came");
    assert_eq!(a.vault.documents_in_memory(), 0);
    // And a small one is one frame, as earlier releases sent it.
    let one = manifest_frames([0; 32], true, docs[..10].to_vec());
    assert_eq!(one.len(), 1);
    assert_eq!(encode(&one[0])[4 + 1 + 32], 1, "flag byte as before");
}
