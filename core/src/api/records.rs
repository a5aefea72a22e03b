//! The generic verbs over any kind of record: by name and in JSON (what the app's screens
//! use: [`list_json`], [`get_json`], [`save_json`], [`delete_json`]) and typed (what the
//! CLI uses: [`add`], [`get`], [`list`], [`save`], [`patch`], [`delete`]). Every save here
//! runs the same checks as the named verbs: the record's own rules (`Record::validate`)
//! and [`check_references`].

use serde_json::Value as Json;

use super::{parse_version, read_for_edit};
use crate::error::{Error, Result};
use crate::model::{self, Record};
use crate::vault::Vault;
use crate::version::Version;

/// The field every record a front reads carries: the version of its document that the
/// read reflects, to hand back with a save (see [`save_json`]).
pub const VERSION_FIELD: &str = "version";

/// Checks that the records `record` names exist (an introduction's contacts, an event's
/// contacts, a time log's project, an outreach's contact): the one place this rule is
/// written, called by every local save. A link the stored record already has is not
/// checked again, so a record whose contact was deleted since can still be edited.
pub fn check_references<R: Record>(vault: &Vault, record: &R) -> Result<()> {
    let stored: Option<R> = vault.get(record.id())?;
    let before = stored.as_ref().map(Record::references).unwrap_or_default();
    for r in record.references() {
        if before.contains(&r) {
            continue;
        }
        if vault.store().row(r.kind, r.id)?.is_none() {
            return Err(Error::NotFound {
                kind: r.kind.into(),
                id: r.id.into(),
            });
        }
    }
    Ok(())
}

/// A mirror row as a front sees it: the record's serde form plus its `version`.
fn row_json(
    vault: &Vault,
    row: &crate::store::MirrorRow,
    versions: &mut std::collections::HashMap<String, String>,
) -> Result<Json> {
    let mut json: Json = serde_json::from_str(&row.json).map_err(|e| {
        Error::Internal(format!(
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
/// empty (an id is made), else the existing one is replaced. Validated as a whole, and
/// the records it names must exist ([`check_references`]).
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
        check_references(vault, &record)?;
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
        Attachment::KIND => Err(Error::Precondition(
            "a file is added to an entry with its bytes (`comeback entry attach`, or Add photo in the app), not as a bare record".into(),
        )),
        _ => known_kind(kind).map(|_| Json::Null),
    }
}

pub fn delete_json(vault: &mut Vault, kind: &str, id: &str) -> Result<()> {
    match known_kind(kind)? {
        model::Kind::Entry => super::delete_entry(vault, id),
        model::Kind::Attachment => super::detach(vault, id),
        model::Kind::Project => super::delete_project(vault, id),
        model::Kind::Outreach => super::delete_outreach(vault, id),
        _ => vault.delete(kind, id),
    }
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
    check_references(vault, &record)?;
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
    delete_json(vault, R::KIND, id)
}

/// Replaces a record with an edited copy (validated as a whole).
pub fn save<R: Record>(vault: &mut Vault, record: R) -> Result<R> {
    vault.require::<R>(record.id())?;
    check_references(vault, &record)?;
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
    let (current, base) = read_for_edit::<R>(vault, id, version)?;
    let mut json = serde_json::to_value(&current)
        .map_err(|e| Error::Internal(format!("could not read the {} back: {e}", R::KIND)))?;
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
    check_references(vault, &record)?;
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
    use crate::api::test_vault;
    use serde_json::json;

    #[test]
    fn a_new_debrief_saved_without_questions_gets_the_probing_questions_of_its_kind() {
        let mut vault = test_vault::new();
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
    fn an_unknown_kind_is_refused_with_the_list_of_kinds() {
        let mut vault = test_vault::new();
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

    #[test]
    fn the_apps_generic_save_refuses_an_intro_via_a_contact_that_does_not_exist() {
        let mut vault = test_vault::new();
        let err = save_json(
            &mut vault,
            "intro",
            json!({"via_contact_id": "nobody", "to_name": "Bo", "requested_on": "2026-11-01"}),
        )
        .unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(
            err.to_string().contains("no contact with id nobody"),
            "{err}"
        );
        assert!(list_json(&vault, "intro", 10, 0).unwrap().is_empty());
    }

    #[test]
    fn the_apps_generic_save_refuses_a_time_log_for_a_missing_project_and_an_event_with_a_missing_contact()
     {
        let mut vault = test_vault::new();
        let err = save_json(
            &mut vault,
            "timelog",
            json!({"project_id": "gone", "date": "2026-11-01", "hours": 2.0}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no project with id gone"), "{err}");
        let ada = save_json(&mut vault, "contact", json!({"name": "Ada"})).unwrap();
        let err = save_json(
            &mut vault,
            "event",
            json!({"title": "Meetup", "date": "2026-11-01", "contact_ids": [ada["id"], "ghost"]}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("no contact with id ghost"),
            "{err}"
        );
    }

    #[test]
    fn a_record_whose_contact_was_deleted_since_can_still_be_edited() {
        let mut vault = test_vault::new();
        let ada = save_json(&mut vault, "contact", json!({"name": "Ada"})).unwrap();
        let ada_id = ada["id"].as_str().unwrap().to_string();
        let event = save_json(
            &mut vault,
            "event",
            json!({"title": "Meetup", "date": "2026-11-01", "contact_ids": [ada_id]}),
        )
        .unwrap();
        delete_json(&mut vault, "contact", &ada_id).unwrap();
        let mut edited = event.clone();
        edited["notes"] = json!("Good talk.");
        let saved = save_json(&mut vault, "event", edited).unwrap();
        assert_eq!(saved["notes"], "Good talk.");
    }
}
