//! The journal and the profile: writing, editing and reading entries, the entries
//! written on this day in earlier years, and the profile (the setback, its dates, worry
//! time).

use super::{base_version, read_for_edit, today};
use crate::error::Result;
use crate::model::{self, Date, Entry, Profile, Record};
use crate::vault::Vault;
use serde::Serialize;
use ts_rs::TS;

/// What a new journal entry needs; the date defaults to today.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub text: String,
    pub mood: Option<u8>,
    pub tags: Vec<String>,
    pub date: Option<Date>,
}

pub fn add_entry(vault: &mut Vault, new: NewEntry) -> Result<Entry> {
    let mut entry = Entry {
        id: model::new_id(),
        date: new.date.unwrap_or_else(today),
        text: new.text,
        mood: new.mood,
        tags: new.tags,
        created_ms: crate::vault::now_millis(),
        imported: Default::default(),
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
    /// The version the edit was made at (see [`super::parse_version`]); `None`: the entry
    /// as it is now. Fields the edit leaves alone are taken from the entry at that
    /// version, so whatever changed since is kept.
    pub version: Option<String>,
}

/// Changes an entry: the text, mood, tags or date. A date change keeps the entry where it
/// is stored (see `Vault::put_at`), so it merges like any other field.
pub fn edit_entry(vault: &mut Vault, id: &str, edit: EntryEdit) -> Result<Entry> {
    let (mut entry, base) = read_for_edit::<Entry>(vault, id, edit.version.as_deref())?;
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

/// An entry as a line of a list ("On this day"): its date, its title (see
/// [`entry_title`]) and its mood; opening it reads the whole entry by its id.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct EntryLine {
    pub id: String,
    pub date: Date,
    pub title: String,
    pub mood: Option<u8>,
}

/// What a list shows of an entry: its first line, up to 120 characters, or "(empty)"
/// when that is blank.
pub fn entry_title(text: &str) -> String {
    let line: String = text
        .split('\n')
        .next()
        .unwrap_or("")
        .chars()
        .take(120)
        .collect();
    if line.trim().is_empty() {
        "(empty)".into()
    } else {
        line
    }
}

/// [`on_this_day`] as lines: what the Journal's and Home's "On this day" show, without
/// sending each entry's whole text.
pub fn on_this_day_lines(vault: &Vault, date: Date) -> Result<Vec<EntryLine>> {
    Ok(on_this_day(vault, date)?
        .into_iter()
        .map(|e| EntryLine {
            title: entry_title(&e.text),
            id: e.id,
            date: e.date,
            mood: e.mood,
        })
        .collect())
}

/// The profile, or `None` before the first-run questions are answered.
pub fn get_profile(vault: &Vault) -> Result<Option<Profile>> {
    vault.get(model::PROFILE_ID)
}

/// Saves the profile (its id is always [`model::PROFILE_ID`]). With `version` (the one
/// [`get_profile`]'s reader was handed through `get_json`), the save merges with what
/// changed since, like every other save.
pub fn set_profile(
    vault: &mut Vault,
    mut profile: Profile,
    version: Option<&str>,
) -> Result<Profile> {
    profile.id = model::PROFILE_ID.into();
    let base = base_version(Profile::KIND, &profile.id, version)?;
    let base = match base {
        Some(b) if vault.get::<Profile>(&profile.id)?.is_some() => Some(b),
        _ => None,
    };
    vault.put_at(&profile, base.as_ref())?;
    vault.require(model::PROFILE_ID)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};
    use crate::model::SetbackKind;

    #[test]
    fn the_profile_is_missing_until_set_and_always_saved_under_its_fixed_id() {
        let mut v = test_vault::new();
        assert_eq!(get_profile(&v).unwrap(), None);
        let mut p = Profile::new(SetbackKind::BusinessFolded, day("2026-10-01"));
        p.id = "something-else".into();
        let saved = set_profile(&mut v, p, None).unwrap();
        assert_eq!(saved.id, model::PROFILE_ID);
        assert_eq!(
            get_profile(&v).unwrap().unwrap().happened_on,
            day("2026-10-01")
        );
    }

    #[test]
    fn a_profile_saved_at_an_old_version_keeps_a_field_changed_since() {
        let mut v = test_vault::new();
        let p = Profile::new(SetbackKind::BusinessFolded, day("2026-10-01"));
        set_profile(&mut v, p, None).unwrap();
        let version = crate::api::get_json(&v, "profile", model::PROFILE_ID).unwrap()["version"]
            .as_str()
            .unwrap()
            .to_string();
        let mut elsewhere = get_profile(&v).unwrap().unwrap();
        elsewhere.worry_time = Some("18:00".into());
        set_profile(&mut v, elsewhere, None).unwrap();
        let mut mine = get_profile(&v).unwrap().unwrap();
        mine.worry_time = None;
        mine.what_happened = "The shop closed.".into();
        let saved = set_profile(&mut v, mine, Some(&version)).unwrap();
        assert_eq!(saved.what_happened, "The shop closed.");
        // The edit was made before worry time was set, and did not touch it: kept.
        assert_eq!(saved.worry_time.as_deref(), Some("18:00"));
    }
}
