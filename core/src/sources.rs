//! Other journals' exports, read into one neutral form; nothing here touches a vault.
//!
//! `read` recognises what a person pointed at — a Day One JSON export (the `.zip` or the
//! folder it unpacks to, or one of its journal files), a `jrnl --export json` file, or a
//! folder of Markdown daily notes named `YYYY-MM-DD.md` — and returns every entry as an
//! `ImportedEntry`: the text as a person would write it in Markdown, the local day it was
//! written, the instant, the tags as written, and every field Comeback has no place for
//! in `extra`, so nothing the source knew is dropped. What could not become an entry is
//! listed in `skipped` with a sentence saying why. Attachments are `ImportedFile`s that
//! only name where their bytes are; `ImportedFile::open` reads them when the caller
//! copies them, one at a time. Each entry carries an `origin`, a key that is the same
//! every time the same export is read, so the caller can import twice and add nothing.
//!
//! A file of a recognised shape that is damaged or foreign (a Day One zip whose journal
//! is not valid JSON, a `Journal.json` without entries) is an error with a one-line
//! message saying what was expected; nothing partial is returned. Anything else is
//! `Ok(None)`, and the caller says what it accepts. Our own export (`comeback.json`) is
//! not read here.

mod dayone;
mod jrnl;
mod notes;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The file name of Comeback's own export, which another path reads.
const COMEBACK_EXPORT: &str = "comeback.json";
/// The largest journal JSON read into memory (a ten-year Day One journal is ~50 MB).
const MAX_JSON_BYTES: u64 = 512 * 1024 * 1024;

/// What kind of export was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DayOne,
    Jrnl,
    Notes,
}

impl Format {
    /// How the export is named to a person.
    pub fn label(&self) -> &'static str {
        match self {
            Format::DayOne => "Day One export",
            Format::Jrnl => "jrnl JSON export",
            Format::Notes => "folder of daily notes",
        }
    }

    /// What to do when the export is refused.
    fn again(&self) -> &'static str {
        match self {
            Format::DayOne => "export again from Day One (File → Export → JSON)",
            Format::Jrnl => "export again with `jrnl --export json`",
            Format::Notes => "check the folder holds your daily notes",
        }
    }
}

/// Everything read from one export.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: Format,
    pub entries: Vec<ImportedEntry>,
    pub skipped: Vec<Skipped>,
}

/// Something in the export that did not become an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where it is, as in `ImportedEntry::source`.
    pub source: String,
    /// Why, as a sentence a person understands.
    pub reason: String,
}

/// One entry of another journal, in no journal's form.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEntry {
    /// Where it came from, for messages: "Journal.json entry 12 (3F2A4B…)", "2024/2024-03-05.md".
    pub source: String,
    /// A key for this entry that is the same each time the export is read:
    /// `dayone:<uuid>`, `jrnl:<date> <time>:<16 hex of sha256(title "\n" body)>`,
    /// `notes:<path relative to the folder>`.
    pub origin: String,
    /// The local date where it was written.
    pub date: chrono::NaiveDate,
    /// The moment it was written, in unix milliseconds (a UTC instant).
    pub created_ms: i64,
    /// Markdown as a person would write it.
    pub text: String,
    /// As written in the source ("job search", not "job-search").
    pub tags: Vec<String>,
    /// 1..=5 when the source has a mood.
    pub mood: Option<u8>,
    /// Every field Comeback has no field for, under the source's name ("dayone",
    /// "jrnl", "front_matter"), plus what this reader had to assume.
    pub extra: Map<String, Value>,
    /// Attachments whose bytes are in the export.
    pub files: Vec<ImportedFile>,
    /// Attachments the entry names whose bytes are not in the export, one sentence each
    /// ("photo 7F3A… (photos/0c1e….jpeg) is not in the export"); the entry is kept.
    pub missing_files: Vec<String>,
}

/// An attachment, named but not read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFile {
    /// A file name for it (`<md5>.<ext>` for Day One, the file's own name for notes).
    pub name: String,
    /// From the extension: image/jpeg, image/heic, video/quicktime, application/pdf…
    pub media_type: String,
    /// Bytes, as the export says.
    pub size: u64,
    pub source: FileSource,
    /// What the source says about the file (Day One: the photo's size, date, place,
    /// camera…), kept whole since the entry's `extra` no longer lists it.
    pub extra: Map<String, Value>,
}

/// Where an attachment's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    Path(PathBuf),
    Zip { archive: PathBuf, entry: String },
}

impl ImportedFile {
    /// A reader of the attachment's bytes, opened now; a zip entry is inflated as it is
    /// read and its checksum checked at the end, so no attachment is ever held whole.
    pub fn open(&self) -> io::Result<Box<dyn Read>> {
        match &self.source {
            FileSource::Path(path) => Ok(Box::new(File::open(path)?)),
            FileSource::Zip { archive, entry } => open_zip_entry(archive, entry),
        }
    }
}

/// Why an export of a recognised shape was refused. Each message is one line that says
/// what was expected and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("could not read {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{name} is not a readable zip archive ({reason}); {}", Format::DayOne.again())]
    Zip { name: String, reason: String },
    #[error("{name} is not valid JSON ({reason}); {again}")]
    Json {
        name: String,
        reason: String,
        again: &'static str,
    },
    #[error("{name} is not a {}: {why}; {}", format.label(), format.again())]
    NotExport {
        name: String,
        format: Format,
        why: String,
    },
    #[error("{name} is too large to import ({size} bytes, at most {limit})")]
    TooLarge { name: String, size: u64, limit: u64 },
    #[error(
        "{} holds more than {limit} files; choose the folder that holds your daily notes",
        path.display()
    )]
    TooManyFiles { path: PathBuf, limit: usize },
}

/// Recognises what `path` is and reads it; `Ok(None)` when it is none of these formats
/// (the caller then says what it accepts).
///
/// - a `.zip`: a Day One export when it holds a journal `.json` (at its root or in one
///   folder); every `.json` in it must then be a Day One journal.
/// - a folder: Day One when a `.json` at its top has `entries` with `creationDate`
///   (in a folder with `photos/`, `videos/`, `audios/`, `pdfs/` or a `Journal.json`, a
///   `.json` that is not valid JSON, or a journal without its entries, is an error);
///   else jrnl when a `.json` has `entries` with `date` and `body`; else daily notes
///   when a `YYYY-MM-DD.md` is anywhere in it.
/// - a `.json` file: Day One or jrnl by its shape (a Day One journal's attachments are
///   looked for beside it); one that is not valid JSON is an error.
/// - `comeback.json`, or a folder or zip holding it, is `Ok(None)`.
pub fn read(path: &Path) -> Result<Option<Parsed>, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return read_folder(path);
    }
    let name = file_name(path);
    if name.eq_ignore_ascii_case(COMEBACK_EXPORT) {
        return Ok(None);
    }
    match extension(&name).as_deref() {
        Some("zip") => dayone::read_zip(path),
        Some("json") => {
            let value = read_json(path, &name)?;
            let parent = path.parent().unwrap_or(Path::new("."));
            match Shape::of(&value) {
                Shape::DayOne => dayone::read_folder(parent, vec![(name, value)]).map(Some),
                Shape::Jrnl => jrnl::parse(vec![(name, value)]).map(Some),
                Shape::Other(why)
                    if damaged_journal(&name, &value, dayone::has_media_dir(parent)) =>
                {
                    Err(SourceError::NotExport {
                        name,
                        format: Format::DayOne,
                        why,
                    })
                }
                Shape::Other(_) => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

fn read_folder(dir: &Path) -> Result<Option<Parsed>, SourceError> {
    let mut jsons = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let item = item.map_err(|e| io_error(dir, e))?;
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if name.eq_ignore_ascii_case(COMEBACK_EXPORT) {
            return Ok(None);
        }
        if extension(&name).as_deref() == Some("json") && item.path().is_file() {
            jsons.push((name, item.path()));
        }
    }
    jsons.sort();
    let looks_like_dayone = dayone::has_media_dir(dir)
        || jsons
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("Journal.json"));
    let mut dayone_journals = Vec::new();
    let mut jrnl_files = Vec::new();
    for (name, path) in jsons {
        let value = match read_json(&path, &name) {
            Ok(value) => value,
            Err(e) if looks_like_dayone => return Err(e),
            Err(_) => continue,
        };
        match Shape::of(&value) {
            Shape::DayOne => dayone_journals.push((name, value)),
            Shape::Jrnl => jrnl_files.push((name, value)),
            Shape::Other(why) if damaged_journal(&name, &value, looks_like_dayone) => {
                return Err(SourceError::NotExport {
                    name,
                    format: Format::DayOne,
                    why,
                });
            }
            Shape::Other(_) => {}
        }
    }
    if !dayone_journals.is_empty() {
        return dayone::read_folder(dir, dayone_journals).map(Some);
    }
    if !jrnl_files.is_empty() {
        return jrnl::parse(jrnl_files).map(Some);
    }
    notes::read(dir)
}

/// Whether a JSON file that is neither export is a Day One journal that lost its
/// entries (refused) rather than some other program's file (passed over): it is named
/// `Journal.json`, or it sits in what looks like a Day One export and has Day One's
/// `metadata` or an `entries` that is not a list of entries. Settings beside a
/// `photos/` folder are not a journal.
fn damaged_journal(name: &str, value: &Value, in_dayone_export: bool) -> bool {
    name.eq_ignore_ascii_case("Journal.json")
        || (in_dayone_export && (value.get("metadata").is_some() || value.get("entries").is_some()))
}

/// What a parsed JSON export looks like from its top.
enum Shape {
    DayOne,
    Jrnl,
    /// Neither; the sentence says what is missing.
    Other(String),
}

impl Shape {
    fn of(value: &Value) -> Shape {
        let Some(top) = value.as_object() else {
            return Shape::Other("it is not a JSON object with an \"entries\" list".into());
        };
        let Some(entries) = top.get("entries").and_then(Value::as_array) else {
            return Shape::Other("it has no \"entries\" list".into());
        };
        let first = entries.iter().find_map(Value::as_object);
        match first {
            Some(e) if e.contains_key("creationDate") => Shape::DayOne,
            Some(e) if e.contains_key("uuid") && !e.contains_key("date") => Shape::DayOne,
            Some(e) if e.contains_key("date") && (e.contains_key("body") || e.contains_key("title")) => {
                Shape::Jrnl
            }
            Some(_) => Shape::Other(
                "its entries have neither Day One's \"creationDate\" nor jrnl's \"date\" and \"body\""
                    .into(),
            ),
            None if top.contains_key("metadata") => Shape::DayOne,
            None if top.get("tags").is_some_and(Value::is_object) => Shape::Jrnl,
            None => Shape::Other("its \"entries\" list holds no entries".into()),
        }
    }
}

/// Parses the JSON file `path`, of which we do not know yet which export it is.
fn read_json(path: &Path, name: &str) -> Result<Value, SourceError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let again = "export it again from Day One (File → Export → JSON) or with `jrnl --export json`";
    read_json_from(file, name, path, again)
}

/// Parses a JSON export named `name` from `reader` (read from `path`), refusing one
/// larger than `MAX_JSON_BYTES`; `again` says what to do if it is not JSON.
fn read_json_from(
    reader: impl Read,
    name: &str,
    path: &Path,
    again: &'static str,
) -> Result<Value, SourceError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(SourceError::TooLarge {
            name: name.to_owned(),
            size: bytes.len() as u64,
            limit: MAX_JSON_BYTES,
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| SourceError::Json {
        name: name.to_owned(),
        reason: e.to_string(),
        again,
    })
}

fn io_error(path: &Path, source: io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_owned(),
        source,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The lowercased extension of a file name, if it has one.
fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The media type of an attachment, from its extension.
fn media_type(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "webp" => "image/webp",
        "tif" | "tiff" => "image/tiff",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "mov" => "video/quicktime",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "caf" => "audio/x-caf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The first 16 hex digits of the SHA-256 of `bytes`.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    data_encoding::HEXLOWER.encode(&digest[..8])
}

/// Rewrites Markdown line by line, leaving fenced code blocks as they are. `line` gets
/// each line outside code and returns it rewritten, and whether it took something out
/// of it (a link made into an attachment); a line that is left blank by that is dropped
/// with the blank line it leaves doubled, so removing a picture between two paragraphs
/// leaves one blank line. Blank lines at the start and whitespace at the end are trimmed.
fn rewrite_outside_code(text: &str, mut line: impl FnMut(&str) -> (String, bool)) -> String {
    let text = text.replace("\r\n", "\n");
    let mut kept: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut collapse_next_blank = false;
    for raw in text.split('\n') {
        let opens = fence_marker(raw);
        if let Some((ch, len)) = fence {
            let closes = opens.is_some_and(|(c, l)| c == ch && l >= len)
                && raw.trim().chars().all(|c| c == ch);
            if closes {
                fence = None;
            }
            kept.push(raw.to_owned());
            collapse_next_blank = false;
            continue;
        }
        if let Some(marker) = opens {
            fence = Some(marker);
            kept.push(raw.to_owned());
            collapse_next_blank = false;
            continue;
        }
        let (out, took) = line(raw);
        let blank = out.trim().is_empty();
        if took && blank {
            collapse_next_blank = kept.last().is_none_or(|l| l.trim().is_empty());
            continue;
        }
        if blank && collapse_next_blank {
            collapse_next_blank = false;
            continue;
        }
        collapse_next_blank = false;
        kept.push(out);
    }
    let start = kept
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(kept.len());
    kept[start..].join("\n").trim_end().to_owned()
}

/// The fence a line opens or closes (``` or ~~~, at most three spaces in), as its
/// character and length.
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    (len >= 3).then_some((ch, len))
}

/// The length in bytes of the inline code span that starts at the beginning of `s` (a
/// run of backticks up to the same run again), or `None` when the run is never closed.
fn code_span_len(s: &str) -> Option<usize> {
    let run = s.bytes().take_while(|b| *b == b'`').count();
    let mut i = run;
    while i < s.len() {
        let here = s[i..].bytes().take_while(|b| *b == b'`').count();
        if here == run {
            return Some(i + here);
        }
        i += here.max(1);
        while i < s.len() && !s.is_char_boundary(i) {
            i += 1;
        }
    }
    None
}

/// Reads one entry of a zip archive, inflating as it goes: the archive is opened, the
/// entry's data is found, and the reader owns the file from there (a `zip::ZipFile`
/// borrows its archive, so it could not be handed back).
fn open_zip_entry(archive: &Path, entry: &str) -> io::Result<Box<dyn Read>> {
    let mut zip = zip::ZipArchive::new(File::open(archive)?)?;
    let (start, packed, size, crc, method) = {
        let file = zip.by_name(entry)?;
        if file.encrypted() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{entry} is encrypted"),
            ));
        }
        let start = file.data_start().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{entry} has no data"))
        })?;
        (
            start,
            file.compressed_size(),
            file.size(),
            file.crc32(),
            file.compression(),
        )
    };
    let mut file = zip.into_inner();
    file.seek(SeekFrom::Start(start))?;
    let raw = file.take(packed);
    let inner: Box<dyn Read> = match method {
        zip::CompressionMethod::Stored => Box::new(raw),
        zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        other => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{entry} is compressed with {other:?}, which this version does not read"),
            ));
        }
    };
    Ok(Box::new(Checked {
        inner,
        hasher: crc32fast::Hasher::new(),
        crc,
        left: size,
        done: false,
    }))
}

/// A zip entry's bytes, checked against the size and CRC-32 its archive declares.
struct Checked {
    inner: Box<dyn Read>,
    hasher: crc32fast::Hasher,
    crc: u32,
    left: u64,
    done: bool,
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.done = true;
            if self.left != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the zip entry ends before its declared size",
                ));
            }
            if self.hasher.clone().finalize() != self.crc {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the zip entry's checksum does not match: the archive is damaged",
                ));
            }
            return Ok(0);
        }
        if n as u64 > self.left {
            self.done = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the zip entry is longer than its declared size",
            ));
        }
        self.left -= n as u64;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_folder_is_none_of_these_formats() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("shopping.txt"), "milk").unwrap();
        std::fs::write(dir.path().join("readme.md"), "# hello").unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"theme":"dark"}"#).unwrap();
        assert!(read(dir.path()).unwrap().is_none());
    }

    #[test]
    fn our_own_export_is_not_read_here() {
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("comeback.json");
        // Shaped like a jrnl export on purpose: the name alone decides.
        std::fs::write(
            &ours,
            r#"{"entries":[{"date":"2024-01-01","time":"10:00","title":"t","body":"b"}]}"#,
        )
        .unwrap();
        assert!(read(&ours).unwrap().is_none());
        std::fs::write(dir.path().join("2024-01-01.md"), "a note").unwrap();
        assert!(read(dir.path()).unwrap().is_none());
    }

    #[test]
    fn daily_notes_beside_a_photos_folder_and_a_settings_file_are_still_notes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        std::fs::write(dir.path().join("data.json"), r#"{"theme":"dark"}"#).unwrap();
        std::fs::write(dir.path().join("2024-01-01.md"), "A day.").unwrap();
        let parsed = read(dir.path()).unwrap().unwrap();
        assert_eq!(parsed.format, Format::Notes);
        assert_eq!(parsed.entries[0].text, "A day.");
    }

    #[test]
    fn a_path_that_does_not_exist_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(&dir.path().join("nope.zip")).unwrap_err();
        assert!(matches!(err, SourceError::Io { .. }));
        assert!(err.to_string().contains("nope.zip"), "{err}");
    }

    #[test]
    fn a_json_file_that_is_not_json_is_refused_with_what_was_expected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json");
        std::fs::write(&path, "{ not json").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.starts_with("export.json is not valid JSON ("), "{err}");
        assert!(err.contains("jrnl --export json"), "{err}");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn markdown_rewriting_keeps_code_and_drops_only_the_lines_it_emptied() {
        let text = "![](x)\n\nOne\n\n![](x)\n\nTwo\n```\n![](x)\n```\n\n\nThree\n";
        let out = rewrite_outside_code(text, |line| {
            if line == "![](x)" {
                (String::new(), true)
            } else {
                (line.to_owned(), false)
            }
        });
        assert_eq!(out, "One\n\nTwo\n```\n![](x)\n```\n\n\nThree");
    }

    #[test]
    fn code_spans_are_found_only_when_closed() {
        assert_eq!(code_span_len("`a\\.b` rest"), Some(6));
        assert_eq!(code_span_len("``a`b`` rest"), Some(7));
        assert_eq!(code_span_len("`never closed"), None);
    }
}
