//! How the domain records live in Automerge documents.
//!
//! A document's root holds one map per record kind (`entry`, `contact`, …); each maps a
//! record id to the record. Records are written from their serde form: prose fields
//! (the kind's `Record::PROSE`) become Automerge text, reconciled with a character diff
//! so that two devices editing different paragraphs both keep their edits; lists of
//! sub-objects that carry an `id` become maps keyed by that id with an order field, so
//! concurrent additions merge instead of overwriting each other; everything else is a
//! scalar. Every document starts from the same deterministic genesis change, so that
//! two devices creating the same document independently still agree on the kind maps.
//!
//! This module does no IO: bytes in and out are the store's business.

use std::collections::{BTreeSet, HashMap};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, ObjId, ObjType, PatchAction, Prop, ROOT, ReadDoc, ScalarValue,
    TextEncoding, hydrate,
};
use serde_json::Value as Json;

use crate::model::Record;

/// Marks a map that stands for a list of sub-objects keyed by their ids.
const LIST_MARK: &str = "_list";
/// The position of a sub-object within its list.
const ORDER: &str = "_ord";
/// The actor of the shared genesis change; never used for a real edit.
const GENESIS_ACTOR: [u8; 16] = [0; 16];

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("the document could not be changed: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    #[error("the record could not be written to the document: {0}")]
    Update(Box<automerge::error::UpdateObjectError>),
    #[error("a {kind} record is not shaped as expected: {reason}")]
    Shape { kind: String, reason: String },
}

// Boxed so that every `Result` carrying a `DocError` stays small.
impl From<automerge::AutomergeError> for DocError {
    fn from(e: automerge::AutomergeError) -> Self {
        DocError::Automerge(Box::new(e))
    }
}

impl From<automerge::error::UpdateObjectError> for DocError {
    fn from(e: automerge::error::UpdateObjectError) -> Self {
        DocError::Update(Box::new(e))
    }
}

/// A new document: the shared genesis change, then `actor` for everything after it.
/// The device list (`model::DEVICES_DOC`) has a genesis of its own with its one kind map,
/// so adding it changed no other document's genesis.
pub fn new_document(doc_id: &str, actor: ActorId) -> Result<AutoCommit, DocError> {
    let mut doc = genesis(doc_id == crate::model::DEVICES_DOC)?;
    doc.set_actor(actor);
    doc.update_diff_cursor();
    Ok(doc)
}

/// The genesis every document starts from (actor 0, time 0): byte-identical on every
/// device and in every release.
fn genesis(devices: bool) -> Result<AutoCommit, DocError> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
    if devices {
        doc.put_object(ROOT, crate::model::Device::KIND, ObjType::Map)?;
    } else {
        // The order is part of the genesis change: `GENESIS_KINDS` is frozen.
        for kind in crate::model::GENESIS_KINDS {
            doc.put_object(ROOT, kind, ObjType::Map)?;
        }
    }
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok(doc)
}

/// The genesis change of a kind added after the first genesis: the kind's map, put by an
/// actor derived from the kind's name, on top of the first genesis only, at time 0. Every
/// version that knows the kind makes exactly these bytes, so two devices that each lay
/// it down in the same document end with one change and one map, and a version that does
/// not know the kind simply carries a map it never reads.
pub fn kind_genesis(kind: &str) -> Result<Vec<u8>, DocError> {
    use sha2::{Digest, Sha256};
    let mut doc = genesis(false)?;
    let heads = doc.get_heads();
    let digest = Sha256::new()
        .chain_update(b"comeback kind genesis v1\0")
        .chain_update(kind.as_bytes())
        .finalize();
    doc.set_actor(ActorId::from(&digest[..16]));
    doc.put_object(ROOT, kind, ObjType::Map)?;
    doc.commit_with(CommitOptions::default().with_time(0));
    Ok(doc.save_after(&heads))
}

/// Loads a document from its stored chunks `(seq, is_snapshot, bytes)`, in order. A chunk
/// that does not parse (or fails its checksum) is skipped and returned with the reason,
/// so one damaged chunk never costs the rest of the vault.
pub fn load_chunks<'a>(
    chunks: impl IntoIterator<Item = (i64, bool, &'a [u8])>,
) -> (AutoCommit, Vec<(i64, String)>) {
    let chunks: Vec<(i64, bool, &[u8])> = chunks.into_iter().collect();
    let mut bad: Vec<(i64, String)> = Vec::new();
    // A chunk that makes Automerge panic (a fuzzer found changes whose counters pass
    // u32 do) leaves the half-loaded document unusable: load again without it.
    loop {
        let skip: Vec<i64> = bad.iter().map(|(seq, _)| *seq).collect();
        let mut found = Vec::new();
        let loaded = crate::limits::unpanicked(|| {
            load_chunks_once(
                chunks
                    .iter()
                    .filter(|(seq, _, _)| !skip.contains(seq))
                    .copied(),
                &mut found,
            )
        });
        match loaded {
            Ok(mut doc) => {
                bad.extend(found);
                doc.update_diff_cursor();
                return (doc, bad);
            }
            Err(reason) => {
                // The chunk being loaded when it panicked is the last one tried.
                let Some(seq) = found.pop().map(|(seq, _)| seq) else {
                    return (AutoCommit::new(), bad);
                };
                bad.extend(found);
                bad.push((seq, reason));
            }
        }
    }
}

/// The heads of a document stored as `bytes` — one whole document chunk (a compact
/// save) followed by any change chunks, as a document's stored chunks are when put end
/// to end — read from the chunks' headers without loading the document. `None` when the
/// bytes are anything else or a checksum fails; the caller then loads it the usual way.
/// The changes must be in the order they were made (as stored), each after what it
/// depends on.
pub fn saved_heads(bytes: &[u8]) -> Option<Vec<automerge::ChangeHash>> {
    use crate::limits::{Cursor, next_chunk};
    const DOCUMENT: u8 = 0;
    let mut rest = bytes;
    let first = next_chunk(&mut rest).ok()?;
    if first.kind != DOCUMENT || !first.checksum_holds() {
        return None;
    }
    let mut body = Cursor(first.body);
    for _ in 0..body.uleb().ok()? {
        let n = usize::try_from(body.uleb().ok()?).ok()?;
        body.take(n).ok()?; // an actor
    }
    let count = usize::try_from(body.uleb().ok()?).ok()?;
    let mut heads = BTreeSet::new();
    for _ in 0..count {
        let hash: [u8; 32] = body.take(32).ok()?.try_into().ok()?;
        heads.insert(automerge::ChangeHash(hash));
    }
    while !rest.is_empty() {
        let chunk = next_chunk(&mut rest).ok()?;
        let change = automerge::Change::from_bytes(chunk.whole.to_vec()).ok()?;
        for dep in change.deps() {
            heads.remove(dep);
        }
        heads.insert(change.hash());
    }
    Some(heads.into_iter().collect())
}

/// One pass of [`load_chunks`]. `bad` gets each chunk refused; while a chunk loads, it
/// is the last entry (with an empty reason), so a panic can say which one it was.
fn load_chunks_once<'a>(
    chunks: impl IntoIterator<Item = (i64, bool, &'a [u8])>,
    bad: &mut Vec<(i64, String)>,
) -> AutoCommit {
    let mut doc = AutoCommit::new();
    for (seq, snapshot, bytes) in chunks {
        bad.push((seq, String::new()));
        let checked = if snapshot {
            AutoCommit::load_with_options(
                bytes,
                automerge::LoadOptions::new()
                    .on_partial_load(automerge::OnPartialLoad::Error)
                    .verification_mode(automerge::VerificationMode::DontCheck),
            )
            .map_err(|e| e.to_string())
            .and_then(|mut snap| {
                if doc.is_empty() {
                    // The usual case: the snapshot is the document. Merging it into an
                    // empty one would replay every change and cost seconds.
                    doc = snap;
                    Ok(())
                } else {
                    doc.merge(&mut snap).map(|_| ()).map_err(|e| e.to_string())
                }
            })
        } else {
            // Automerge skips what it cannot parse in an incremental load; check each
            // change (and its checksum) first so damage is reported, not dropped.
            check_changes(bytes).and_then(|()| {
                doc.load_incremental(bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        };
        match checked {
            Err(reason) => {
                if let Some(last) = bad.last_mut() {
                    last.1 = reason;
                }
            }
            Ok(()) => {
                bad.pop();
            }
        }
    }
    doc
}

/// Splits concatenated change chunks and parses each one.
fn check_changes(bytes: &[u8]) -> Result<(), String> {
    use crate::limits::{Refused, next_chunk};
    if bytes.is_empty() {
        return Err("an empty chunk".into());
    }
    let mut rest = bytes;
    while !rest.is_empty() {
        let chunk = next_chunk(&mut rest).map_err(|e| match e {
            Refused::Malformed("no magic bytes") => "not an Automerge change".to_string(),
            _ => "a truncated change".to_string(),
        })?;
        automerge::Change::from_bytes(chunk.whole.to_vec()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The map holding every record of `kind`. A kind newer than the document's genesis gets
/// its own deterministic genesis change laid down first ([`kind_genesis`]).
fn kind_map(doc: &mut AutoCommit, kind: &str) -> Result<ObjId, DocError> {
    if let Some(id) = existing_kind_map(doc, kind) {
        return Ok(id);
    }
    if crate::model::GENESIS_KINDS.contains(&kind) {
        // Only a damaged document lacks a kind of its first genesis; it must still take
        // the write.
        return Ok(doc.put_object(ROOT, kind, ObjType::Map)?);
    }
    doc.load_incremental(&kind_genesis(kind)?)?;
    existing_kind_map(doc, kind).ok_or_else(|| DocError::Shape {
        kind: kind.into(),
        reason: "the document lacks its genesis change, so a new kind cannot be added to it; run `comeback doctor`".into(),
    })
}

/// The map of `kind` that a genesis change made (`"1@000…"`), as Automerge spells its id:
/// the only map of that kind any release reads or writes. A peer that puts another map
/// at the root under a kind's name (to replace the device list, say) is ignored.
fn genesis_map_id(devices: bool, kind: &str) -> Option<String> {
    use std::sync::{Mutex, OnceLock};
    /// (device list?, kind) → the id of the map its genesis made, if any.
    type Ids = HashMap<(bool, String), Option<String>>;
    static IDS: OnceLock<Mutex<Ids>> = OnceLock::new();
    let ids = IDS.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (devices, kind.to_string());
    if let Some(id) = ids.lock().ok()?.get(&key) {
        return id.clone();
    }
    let made = |doc: &AutoCommit| match doc.get(ROOT, kind) {
        Ok(Some((_, id))) => Some(id.to_string()),
        _ => None,
    };
    let id = if devices {
        (kind == crate::model::Device::KIND)
            .then(|| genesis(true).ok())
            .flatten()
            .and_then(|doc| made(&doc))
    } else if kind == crate::model::Device::KIND {
        None
    } else if crate::model::GENESIS_KINDS.contains(&kind) {
        genesis(false).ok().and_then(|doc| made(&doc))
    } else {
        match (genesis(false), kind_genesis(kind)) {
            (Ok(mut doc), Ok(bytes)) => doc.load_incremental(&bytes).ok().and_then(|_| made(&doc)),
            _ => None,
        }
    };
    ids.lock().ok()?.insert(key, id.clone());
    id
}

/// Whether the document is the device list: it holds that list's genesis change.
fn is_device_list(doc: &AutoCommit) -> bool {
    doc.get_change_by_hash(&genesis_hash(true)).is_some()
}

/// The hash of the genesis change of ordinary documents (`false`) or the device list.
fn genesis_hash(devices: bool) -> automerge::ChangeHash {
    use std::sync::OnceLock;
    static HASHES: OnceLock<[automerge::ChangeHash; 2]> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        let hash = |devices| {
            genesis(devices)
                .ok()
                .and_then(|mut d| d.get_heads().first().copied())
                .unwrap_or(automerge::ChangeHash([0; 32]))
        };
        [hash(false), hash(true)]
    });
    hashes[usize::from(devices)]
}

/// The map holding the records of `kind`: the one its genesis made, whatever else a peer
/// put at the root under that name (such a map is never read). Only a document whose
/// genesis is missing (damaged) falls back to the map at the root.
fn existing_kind_map(doc: &AutoCommit, kind: &str) -> Option<ObjId> {
    let at_root = match doc.get(ROOT, kind) {
        Ok(Some((automerge::Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    };
    let devices = is_device_list(doc);
    if !devices && doc.get_change_by_hash(&genesis_hash(false)).is_none() {
        // A damaged document that lost its genesis: only what is at the root is left.
        return at_root;
    }
    let expected = genesis_map_id(devices, kind)?;
    if let Some(id) = &at_root
        && id.to_string() == expected
    {
        return at_root;
    }
    let expected = expected.as_str();
    // The genesis map was replaced at the root (or lost a conflict there): it still
    // exists in the document and is read by its id. A kind whose own genesis was never
    // laid down in this document has no map yet.
    let (genesis_id, kind_of) = doc.import(expected).ok()?;
    (kind_of == ObjType::Map && doc.object_type(&genesis_id).is_ok()).then_some(genesis_id)
}

/// Whether a kind's map at the root is not the one its genesis made (a peer replaced it):
/// every record of such a kind is re-read after a change, since patches follow the root.
pub fn kind_map_replaced(doc: &AutoCommit, kind: &str) -> bool {
    match doc.get(ROOT, kind) {
        Ok(Some((_, id))) => genesis_map_id(is_device_list(doc), kind)
            .is_some_and(|expected| id.to_string() != expected),

        _ => false,
    }
}

/// Writes `record` into `doc` (not committed: the caller commits once per user action).
pub fn put_record<R: Record>(doc: &mut AutoCommit, record: &R) -> Result<(), DocError> {
    let json = serde_json::to_value(record).map_err(|e| DocError::Shape {
        kind: R::KIND.into(),
        reason: e.to_string(),
    })?;
    let value = to_hydrate(&json, R::PROSE).ok_or_else(|| DocError::Shape {
        kind: R::KIND.into(),
        reason: "a record must serialise to an object".into(),
    })?;
    let map = kind_map(doc, R::KIND)?;
    if let Some((automerge::Value::Object(ObjType::Map), obj)) = doc.get(&map, record.id())? {
        // An existing record is written as an edit of what it holds now, so keys this
        // version does not know (a newer release's fields) are left as they are.
        let heads = doc.get_heads();
        let now = from_hydrate(&doc.hydrate(&obj, None)?);
        let base = as_this_version_reads::<R>(now);
        return reconcile_map(doc, &obj, &base, &json, R::PROSE, &heads);
    }
    let obj = doc.put_object(&map, record.id(), ObjType::Map)?;
    doc.update_object(&obj, &value)?;
    Ok(())
}

/// A stored record as this version understands it: read into `R` and written back out,
/// which drops the keys `R` has no field for. A save deletes only keys of this form that
/// the new record lacks, so it never removes what it does not understand (the
/// compatibility rule in ARCHITECTURE.md). A record that does not read as `R` is taken
/// as stored.
fn as_this_version_reads<R: Record>(stored: Json) -> Json {
    serde_json::from_value::<R>(stored.clone())
        .ok()
        .and_then(|r| serde_json::to_value(&r).ok())
        .unwrap_or(stored)
}

/// Writes `record` as an edit of `base`, the record as the document held it at `heads`
/// (see `Vault::put_at`), onto the document as it is now: only the fields that differ
/// from `base` are written, recursively, so a field this edit left alone keeps whatever
/// changed it since; prose is a character diff of the base text, replayed at the places
/// those characters are now (Automerge cursors taken at `heads`), so text another device
/// wrote meanwhile stays where it is. A record deleted since is written back whole.
///
/// (Automerge's `isolate` would do this too, but it walks the whole document twice:
/// ~30 ms a save on a busy month; this costs what the edit touches.)
pub fn put_record_over<R: Record>(
    doc: &mut AutoCommit,
    record: &R,
    base: &Json,
    heads: &[automerge::ChangeHash],
) -> Result<(), DocError> {
    let shape = |reason: String| DocError::Shape {
        kind: R::KIND.into(),
        reason,
    };
    let json = serde_json::to_value(record).map_err(|e| shape(e.to_string()))?;
    let map = kind_map(doc, R::KIND)?;
    match doc.get(&map, record.id())? {
        Some((automerge::Value::Object(ObjType::Map), obj)) => {
            let base = as_this_version_reads::<R>(base.clone());
            reconcile_map(doc, &obj, &base, &json, R::PROSE, heads)
        }
        _ => put_record(doc, record),
    }
}

/// Whether the document stores `json` as a map: an object, or a keyed list.
fn is_map_like(json: &Json) -> bool {
    match json {
        Json::Object(_) => true,
        Json::Array(items) => is_keyed_list(items),
        _ => false,
    }
}

/// A map-like JSON value as the document stores it: objects as they are, keyed lists as
/// maps of id → item with its position (the one place that spells that layout out).
fn as_stored_map(json: &Json) -> Option<serde_json::Map<String, Json>> {
    match json {
        Json::Object(m) => Some(m.clone()),
        Json::Array(items) if is_keyed_list(items) => {
            let mut m = serde_json::Map::new();
            m.insert(LIST_MARK.into(), Json::Bool(true));
            for (pos, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(Json::as_str).unwrap_or_default();
                let mut item = item.clone();
                if let Json::Object(o) = &mut item {
                    o.insert(ORDER.into(), Json::from(pos as i64));
                }
                m.insert(id.to_string(), item);
            }
            Some(m)
        }
        _ => None,
    }
}

fn reconcile_map(
    doc: &mut AutoCommit,
    obj: &ObjId,
    base: &Json,
    new: &Json,
    prose: &[&str],
    heads: &[automerge::ChangeHash],
) -> Result<(), DocError> {
    let (Some(base), Some(new)) = (as_stored_map(base), as_stored_map(new)) else {
        return Ok(());
    };
    for (key, value) in &new {
        let was = base.get(key);
        if was == Some(value) {
            continue;
        }
        let here = doc.get(obj, key.as_str())?;
        match (was, value, here) {
            (Some(was), _, Some((automerge::Value::Object(ObjType::Map), child)))
                if is_map_like(was) && is_map_like(value) =>
            {
                reconcile_map(doc, &child, was, value, prose, heads)?;
            }
            (
                Some(Json::String(was)),
                Json::String(text),
                Some((automerge::Value::Object(ObjType::Text), t)),
            ) if prose.contains(&key.as_str()) => {
                splice_over(doc, &t, was, text, heads)?;
            }
            _ => put_fresh(doc, obj, key, &value_to_hydrate(value, Some(key), prose))?,
        }
    }
    for key in base.keys().filter(|k| !new.contains_key(*k)) {
        if doc.get(obj, key.as_str())?.is_some() {
            doc.delete(obj, key.as_str())?;
        }
    }
    Ok(())
}

/// Turns the text `base` (as the object `text` held it at `heads`) into `new` by a
/// character diff whose splices land where those base characters are now.
fn splice_over(
    doc: &mut AutoCommit,
    text: &ObjId,
    base: &str,
    new: &str,
    heads: &[automerge::ChangeHash],
) -> Result<(), DocError> {
    use similar::{Algorithm, DiffOp};
    let old: Vec<char> = base.chars().collect();
    let new: Vec<char> = new.chars().collect();
    // Only a text the object really held at `heads` can be placed by cursors.
    let held = doc.text_at(text, heads).ok().is_some_and(|t| t == base);
    if !held {
        doc.update_text(text, new.iter().collect::<String>())?;
        return Ok(());
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(50);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &old, &new, Some(deadline));
    // (base start, base length, text to insert), in base order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => edits.push((old_index, old_len, String::new())),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => edits.push((
                old_index,
                0,
                new[new_index..new_index + new_len].iter().collect(),
            )),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => edits.push((
                old_index,
                old_len,
                new[new_index..new_index + new_len].iter().collect(),
            )),
        }
    }
    // Where a base position is now: the cursor of the base character there (or the end).
    let now_at = |doc: &AutoCommit, pos: usize| -> Result<usize, DocError> {
        let at = if pos >= old.len() {
            automerge::CursorPosition::End
        } else {
            automerge::CursorPosition::Index(pos)
        };
        let cursor = doc.get_cursor(text, at, Some(heads))?;
        Ok(doc.get_cursor_position(text, &cursor, None)?)
    };
    // Last first, so the places of the earlier edits stay where they were found.
    for (start, len, insert) in edits.into_iter().rev() {
        let from = now_at(doc, start)?;
        if len > 0 {
            let to = now_at(doc, start + len)?.max(from);
            let current: Vec<char> = doc.text(text)?.chars().skip(from).take(to - from).collect();
            let gone = &old[start..start + len];
            if current == gone {
                doc.splice_text(text, from, (to - from) as isize, "")?;
            } else {
                // Something was written inside the stretch this edit deletes: delete only
                // the base characters still there, keep what was added.
                let keep = similar::capture_diff_slices(Algorithm::Myers, gone, &current);
                let mut doomed: Vec<(usize, usize)> = keep
                    .iter()
                    .filter_map(|op| match op {
                        DiffOp::Equal { new_index, len, .. } => Some((from + new_index, *len)),
                        _ => None,
                    })
                    .collect();
                doomed.reverse();
                for (at, n) in doomed {
                    doc.splice_text(text, at, n as isize, "")?;
                }
            }
        }
        if !insert.is_empty() {
            doc.splice_text(text, from, 0, &insert)?;
        }
    }
    Ok(())
}

/// Puts a fresh value at `key` of a map: a scalar as it is, an object made empty and
/// then filled by Automerge's own `update_object`/`update_text`, as `put_record` does.
fn put_fresh(
    doc: &mut AutoCommit,
    obj: &ObjId,
    key: &str,
    value: &hydrate::Value,
) -> Result<(), DocError> {
    match value {
        hydrate::Value::Scalar(s) => doc.put(obj, key, s.clone())?,
        hydrate::Value::Text(t) => {
            let text = doc.put_object(obj, key, ObjType::Text)?;
            doc.update_text(&text, t.to_string())?;
        }
        hydrate::Value::Map(_) => {
            let map = doc.put_object(obj, key, ObjType::Map)?;
            doc.update_object(&map, value)?;
        }
        hydrate::Value::List(_) => {
            let list = doc.put_object(obj, key, ObjType::List)?;
            doc.update_object(&list, value)?;
        }
    }
    Ok(())
}

/// Removes a record; false if it was not there.
pub fn delete_record(doc: &mut AutoCommit, kind: &str, id: &str) -> Result<bool, DocError> {
    let Some(map) = existing_kind_map(doc, kind) else {
        return Ok(false);
    };
    if doc.get(&map, id)?.is_none() {
        return Ok(false);
    }
    doc.delete(&map, id)?;
    Ok(true)
}

/// How deep a record may nest (record → field → list item → field is 4; nothing this
/// version writes goes past 6).
pub const MAX_RECORD_DEPTH: usize = 12;
/// How many values (map keys, list items, texts) one record may hold.
pub const MAX_RECORD_VALUES: usize = 20_000;
/// How many characters all the texts of one record may hold together (a long entry is
/// 50,000; a book is a million).
pub const MAX_RECORD_CHARS: usize = 2_000_000;

/// Checks a record's shape before it is read, walking it without recursion: reading a
/// record nested ten thousand maps deep (which a hostile peer can send in 20 kB) would
/// overflow the stack, and a record of a hundred million letters would fill the memory.
fn check_shape(doc: &AutoCommit, obj: &ObjId) -> Result<(), String> {
    let mut stack = vec![(obj.clone(), 1usize)];
    let (mut values, mut chars) = (0usize, 0usize);
    while let Some((obj, depth)) = stack.pop() {
        if depth > MAX_RECORD_DEPTH {
            return Err(format!("it nests deeper than {MAX_RECORD_DEPTH} levels"));
        }
        let kind = doc.object_type(&obj).map_err(|e| e.to_string())?;
        if kind == ObjType::Text {
            chars += doc.length(&obj);
            values += 1;
        } else {
            let len = doc.length(&obj);
            values += len;
            if values > MAX_RECORD_VALUES {
                return Err(format!("it holds more than {MAX_RECORD_VALUES} values"));
            }
            for item in doc.values(&obj) {
                match item {
                    (automerge::Value::Object(_), child) => stack.push((child, depth + 1)),
                    (automerge::Value::Scalar(s), _) => {
                        if let ScalarValue::Str(t) = s.as_ref() {
                            chars += t.chars().count();
                        } else if let ScalarValue::Bytes(b) = s.as_ref() {
                            chars += b.len();
                        }
                    }
                }
            }
        }
        if values > MAX_RECORD_VALUES {
            return Err(format!("it holds more than {MAX_RECORD_VALUES} values"));
        }
        if chars > MAX_RECORD_CHARS {
            return Err(format!(
                "its texts hold more than {MAX_RECORD_CHARS} characters"
            ));
        }
    }
    Ok(())
}

/// One record as the document holds it now: `None` if there is none, `Err` with the
/// reason if its shape is beyond what any record may be (it is then never read).
pub fn read_record(doc: &AutoCommit, kind: &str, id: &str) -> Option<Result<Json, String>> {
    let map = existing_kind_map(doc, kind)?;
    let (value, obj) = doc.get(&map, id).ok()??;
    if !matches!(value, automerge::Value::Object(ObjType::Map)) {
        return Some(Err("it is not a map of fields".into()));
    }
    if let Err(reason) = check_shape(doc, &obj) {
        return Some(Err(reason));
    }
    let value = doc.hydrate(&obj, None).ok()?;
    Some(Ok(from_hydrate(&value)))
}

/// The serde form of one record, as the document holds it now (`None` also for a record
/// whose shape is refused, see [`read_record`]).
pub fn get_record(doc: &AutoCommit, kind: &str, id: &str) -> Option<Json> {
    read_record(doc, kind, id)?.ok()
}

/// The serde form of one record as the document held it at `heads`.
pub fn get_record_at(
    doc: &AutoCommit,
    kind: &str,
    id: &str,
    heads: &[automerge::ChangeHash],
) -> Option<Json> {
    let map = match doc.get_at(ROOT, kind, heads) {
        Ok(Some((automerge::Value::Object(ObjType::Map), map))) => map,
        _ => return None,
    };
    let (_, obj) = doc.get_at(&map, id, heads).ok()??;
    let value = doc.hydrate(&obj, Some(heads)).ok()?;
    Some(from_hydrate(&value))
}

/// Every record of every kind this version knows, as `(kind, id, json or the reason its
/// shape is refused)`: the full projection. Only the kinds' genesis maps are read; other
/// keys at the root (a newer release's kinds, or a peer's) are carried, never read.
pub fn all_records(doc: &AutoCommit) -> Vec<(String, String, Result<Json, String>)> {
    let mut out = Vec::new();
    for kind in crate::model::Kind::ALL.iter().map(|k| k.as_str()) {
        for id in ids_of_kind(doc, kind) {
            if let Some(json) = read_record(doc, kind, &id) {
                out.push((kind.to_string(), id, json));
            }
        }
    }
    out
}

/// What changed between two sets of heads.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Records written or deleted, as `(kind, id)`.
    pub records: BTreeSet<(String, String)>,
    /// A kind map itself was replaced (for example by a conflicting older document):
    /// every record of these kinds must be re-projected.
    pub kinds: BTreeSet<String>,
}

/// The records changed since the document's diff cursor, which then moves to the
/// current heads. Automerge answers this from its patch log (cost proportional to the
/// change) only while the cursor is kept at the last heads we mirrored, so every loaded
/// document gets `update_diff_cursor` once and this after every change; a diff between
/// arbitrary heads would scan the whole document.
pub fn touched_since_cursor(doc: &mut AutoCommit) -> Touched {
    let mut out = Touched::default();
    for patch in doc.diff_incremental() {
        let mut path: Vec<Prop> = patch.path.iter().map(|(_, p)| p.clone()).collect();
        match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                path.push(Prop::Map(key.clone()))
            }
            PatchAction::Conflict { prop } => path.push(prop.clone()),
            _ => {}
        }
        match (path.first(), path.get(1)) {
            (Some(Prop::Map(kind)), Some(Prop::Map(id))) => {
                out.records.insert((kind.clone(), id.clone()));
            }
            (Some(Prop::Map(kind)), None) => {
                // A kind map itself was (re)placed: re-project every record of it.
                out.kinds.insert(kind.clone());
            }
            _ => {}
        }
    }
    out
}

/// The devices that any change in the device list's history marked removed, whatever
/// later or concurrent changes did to their records (a removed device rewriting or
/// deleting its own record at the same time as its removal). Read from the changes
/// themselves; the device list is a small document.
pub fn removed_in_history(doc: &mut AutoCommit) -> BTreeSet<String> {
    use automerge::legacy::{Key, ObjectId, OpType};
    let Some(map) = existing_kind_map(doc, crate::model::Device::KIND) else {
        return BTreeSet::new();
    };
    let map = map.to_string();
    // The map object made for each device id, and the objects given a `revoked_at`.
    let mut record_of: HashMap<String, String> = HashMap::new();
    let mut revoked: Vec<String> = Vec::new();
    for change in doc.get_changes(&[]) {
        let change = change.decode();
        for (i, op) in change.operations.iter().enumerate() {
            let obj = match &op.obj {
                ObjectId::Root => continue,
                ObjectId::Id(id) => id.to_string(),
            };
            let Key::Map(key) = &op.key else { continue };
            match &op.action {
                OpType::Make(ObjType::Map) if obj == map => {
                    let counter = change.start_op.get() + i as u64;
                    record_of.insert(format!("{counter}@{}", change.actor_id), key.to_string());
                }
                OpType::Put(value) if key == "revoked_at" && !value.is_null() => {
                    revoked.push(obj);
                }
                _ => {}
            }
        }
    }
    revoked
        .iter()
        .filter_map(|obj| record_of.get(obj).cloned())
        .collect()
}

/// Every vouch the device list holds for each device, from every branch of a conflict:
/// two devices that listed the same device at once (the inviter listing the joiner, the
/// joiner listing itself) each made a record of it, and only one is the record shown.
pub fn vouches_in_any_branch(
    doc: &AutoCommit,
) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    let Some(map) = existing_kind_map(doc, crate::model::Device::KIND) else {
        return out;
    };
    for id in doc.keys(&map).collect::<Vec<_>>() {
        let mut vouches = std::collections::BTreeMap::new();
        for (value, obj) in doc.get_all(&map, id.as_str()).unwrap_or_default() {
            if !matches!(value, automerge::Value::Object(ObjType::Map)) {
                continue;
            }
            for (v, by) in doc.get_all(&obj, "vouched_by").unwrap_or_default() {
                if !matches!(v, automerge::Value::Object(ObjType::Map)) {
                    continue;
                }
                for voucher in doc.keys(&by).take(64).collect::<Vec<_>>() {
                    if let Ok(Some((automerge::Value::Scalar(s), _))) =
                        doc.get(&by, voucher.as_str())
                        && let ScalarValue::Str(sig) = s.as_ref()
                    {
                        vouches.insert(voucher, sig.to_string());
                    }
                }
            }
        }
        if !vouches.is_empty() {
            out.insert(id, vouches);
        }
    }
    out
}

/// The ids of every record of `kind` in the document.
pub fn ids_of_kind(doc: &AutoCommit, kind: &str) -> Vec<String> {
    match existing_kind_map(doc, kind) {
        Some(map) => doc.keys(&map).collect(),
        None => Vec::new(),
    }
}

fn is_keyed_list(items: &[Json]) -> bool {
    !items.is_empty()
        && items.iter().all(|item| {
            item.get("id")
                .and_then(Json::as_str)
                .is_some_and(|s| !s.is_empty())
        })
}

/// The serde form of a record as an Automerge value tree. `None` unless `json` is an object.
pub fn to_hydrate(json: &Json, prose: &[&str]) -> Option<hydrate::Value> {
    match json {
        Json::Object(_) => Some(value_to_hydrate(json, None, prose)),
        _ => None,
    }
}

fn value_to_hydrate(json: &Json, key: Option<&str>, prose: &[&str]) -> hydrate::Value {
    match json {
        Json::Null => ScalarValue::Null.into(),
        Json::Bool(b) => ScalarValue::Boolean(*b).into(),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => ScalarValue::Int(i).into(),
            (None, Some(f)) => ScalarValue::F64(f).into(),
            (None, None) => ScalarValue::Null.into(),
        },
        Json::String(s) => {
            if key.is_some_and(|k| prose.contains(&k)) {
                hydrate::Text::new(TextEncoding::UnicodeCodePoint, s).into()
            } else {
                ScalarValue::Str(s.as_str().into()).into()
            }
        }
        Json::Array(items) if is_keyed_list(items) => match as_stored_map(json) {
            Some(map) => {
                let map: HashMap<String, hydrate::Value> = map
                    .iter()
                    .map(|(id, item)| (id.clone(), value_to_hydrate(item, None, prose)))
                    .collect();
                hydrate::Map::from(map).into()
            }
            None => ScalarValue::Null.into(),
        },
        Json::Array(items) => {
            let values: Vec<hydrate::Value> = items
                .iter()
                .map(|item| value_to_hydrate(item, None, prose))
                .collect();
            values.into()
        }
        Json::Object(fields) => {
            let map: HashMap<String, hydrate::Value> = fields
                .iter()
                .map(|(k, v)| (k.clone(), value_to_hydrate(v, Some(k), prose)))
                .collect();
            hydrate::Map::from(map).into()
        }
    }
}

/// The serde form of an Automerge value tree: the inverse of [`to_hydrate`].
pub fn from_hydrate(value: &hydrate::Value) -> Json {
    match value {
        hydrate::Value::Scalar(s) => scalar_to_json(s),
        hydrate::Value::Text(t) => Json::String(t.to_string()),
        hydrate::Value::List(items) => {
            Json::Array(items.iter().map(|item| from_hydrate(&item.value)).collect())
        }
        hydrate::Value::Map(map) => {
            if matches!(
                map.get(LIST_MARK),
                Some(hydrate::Value::Scalar(ScalarValue::Boolean(true)))
            ) {
                let mut items: Vec<(i64, String, Json)> = map
                    .iter()
                    .filter(|(k, _)| k.as_str() != LIST_MARK)
                    .map(|(k, v)| {
                        let order = match &v.value {
                            hydrate::Value::Map(m) => match m.get(ORDER) {
                                Some(hydrate::Value::Scalar(ScalarValue::Int(i))) => *i,
                                _ => i64::MAX,
                            },
                            _ => i64::MAX,
                        };
                        let mut json = from_hydrate(&v.value);
                        if let Json::Object(o) = &mut json {
                            o.remove(ORDER);
                        }
                        (order, k.clone(), json)
                    })
                    .collect();
                // Two devices appending at once may pick the same position; the id
                // breaks the tie the same way everywhere.
                items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                Json::Array(items.into_iter().map(|(_, _, j)| j).collect())
            } else {
                let mut obj = serde_json::Map::new();
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for k in keys {
                    if let Some(v) = map.get(k) {
                        obj.insert(k.clone(), from_hydrate(v));
                    }
                }
                Json::Object(obj)
            }
        }
    }
}

fn scalar_to_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) => Json::from(*i),
        ScalarValue::Uint(u) => Json::from(*u),
        ScalarValue::F64(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        ScalarValue::Counter(c) => Json::from(i64::from(c)),
        ScalarValue::Timestamp(t) => Json::from(*t),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Null | ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Home, Invalid};

    /// A kind that exists only in the test build: what a later release adds.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Reminder {
        id: String,
        note: String,
    }

    impl Record for Reminder {
        const KIND: &'static str = "test_reminder";
        const PROSE: &'static [&'static str] = &["note"];
        fn id(&self) -> &str {
            &self.id
        }
        fn validate(&self) -> Result<(), Invalid> {
            Ok(())
        }
        fn home(&self) -> Home {
            Home::core_for(&self.id)
        }
        fn sort_key(&self) -> String {
            self.id.clone()
        }
        fn title(&self) -> String {
            self.note.clone()
        }
        fn search_text(&self) -> String {
            self.note.clone()
        }
    }

    fn reminder(id: &str) -> Reminder {
        Reminder {
            id: id.into(),
            note: format!("note {id}"),
        }
    }

    #[test]
    fn a_kind_added_later_and_laid_down_on_two_devices_ends_as_one_map_with_both_records() {
        let mut a = new_document("core-1", ActorId::from([1u8; 16])).unwrap();
        let mut b = new_document("core-1", ActorId::from([2u8; 16])).unwrap();
        put_record(&mut a, &reminder("on-a")).unwrap();
        a.commit();
        put_record(&mut b, &reminder("on-b")).unwrap();
        b.commit();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        for doc in [&a, &b] {
            let mut ids = ids_of_kind(doc, Reminder::KIND);
            ids.sort();
            assert_eq!(ids, ["on-a", "on-b"]);
        }
        assert_eq!(a.get_heads().len(), b.get_heads().len());
        assert_eq!(all_records(&a), all_records(&b));
    }

    #[test]
    fn a_document_of_an_older_release_and_one_with_a_later_kind_merge_both_ways() {
        // The older release knows only the first genesis and writes an entry.
        let mut old = new_document("core-1", ActorId::from([3u8; 16])).unwrap();
        let map = kind_map(&mut old, "entry").unwrap();
        let obj = old.put_object(&map, "e1", ObjType::Map).unwrap();
        old.put(&obj, "id", "e1").unwrap();
        old.commit();
        let mut new = new_document("core-1", ActorId::from([4u8; 16])).unwrap();
        put_record(&mut new, &reminder("r1")).unwrap();
        new.commit();
        old.merge(&mut new).unwrap();
        new.merge(&mut old).unwrap();
        assert_eq!(ids_of_kind(&old, "entry"), ["e1"]);
        assert_eq!(ids_of_kind(&new, "entry"), ["e1"]);
        assert_eq!(ids_of_kind(&old, Reminder::KIND), ["r1"]);
        assert_eq!(
            get_record(&new, Reminder::KIND, "r1").unwrap()["note"],
            "note r1"
        );
    }

    #[test]
    fn a_kinds_genesis_is_the_same_bytes_every_time_and_differs_between_kinds() {
        assert_eq!(kind_genesis("a").unwrap(), kind_genesis("a").unwrap());
        assert_ne!(kind_genesis("a").unwrap(), kind_genesis("b").unwrap());
    }

    #[test]
    fn the_first_genesis_is_the_one_every_release_has_written() {
        // The hash of the change every document of every release starts with: if this
        // changes, no device on an older release can sync with this one again.
        let mut doc = genesis(false).unwrap();
        let heads = doc.get_heads();
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].to_string(), FIRST_GENESIS_HASH);
    }

    /// Puts `value` under `key` in the map of record `id` of `kind`, or of its keyed list
    /// `list` item `item`: what a newer release with one more field writes.
    fn put_unknown(doc: &mut AutoCommit, kind: &str, id: &str, inner: Option<(&str, &str)>) {
        let map = existing_kind_map(doc, kind).unwrap();
        let (_, mut obj) = doc.get(&map, id).unwrap().unwrap();
        if let Some((list, item)) = inner {
            obj = doc.get(&obj, list).unwrap().unwrap().1;
            obj = doc.get(&obj, item).unwrap().unwrap().1;
        }
        doc.put(&obj, "from_a_later_release", "kept").unwrap();
        doc.commit();
    }

    #[test]
    fn a_save_keeps_the_fields_of_a_later_release_it_does_not_know_and_deletes_what_it_cleared() {
        use crate::model::{Debrief, Lesson, SetbackKind};
        let mut doc = new_document("journal-2026-11", ActorId::from([1u8; 16])).unwrap();
        let mut debrief = Debrief::new("Leaving Acme", SetbackKind::LetGo, "d1");
        debrief.lessons.push(Lesson {
            id: "l1".into(),
            lesson: "ask earlier".into(),
            action: "book a call".into(),
            due: Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            success_test: String::new(),
        });
        put_record(&mut doc, &debrief).unwrap();
        doc.commit();
        let version = doc.get_heads();
        put_unknown(&mut doc, Debrief::KIND, "d1", None);
        put_unknown(&mut doc, Debrief::KIND, "d1", Some(("lessons", "l1")));

        // This release saves the debrief twice: as it is now, and as an edit of the
        // version it read before the later release wrote.
        debrief.title = "Leaving Acme, a year on".into();
        debrief.lessons[0].due = None;
        put_record(&mut doc, &debrief).unwrap();
        doc.commit();
        debrief.lessons[0].lesson = "ask much earlier".into();
        let base = get_record_at(&doc, Debrief::KIND, "d1", &version).unwrap();
        put_record_over(&mut doc, &debrief, &base, &version).unwrap();
        doc.commit();

        let stored = get_record(&doc, Debrief::KIND, "d1").unwrap();
        assert_eq!(stored["from_a_later_release"], "kept");
        assert_eq!(stored["lessons"][0]["from_a_later_release"], "kept");
        assert_eq!(stored["title"], "Leaving Acme, a year on");
        assert_eq!(stored["lessons"][0]["lesson"], "ask much earlier");
        assert!(stored["lessons"][0].get("due").is_none(), "{stored}");
        let read: Debrief = serde_json::from_value(stored).unwrap();
        assert_eq!(read, debrief);
    }

    const FIRST_GENESIS_HASH: &str =
        "a3845841f80781be4e36e0fb293528028be26a2535b6783a573d76c8a7e52d70";
}
