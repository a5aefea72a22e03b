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

use automerge::transaction::Transactable;
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
    let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
    if doc_id == crate::model::DEVICES_DOC {
        doc.put_object(ROOT, crate::model::Device::KIND, ObjType::Map)?;
    } else {
        // Every other document carries a map per kind. Their order is part of the
        // genesis change, so `model::KINDS` may only ever grow at its end.
        for kind in crate::model::KINDS {
            doc.put_object(ROOT, kind, ObjType::Map)?;
        }
    }
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    doc.set_actor(actor);
    doc.update_diff_cursor();
    Ok(doc)
}

/// Loads a document from its stored chunks `(seq, is_snapshot, bytes)`, in order. A chunk
/// that does not parse (or fails its checksum) is skipped and returned with the reason,
/// so one damaged chunk never costs the rest of the vault.
pub fn load_chunks<'a>(
    chunks: impl IntoIterator<Item = (i64, bool, &'a [u8])>,
) -> (AutoCommit, Vec<(i64, String)>) {
    let mut doc = AutoCommit::new();
    let mut bad = Vec::new();
    for (seq, snapshot, bytes) in chunks {
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
        if let Err(reason) = checked {
            bad.push((seq, reason));
        }
    }
    doc.update_diff_cursor();
    (doc, bad)
}

const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// Splits concatenated change chunks and parses each one.
fn check_changes(bytes: &[u8]) -> Result<(), String> {
    let mut at = 0;
    if bytes.is_empty() {
        return Err("an empty chunk".into());
    }
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.len() < 10 || rest[..4] != CHUNK_MAGIC {
            return Err("not an Automerge change".into());
        }
        let (len, width) = read_uleb(&rest[9..]).ok_or("a truncated change header")?;
        let end = 9usize
            .checked_add(width)
            .and_then(|n| n.checked_add(len))
            .filter(|end| *end <= rest.len())
            .ok_or("a truncated change")?;
        automerge::Change::from_bytes(rest[..end].to_vec()).map_err(|e| e.to_string())?;
        at += end;
    }
    Ok(())
}

fn read_uleb(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: u64 = 0;
    for (i, b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((usize::try_from(value).ok()?, i + 1));
        }
    }
    None
}

/// The map holding every record of `kind`, created if an older document lacks it.
fn kind_map(doc: &mut AutoCommit, kind: &str) -> Result<ObjId, DocError> {
    match doc.get(ROOT, kind)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(doc.put_object(ROOT, kind, ObjType::Map)?),
    }
}

fn existing_kind_map(doc: &AutoCommit, kind: &str) -> Option<ObjId> {
    match doc.get(ROOT, kind) {
        Ok(Some((automerge::Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
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
    let obj = match doc.get(&map, record.id())? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => doc.put_object(&map, record.id(), ObjType::Map)?,
    };
    doc.update_object(&obj, &value)?;
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

/// The serde form of one record, as the document holds it now.
pub fn get_record(doc: &AutoCommit, kind: &str, id: &str) -> Option<Json> {
    let map = existing_kind_map(doc, kind)?;
    let (_, obj) = doc.get(&map, id).ok()??;
    let value = doc.hydrate(&obj, None).ok()?;
    Some(from_hydrate(&value))
}

/// Every record in the document as `(kind, id, json)`: the full projection.
pub fn all_records(doc: &AutoCommit) -> Vec<(String, String, Json)> {
    let mut out = Vec::new();
    for kind in doc.keys(ROOT).collect::<Vec<_>>() {
        let Some(map) = existing_kind_map(doc, &kind) else {
            continue;
        };
        for id in doc.keys(&map).collect::<Vec<_>>() {
            if let Some(json) = get_record(doc, &kind, &id) {
                out.push((kind.clone(), id, json));
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
        Json::Array(items) if is_keyed_list(items) => {
            let mut map: HashMap<String, hydrate::Value> = HashMap::new();
            map.insert(LIST_MARK.into(), ScalarValue::Boolean(true).into());
            for (pos, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(Json::as_str).unwrap_or_default();
                let mut child = value_to_hydrate(item, None, prose);
                if let hydrate::Value::Map(m) = &mut child {
                    let order: hydrate::Value = ScalarValue::Int(pos as i64).into();
                    let mut with_order: HashMap<String, hydrate::Value> = m
                        .iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect();
                    with_order.insert(ORDER.into(), order);
                    child = hydrate::Map::from(with_order).into();
                }
                map.insert(id.to_string(), child);
            }
            hydrate::Map::from(map).into()
        }
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
