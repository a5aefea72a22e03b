//! The bodies of the fuzz targets in `fuzz/` that reach only this crate, kept here so
//! that an ordinary test can replay the committed corpora without a sanitizer build.
//!
//! Each body takes the fuzzer's bytes and returns nothing: bad input is an expected
//! outcome and is ignored, while a panic, an abort, a huge allocation or a hang is a
//! finding. Where a body checks a property (a decoded frame encodes back to the same
//! bytes), it asserts it. Not part of the product's API.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{self, Contact};
use crate::sync::{self, Frame, Session};
use crate::vault::{self, KeySource, Vault};
use crate::{api, doc};

/// Lets a panic that `limits::unpanicked` catches unwind to it instead of reaching the
/// panic hook installed before (libFuzzer's, which aborts on any panic, caught or not):
/// the product refuses such input with an error, so it is not a finding. Any other
/// panic still reaches that hook. Installed once, by the bodies that run Automerge.
fn tolerate_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !crate::limits::catching_panics() {
                before(info);
            }
        }));
    });
}

/// `frame_decode`: bytes as they arrive from a peer's stream. Every frame that decodes
/// encodes back to exactly the bytes it came from and decodes again to itself; the same
/// bytes delivered one at a time give the same frames and the same end.
pub fn frame_decode(data: &[u8]) {
    let mut whole = Vec::new();
    let mut rest = data;
    let end = loop {
        let mut buf = rest.to_vec();
        match sync::decode(&mut buf) {
            Ok(Some(frame)) => {
                let used = rest.len() - buf.len();
                let wire = sync::encode(&frame);
                assert_eq!(wire, rest[..used], "a frame encodes to other bytes");
                let mut again = wire;
                assert_eq!(sync::decode(&mut again), Ok(Some(frame.clone())));
                assert!(again.is_empty());
                rest = &rest[used..];
                whole.push(frame);
            }
            Ok(None) => {
                assert_eq!(buf, rest, "an incomplete frame consumed bytes");
                break Ok(());
            }
            Err(e) => break Err(e),
        }
    };
    let mut buf = Vec::new();
    let mut trickled = Vec::new();
    let trickle_end = 'feed: {
        for b in data {
            buf.push(*b);
            loop {
                match sync::decode(&mut buf) {
                    Ok(Some(frame)) => trickled.push(frame),
                    Ok(None) => break,
                    Err(e) => break 'feed Err(e),
                }
            }
        }
        Ok(())
    };
    assert_eq!(
        trickled, whole,
        "frames differ when the bytes arrive one by one"
    );
    assert_eq!(trickle_end, end);
}

/// `sync_session`: a hostile paired device. The first byte chooses how the session
/// runs (bit 0: resume from kept states that claim the peer has all our heads; bits 1-4:
/// frames per batch, less one; bit 5: offer local changes after each batch); the rest is
/// the peer's byte stream, cut into frames by [`sync::decode`] as the transport does.
/// The receiving vault is a fresh copy of a small vault with a few records. Afterwards,
/// if anything was stored, the vault is reopened and the doctor reloads every document.
/// Errors end the session, as they do on the wire.
pub fn sync_session(data: &[u8]) {
    tolerate_caught_panics();
    let Some((&config, wire)) = data.split_first() else {
        return;
    };
    let scratch = Scratch::new();
    let mut vault = scratch.open();
    let mut session = if config & 1 == 1 {
        Session::resume(states_sharing_all(&vault))
    } else {
        Session::default()
    };
    let batch = 1 + usize::from((config >> 1) & 0x0f);
    let offer_local = config & 0x20 != 0;
    let before = vault.manifest().ok();
    if let Err(e) = session.open(&vault) {
        panic!("a fresh vault could not open a session: {e}");
    }
    let mut buf = wire.to_vec();
    let mut frames = Vec::new();
    while let Ok(Some(frame)) = sync::decode(&mut buf) {
        frames.push(frame);
    }
    'session: for group in frames.chunks(batch) {
        if session.handle_batch(&mut vault, group.to_vec()).is_err() {
            break;
        }
        while session.has_more() {
            if session.more(&mut vault).is_err() {
                break 'session;
            }
        }
        if offer_local && session.local_changes(&mut vault).is_err() {
            break;
        }
    }
    let _ = session.is_done();
    let _ = session.into_states();
    // What the peer left in the database must load again when the vault is next opened
    // (the doctor loads every document from disk). Most mutated inputs store nothing:
    // the doctor is what makes an input slow, so it runs only when something was.
    if vault.manifest().ok() != before {
        drop(vault);
        let mut vault = scratch.open();
        let _ = vault.doctor();
    }
}

/// Sync states that say the peer already holds every document at our heads, as kept
/// after a complete session.
fn states_sharing_all(vault: &Vault) -> Vec<(String, Vec<u8>)> {
    let Ok(manifest) = vault.manifest() else {
        return Vec::new();
    };
    manifest
        .into_iter()
        .map(|(doc, heads)| {
            let mut state = automerge::sync::State::new();
            state.shared_heads = heads;
            (doc, state.encode())
        })
        .collect()
}

/// Documents a chunk list of `load_chunks` may belong to (the first byte picks one).
const DOC_IDS: [&str; 4] = ["journal-2026-03", "core-3", model::DEVICES_DOC, "core-0"];

/// `load_chunks`: a stored chunk list, as [`chunk_list`] reads it. What loads projects
/// to mirror rows, and saves to one snapshot that loads again with the same heads and
/// the same rows (the vault compacts a document that way).
pub fn load_chunks(data: &[u8]) {
    tolerate_caught_panics();
    let Some((&which, list)) = data.split_first() else {
        return;
    };
    let doc_id = DOC_IDS[usize::from(which) % DOC_IDS.len()];
    let chunks = chunk_list(list);
    let (mut loaded, bad) = doc::load_chunks(
        chunks
            .iter()
            .enumerate()
            .map(|(i, (snapshot, bytes))| (i as i64, *snapshot, *bytes)),
    );
    assert!(bad.len() <= chunks.len());
    let _ = loaded.get_missing_deps(&[]);
    let rows = vault::projection(doc_id, &loaded);
    let saved = loaded.save();
    let (mut again, bad) = doc::load_chunks([(0, true, saved.as_slice())]);
    assert!(
        bad.is_empty(),
        "a loaded document saved to a snapshot that does not load: {bad:?}"
    );
    assert_eq!(again.get_heads(), loaded.get_heads());
    assert_eq!(vault::projection(doc_id, &again), rows);
}

/// Reads `[flags][length: u32 big-endian][bytes]…`: bit 0 of the flags marks a snapshot;
/// a length past the end takes what is left.
pub fn chunk_list(mut data: &[u8]) -> Vec<(bool, &[u8])> {
    let mut out = Vec::new();
    while data.len() >= 5 {
        let snapshot = data[0] & 1 == 1;
        let len = u32::from_be_bytes([data[1], data[2], data[3], data[4]]) as usize;
        let rest = &data[5..];
        let len = len.min(rest.len());
        out.push((snapshot, &rest[..len]));
        data = &rest[len..];
    }
    out
}

/// The inverse of [`chunk_list`], for seed generators.
pub fn write_chunk_list(chunks: &[(bool, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (snapshot, bytes) in chunks {
        out.push(u8::from(*snapshot));
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// The small vault each `sync_session` input starts from: a few entries in two months
/// and a contact, written once per process and kept as its files' bytes.
fn template() -> &'static [(String, Vec<u8>)] {
    static TEMPLATE: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = scratch_dir();
        let files = (|| -> crate::Result<Vec<(String, Vec<u8>)>> {
            let (mut vault, _) = Vault::create(&dir.join("vault"), &key_source(&dir))?;
            fill(&mut vault)?;
            drop(vault);
            let mut files = Vec::new();
            for sub in ["", "vault"] {
                for e in std::fs::read_dir(dir.join(sub))
                    .map_err(|e| crate::Error::io("reading the template", e))?
                {
                    let e = e.map_err(|e| crate::Error::io("reading the template", e))?;
                    let name = e.file_name().to_string_lossy().into_owned();
                    if !e.path().is_file() || name == "lock" {
                        continue;
                    }
                    let bytes = std::fs::read(e.path())
                        .map_err(|e| crate::Error::io("reading the template", e))?;
                    files.push((Path::new(sub).join(name).display().to_string(), bytes));
                }
            }
            Ok(files)
        })();
        let _ = std::fs::remove_dir_all(&dir);
        match files {
            Ok(files) => files,
            Err(e) => panic!("the fuzz vault could not be made: {e}"),
        }
    })
}

/// The records of the template vault, and of the seed generator's receiving side.
pub fn fill(vault: &mut Vault) -> crate::Result<()> {
    for (text, day) in [
        ("Walked to the lighthouse.", "2026-03-01"),
        ("Rain all day; read instead.", "2026-03-02"),
        ("Dinner with Sam.", "2025-12-24"),
    ] {
        api::add_entry(
            vault,
            api::NewEntry {
                text: text.into(),
                date: model::Date::parse_from_str(day, "%Y-%m-%d").ok(),
                tags: vec!["fuzz".into()],
                ..Default::default()
            },
        )?;
    }
    vault.put(&Contact {
        id: "c0ffee".into(),
        name: "Priya".into(),
        ..Default::default()
    })
}

fn key_source(dir: &Path) -> KeySource {
    KeySource::KeyFile(dir.join("key"))
}

/// A folder of its own for one input, removed when dropped; on tmpfs when there is one.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = base.join(format!("comeback-fuzz-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("no scratch folder for the fuzz vault: {e}");
    }
    dir
}

/// Key files are refused unless only their owner may read them.
fn private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A copy of the template vault.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        let files = template();
        let dir = scratch_dir();
        if let Err(e) = std::fs::create_dir_all(dir.join("vault")) {
            panic!("no scratch folder for the fuzz vault: {e}");
        }
        for (name, bytes) in files {
            let path = dir.join(name);
            let written = std::fs::write(&path, bytes).and_then(|()| private(&path));
            if let Err(e) = written {
                panic!("the fuzz vault could not be copied: {e}");
            }
        }
        Scratch { dir }
    }

    fn open(&self) -> Vault {
        match Vault::open(&self.dir.join("vault"), &key_source(&self.dir)) {
            Ok(v) => v,
            Err(e) => panic!("the fuzz vault did not open: {e}"),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The first byte of a `sync_session` input that runs the session plainly: a fresh
/// session, one frame per batch.
pub const PLAIN_SESSION: u8 = 0;

/// Encodes frames as one `sync_session` input.
pub fn session_input(config: u8, frames: &[Frame]) -> Vec<u8> {
    let mut out = vec![config];
    for f in frames {
        out.extend(sync::encode(f));
    }
    out
}
