//! The fuzz corpora in `fuzz/corpus/<target>/`, replayed through the same bodies the fuzz
//! targets run (`comeback_core::fuzzing`, `comeback_net::fuzzing`), in an ordinary
//! build: a finding saved there stays fixed without a sanitizer build in CI.
//!
//! `write_seeds` (ignored; run by hand) writes the seeds the corpora grew from into
//! `fuzz/seeds/<target>/`, from real data: the frames of real two-vault syncs, real
//! tickets, real stored chunks. See `fuzz/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use comeback_core::api::{self, EntryEdit, NewEntry};
use comeback_core::fuzzing as core_fuzz;
use comeback_core::model::{self, Contact, Date};
use comeback_core::sync::{self, Frame, Session};
use comeback_core::{KeySource, Vault};
use comeback_net::Ticket;
use comeback_net::fuzzing as net_fuzz;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Runs every file of a target's corpus through `body`; returns how many there were.
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in &paths {
        // Shown only if the body panics: which input did it.
        eprintln!("replaying {}", path.display());
        body(&std::fs::read(path).unwrap());
    }
    paths.len()
}

#[test]
fn the_frame_decode_corpus_replays_without_a_panic() {
    assert!(replay("frame_decode", core_fuzz::frame_decode) > 0);
}

#[test]
fn the_sync_session_corpus_replays_without_a_panic() {
    assert!(replay("sync_session", core_fuzz::sync_session) > 0);
}

#[test]
fn the_ticket_decode_corpus_replays_without_a_panic() {
    assert!(replay("ticket_decode", net_fuzz::ticket_decode) > 0);
}

#[test]
fn the_load_chunks_corpus_replays_without_a_panic() {
    assert!(replay("load_chunks", core_fuzz::load_chunks) > 0);
}

// ----- seeds -----

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

fn day(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn write(v: &mut Vault, text: &str, date: &str) -> String {
    api::add_entry(
        v,
        NewEntry {
            text: text.into(),
            date: Some(day(date)),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

/// The frames each side received in one session run until both are quiet: (to a, to b).
fn session(
    a: &mut Vault,
    sa: &mut Session,
    b: &mut Vault,
    sb: &mut Session,
) -> (Vec<Frame>, Vec<Frame>) {
    let mut to_b: VecDeque<Frame> = sa.open(a).unwrap().into();
    let mut to_a: VecDeque<Frame> = sb.open(b).unwrap().into();
    let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
    for turn in 0..10_000 {
        if to_a.is_empty() && to_b.is_empty() {
            if sa.has_more() {
                to_b.extend(sa.more(a).unwrap());
            } else if sb.has_more() {
                to_a.extend(sb.more(b).unwrap());
            } else {
                assert!(sa.is_done() && sb.is_done());
                return (got_a, got_b);
            }
        }
        let to_a_side = turn % 2 == 0 && !to_a.is_empty() || to_b.is_empty();
        if to_a_side {
            let f = to_a.pop_front().unwrap();
            got_a.push(f.clone());
            to_b.extend(sa.handle(a, f).unwrap());
        } else {
            let f = to_b.pop_front().unwrap();
            got_b.push(f.clone());
            to_a.extend(sb.handle(b, f).unwrap());
        }
    }
    panic!("the session never went quiet");
}

fn wire(frames: &[Frame]) -> Vec<u8> {
    frames.iter().flat_map(sync::encode).collect()
}

struct Seeds {
    root: PathBuf,
}

impl Seeds {
    fn put(&self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }

    /// The frames one side received, as `frame_decode` and `sync_session` inputs.
    fn stream(&self, name: &str, frames: &[Frame]) {
        self.put("frame_decode", name, &wire(frames));
        for (config, suffix) in [
            (core_fuzz::PLAIN_SESSION, "plain"),
            // Resumed, four frames per batch, local changes offered.
            (0b10_0111, "resumed-batched"),
        ] {
            self.put(
                "sync_session",
                &format!("{name}-{suffix}"),
                &core_fuzz::session_input(config, frames),
            );
        }
    }

    /// Every stored document of a vault as a chunk list, as `load_chunks` reads it.
    fn chunks(&self, name: &str, vault: &Vault) {
        for doc in vault.document_ids().unwrap() {
            let chunks = comeback_core::testing::chunks(vault, &doc).unwrap();
            let list: Vec<(bool, &[u8])> = chunks
                .iter()
                .map(|c| (c.snapshot, c.bytes.as_slice()))
                .collect();
            let which: u8 = match doc.as_str() {
                "journal-2026-03" => 0,
                "core-3" => 1,
                model::DEVICES_DOC => 2,
                _ => 3,
            };
            let mut input = vec![which];
            input.extend(core_fuzz::write_chunk_list(&list));
            self.put("load_chunks", &format!("{name}-{doc}"), &input);
        }
    }
}

/// Writes the seeds into `fuzz/seeds/<target>/` (then `cargo fuzz cmin` merges them into
/// the corpora): `cargo test -p comeback-cli --test fuzz_corpus -- --ignored write_seeds`.
#[test]
#[ignore = "writes fuzz/seeds; run by hand"]
fn write_seeds() {
    let seeds = Seeds {
        root: fuzz_dir().join("seeds"),
    };
    let _ = std::fs::remove_dir_all(&seeds.root);

    // A first sync: a is the fuzz targets' receiving vault, b a laptop with more months.
    let mut a = device();
    let mut b = device();
    core_fuzz::fill(&mut a.vault).unwrap();
    b.vault.set_compact_after(3);
    let shared = write(&mut b.vault, "On the laptop, same month.", "2026-03-05");
    for (i, month) in [
        "2025-01", "2025-02", "2025-06", "2025-09", "2026-01", "2026-02",
    ]
    .iter()
    .enumerate()
    {
        write(
            &mut b.vault,
            &format!("Entry {i}: the long walk, the short swim."),
            &format!("{month}-1{i}"),
        );
    }
    b.vault
        .put(&Contact {
            id: "d00d".into(),
            name: "Sam".into(),
            how_known: "school".into(),
            ..Default::default()
        })
        .unwrap();
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let (to_a, to_b) = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb);
    seeds.stream("first-sync-to-a", &to_a);
    seeds.stream("first-sync-to-b", &to_b);

    // Both edit the same entry, then resume from the kept states: sync messages only.
    let (states_a, states_b) = (sa.into_states(), sb.into_states());
    for (v, text) in [
        (&mut a.vault, "On the phone, same month, edited."),
        (&mut b.vault, "On the laptop, same month, edited too."),
    ] {
        api::edit_entry(
            v,
            &shared,
            EntryEdit {
                text: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    for i in 0..4 {
        write(&mut b.vault, &format!("More on day {i}."), "2026-03-20");
    }
    let (mut sa, mut sb) = (Session::resume(states_a), Session::resume(states_b));
    let (to_a, to_b) = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb);
    seeds.stream("resumed-sync-to-a", &to_a);
    seeds.stream("resumed-sync-to-b", &to_b);

    // Nothing new: manifests and quiet only.
    let (mut sa, mut sb) = (Session::default(), Session::default());
    let (to_a, _) = session(&mut a.vault, &mut sa, &mut b.vault, &mut sb);
    seeds.stream("idle-sync-to-a", &to_a);

    // One frame of each kind, alone.
    for (name, frame) in [
        (
            "quiet",
            Frame::Quiet {
                received: 3,
                digest: [7; 32],
            },
        ),
        (
            "manifest-empty",
            Frame::Manifest {
                digest: [0; 32],
                full: true,
                more: false,
                docs: vec![],
            },
        ),
    ] {
        seeds.stream(name, std::slice::from_ref(&frame));
    }

    seeds.chunks("a", &a.vault);
    seeds.chunks("b", &b.vault);

    // Tickets as the inviting device shows them: its real id, its addresses.
    let device = *comeback_net::parse_device_id(a.vault.device_id())
        .unwrap()
        .as_bytes();
    let tickets = [
        (
            "lan",
            vec![
                "192.168.1.20:41234".parse().unwrap(),
                "[fe80::1]:41234".parse().unwrap(),
            ],
        ),
        ("none", vec![]),
        (
            "many",
            (0..16u16)
                .map(|i| format!("10.0.0.{i}:{}", 40000 + i).parse().unwrap())
                .collect(),
        ),
    ];
    for (name, addrs) in tickets {
        let ticket = Ticket {
            device,
            secret: [0x5a; 32],
            expires: 1_800_000_000,
            addrs,
        };
        let text = ticket.encode();
        seeds.put("ticket_decode", &format!("{name}-text"), text.as_bytes());
        seeds.put(
            "ticket_decode",
            &format!("{name}-body"),
            &net_fuzz::ticket_body(&ticket),
        );
        // As typed: lower case, in groups of five.
        let typed: Vec<String> = text
            .to_lowercase()
            .as_bytes()
            .chunks(5)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        seeds.put(
            "ticket_decode",
            &format!("{name}-typed"),
            typed.join(" ").as_bytes(),
        );
    }
}
