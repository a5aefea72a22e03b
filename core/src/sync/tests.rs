use std::collections::VecDeque;

use super::*;
use crate::api::{self, NewEntry};
use crate::model::{self, Contact, Entry};
use crate::vault::KeySource;
use proptest::prelude::*;

struct Device {
    _dir: tempfile::TempDir,
    vault: Vault,
}

fn device() -> Device {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&dir.path().join("vault"), &source).unwrap();
    Device { _dir: dir, vault }
}

fn write(v: &mut Vault, text: &str, day: &str) -> Entry {
    api::add_entry(
        v,
        NewEntry {
            text: text.into(),
            date: Some(model::Date::parse_from_str(day, "%Y-%m-%d").unwrap()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Runs a session between two devices until both are quiet; returns bytes sent. With
/// `drop_every`, every n-th frame is lost and the queues are shuffled by `seed`.
fn session(
    a: &mut Vault,
    sa: &mut Session,
    b: &mut Vault,
    sb: &mut Session,
    drop_every: Option<usize>,
    seed: u64,
) -> usize {
    let mut to_b: VecDeque<Vec<u8>> = sa.open(a).unwrap().iter().map(encode).collect();
    let mut to_a: VecDeque<Vec<u8>> = sb.open(b).unwrap().iter().map(encode).collect();
    let mut bytes = 0;
    let mut n = 0usize;
    let mut turn = seed;
    for _ in 0..10_000 {
        // Whole documents go out a few at a time, between frames read, as the
        // transport sends them: sometimes now, always once nothing else is left.
        let idle = to_a.is_empty() && to_b.is_empty();
        if sa.has_more() && (idle || (turn >> 21).is_multiple_of(2)) {
            for f in sa.more(a).unwrap() {
                to_b.push_back(encode(&f));
            }
        }
        if sb.has_more() && (idle || (turn >> 23).is_multiple_of(2)) {
            for f in sb.more(b).unwrap() {
                to_a.push_back(encode(&f));
            }
        }
        if to_a.is_empty() && to_b.is_empty() {
            if drop_every.is_none() {
                assert!(
                    sa.is_done() && sb.is_done(),
                    "both sides know the session is over"
                );
            }
            return bytes;
        }
        turn = turn
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let b_side = (turn >> 33).is_multiple_of(2);
        let (queue, back, vault, sess) = if b_side && !to_b.is_empty() || to_a.is_empty() {
            (&mut to_b, &mut to_a, &mut *b, &mut *sb)
        } else {
            (&mut to_a, &mut to_b, &mut *a, &mut *sa)
        };
        // Reorder: sometimes take from the back.
        let raw = if drop_every.is_some() && (turn >> 40).is_multiple_of(3) {
            queue.pop_back()
        } else {
            queue.pop_front()
        };
        let Some(mut raw) = raw else { continue };
        bytes += raw.len();
        n += 1;
        if drop_every.is_some_and(|k| n.is_multiple_of(k)) {
            continue;
        }
        let frame = decode(&mut raw).unwrap().unwrap();
        if drop_every.is_none() && sess.is_done() {
            // A side that is done stops reading (the transport closes): nothing may
            // still be on its way to it but the other side's last Quiet.
            assert!(
                matches!(frame, Frame::Quiet { .. }),
                "a side that thought the session over still had data coming: {frame:?}"
            );
        }
        for reply in sess.handle(vault, frame).unwrap() {
            back.push_back(encode(&reply));
        }
    }
    panic!("the session never went quiet");
}

fn mirror(v: &Vault) -> Vec<(String, String, String)> {
    v.mirror_rows().unwrap()
}

fn assert_same(a: &mut Vault, b: &mut Vault) {
    assert_eq!(mirror(a), mirror(b));
    assert_eq!(a.manifest().unwrap(), b.manifest().unwrap());
    assert!(a.doctor().unwrap().healthy());
    assert!(b.doctor().unwrap().healthy());
}

#[test]
fn frames_round_trip_and_arrive_in_pieces() {
    let frames = vec![
        Frame::Manifest {
            digest: [3; 32],
            full: true,
            docs: vec![("core-1".into(), vec![ChangeHash([7; 32])])],
        },
        Frame::Sync {
            doc: "journal-2026-03".into(),
            message: vec![1, 2, 3],
        },
        Frame::Quiet {
            received: 9,
            digest: [4; 32],
        },
        Frame::Snapshot {
            doc: "core-2".into(),
            bytes: vec![5; 40],
        },
    ];
    let mut wire: Vec<u8> = frames.iter().flat_map(encode).collect();
    let mut buf = Vec::new();
    let mut got = Vec::new();
    // Feed one byte at a time, as a slow network would.
    while !wire.is_empty() {
        buf.push(wire.remove(0));
        while let Some(f) = decode(&mut buf).unwrap() {
            got.push(f);
        }
    }
    assert_eq!(got, frames);
}

#[test]
fn an_oversized_frame_ends_the_session_before_anything_is_allocated() {
    let mut buf = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
    assert_eq!(decode(&mut buf), Err(FrameError::TooLarge(MAX_FRAME + 1)));
    let mut garbage = vec![0, 0, 0, 1, 99];
    assert!(matches!(
        decode(&mut garbage),
        Err(FrameError::Malformed(_))
    ));
}

#[test]
fn a_peer_naming_a_strange_document_is_refused() {
    let mut d = device();
    let mut s = Session::default();
    let err = s
        .handle(
            &mut d.vault,
            Frame::Manifest {
                digest: [0; 32],
                full: false,
                docs: vec![("../../etc".into(), vec![ChangeHash([1; 32])])],
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("does not know"), "{err}");
}

#[test]
fn two_devices_with_different_writes_end_with_the_same_records() {
    let mut a = device();
    let mut b = device();
    write(&mut a.vault, "on the phone", "2026-03-01");
    write(&mut b.vault, "on the laptop", "2026-03-02");
    write(&mut b.vault, "older", "2025-12-24");
    let c = Contact {
        id: model::new_id(),
        name: "Priya".into(),
        ..Default::default()
    };
    a.vault.put(&c).unwrap();
    let (mut sa, mut sb) = (Session::default(), Session::default());
    session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 1);
    assert_same(&mut a.vault, &mut b.vault);
    assert_eq!(a.vault.list::<Entry>(10, 0).unwrap().len(), 3);
}

#[test]
fn three_devices_converge_through_pairwise_sessions() {
    let mut devices: Vec<Device> = (0..3).map(|_| device()).collect();
    for (i, d) in devices.iter_mut().enumerate() {
        write(
            &mut d.vault,
            &format!("from device {i}"),
            "2026-04-0{i}"
                .replace("0{i}", &format!("0{}", i + 1))
                .as_str(),
        );
    }
    for _ in 0..2 {
        for (i, j) in [(0, 1), (1, 2), (0, 2)] {
            let (left, right) = devices.split_at_mut(j);
            let (a, b) = (&mut left[i].vault, &mut right[0].vault);
            session(
                a,
                &mut Session::default(),
                b,
                &mut Session::default(),
                None,
                7,
            );
        }
    }
    let (first, rest) = devices.split_at_mut(1);
    for d in rest {
        assert_same(&mut first[0].vault, &mut d.vault);
    }
    assert_eq!(first[0].vault.list::<Entry>(10, 0).unwrap().len(), 3);
}

#[test]
fn an_edit_after_a_first_sync_costs_about_a_kilobyte_not_the_document() {
    let mut a = device();
    let mut b = device();
    let mut prose = crate::sample::Prose::new(3);
    for day in 1..=28 {
        write(&mut a.vault, &prose.text(250), &format!("2026-02-{day:02}"));
    }
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let first = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 3);
    // Reconnect later with the kept sync states; one new entry was written meanwhile.
    let (keep_a, keep_b) = (sa.into_states(), sb.into_states());
    let e = write(
        &mut a.vault,
        "One more line, written on the bus.",
        "2026-02-28",
    );
    let (mut sa, mut sb) = (Session::resume(keep_a), Session::resume(keep_b));
    let edit = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 3);
    assert!(edit < 2_000, "an edit cost {edit} bytes");
    assert!(
        first > 4 * edit,
        "the first sync ({first} bytes) moved the whole month"
    );
    assert!(b.vault.get::<Entry>(&e.id).unwrap().is_some());
    assert_eq!(b.vault.list::<Entry>(100, 0).unwrap().len(), 29);
    // And a reconnect with nothing new costs only the manifests.
    let (keep_a, keep_b) = (sa.into_states(), sb.into_states());
    let (mut sa, mut sb) = (Session::resume(keep_a), Session::resume(keep_b));
    let idle = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 3);
    assert!(idle < 500, "an idle reconnect cost {idle} bytes");
}

#[test]
fn a_device_with_nothing_receives_whole_documents_at_about_their_compacted_size() {
    let mut a = device();
    let mut b = device();
    let mut prose = crate::sample::Prose::new(5);
    for month in 1..=24 {
        for day in 1..=3 {
            write(
                &mut a.vault,
                &prose.text(120),
                &format!(
                    "{}-{:02}-{day:02}",
                    2025 + (month - 1) / 12,
                    (month - 1) % 12 + 1
                ),
            );
        }
    }
    // One month both have, so documents go whole and change by change at once.
    write(
        &mut b.vault,
        "the new device's own first line",
        "2025-01-05",
    );
    let compacted: usize = a
        .vault
        .document_ids()
        .unwrap()
        .iter()
        .map(|d| a.vault.snapshot(d).unwrap().0.len())
        .sum();
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let bytes = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 11);
    assert_same(&mut a.vault, &mut b.vault);
    assert_eq!(b.vault.list::<Entry>(100, 0).unwrap().len(), 73);
    assert!(sa.frames_sent() > 20, "24 months went as whole documents");
    assert!(
        (bytes as f64) < 1.2 * compacted as f64,
        "{bytes} bytes on the wire for {compacted} bytes of documents"
    );
    // The kept states let the next session start from what both now have.
    let (mut sa, mut sb) = (
        Session::resume(sa.into_states()),
        Session::resume(sb.into_states()),
    );
    let e = write(&mut b.vault, "and one from the new device", "2026-06-13");
    let edit = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 11);
    assert!(edit < 2_000, "an edit after a first sync cost {edit} bytes");
    assert!(a.vault.get::<Entry>(&e.id).unwrap().is_some());
}

#[test]
fn kept_states_that_promise_too_much_fall_back_to_a_full_comparison() {
    let mut a = device();
    let mut b = device();
    write(&mut a.vault, "first", "2026-05-01");
    let (mut sa, mut sb) = (Session::default(), Session::default());
    session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 5);
    let keep_a = sa.into_states();
    // The other device is replaced by one restored from an empty backup, under the
    // same identity: A's states say it has everything, it has nothing.
    let mut b2 = device();
    let (mut sa, mut sb) = (Session::resume(keep_a), Session::default());
    session(&mut a.vault, &mut sa, &mut b2.vault, &mut sb, None, 5);
    assert_same(&mut a.vault, &mut b2.vault);
    assert_eq!(b2.vault.list::<Entry>(10, 0).unwrap().len(), 1);
}

#[test]
fn edits_made_while_connected_are_offered_without_a_new_manifest() {
    let mut a = device();
    let mut b = device();
    let (mut sa, mut sb) = (Session::default(), Session::default());
    session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, 9);
    let e = write(&mut a.vault, "written while connected", "2026-06-01");
    let mut to_b: VecDeque<Frame> = sa.local_changes(&mut a.vault).unwrap().into();
    assert!(matches!(to_b.front(), Some(Frame::Sync { .. })));
    assert!(!sa.is_done());
    let mut to_a: VecDeque<Frame> = VecDeque::new();
    for _ in 0..100 {
        if let Some(f) = to_b.pop_front() {
            to_a.extend(sb.handle(&mut b.vault, f).unwrap());
        } else if let Some(f) = to_a.pop_front() {
            to_b.extend(sa.handle(&mut a.vault, f).unwrap());
        } else {
            break;
        }
    }
    assert!(sa.is_done() && sb.is_done());
    assert!(b.vault.get::<Entry>(&e.id).unwrap().is_some());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random writes on two devices and a lossy, reordering first session; after a
    /// clean reconnect (states kept, as they would be) both hold the same records.
    #[test]
    fn lost_and_reordered_frames_never_stop_two_devices_converging(
        writes in prop::collection::vec((any::<bool>(), 1..=3u32, 1..40usize), 1..12),
        drop_every in 2..6usize,
        seed in any::<u64>(),
    ) {
        let mut a = device();
        let mut b = device();
        for (i, (on_b, month, words)) in writes.into_iter().enumerate() {
            let v = if on_b { &mut b.vault } else { &mut a.vault };
            let text: String = (0..words).map(|w| format!("w{}", (w + i) % 17)).collect::<Vec<_>>().join(" ");
            write(v, &text, &format!("2026-{month:02}-1{}", i % 10));
        }
        let (mut sa, mut sb) = (Session::default(), Session::default());
        session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, Some(drop_every), seed);
        let (mut sa, mut sb) = (Session::resume(sa.into_states()), Session::resume(sb.into_states()));
        session(&mut a.vault, &mut sa, &mut b.vault, &mut sb, None, seed);
        prop_assert_eq!(mirror(&a.vault), mirror(&b.vault));
        prop_assert!(a.vault.doctor().unwrap().healthy());
        prop_assert!(b.vault.doctor().unwrap().healthy());
    }
}

#[test]
fn a_device_restored_from_an_older_backup_is_told_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let home = dir.path().join("vault");
    let backup = dir.path().join("backup");
    let (mut a, _) = Vault::create(&home, &source).unwrap();
    let mut b = device();
    write(&mut a, "before the backup", "2026-07-01");
    a.store().checkpoint().unwrap();
    std::fs::create_dir_all(&backup).unwrap();
    for f in ["vault.json", "comeback.db"] {
        std::fs::copy(home.join(f), backup.join(f)).unwrap();
    }
    write(&mut a, "after the backup, synced", "2026-07-02");
    session(
        &mut a,
        &mut Session::default(),
        &mut b.vault,
        &mut Session::default(),
        None,
        2,
    );
    // The old copy comes back under the same identity and is written on before it syncs.
    drop(a);
    for f in ["vault.json", "comeback.db"] {
        std::fs::copy(backup.join(f), home.join(f)).unwrap();
    }
    let _ = std::fs::remove_file(home.join("comeback.db-wal"));
    let _ = std::fs::remove_file(home.join("comeback.db-shm"));
    let mut a = Vault::open(&home, &source).unwrap();
    write(&mut a, "after the restore", "2026-07-03");
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let mut to_b: VecDeque<Frame> = sa.open(&a).unwrap().into();
    let mut to_a: VecDeque<Frame> = sb.open(&b.vault).unwrap().into();
    let mut error = None;
    for _ in 0..200 {
        let step = if let Some(f) = to_b.pop_front() {
            sb.handle(&mut b.vault, f).map(|out| to_a.extend(out))
        } else if let Some(f) = to_a.pop_front() {
            sa.handle(&mut a, f).map(|out| to_b.extend(out))
        } else {
            break;
        };
        if let Err(e) = step {
            error = Some(e.to_string());
            break;
        }
    }
    let error = error.expect("the clash is reported, not merged silently");
    assert!(error.contains("older backup"), "{error}");
    assert!(b.vault.doctor().unwrap().healthy());
}
