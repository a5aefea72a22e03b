//! The plain functions the `comeback` CLI and the app's commands both call, and the
//! serialisable transfer types they hand to a front end. Each function is one user
//! action: it validates, writes through the vault (one commit, one transaction) or reads
//! the mirror, and returns a value or an [`Error`] with a stable code.

use std::path::Path;

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::keys::RecoveryKey;
use crate::model::{self, Date, Entry, Record};
use crate::vault::{KeySource, Report, Vault};
use crate::version::Version;

/// Creates a vault; the recovery key is returned once and stored nowhere.
pub fn init(dir: &Path, source: &KeySource) -> Result<(Vault, RecoveryKey)> {
    Vault::create(dir, source)
}

pub fn open(dir: &Path, source: &KeySource) -> Result<Vault> {
    Vault::open(dir, source)
}

/// What a new journal entry needs; the date defaults to today.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub text: String,
    pub mood: Option<u8>,
    pub tags: Vec<String>,
    pub date: Option<Date>,
}

pub fn today() -> Date {
    chrono::Local::now().date_naive()
}

pub fn add_entry(vault: &mut Vault, new: NewEntry) -> Result<Entry> {
    let mut entry = Entry {
        id: model::new_id(),
        date: new.date.unwrap_or_else(today),
        text: new.text,
        mood: new.mood,
        tags: new.tags,
        created_ms: crate::vault::now_millis(),
    };
    entry.normalise();
    vault.put(&entry)?;
    Ok(entry)
}

/// A change to an entry; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EntryEdit {
    pub text: Option<String>,
    pub mood: Option<Option<u8>>,
    pub tags: Option<Vec<String>>,
    pub date: Option<Date>,
    /// The version the edit was made at (see [`parse_version`]); `None`: the entry as it
    /// is now. Fields the edit leaves alone are taken from the entry at that version, so
    /// whatever changed since is kept.
    pub version: Option<String>,
}

/// Reads a version a front handed back; a string that is not one is refused with what to
/// do (no write happens).
pub fn parse_version(kind: &str, id: &str, text: &str) -> Result<Version> {
    Version::parse(text).ok_or_else(|| Error::UnknownVersion {
        kind: kind.into(),
        id: id.into(),
        version: text.chars().take(16).collect(),
    })
}

/// Changes an entry: the text, mood, tags or date. A date change keeps the entry where it
/// is stored (see `Vault::put_at`), so it merges like any other field.
pub fn edit_entry(vault: &mut Vault, id: &str, edit: EntryEdit) -> Result<Entry> {
    let base = edit
        .version
        .as_deref()
        .map(|v| parse_version(Entry::KIND, id, v))
        .transpose()?;
    let mut entry: Entry = match &base {
        Some(base) => vault.get_at(id, base)?,
        None => vault.require(id)?,
    };
    if let Some(text) = edit.text {
        entry.text = text;
    }
    if let Some(mood) = edit.mood {
        entry.mood = mood;
    }
    if let Some(tags) = edit.tags {
        entry.tags = tags;
    }
    if let Some(date) = edit.date {
        entry.date = date;
    }
    entry.normalise();
    vault.put_at(&entry, base.as_ref())?;
    vault.require(id)
}

pub fn get_entry(vault: &Vault, id: &str) -> Result<Entry> {
    vault.require(id)
}

pub fn list_entries(vault: &Vault, limit: usize) -> Result<Vec<Entry>> {
    vault.list(limit, 0)
}

pub fn delete_entry(vault: &mut Vault, id: &str) -> Result<()> {
    vault.delete(Entry::KIND, id)
}

/// One search result, as a front end shows it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: String,
    pub id: String,
    pub title: String,
    pub snippet: String,
    pub date: String,
}

pub fn search(vault: &Vault, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    Ok(vault
        .search(query, limit)?
        .into_iter()
        .map(|h| SearchHit {
            date: h.sort_key.chars().take(10).collect(),
            kind: h.kind,
            id: h.id,
            title: h.title,
            snippet: h.snippet,
        })
        .collect())
}

/// The doctor's findings, as a front end shows them.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct DoctorReport {
    pub healthy: bool,
    pub documents: usize,
    pub records: usize,
    pub problems: Vec<String>,
    pub damaged_chunks: Vec<String>,
    /// Records received from another device that break this version's rules: kept in
    /// the documents, never shown ([`drop_set_aside`] deletes them).
    pub set_aside: Vec<crate::store::SetAside>,
    pub rebuilt: bool,
}

/// Checks the mirror against the documents; with `rebuild`, rebuilds it first.
pub fn doctor(vault: &mut Vault, rebuild: bool) -> Result<DoctorReport> {
    if rebuild {
        vault.rebuild_mirror()?;
    }
    let report: Report = vault.doctor()?;
    Ok(DoctorReport {
        healthy: report.healthy(),
        documents: report.documents,
        records: report.records,
        problems: report.problems,
        damaged_chunks: report
            .quarantined
            .iter()
            .map(|q| format!("{} chunk #{}: {}", q.doc, q.seq, q.reason))
            .collect(),
        set_aside: report.set_aside,
        rebuilt: rebuild,
    })
}

/// Lets go of the damaged chunks the doctor reports, once what they held was synced back
/// from another device; returns how many there were.
pub fn forget_damaged(vault: &mut Vault) -> Result<usize> {
    vault.forget_damaged()
}

/// Deletes the records the doctor lists as set aside, on every device (a local change
/// that syncs); returns how many.
pub fn drop_set_aside(vault: &mut Vault) -> Result<usize> {
    vault.drop_set_aside()
}

/// Entries written on this month and day in earlier years, newest first.
pub fn on_this_day(vault: &Vault, date: Date) -> Result<Vec<Entry>> {
    use chrono::Datelike;
    let pattern = format!("%-{:02}-{:02}%", date.month(), date.day());
    let this_year = format!("{:04}", date.year());
    Ok(vault
        .rows_like::<Entry>(&pattern)?
        .into_iter()
        .filter(|e| !e.date.format("%Y").to_string().eq(&this_year))
        .collect())
}

/// Logs a message sent to a contact and marks the contact as reached that day, as one
/// action: both are written or neither is.
pub fn log_outreach(vault: &mut Vault, outreach: model::Outreach) -> Result<model::Outreach> {
    let mut contact: model::Contact = vault.require(&outreach.contact_id)?;
    if contact.last_contact.is_none_or(|d| d < outreach.date) {
        contact.last_contact = Some(outreach.date);
    }
    vault.put_pair(&outreach, &contact)?;
    Ok(outreach)
}

/// Contacts due a message, weak ties first (see [`model::due_contacts`]).
pub fn due_contacts(vault: &Vault, today: Date) -> Result<Vec<model::Contact>> {
    let all: Vec<model::Contact> = vault.list(usize::MAX >> 1, 0)?;
    Ok(model::due_contacts(&all, today)
        .into_iter()
        .cloned()
        .collect())
}

/// Hours logged on a project per week (keyed by the week's Monday), oldest first.
pub fn hours_per_week(vault: &Vault, project_id: &str) -> Result<Vec<(Date, f64)>> {
    let logs: Vec<model::TimeLog> = vault.list(usize::MAX >> 1, 0)?;
    Ok(model::hours_per_week(&logs, project_id))
}

/// What joining another device's vault shares with it, for the joining person to
/// confirm with the check code: the first sync merges the two vaults, so every record
/// of this device goes to the other one, and the devices this one already syncs with
/// will sync with it too.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct PairingShares {
    /// Journal entries.
    pub entries: usize,
    /// Every other record a person wrote (check-ins, debriefs, contacts, projects…).
    pub other_records: usize,
    /// The other devices this vault already syncs with (removed ones left out).
    pub devices: usize,
}

/// Counts what pairing this vault with another device will share (see [`PairingShares`]).
pub fn pairing_shares(vault: &Vault) -> Result<PairingShares> {
    let counts = vault.count_by_kind()?;
    let mut shares = PairingShares {
        devices: vault.sync_peers()?.len(),
        ..PairingShares::default()
    };
    for kind in model::Kind::user_kinds() {
        let n = counts.get(kind.as_str()).copied().unwrap_or(0);
        if kind == model::Kind::Entry {
            shares.entries += n;
        } else {
            shares.other_records += n;
        }
    }
    Ok(shares)
}

/// Where the vault is and whether it is open, for the app's first screen.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct VaultStatus {
    pub dir: String,
    pub exists: bool,
    pub open: bool,
    pub today: String,
}

/// How an error crosses to a front end: branch on `code`, show `message`.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct ErrorReply {
    pub code: String,
    pub message: String,
}

impl From<Error> for ErrorReply {
    fn from(e: Error) -> Self {
        Self {
            code: e.code().into(),
            message: e.to_string(),
        }
    }
}

// ----- any kind by name: what the app's screens use -----

/// The field every record a front reads carries: the version of its document that the
/// read reflects, to hand back with a save (see [`save_json`]).
pub const VERSION_FIELD: &str = "version";

/// A mirror row as a front sees it: the record's serde form plus its `version`.
fn row_json(
    vault: &Vault,
    row: &crate::store::MirrorRow,
    versions: &mut std::collections::HashMap<String, String>,
) -> Result<Json> {
    let mut json: Json = serde_json::from_str(&row.json).map_err(|e| {
        Error::Io(format!(
            "a mirror row does not parse ({e}); run `comeback doctor --rebuild`"
        ))
    })?;
    let version = match versions.get(&row.doc) {
        Some(v) => v.clone(),
        None => {
            let v = vault.version_of(&row.doc)?.to_string();
            versions.insert(row.doc.clone(), v.clone());
            v
        }
    };
    if let Json::Object(fields) = &mut json {
        fields.insert(VERSION_FIELD.into(), Json::String(version));
    }
    Ok(json)
}

/// Records of `kind`, newest first, in their serde (JSON) form, straight from the mirror,
/// each with its `version`.
pub fn list_json(vault: &Vault, kind: &str, limit: usize, offset: usize) -> Result<Vec<Json>> {
    known_kind(kind)?;
    let mut versions = std::collections::HashMap::new();
    vault
        .store()
        .rows(kind, limit, offset)
        .map_err(Error::from)?
        .iter()
        .map(|row| row_json(vault, row, &mut versions))
        .collect()
}

/// One record in its serde (JSON) form with its `version`.
pub fn get_json(vault: &Vault, kind: &str, id: &str) -> Result<Json> {
    known_kind(kind)?;
    let row = vault
        .store()
        .row(kind, id)?
        .ok_or_else(|| Error::NotFound {
            kind: kind.into(),
            id: id.into(),
        })?;
    row_json(vault, &row, &mut Default::default())
}

/// Records found by a rule (on this day, due contacts…) as a front reads them: each in its
/// serde form with the `version` of its document, like [`list_json`].
pub fn versioned<R: Record>(vault: &Vault, records: &[R]) -> Result<Vec<Json>> {
    let mut versions = std::collections::HashMap::new();
    records
        .iter()
        .map(|r| {
            let row = vault
                .store()
                .row(R::KIND, r.id())?
                .ok_or_else(|| Error::NotFound {
                    kind: R::KIND.into(),
                    id: r.id().into(),
                })?;
            row_json(vault, &row, &mut versions)
        })
        .collect()
}

/// Saves a record of `kind` given in its JSON form: a new one when its id is missing or
/// empty (an id is made), else the existing one is replaced. Validated as a whole.
///
/// If the record carries the `version` it was read at, the save is applied as an edit
/// made at that version and merged with whatever the document gained since (another
/// device's paragraph, a field set elsewhere): nothing written meanwhile is reverted. A
/// version not in the record's history is refused (`unknown_version`), nothing written.
/// Returns the record as now stored (merged), with its new `version`.
pub fn save_json(vault: &mut Vault, kind: &str, mut json: Json) -> Result<Json> {
    use model::*;
    fn save<R: Record>(
        vault: &mut Vault,
        json: Json,
        base: Option<&Version>,
        prepare: impl FnOnce(&mut R),
    ) -> Result<Json> {
        let mut record: R = serde_json::from_value(json).map_err(|e| {
            Error::Invalid(Invalid::new(
                R::KIND,
                format!("that does not fit a {}: {e}", R::KIND),
            ))
        })?;
        prepare(&mut record);
        // A version only means something for a record that exists.
        let base = match base {
            Some(b) if vault.get::<R>(record.id())?.is_some() => Some(b),
            _ => None,
        };
        vault.put_at(&record, base)?;
        get_json(vault, R::KIND, record.id())
    }
    known_kind(kind)?;
    let Json::Object(fields) = &mut json else {
        return Err(Error::Invalid(Invalid::new(
            kind,
            "a record is a JSON object",
        )));
    };
    let version = match fields.remove(VERSION_FIELD) {
        Some(Json::String(v)) => Some(v),
        Some(Json::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let is_new = fields
        .get("id")
        .and_then(Json::as_str)
        .is_none_or(str::is_empty);
    if kind == Profile::KIND {
        fields.insert("id".into(), Json::String(PROFILE_ID.into()));
    } else if is_new {
        fields.insert("id".into(), Json::String(new_id()));
    }
    let id = fields
        .get("id")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let base = version.map(|v| parse_version(kind, &id, &v)).transpose()?;
    let base = base.as_ref();
    match kind {
        Profile::KIND => save::<Profile>(vault, json, base, |_| {}),
        Entry::KIND => save::<Entry>(vault, json, base, |e| {
            if is_new || e.created_ms == 0 {
                e.created_ms = crate::vault::now_millis();
            }
            e.normalise();
        }),
        MoodCheckIn::KIND => save::<MoodCheckIn>(vault, json, base, |_| {}),
        Debrief::KIND => save::<Debrief>(vault, json, base, |d| {
            // A new debrief starts with the article's probing questions for its kind of
            // setback; the rule lives here, not in any front end.
            if is_new && d.questions.is_empty() {
                d.questions = Debrief::new(d.title.clone(), d.setback, d.id.clone()).questions;
            }
        }),
        Worry::KIND => save::<Worry>(vault, json, base, |_| {}),
        Contact::KIND => save::<Contact>(vault, json, base, |_| {}),
        Outreach::KIND => save::<Outreach>(vault, json, base, |_| {}),
        Intro::KIND => save::<Intro>(vault, json, base, |_| {}),
        Project::KIND => save::<Project>(vault, json, base, |_| {}),
        TimeLog::KIND => save::<TimeLog>(vault, json, base, |_| {}),
        Event::KIND => save::<Event>(vault, json, base, |_| {}),
        Win::KIND => save::<Win>(vault, json, base, |_| {}),
        PipelineItem::KIND => save::<PipelineItem>(vault, json, base, |_| {}),
        Story::KIND => save::<Story>(vault, json, base, |_| {}),
        _ => known_kind(kind).map(|_| Json::Null),
    }
}

pub fn delete_json(vault: &mut Vault, kind: &str, id: &str) -> Result<()> {
    known_kind(kind)?;
    vault.delete(kind, id)
}

fn known_kind(kind: &str) -> Result<model::Kind> {
    model::Kind::parse(kind)
        .filter(|k| *k != model::Kind::Device)
        .ok_or_else(|| {
            let names: Vec<&str> = model::Kind::user_kinds().map(model::Kind::as_str).collect();
            Error::Invalid(model::Invalid::new(
                "kind",
                format!(
                    "'{kind}' is not a kind of record; use one of {}",
                    names.join(", ")
                ),
            ))
        })
}

/// The recovery key again, for a person who confirmed they want to see it.
pub fn recovery_key(vault: &Vault) -> Result<RecoveryKey> {
    vault.recovery_key()
}

// ----- every other kind, through the same few verbs -----

/// Adds a record of any kind (its id must be fresh: use [`model::new_id`]).
pub fn add<R: Record>(vault: &mut Vault, record: R) -> Result<R> {
    if vault.get::<R>(record.id())?.is_some() {
        return Err(Error::Invalid(model::Invalid::new(
            "id",
            format!(
                "a {} with id {} exists already; edit it instead",
                R::KIND,
                record.id()
            ),
        )));
    }
    vault.put(&record)?;
    Ok(record)
}

pub fn get<R: Record>(vault: &Vault, id: &str) -> Result<R> {
    vault.require(id)
}

pub fn list<R: Record>(vault: &Vault, limit: usize) -> Result<Vec<R>> {
    vault.list(limit, 0)
}

pub fn delete<R: Record>(vault: &mut Vault, id: &str) -> Result<()> {
    vault.delete(R::KIND, id)
}

/// Replaces a record with an edited copy (validated as a whole).
pub fn save<R: Record>(vault: &mut Vault, record: R) -> Result<R> {
    vault.require::<R>(record.id())?;
    vault.put(&record)?;
    Ok(record)
}

/// Edits a record by a JSON merge patch (RFC 7386): fields present in `patch` replace
/// the record's, `null` clears an optional field. The id cannot change. With `version`,
/// the patch applies to the record as it was at that version and merges with what
/// changed since (see [`save_json`]).
pub fn patch<R: Record>(
    vault: &mut Vault,
    id: &str,
    patch: &Json,
    version: Option<&str>,
) -> Result<R> {
    let base = version.map(|v| parse_version(R::KIND, id, v)).transpose()?;
    let current: R = match &base {
        Some(base) => vault.get_at(id, base)?,
        None => vault.require(id)?,
    };
    let mut json = serde_json::to_value(&current)
        .map_err(|e| Error::Io(format!("could not read the {} back: {e}", R::KIND)))?;
    merge_patch(&mut json, patch);
    if let Json::Object(o) = &mut json {
        o.insert("id".into(), Json::String(id.to_string()));
    }
    let record: R = serde_json::from_value(json).map_err(|e| {
        Error::Invalid(model::Invalid::new(
            R::KIND,
            format!("that change does not fit a {}: {e}", R::KIND),
        ))
    })?;
    vault.put_at(&record, base.as_ref())?;
    vault.require(id)
}

fn merge_patch(target: &mut Json, patch: &Json) {
    match (target, patch) {
        (Json::Object(t), Json::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Json::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_new_debrief_saved_without_questions_gets_the_probing_questions_of_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::KeyFile(dir.path().join("key"));
        let (mut vault, _) = init(&dir.path().join("v"), &source).unwrap();
        let saved = save_json(
            &mut vault,
            "debrief",
            json!({"title": "Leaving Acme", "setback": "business_folded", "started_on": "2026-11-01"}),
        )
        .unwrap();
        let questions = saved["questions"].as_array().unwrap();
        let want = model::probing_questions(model::SetbackKind::BusinessFolded);
        assert_eq!(questions.len(), want.len());
        assert_eq!(questions[0]["question"], want[0]);
        // Saving it again with the questions cleared keeps them cleared: only new ones are seeded.
        let mut again = saved.clone();
        again["questions"] = json!([]);
        let resaved = save_json(&mut vault, "debrief", again).unwrap();
        assert!(resaved["questions"].as_array().unwrap().is_empty());
    }

    #[test]
    fn pairing_shares_counts_entries_other_records_and_devices_but_not_the_device_list() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::KeyFile(dir.path().join("key"));
        let (mut vault, _) = init(&dir.path().join("v"), &source).unwrap();
        assert_eq!(pairing_shares(&vault).unwrap(), PairingShares::default());
        for text in ["one", "two"] {
            add_entry(
                &mut vault,
                NewEntry {
                    text: text.into(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        save_json(&mut vault, "contact", json!({"name": "Ada"})).unwrap();
        vault.ensure_this_device(Some("Laptop")).unwrap();
        let me = vault.device_id().to_string();
        vault.add_device(&"ab".repeat(32), "Phone", &me).unwrap();
        vault
            .add_device(&"cd".repeat(32), "Old tablet", &me)
            .unwrap();
        vault.revoke_device(&"cd".repeat(32)).unwrap();
        assert_eq!(
            pairing_shares(&vault).unwrap(),
            PairingShares {
                entries: 2,
                other_records: 1,
                devices: 1,
            }
        );
    }

    #[test]
    fn an_unknown_kind_is_refused_with_the_list_of_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::KeyFile(dir.path().join("key"));
        let (mut vault, _) = init(&dir.path().join("v"), &source).unwrap();
        let err = save_json(&mut vault, "diary", json!({})).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().contains("entry"), "{err}");
    }

    #[test]
    fn a_merge_patch_replaces_fields_and_null_removes_them() {
        let mut doc = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut doc, &json!({"a": 5, "b": {"c": null}}));
        assert_eq!(doc, json!({"a": 5, "b": {"d": 3}}));
    }
}
