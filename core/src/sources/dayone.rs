//! Day One's JSON export: one `<Journal name>.json` per journal, with its attachments
//! beside it in `photos/`, `videos/`, `audios/` and `pdfs/`, each file named by the md5
//! Day One gave it. It comes as a `.zip`, read in place, or as the folder it unzips to.
//!
//! Day One writes Markdown with punctuation escaped (`Hello\.`) and names attachments in
//! the text as `![](dayone-moment://<id>)` (photos) or `![](dayone-moment:/video/<id>)`
//! (and `/audio/`, `/pdfAttachment/`). The escapes are removed outside code, the links
//! are taken out of the text, and every attachment the entry lists becomes an
//! `ImportedFile` (or a line of `missing_files` when Day One left its bytes out, as it
//! does for media it has not downloaded). Everything else the entry holds is kept under
//! `extra["dayone"]`.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::{
    COMEBACK_EXPORT, FileSource, Format, ImportedEntry, ImportedFile, Parsed, Shape, Skipped,
    SourceError, code_span_len, extension, file_name, io_error, media_type, read_json_from,
    rewrite_outside_code, short_hash,
};

/// A kind of attachment: the entry's list of them, the export's folder for their files,
/// how a person calls one, the kind named in a `dayone-moment:/<kind>/<id>` link, and the
/// extension assumed when the list gives none.
struct Media {
    list: &'static str,
    dir: &'static str,
    noun: &'static str,
    link: &'static str,
    ext: &'static str,
}

const MEDIA: [Media; 4] = [
    Media {
        list: "photos",
        dir: "photos",
        noun: "photo",
        link: "photo",
        ext: "jpeg",
    },
    Media {
        list: "videos",
        dir: "videos",
        noun: "video",
        link: "video",
        ext: "mov",
    },
    Media {
        list: "audios",
        dir: "audios",
        noun: "audio recording",
        link: "audio",
        ext: "m4a",
    },
    Media {
        list: "pdfAttachments",
        dir: "pdfs",
        noun: "PDF",
        link: "pdfAttachment",
        ext: "pdf",
    },
];

/// Whether `dir` has one of the attachment folders of a Day One export.
pub(super) fn has_media_dir(dir: &Path) -> bool {
    MEDIA.iter().any(|m| dir.join(m.dir).is_dir())
}

/// One journal file of the export.
struct Journal {
    /// Its file name ("Journal.json"), as messages show it.
    name: String,
    /// The folder it is in, inside a zip ("" or "Export/"), where its attachments are.
    prefix: String,
    value: Value,
}

/// The attachment files of an export, by folder and lowercased md5.
#[derive(Default)]
struct Files {
    by_key: HashMap<(String, String), Vec<Found>>,
}

struct Found {
    name: String,
    ext: String,
    size: u64,
    source: FileSource,
}

impl Files {
    /// Files `name` (in the attachment folder `folder`, a prefix and a `MEDIA` dir).
    fn add(&mut self, folder: String, name: String, size: u64, source: FileSource) {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
        let key = (folder, stem.to_ascii_lowercase());
        let ext = ext.to_owned();
        self.by_key.entry(key).or_default().push(Found {
            name,
            ext,
            size,
            source,
        });
    }

    /// The file for an attachment: by its md5, with the extension the entry gives if
    /// there is one with it, else with any extension.
    fn find(&self, folder: String, md5: &str, ext: &str) -> Option<&Found> {
        let found = self.by_key.get(&(folder, md5.to_ascii_lowercase()))?;
        found
            .iter()
            .find(|f| f.ext.eq_ignore_ascii_case(ext))
            .or_else(|| found.first())
    }
}

/// Reads the Day One journals `journals` (name and parsed JSON) of the folder `dir`.
pub(super) fn read_folder(
    dir: &Path,
    journals: Vec<(String, Value)>,
) -> Result<Parsed, SourceError> {
    let mut files = Files::default();
    for media in &MEDIA {
        let folder = dir.join(media.dir);
        let items = match std::fs::read_dir(&folder) {
            Ok(items) => items,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&folder, e)),
        };
        for item in items {
            let item = item.map_err(|e| io_error(&folder, e))?;
            let meta = item.metadata().map_err(|e| io_error(&item.path(), e))?;
            if meta.is_file() {
                let name = item.file_name().to_string_lossy().into_owned();
                let source = FileSource::Path(item.path());
                files.add(media.dir.to_owned(), name, meta.len(), source);
            }
        }
    }
    let journals = journals
        .into_iter()
        .map(|(name, value)| Journal {
            name,
            prefix: String::new(),
            value,
        })
        .collect();
    Ok(parse(journals, &files))
}

/// Reads a Day One export as the `.zip` it comes in, without unpacking it. `Ok(None)`
/// when the zip holds no `.json` at its root or in a folder at its root, or holds
/// `comeback.json`.
pub(super) fn read_zip(path: &Path) -> Result<Option<Parsed>, SourceError> {
    let archive_name = file_name(path);
    let zip_error = |e: zip::result::ZipError| SourceError::Zip {
        name: archive_name.clone(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(zip_error)?;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(zip_error)?;
        // A name that is not UTF-8 can be neither a journal nor an attachment Day One named.
        if let (true, Ok(name)) = (entry.is_file(), entry.name()) {
            names.push((name.into_owned(), entry.size()));
        }
    }
    let last = |name: &str| name.rsplit('/').next().unwrap_or(name).to_owned();
    if names
        .iter()
        .any(|(name, _)| last(name).eq_ignore_ascii_case(COMEBACK_EXPORT))
    {
        return Ok(None);
    }
    let is_journal = |name: &str| {
        let parts: Vec<&str> = name.split('/').collect();
        parts.len() <= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && !p.starts_with('.') && *p != "__MACOSX")
            && extension(name).as_deref() == Some("json")
    };
    let journal_names: Vec<String> = names
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| is_journal(name))
        .collect();
    if journal_names.is_empty() {
        return Ok(None);
    }
    let mut journals = Vec::new();
    for entry_name in journal_names {
        let name = last(&entry_name);
        let prefix = entry_name[..entry_name.len() - name.len()].to_owned();
        let entry = zip.by_name(&entry_name).map_err(zip_error)?;
        let value = read_json_from(entry, &name, path, Format::DayOne.again())?;
        match Shape::of(&value) {
            Shape::DayOne => journals.push(Journal {
                name,
                prefix,
                value,
            }),
            Shape::Jrnl => {
                return Err(SourceError::NotExport {
                    name,
                    format: Format::DayOne,
                    why: "it is a jrnl export, which is read from the .json file itself, not from a zip".into(),
                });
            }
            Shape::Other(why) => {
                return Err(SourceError::NotExport {
                    name,
                    format: Format::DayOne,
                    why,
                });
            }
        }
    }
    let mut files = Files::default();
    for (entry_name, size) in names {
        let Some((folder, file)) = entry_name.rsplit_once('/') else {
            continue;
        };
        let dir = folder.rsplit('/').next().unwrap_or(folder);
        if MEDIA.iter().any(|m| m.dir == dir) && !file.starts_with('.') {
            let source = FileSource::Zip {
                archive: path.to_owned(),
                entry: entry_name.clone(),
            };
            files.add(folder.to_owned(), file.to_owned(), size, source);
        }
    }
    Ok(Some(parse(journals, &files)))
}

fn parse(journals: Vec<Journal>, files: &Files) -> Parsed {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for journal in &journals {
        let list = journal
            .value
            .get("entries")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (i, item) in list.iter().enumerate() {
            match entry(journal, i + 1, item, files) {
                Ok(entry) => entries.push(entry),
                Err(skip) => skipped.push(skip),
            }
        }
    }
    Parsed {
        format: Format::DayOne,
        entries,
        skipped,
    }
}

/// The `n`th entry of `journal`.
///
/// Its `date` is the day on the clock where it was written: `creationDate` (UTC) seen in
/// the entry's `timeZone`. When `timeZone` is missing or not an IANA name this version
/// knows, the date is the UTC date and `extra["time_zone_assumed"]` is `"UTC"`, so the
/// caller can say so. `extra["dayone"]` is the entry as Day One wrote it, without
/// `text`, `tags`, `creationDate` and the attachments that became files (each file keeps
/// its own description in `ImportedFile::extra`); `extra["journal"]` is the journal's name.
fn entry(
    journal: &Journal,
    n: usize,
    item: &Value,
    files: &Files,
) -> Result<ImportedEntry, Skipped> {
    let uuid = item
        .get("uuid")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    let source = match uuid {
        Some(uuid) => format!("{} entry {n} ({})", journal.name, short_id(uuid)),
        None => format!("{} entry {n}", journal.name),
    };
    let skip = |reason: &str| Skipped {
        source: source.clone(),
        reason: reason.to_owned(),
    };
    let Some(obj) = item.as_object() else {
        return Err(skip("it is not an entry (a JSON object)"));
    };
    let Some(created) = obj.get("creationDate").and_then(Value::as_str) else {
        return Err(skip("it has no creation date, so its day is unknown"));
    };
    let Ok(instant) = DateTime::parse_from_rfc3339(created) else {
        return Err(skip(&format!(
            "its creation date \"{created}\" is not a date and time"
        )));
    };
    let instant = instant.with_timezone(&Utc);
    let zone = obj
        .get("timeZone")
        .and_then(Value::as_str)
        .and_then(|z| z.parse::<Tz>().ok());
    let date = match zone {
        Some(zone) => instant.with_timezone(&zone).date_naive(),
        None => instant.date_naive(),
    };
    let raw = obj.get("text").and_then(Value::as_str).unwrap_or("");
    let (text, moments) = clean_text(raw);

    // Every attachment the entry lists, in the order the text names them, then the rest.
    let mut listed: Vec<(&Media, usize, &Map<String, Value>)> = Vec::new();
    for media in &MEDIA {
        let list = obj.get(media.list).and_then(Value::as_array);
        for (i, item) in list.into_iter().flatten().enumerate() {
            if let Some(item) = item.as_object() {
                listed.push((media, i, item));
            }
        }
    }
    let identifier = |item: &Map<String, Value>| {
        item.get("identifier")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    listed.sort_by_key(|(_, _, item)| {
        let id = identifier(item);
        moments
            .iter()
            .position(|m| Some(&m.id) == id.as_ref())
            .unwrap_or(usize::MAX)
    });
    let mut attached = Vec::new();
    let mut missing = Vec::new();
    let mut became_files: HashSet<(&str, usize)> = HashSet::new();
    for (media, i, item) in &listed {
        let id = identifier(item).unwrap_or_else(|| format!("number {}", i + 1));
        let ext = item
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or(media.ext);
        let folder = format!("{}{}", journal.prefix, media.dir);
        let md5 = item
            .get("md5")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty());
        match md5.and_then(|md5| files.find(folder, md5, ext)) {
            Some(found) => {
                attached.push(ImportedFile {
                    name: found.name.clone(),
                    media_type: media_type(&found.ext).to_owned(),
                    size: found.size,
                    source: found.source.clone(),
                    extra: (*item).clone(),
                });
                became_files.insert((media.list, *i));
            }
            None => missing.push(match md5 {
                Some(md5) => format!(
                    "{} {} ({}/{md5}.{ext}) is not in the export",
                    media.noun,
                    short_id(&id),
                    media.dir
                ),
                None => format!(
                    "{} {} has no file named in the export",
                    media.noun,
                    short_id(&id)
                ),
            }),
        }
    }
    let listed_ids: HashSet<String> = listed
        .iter()
        .filter_map(|(_, _, item)| identifier(item))
        .collect();
    for moment in &moments {
        if !listed_ids.contains(&moment.id) {
            let noun = MEDIA
                .iter()
                .find(|m| m.link.eq_ignore_ascii_case(&moment.kind))
                .map_or("attachment", |m| m.noun);
            missing.push(format!(
                "{noun} {} is named in the text but not among the entry's attachments",
                short_id(&moment.id)
            ));
        }
    }
    if text.trim().is_empty() && attached.is_empty() && missing.is_empty() {
        return Err(skip("an empty entry: no text and no photo"));
    }

    let tags = obj
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let mut dayone = obj.clone();
    for key in ["text", "tags", "creationDate"] {
        dayone.remove(key);
    }
    for media in &MEDIA {
        if let Some(Value::Array(list)) = dayone.get_mut(media.list) {
            let mut i = 0;
            list.retain(|_| {
                let keep = !became_files.contains(&(media.list, i));
                i += 1;
                keep
            });
            if list.is_empty() {
                dayone.remove(media.list);
            }
        }
    }
    let mut extra = Map::new();
    extra.insert("dayone".into(), Value::Object(dayone));
    let journal_name = match journal.name.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => &journal.name,
    };
    extra.insert("journal".into(), journal_name.into());
    if zone.is_none() {
        extra.insert("time_zone_assumed".into(), "UTC".into());
    }
    let origin = match uuid {
        Some(uuid) => format!("dayone:{uuid}"),
        None => format!("dayone:{created}:{}", short_hash(raw.as_bytes())),
    };
    Ok(ImportedEntry {
        source,
        origin,
        date,
        created_ms: instant.timestamp_millis(),
        text,
        tags,
        mood: None,
        extra,
        files: attached,
        missing_files: missing,
    })
}

/// The start of a long Day One identifier, enough to tell entries apart in a message.
fn short_id(id: &str) -> String {
    if id.chars().count() <= 8 {
        id.to_owned()
    } else {
        format!("{}…", id.chars().take(6).collect::<String>())
    }
}

/// An attachment named in the text: `![](dayone-moment://<id>)` (a photo) or
/// `![](dayone-moment:/<kind>/<id>)`.
#[derive(Debug, PartialEq, Eq)]
struct Moment {
    kind: String,
    id: String,
}

/// Day One's text as a person would write it: backslash escapes of punctuation removed
/// (`\\` is one backslash) except inside code, where Markdown does not read them, and the
/// attachment links taken out, returned in the order the text names them.
fn clean_text(raw: &str) -> (String, Vec<Moment>) {
    let mut moments = Vec::new();
    let text = rewrite_outside_code(raw, |line| {
        let mut out = String::with_capacity(line.len());
        let mut took = false;
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            if c == '\\' {
                if let Some(next) = rest[1..].chars().next().filter(char::is_ascii_punctuation) {
                    out.push(next);
                    rest = &rest[1 + next.len_utf8()..];
                    continue;
                }
            } else if c == '`' {
                let len = code_span_len(rest)
                    .unwrap_or_else(|| rest.bytes().take_while(|b| *b == b'`').count());
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            } else if c == '!'
                && let Some((len, moment)) = moment_link(rest)
            {
                moments.push(moment);
                took = true;
                rest = &rest[len..];
                continue;
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        (out, took)
    });
    (text, moments)
}

/// The attachment link at the start of `s`, with its length in bytes.
fn moment_link(s: &str) -> Option<(usize, Moment)> {
    const SCHEME: &str = "(dayone-moment:";
    let alt = s.strip_prefix("![")?;
    let close = alt.find(']')?;
    let target = alt[close + 1..].strip_prefix(SCHEME)?;
    let end = target.find(')')?;
    let (kind, id) = match target[..end].strip_prefix("//") {
        Some(id) => ("photo", id),
        None => target[..end].strip_prefix('/')?.split_once('/')?,
    };
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !word(kind) || !word(id) {
        return None;
    }
    let len = 2 + close + 1 + SCHEME.len() + end + 1;
    Some((
        len,
        Moment {
            kind: kind.to_owned(),
            id: id.to_owned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use chrono::NaiveDate;
    use serde_json::json;

    use super::super::read;
    use super::*;

    const PHOTO_MD5: &str = "0c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f";
    const PHOTO_ID: &str = "7F3A9C1D2E4B4F6A8B0C1D2E3F4A5B6C";

    fn export(entries: Value) -> String {
        json!({"metadata": {"version": "1.0"}, "entries": entries}).to_string()
    }

    fn one_entry(fields: Value) -> Value {
        let mut entry = json!({
            "uuid": "3F2A4B5C6D7E4F809A1B2C3D4E5F6071",
            "creationDate": "2023-01-15T12:00:00Z",
            "modifiedDate": "2023-01-15T12:05:00Z",
            "timeZone": "Europe/Paris",
            "text": "Hello",
        });
        for (k, v) in fields.as_object().unwrap() {
            entry[k] = v.clone();
        }
        entry
    }

    /// A folder holding Journal.json with `entries`, read through `read`.
    fn read_folder_with(entries: Value) -> (tempfile::TempDir, Parsed) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Journal.json"), export(entries)).unwrap();
        let parsed = read(dir.path()).unwrap().unwrap();
        assert_eq!(parsed.format, Format::DayOne);
        (dir, parsed)
    }

    fn photo_entry() -> Value {
        one_entry(json!({
            "text": format!("Morning walk\\.\n\n![](dayone-moment://{PHOTO_ID})\n\nThen coffee\\!\n"),
            "photos": [{
                "identifier": PHOTO_ID,
                "md5": PHOTO_MD5,
                "type": "jpeg",
                "width": 4032,
                "height": 3024,
                "orderInEntry": 0
            }],
        }))
    }

    fn read_all(file: &ImportedFile) -> Vec<u8> {
        let mut bytes = Vec::new();
        file.open().unwrap().read_to_end(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn escaped_punctuation_is_unescaped_and_a_double_backslash_is_one() {
        let text = r"Hello\. It went well\! \(mostly\) \- see \#3 \*bold\* \_x\_ \[a\] \+ \> q \\ C:\Users `keep\.this` done\.";
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({"text": text}))]));
        assert_eq!(
            parsed.entries[0].text,
            r"Hello. It went well! (mostly) - see #3 *bold* _x_ [a] + > q \ C:\Users `keep\.this` done."
        );
    }

    #[test]
    fn escapes_inside_a_fenced_code_block_are_left_as_written() {
        let (text, _) = clean_text("Before\\.\n```\nlet x = a\\.b;\n```\nAfter\\.");
        assert_eq!(text, "Before.\n```\nlet x = a\\.b;\n```\nAfter.");
    }

    #[test]
    fn late_at_night_abroad_keeps_the_local_date() {
        // 23:30 in Los Angeles is 07:30 the next day in UTC.
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({
            "creationDate": "2023-01-16T07:30:00Z",
            "timeZone": "America/Los_Angeles",
        }))]));
        let entry = &parsed.entries[0];
        assert_eq!(entry.date, NaiveDate::from_ymd_opt(2023, 1, 15).unwrap());
        assert_eq!(entry.created_ms, 1_673_854_200_000);
        assert!(!entry.extra.contains_key("time_zone_assumed"));
    }

    #[test]
    fn a_morning_east_of_utc_is_the_day_after_its_utc_date() {
        // 08:30 in Tokyo on the 16th is 23:30 UTC on the 15th.
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({
            "creationDate": "2023-01-15T23:30:00Z",
            "timeZone": "Asia/Tokyo",
        }))]));
        assert_eq!(
            parsed.entries[0].date,
            NaiveDate::from_ymd_opt(2023, 1, 16).unwrap()
        );
    }

    #[test]
    fn a_missing_or_unknown_time_zone_uses_utc_and_says_so() {
        let mut unknown = one_entry(json!({
            "uuid": "A1",
            "creationDate": "2023-01-15T23:30:00Z",
            "timeZone": "Mars/Olympus_Mons",
        }));
        let mut none = one_entry(json!({"uuid": "A2", "creationDate": "2023-01-15T23:30:00Z"}));
        none.as_object_mut().unwrap().remove("timeZone");
        unknown["text"] = "unknown zone".into();
        let (_dir, parsed) = read_folder_with(json!([unknown, none]));
        for entry in &parsed.entries {
            assert_eq!(entry.date, NaiveDate::from_ymd_opt(2023, 1, 15).unwrap());
            assert_eq!(entry.extra["time_zone_assumed"], "UTC");
        }
        // The zone Day One wrote is kept as written.
        assert_eq!(
            parsed.entries[0].extra["dayone"]["timeZone"],
            "Mars/Olympus_Mons"
        );
    }

    #[test]
    fn tags_with_spaces_are_kept_as_written() {
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({
            "tags": ["job search", "Work", ""],
        }))]));
        assert_eq!(parsed.entries[0].tags, vec!["job search", "Work"]);
    }

    #[test]
    fn two_entries_in_the_same_second_are_two_entries() {
        let (_dir, parsed) = read_folder_with(json!([
            one_entry(json!({"uuid": "AAAA0000AAAA0000AAAA0000AAAA0000", "text": "first"})),
            one_entry(json!({"uuid": "BBBB0000BBBB0000BBBB0000BBBB0000", "text": "second"})),
        ]));
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].created_ms, parsed.entries[1].created_ms);
        assert_eq!(
            parsed.entries[0].origin,
            "dayone:AAAA0000AAAA0000AAAA0000AAAA0000"
        );
        assert_eq!(
            parsed.entries[1].origin,
            "dayone:BBBB0000BBBB0000BBBB0000BBBB0000"
        );
        assert_eq!(parsed.entries[1].source, "Journal.json entry 2 (BBBB00…)");
    }

    #[test]
    fn every_field_without_a_place_is_kept_under_dayone() {
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({
            "starred": true,
            "isPinned": false,
            "location": {"localityName": "Paris", "latitude": 48.85, "longitude": 2.35},
            "weather": {"temperatureCelsius": 4, "conditionsDescription": "Cloudy"},
            "creationDevice": "Phone",
            "tags": ["x"],
        }))]));
        let entry = &parsed.entries[0];
        let dayone = entry.extra["dayone"].as_object().unwrap();
        assert_eq!(dayone["starred"], true);
        assert_eq!(dayone["isPinned"], false);
        assert_eq!(dayone["location"]["localityName"], "Paris");
        assert_eq!(dayone["weather"]["temperatureCelsius"], 4);
        assert_eq!(dayone["timeZone"], "Europe/Paris");
        assert_eq!(dayone["uuid"], "3F2A4B5C6D7E4F809A1B2C3D4E5F6071");
        assert_eq!(dayone["modifiedDate"], "2023-01-15T12:05:00Z");
        assert_eq!(dayone["creationDevice"], "Phone");
        for gone in ["text", "tags", "creationDate"] {
            assert!(!dayone.contains_key(gone), "{gone}");
        }
        assert_eq!(entry.extra["journal"], "Journal");
    }

    #[test]
    fn a_photo_in_a_folder_becomes_a_file_and_its_link_leaves_the_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Journal.json"),
            export(json!([photo_entry()])),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        let photo = dir.path().join(format!("photos/{PHOTO_MD5}.jpeg"));
        std::fs::write(&photo, b"\xff\xd8 not really a jpeg").unwrap();

        let parsed = read(dir.path()).unwrap().unwrap();
        let entry = &parsed.entries[0];
        assert_eq!(entry.text, "Morning walk.\n\nThen coffee!");
        assert_eq!(entry.files.len(), 1);
        let file = &entry.files[0];
        assert_eq!(file.name, format!("{PHOTO_MD5}.jpeg"));
        assert_eq!(file.media_type, "image/jpeg");
        assert_eq!(file.size, 20);
        assert_eq!(file.source, FileSource::Path(photo));
        assert_eq!(file.extra["width"], 4032);
        assert_eq!(read_all(file), b"\xff\xd8 not really a jpeg");
        assert!(entry.missing_files.is_empty());
        assert!(
            !entry.extra["dayone"]
                .as_object()
                .unwrap()
                .contains_key("photos")
        );
    }

    #[test]
    fn a_photo_file_with_another_extension_is_still_found() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("Journal.json");
        std::fs::write(&journal, export(json!([photo_entry()]))).unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        std::fs::write(dir.path().join(format!("photos/{PHOTO_MD5}.JPG")), b"jpg").unwrap();
        // Read through the journal file itself: its attachments are looked for beside it.
        let parsed = read(&journal).unwrap().unwrap();
        let file = &parsed.entries[0].files[0];
        assert_eq!(file.name, format!("{PHOTO_MD5}.JPG"));
        assert_eq!(file.media_type, "image/jpeg");
    }

    fn write_zip(path: &Path, files: &[(&str, &[u8], zip::CompressionMethod)]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, bytes, method) in files {
            let options = zip::write::SimpleFileOptions::default().compression_method(*method);
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn a_photo_and_a_video_in_a_zip_are_read_from_the_zip_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("Export-Journal.zip");
        let mut entry = photo_entry();
        entry["text"] = format!(
            "![](dayone-moment://{PHOTO_ID})\n![](dayone-moment:/video/VID1)\nA day out\\."
        )
        .into();
        entry["videos"] =
            json!([{"identifier": "VID1", "md5": "feedbeef", "type": "mp4", "duration": 3}]);
        let photo: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        write_zip(
            &archive,
            &[
                (
                    "Journal.json",
                    export(json!([entry])).as_bytes(),
                    zip::CompressionMethod::Deflated,
                ),
                (
                    &format!("photos/{PHOTO_MD5}.jpeg"),
                    &photo,
                    zip::CompressionMethod::Deflated,
                ),
                (
                    "videos/feedbeef.mp4",
                    b"video bytes",
                    zip::CompressionMethod::Stored,
                ),
            ],
        );

        let parsed = read(&archive).unwrap().unwrap();
        assert_eq!(parsed.format, Format::DayOne);
        let entry = &parsed.entries[0];
        assert_eq!(entry.text, "A day out.");
        assert_eq!(entry.files.len(), 2);
        let (photo_file, video_file) = (&entry.files[0], &entry.files[1]);
        assert_eq!(
            photo_file.source,
            FileSource::Zip {
                archive: archive.clone(),
                entry: format!("photos/{PHOTO_MD5}.jpeg")
            }
        );
        assert_eq!(photo_file.size, 200_000);
        assert_eq!(read_all(photo_file), photo);
        assert_eq!(video_file.media_type, "video/mp4");
        assert_eq!(read_all(video_file), b"video bytes");
    }

    #[test]
    fn a_damaged_attachment_in_a_zip_fails_its_checksum_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("Export.zip");
        write_zip(
            &archive,
            &[
                (
                    "Journal.json",
                    export(json!([photo_entry()])).as_bytes(),
                    zip::CompressionMethod::Deflated,
                ),
                (
                    &format!("photos/{PHOTO_MD5}.jpeg"),
                    b"PHOTO-BYTES-PHOTO-BYTES",
                    zip::CompressionMethod::Stored,
                ),
            ],
        );
        let parsed = read(&archive).unwrap().unwrap();
        let mut bytes = std::fs::read(&archive).unwrap();
        let at = bytes.windows(11).position(|w| w == b"PHOTO-BYTES").unwrap();
        bytes[at] = b'X';
        std::fs::write(&archive, bytes).unwrap();
        let mut out = Vec::new();
        let err = parsed.entries[0].files[0]
            .open()
            .unwrap()
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("checksum"), "{err}");
    }

    #[test]
    fn a_missing_photo_file_keeps_the_entry_and_says_which_photo() {
        let (_dir, parsed) = read_folder_with(json!([photo_entry()]));
        let entry = &parsed.entries[0];
        assert_eq!(entry.text, "Morning walk.\n\nThen coffee!");
        assert!(entry.files.is_empty());
        assert_eq!(
            entry.missing_files,
            vec![format!(
                "photo 7F3A9C… (photos/{PHOTO_MD5}.jpeg) is not in the export"
            )]
        );
        // Its description stays with the entry, since no file carries it.
        assert_eq!(entry.extra["dayone"]["photos"][0]["identifier"], PHOTO_ID);
    }

    #[test]
    fn an_entry_with_only_a_missing_photo_is_kept_and_a_link_to_nothing_is_reported() {
        let (_dir, parsed) = read_folder_with(json!([
            one_entry(json!({
                "uuid": "C1",
                "text": format!("![](dayone-moment://{PHOTO_ID})"),
                "photos": [{"identifier": PHOTO_ID, "md5": PHOTO_MD5, "type": "jpeg"}],
            })),
            one_entry(json!({"uuid": "C2", "text": "Look: ![](dayone-moment:/audio/NOPE)"})),
        ]));
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].text, "");
        assert_eq!(parsed.entries[0].missing_files.len(), 1);
        assert_eq!(parsed.entries[1].text, "Look:");
        assert_eq!(
            parsed.entries[1].missing_files,
            vec!["audio recording NOPE is named in the text but not among the entry's attachments"]
        );
    }

    #[test]
    fn a_very_long_entry_is_read_whole() {
        let paragraph = "A long day\\. Another line \\- with escapes\\!\n";
        let text = paragraph.repeat(1_048_576 / paragraph.len() + 1);
        let (_dir, parsed) = read_folder_with(json!([one_entry(json!({"text": text}))]));
        let clean = &parsed.entries[0].text;
        let expected_line = "A long day. Another line - with escapes!";
        assert!(clean.len() > 900_000);
        assert_eq!(clean.lines().count(), text.lines().count());
        assert!(clean.lines().all(|l| l == expected_line));
    }

    #[test]
    fn an_empty_entry_is_skipped_with_the_reason() {
        let (_dir, parsed) = read_folder_with(json!([
            one_entry(json!({"uuid": "E1", "text": "  \n\n"})),
            one_entry(json!({"uuid": "E2", "text": "kept"})),
            one_entry(json!({"uuid": "E3", "creationDate": "yesterday"})),
        ]));
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(
            parsed.skipped,
            vec![
                Skipped {
                    source: "Journal.json entry 1 (E1)".into(),
                    reason: "an empty entry: no text and no photo".into(),
                },
                Skipped {
                    source: "Journal.json entry 3 (E3)".into(),
                    reason: "its creation date \"yesterday\" is not a date and time".into(),
                },
            ]
        );
    }

    #[test]
    fn a_damaged_journal_in_a_zip_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("Export.zip");
        write_zip(
            &archive,
            &[
                (
                    "Journal.json",
                    b"{\"entries\": [",
                    zip::CompressionMethod::Deflated,
                ),
                ("photos/abc.jpeg", b"x", zip::CompressionMethod::Stored),
            ],
        );
        let err = read(&archive).unwrap_err().to_string();
        assert!(err.starts_with("Journal.json is not valid JSON ("), "{err}");
        assert!(
            err.ends_with("; export again from Day One (File → Export → JSON)"),
            "{err}"
        );
    }

    #[test]
    fn a_journal_without_entries_is_refused_in_a_folder_and_as_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("Journal.json");
        std::fs::write(&journal, r#"{"metadata":{"version":"1.0"}}"#).unwrap();
        let expected = "Journal.json is not a Day One export: it has no \"entries\" list; export again from Day One (File → Export → JSON)";
        assert_eq!(read(dir.path()).unwrap_err().to_string(), expected);
        assert_eq!(read(&journal).unwrap_err().to_string(), expected);
    }

    #[test]
    fn a_zip_that_is_not_a_zip_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("Export.zip");
        std::fs::write(&archive, b"this is not a zip").unwrap();
        let err = read(&archive).unwrap_err().to_string();
        assert!(
            err.starts_with("Export.zip is not a readable zip archive ("),
            "{err}"
        );
    }

    #[test]
    fn a_zip_without_a_journal_or_with_our_export_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let pictures = dir.path().join("pictures.zip");
        write_zip(
            &pictures,
            &[("a.jpeg", b"x", zip::CompressionMethod::Stored)],
        );
        assert!(read(&pictures).unwrap().is_none());
        let ours = dir.path().join("backup.zip");
        write_zip(
            &ours,
            &[
                (
                    "backup/comeback.json",
                    b"{}",
                    zip::CompressionMethod::Stored,
                ),
                ("backup/other.json", b"{}", zip::CompressionMethod::Stored),
            ],
        );
        assert!(read(&ours).unwrap().is_none());
    }

    #[test]
    fn a_zip_with_its_export_in_a_folder_finds_the_photos_beside_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("Export.zip");
        write_zip(
            &archive,
            &[
                (
                    "Export/Travel.json",
                    export(json!([photo_entry()])).as_bytes(),
                    zip::CompressionMethod::Deflated,
                ),
                (
                    &format!("Export/photos/{PHOTO_MD5}.jpeg"),
                    b"pic",
                    zip::CompressionMethod::Stored,
                ),
            ],
        );
        let parsed = read(&archive).unwrap().unwrap();
        let entry = &parsed.entries[0];
        assert_eq!(entry.extra["journal"], "Travel");
        assert!(entry.source.starts_with("Travel.json entry 1"));
        assert_eq!(read_all(&entry.files[0]), b"pic");
    }

    #[test]
    fn moment_links_are_recognised_in_each_form() {
        let (text, moments) = clean_text(
            "![](dayone-moment://P1)\n![](dayone-moment:/video/V-2)\n![](dayone-moment:/pdfAttachment/D3)\n![](https://example.com/x.png)",
        );
        assert_eq!(text, "![](https://example.com/x.png)");
        let kinds: Vec<(&str, &str)> = moments
            .iter()
            .map(|m| (m.kind.as_str(), m.id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![("photo", "P1"), ("video", "V-2"), ("pdfAttachment", "D3")]
        );
    }

    #[test]
    fn reading_the_same_export_twice_gives_the_same_origins() {
        let mut no_uuid = one_entry(json!({"text": "no uuid"}));
        no_uuid.as_object_mut().unwrap().remove("uuid");
        let (dir, first) = read_folder_with(json!([one_entry(json!({})), no_uuid]));
        let again = read(dir.path()).unwrap().unwrap();
        let origins = |p: &Parsed| {
            p.entries
                .iter()
                .map(|e| e.origin.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(origins(&first), origins(&again));
        assert!(
            first.entries[1]
                .origin
                .starts_with("dayone:2023-01-15T12:00:00Z:")
        );
    }
}
