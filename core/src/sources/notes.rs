//! A folder of Markdown daily notes (Obsidian's, or any editor's): one `YYYY-MM-DD.md`
//! per day, anywhere under the folder. Hidden folders (`.obsidian/`, `.trash/`) and
//! hidden files are not read.
//!
//! A note may open with YAML front matter between `---` lines. Only `tags:` (or `tag:`),
//! as a list or a comma- or space-separated string, and `mood:` (1 to 5) are read; every
//! other key is kept as written, as a string, under `extra["front_matter"]` (a YAML
//! parser is more than these few lines need). `#tags` in the text stay in the text. A
//! picture or other attachment embedded with `![[name.png]]` or `![](name.png)` that is
//! in the folder becomes an `ImportedFile` and its embed leaves the text; one that is
//! not stays in the text and is named in `missing_files`. A note has no time of day, so
//! `created_ms` is midnight UTC of its date. Markdown files not named by a date are
//! listed in `skipped`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use serde_json::{Map, Value};

use super::{
    FileSource, Format, ImportedEntry, ImportedFile, Parsed, Skipped, SourceError, code_span_len,
    extension, io_error, media_type, rewrite_outside_code,
};

/// Files and folders looked at before giving up on a folder (a home folder chosen by
/// mistake would otherwise be walked whole).
const MAX_WALK: usize = 100_000;
/// The largest note read as one entry.
const MAX_NOTE_BYTES: u64 = 32 * 1024 * 1024;

/// A file under the folder, by its path relative to it with `/` between parts.
struct Found {
    rel: String,
    path: PathBuf,
    size: u64,
}

/// What is under the folder: the Markdown notes, and every other file by relative path
/// and by lowercased name (Obsidian finds `![[pic.png]]` wherever `pic.png` is).
#[derive(Default)]
struct Walk {
    notes: Vec<Found>,
    by_rel: HashMap<String, Found>,
    by_name: HashMap<String, Vec<String>>,
}

/// Reads the daily notes under `dir`; `Ok(None)` when no file there is named
/// `YYYY-MM-DD.md`.
pub(super) fn read(dir: &Path) -> Result<Option<Parsed>, SourceError> {
    let walk = walk(dir)?;
    if !walk.notes.iter().any(|n| date_of(&n.rel).is_some()) {
        return Ok(None);
    }
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for found in &walk.notes {
        match note(found, &walk) {
            Ok(entry) => entries.push(entry),
            Err(skip) => skipped.push(skip),
        }
    }
    Ok(Some(Parsed {
        format: Format::Notes,
        entries,
        skipped,
    }))
}

fn walk(root: &Path) -> Result<Walk, SourceError> {
    let mut walk = Walk::default();
    let mut seen = 0usize;
    let mut folders = vec![(root.to_owned(), String::new())];
    while let Some((folder, rel)) = folders.pop() {
        for item in std::fs::read_dir(&folder).map_err(|e| io_error(&folder, e))? {
            seen += 1;
            if seen > MAX_WALK {
                return Err(SourceError::TooManyFiles {
                    path: root.to_owned(),
                    limit: MAX_WALK,
                });
            }
            let item = item.map_err(|e| io_error(&folder, e))?;
            let name = item.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = item.path();
            let item_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let kind = item.file_type().map_err(|e| io_error(&path, e))?;
            if kind.is_dir() {
                // Folders reached through a link are not followed: a link can loop.
                folders.push((path, item_rel));
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let found = Found {
                rel: item_rel,
                path,
                size: meta.len(),
            };
            if extension(&name).as_deref() == Some("md") {
                walk.notes.push(found);
            } else {
                walk.by_name
                    .entry(name.to_lowercase())
                    .or_default()
                    .push(found.rel.clone());
                walk.by_rel.insert(found.rel.clone(), found);
            }
        }
    }
    walk.notes.sort_by(|a, b| a.rel.cmp(&b.rel));
    for rels in walk.by_name.values_mut() {
        // The nearest to the top first, as Obsidian picks.
        rels.sort_by_key(|rel| (rel.matches('/').count(), rel.clone()));
    }
    Ok(walk)
}

/// The date a note is named by: `2024-03-05.md`, in any folder.
fn date_of(rel: &str) -> Option<NaiveDate> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.get(..name.len().checked_sub(3)?)?;
    if !name[stem.len()..].eq_ignore_ascii_case(".md") || stem.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(stem, "%Y-%m-%d").ok()
}

fn note(found: &Found, walk: &Walk) -> Result<ImportedEntry, Skipped> {
    let skip = |reason: String| Skipped {
        source: found.rel.clone(),
        reason,
    };
    let Some(date) = date_of(&found.rel) else {
        return Err(skip(
            "not named by a date (YYYY-MM-DD.md), so its day is unknown".into(),
        ));
    };
    if found.size > MAX_NOTE_BYTES {
        return Err(skip(format!(
            "it is larger than {} MiB, too large for one entry",
            MAX_NOTE_BYTES / (1024 * 1024)
        )));
    }
    let bytes =
        std::fs::read(&found.path).map_err(|e| skip(format!("it could not be read: {e}")))?;
    let Ok(content) = String::from_utf8(bytes) else {
        return Err(skip("it is not UTF-8 text".into()));
    };
    let content = content.strip_prefix('\u{feff}').unwrap_or(&content);
    let (front, body) = split_front_matter(content);
    let mut fields = front.map(front_matter_fields).unwrap_or_default();
    let mut tags = Vec::new();
    fields.retain(|(key, value)| {
        let is_tags = key.eq_ignore_ascii_case("tags") || key.eq_ignore_ascii_case("tag");
        if is_tags {
            tags.extend(parse_tags(value));
        }
        !is_tags
    });
    let mood_at = fields.iter().position(|(key, value)| {
        key.eq_ignore_ascii_case("mood") && value.parse::<u8>().is_ok_and(|m| (1..=5).contains(&m))
    });
    let mood = mood_at.and_then(|i| fields.remove(i).1.parse::<u8>().ok());

    let folder = found.rel.rsplit_once('/').map_or("", |(folder, _)| folder);
    let (text, files, missing_files) = take_embeds(body, folder, walk);
    if text.trim().is_empty() && files.is_empty() {
        return Err(skip("an empty note: it has no text".into()));
    }
    let mut extra = Map::new();
    if !fields.is_empty() {
        let front: Map<String, Value> = fields
            .into_iter()
            .map(|(key, value)| (key, Value::String(value)))
            .collect();
        extra.insert("front_matter".into(), Value::Object(front));
    }
    Ok(ImportedEntry {
        source: found.rel.clone(),
        origin: format!("notes:{}", found.rel),
        date,
        created_ms: date.and_time(NaiveTime::MIN).and_utc().timestamp_millis(),
        text,
        tags,
        mood,
        extra,
        files,
        missing_files,
    })
}

/// The front matter between an opening `---` line and the next `---` (or `...`) line,
/// and the rest; no front matter when the note does not open so or it is never closed.
fn split_front_matter(content: &str) -> (Option<&str>, &str) {
    let Some(rest) = content
        .strip_prefix("---\n")
        .or_else(|| content.strip_prefix("---\r\n"))
    else {
        return (None, content);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']).trim_end();
        if bare == "---" || bare == "..." {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, content)
}

/// The `key: value` lines of front matter, in order; a line that is indented or a list
/// item belongs to the key above it and is added to its value on a line of its own.
fn front_matter_fields(front: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in front.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let top_level = !line.starts_with([' ', '\t', '-']);
        match line.split_once(':') {
            Some((key, value)) if top_level && !key.trim().is_empty() => {
                let key = key.trim().trim_matches(['"', '\'']).to_owned();
                fields.push((key, value.trim().to_owned()));
            }
            _ => {
                if let Some((_, value)) = fields.last_mut() {
                    if !value.is_empty() {
                        value.push('\n');
                    }
                    value.push_str(trimmed);
                }
            }
        }
    }
    fields
}

/// Tags as front matter writes them: `[a, b]`, `- a` lines, `a, b` or `a b`.
fn parse_tags(value: &str) -> Vec<String> {
    let value = value.trim();
    let items: Vec<&str> =
        if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            inner.split(',').collect()
        } else if value.lines().all(|l| l.trim_start().starts_with('-')) {
            value
                .lines()
                .map(|l| l.trim_start().strip_prefix('-').unwrap_or(l))
                .collect()
        } else if value.contains(',') {
            value.split(',').collect()
        } else {
            value.split_whitespace().collect()
        };
    items
        .into_iter()
        .map(|t| {
            t.trim()
                .trim_matches(['"', '\''])
                .trim()
                .trim_start_matches('#')
        })
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The note's text without the embeds of attachments that are in the folder, those
/// attachments, and a sentence for each embedded attachment that is not.
fn take_embeds(body: &str, folder: &str, walk: &Walk) -> (String, Vec<ImportedFile>, Vec<String>) {
    let mut files: Vec<ImportedFile> = Vec::new();
    let mut missing = Vec::new();
    let text = rewrite_outside_code(body, |line| {
        let mut out = String::with_capacity(line.len());
        let mut took = false;
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            let len = match c {
                '\\' => 1 + rest[1..].chars().next().map_or(0, char::len_utf8),
                '`' => code_span_len(rest)
                    .unwrap_or_else(|| rest.bytes().take_while(|b| *b == b'`').count()),
                '!' => match embed(rest) {
                    Some((len, target)) if is_attachment(&target) => {
                        match resolve(&target, folder, walk) {
                            Some(found) => {
                                if !files
                                    .iter()
                                    .any(|f| f.source == FileSource::Path(found.path.clone()))
                                {
                                    files.push(file_of(found));
                                }
                                took = true;
                                rest = &rest[len..];
                                continue;
                            }
                            None => {
                                missing
                                    .push(format!("{target} is embedded but is not in the folder"));
                                len
                            }
                        }
                    }
                    Some((len, _)) => len,
                    None => 1,
                },
                _ => c.len_utf8(),
            };
            out.push_str(&rest[..len]);
            rest = &rest[len..];
        }
        (out, took)
    });
    (text, files, missing)
}

/// The embed at the start of `s` (`![[target|size]]` or `![alt](target "title")`), with
/// its length in bytes and the target it names.
fn embed(s: &str) -> Option<(usize, String)> {
    if let Some(inner) = s.strip_prefix("![[") {
        let end = inner.find("]]")?;
        let target = inner[..end].split(['|', '#']).next().unwrap_or("").trim();
        return Some((3 + end + 2, target.to_owned()));
    }
    let alt = s.strip_prefix("![")?;
    let close = alt.find(']')?;
    let inner = alt[close + 1..].strip_prefix('(')?;
    let end = inner.find(')')?;
    let target = inner[..end].trim();
    let target = match target.strip_prefix('<') {
        Some(t) => t.split('>').next().unwrap_or(t),
        None => target.split(' ').next().unwrap_or(target),
    };
    Some((2 + close + 2 + end + 1, percent_decode(target)))
}

/// Whether an embed names a file in the folder that is not a note (`![[Other note]]`
/// and `![[note.md]]` embed a note's text; a URL is not in the folder).
fn is_attachment(target: &str) -> bool {
    !target.contains(':') && extension(target).is_some_and(|ext| ext != "md")
}

/// Where an embedded attachment is: beside the note, from the top of the folder, or
/// anywhere in it by name. Only files found under the folder are ever named.
fn resolve<'w>(target: &str, folder: &str, walk: &'w Walk) -> Option<&'w Found> {
    let beside = normalise(folder, target);
    let top = normalise("", target);
    [beside, top]
        .into_iter()
        .flatten()
        .find_map(|rel| walk.by_rel.get(&rel))
        .or_else(|| {
            let name = target.rsplit('/').next().unwrap_or(target).to_lowercase();
            let rel = walk.by_name.get(&name)?.first()?;
            walk.by_rel.get(rel)
        })
}

/// `target` read from the folder `folder` (both relative to the top, `/` between parts),
/// with `.` and `..` resolved; `None` when it climbs above the top.
fn normalise(folder: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn file_of(found: &Found) -> ImportedFile {
    let name = found
        .rel
        .rsplit('/')
        .next()
        .unwrap_or(&found.rel)
        .to_owned();
    let ext = extension(&name).unwrap_or_default();
    ImportedFile {
        name,
        media_type: media_type(&ext).to_owned(),
        size: found.size,
        source: FileSource::Path(found.path.clone()),
        extra: Map::new(),
    }
}

/// `%20` and the like in a Markdown link, as UTF-8; a `%` not followed by two hex
/// digits is kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::super::{FileSource, read};
    use super::*;

    fn write(root: &Path, rel: &str, content: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// An Obsidian vault: notes at the top and in a year folder, settings and a trash
    /// in hidden folders, an idea that is not a day, an empty day, a picture.
    fn vault() -> (tempfile::TempDir, Parsed) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "2024-03-04.md",
            "---\ntags:\n  - job search\n  - \"#work\"\nmood: 4\nweather: rain\naliases: [Monday]\n---\n\nApplied to two places. #hopeful\n\n![[desk.png]]\n\nThen a walk.\n",
        );
        write(
            root,
            "2024/03/2024-03-05.md",
            "---\ntags: health, sleep\n---\nSlept well.\n![pic](../../attachments/desk.png)\n![](../../attachments/missing%20one.jpg)\n",
        );
        write(root, "2024-03-06.md", "---\ntags: [a, b]\n---\n\n   \n");
        write(root, "Ideas.md", "Build a boat.");
        write(root, ".obsidian/2024-01-01.md", "settings are not a day");
        write(root, ".trash/2024-01-02.md", "deleted");
        write(root, "attachments/desk.png", "png bytes");
        std::fs::write(root.join(".obsidian/app.json"), "{}").unwrap();
        let parsed = read(root).unwrap().unwrap();
        assert_eq!(parsed.format, Format::Notes);
        (dir, parsed)
    }

    #[test]
    fn dated_notes_are_read_from_subfolders_and_hidden_folders_are_ignored() {
        let (_dir, parsed) = vault();
        let sources: Vec<&str> = parsed.entries.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(sources, vec!["2024-03-04.md", "2024/03/2024-03-05.md"]);
        let second = &parsed.entries[1];
        assert_eq!(second.origin, "notes:2024/03/2024-03-05.md");
        assert_eq!(second.date, NaiveDate::from_ymd_opt(2024, 3, 5).unwrap());
        // Midnight UTC of that day.
        assert_eq!(second.created_ms, 1_709_596_800_000);
    }

    #[test]
    fn front_matter_tags_and_mood_are_read_and_the_rest_kept_as_written() {
        let (_dir, parsed) = vault();
        let first = &parsed.entries[0];
        assert_eq!(first.tags, vec!["job search", "work"]);
        assert_eq!(first.mood, Some(4));
        let front = first.extra["front_matter"].as_object().unwrap();
        assert_eq!(front["weather"], "rain");
        assert_eq!(front["aliases"], "[Monday]");
        assert!(!front.contains_key("tags") && !front.contains_key("mood"));
        assert_eq!(parsed.entries[1].tags, vec!["health", "sleep"]);
        assert!(!parsed.entries[1].extra.contains_key("front_matter"));
    }

    #[test]
    fn an_embedded_picture_in_the_folder_becomes_a_file() {
        let (dir, parsed) = vault();
        let first = &parsed.entries[0];
        assert_eq!(
            first.text,
            "Applied to two places. #hopeful\n\nThen a walk."
        );
        assert_eq!(first.files.len(), 1);
        let file = &first.files[0];
        assert_eq!(file.name, "desk.png");
        assert_eq!(file.media_type, "image/png");
        assert_eq!(file.size, 9);
        assert_eq!(
            file.source,
            FileSource::Path(dir.path().join("attachments/desk.png"))
        );
        let mut bytes = String::new();
        file.open().unwrap().read_to_string(&mut bytes).unwrap();
        assert_eq!(bytes, "png bytes");
    }

    #[test]
    fn an_embedded_picture_not_in_the_folder_stays_in_the_text_and_is_reported() {
        let (_dir, parsed) = vault();
        let second = &parsed.entries[1];
        assert_eq!(
            second.text,
            "Slept well.\n![](../../attachments/missing%20one.jpg)"
        );
        assert_eq!(
            second.missing_files,
            vec!["../../attachments/missing one.jpg is embedded but is not in the folder"]
        );
        // A relative link that climbs out of the note's folder is found from there.
        assert_eq!(second.files.len(), 1);
        assert_eq!(second.files[0].name, "desk.png");
    }

    #[test]
    fn notes_without_a_date_or_without_text_are_skipped_with_reasons() {
        let (_dir, parsed) = vault();
        assert_eq!(
            parsed.skipped,
            vec![
                Skipped {
                    source: "2024-03-06.md".into(),
                    reason: "an empty note: it has no text".into(),
                },
                Skipped {
                    source: "Ideas.md".into(),
                    reason: "not named by a date (YYYY-MM-DD.md), so its day is unknown".into(),
                },
            ]
        );
    }

    #[test]
    fn a_folder_is_daily_notes_only_when_a_note_is_named_by_a_date() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "Ideas.md", "Build a boat.");
        write(dir.path(), ".obsidian/2024-01-01.md", "hidden");
        write(dir.path(), "2024-13-40.md", "not a real date");
        assert!(read(dir.path()).unwrap().is_none());
    }

    #[test]
    fn tags_are_read_in_each_way_front_matter_writes_them() {
        assert_eq!(
            parse_tags("[job search, \"work\"]"),
            vec!["job search", "work"]
        );
        assert_eq!(parse_tags("- a\n- '#b'"), vec!["a", "b"]);
        assert_eq!(parse_tags("a, b c"), vec!["a", "b c"]);
        assert_eq!(parse_tags("#a b"), vec!["a", "b"]);
        assert!(parse_tags("").is_empty());
    }

    #[test]
    fn a_note_without_closing_front_matter_is_all_text() {
        let (front, body) = split_front_matter("---\nnot front matter\n");
        assert!(front.is_none());
        assert_eq!(body, "---\nnot front matter\n");
        let (front, body) = split_front_matter("---\r\ntags: a\r\n---\r\nText");
        assert_eq!(front, Some("tags: a\r\n"));
        assert_eq!(body, "Text");
    }
}
