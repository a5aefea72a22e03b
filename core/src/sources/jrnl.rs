//! jrnl's JSON export (`jrnl --export json`): `{"tags": {"@work": 2}, "entries": [{"title",
//! "body", "date": "2023-01-15", "time": "22:30", "tags": ["@work"], "starred"}]}`.
//!
//! jrnl splits an entry into its first sentence (the title) and the rest (the body); the
//! text here is the title, a blank line, and the body. Its date and time are the clock
//! where it was written, with no zone, so `date` is that date and `created_ms` reads the
//! time as if it were UTC. Tags lose their leading `@` (or `#`, jrnl's other usual tag
//! symbol). Every other field, and the title on its own, is kept under `extra["jrnl"]`.

use chrono::{NaiveDate, NaiveTime};
use serde_json::{Map, Value};

use super::{Format, ImportedEntry, Parsed, Skipped, SourceError, short_hash};

/// Reads jrnl exports (file name and parsed JSON, whose shape `Shape::of` checked).
pub(super) fn parse(files: Vec<(String, Value)>) -> Result<Parsed, SourceError> {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (name, value) in &files {
        let list = value
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| SourceError::NotExport {
                name: name.clone(),
                format: Format::Jrnl,
                why: "it has no \"entries\" list".into(),
            })?;
        for (i, item) in list.iter().enumerate() {
            match entry(name, i + 1, item) {
                Ok(entry) => entries.push(entry),
                Err(skip) => skipped.push(skip),
            }
        }
    }
    Ok(Parsed {
        format: Format::Jrnl,
        entries,
        skipped,
    })
}

/// The `n`th entry of the export `name`. Its origin is `jrnl:<date> <time>:<hash>`, the
/// date and time as jrnl wrote them and the first 16 hex digits of the SHA-256 of the
/// title, a newline and the body, so an entry edited in jrnl since is a new entry.
fn entry(name: &str, n: usize, item: &Value) -> Result<ImportedEntry, Skipped> {
    let source = format!("{name} entry {n}");
    let skip = |reason: String| Skipped {
        source: source.clone(),
        reason,
    };
    let Some(obj) = item.as_object() else {
        return Err(skip("it is not an entry (a JSON object)".into()));
    };
    let text_of = |key: &str| obj.get(key).and_then(Value::as_str).unwrap_or("");
    let (title, body) = (text_of("title"), text_of("body"));
    let (date_text, time_text) = (text_of("date"), text_of("time"));
    let Ok(date) = NaiveDate::parse_from_str(date_text, "%Y-%m-%d") else {
        return Err(skip(if date_text.is_empty() {
            "it has no date, so its day is unknown".into()
        } else {
            format!("its date \"{date_text}\" is not a date (YYYY-MM-DD)")
        }));
    };
    let time = if time_text.is_empty() {
        Some(NaiveTime::MIN)
    } else {
        NaiveTime::parse_from_str(time_text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time_text, "%H:%M:%S"))
            .ok()
    };
    let Some(time) = time else {
        return Err(skip(format!(
            "its time \"{time_text}\" is not a time (HH:MM)"
        )));
    };
    let text = match (title.trim(), body.trim()) {
        ("", "") => return Err(skip("an empty entry: no title and no text".into())),
        (title, "") => title.to_owned(),
        ("", body) => body.to_owned(),
        (title, body) => format!("{title}\n\n{body}"),
    };
    let tags = obj
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|t| t.strip_prefix(['@', '#']).unwrap_or(t).trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let mut jrnl: Map<String, Value> = obj.clone();
    for key in ["body", "date", "time", "tags"] {
        jrnl.remove(key);
    }
    let mut extra = Map::new();
    extra.insert("jrnl".into(), Value::Object(jrnl));
    let hash = short_hash(format!("{title}\n{body}").as_bytes());
    Ok(ImportedEntry {
        origin: format!("jrnl:{date_text} {time_text}:{hash}"),
        source,
        date,
        created_ms: date.and_time(time).and_utc().timestamp_millis(),
        text,
        tags,
        mood: None,
        extra,
        files: Vec::new(),
        missing_files: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::read;
    use super::*;

    fn sample() -> String {
        json!({
            "tags": {"@work": 2, "@health": 1},
            "entries": [
                {
                    "title": "Interview went well.",
                    "body": " They want a second round next week.\n\nFeeling hopeful. ",
                    "date": "2023-01-15",
                    "time": "22:30",
                    "tags": ["@work"],
                    "starred": true
                },
                {
                    "title": "Short one.",
                    "body": "",
                    "date": "2023-01-16",
                    "time": "07:05",
                    "tags": ["@work", "@health"],
                    "starred": false
                },
                {"title": "", "body": "  ", "date": "2023-01-17", "time": "08:00", "tags": [], "starred": false},
                {"title": "No date", "body": "", "date": "someday", "time": "08:00"}
            ]
        })
        .to_string()
    }

    fn read_sample() -> Parsed {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.json");
        std::fs::write(&path, sample()).unwrap();
        read(&path).unwrap().unwrap()
    }

    #[test]
    fn title_and_body_become_one_text_with_a_blank_line_between() {
        let parsed = read_sample();
        assert_eq!(parsed.format, Format::Jrnl);
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(
            parsed.entries[0].text,
            "Interview went well.\n\nThey want a second round next week.\n\nFeeling hopeful."
        );
        assert_eq!(parsed.entries[1].text, "Short one.");
    }

    #[test]
    fn tags_lose_their_at_sign() {
        let parsed = read_sample();
        assert_eq!(parsed.entries[0].tags, vec!["work"]);
        assert_eq!(parsed.entries[1].tags, vec!["work", "health"]);
    }

    #[test]
    fn the_local_date_and_time_are_kept_and_the_time_is_read_as_utc() {
        let entry = &read_sample().entries[0];
        assert_eq!(entry.date, NaiveDate::from_ymd_opt(2023, 1, 15).unwrap());
        // 2023-01-15 22:30:00 UTC.
        assert_eq!(entry.created_ms, 1_673_821_800_000);
        assert_eq!(entry.source, "journal.json entry 1");
    }

    #[test]
    fn starred_and_the_title_are_kept_in_extra() {
        let entry = &read_sample().entries[0];
        let jrnl = entry.extra["jrnl"].as_object().unwrap();
        assert_eq!(jrnl["starred"], true);
        assert_eq!(jrnl["title"], "Interview went well.");
        assert!(!jrnl.contains_key("body"));
        assert!(!jrnl.contains_key("tags"));
    }

    #[test]
    fn the_origin_is_the_date_time_and_a_hash_of_the_words() {
        let parsed = read_sample();
        let origin = &parsed.entries[0].origin;
        let hash = origin.strip_prefix("jrnl:2023-01-15 22:30:").unwrap();
        assert_eq!(hash.len(), 16);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(origin, &read_sample().entries[0].origin);
        assert_ne!(origin, &parsed.entries[1].origin);
    }

    #[test]
    fn empty_and_undated_entries_are_skipped_with_reasons() {
        let parsed = read_sample();
        assert_eq!(
            parsed.skipped,
            vec![
                Skipped {
                    source: "journal.json entry 3".into(),
                    reason: "an empty entry: no title and no text".into(),
                },
                Skipped {
                    source: "journal.json entry 4".into(),
                    reason: "its date \"someday\" is not a date (YYYY-MM-DD)".into(),
                },
            ]
        );
    }

    #[test]
    fn a_folder_holding_a_jrnl_export_is_read_as_jrnl() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("export.json"), sample()).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        let parsed = read(dir.path()).unwrap().unwrap();
        assert_eq!(parsed.format, Format::Jrnl);
        assert_eq!(parsed.entries.len(), 2);
    }
}
