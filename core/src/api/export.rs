//! Export: everything a person wrote, in a folder that reads without Comeback and that a
//! later `comeback import DIR` brings back.
//!
//! The folder holds `comeback.json` (every record of every kind a person writes, each in
//! its full JSON form, lossless), one Markdown file per journal entry under
//! `journal/YYYY/MM/` (YAML front matter, then the text), each debrief as Markdown under
//! `debriefs/`, the time-off summary, the story bank and a README saying what each file
//! is. What it promises:
//! - the folder appears whole or not at all: it is written into a hidden sibling
//!   (`.NAME.partial-RANDOM`), every file and folder fsynced, and renamed onto `DIR` at
//!   the end; on any error (or a panic) the sibling is removed;
//! - a `DIR` that holds anything is refused before anything is written;
//! - memory stays bounded: records are read a page at a time in the mirror's
//!   `(sort_key, id)` order and `comeback.json` is streamed, one record a line;
//! - the folder is its owner's only (mode 0700 on Unix): it is the journal in plain text.
//!
//! Left out: the device list (`device` records). It is pairing state — which devices
//! this vault syncs with and their vouches — not something a person wrote, and copied
//! into another vault it would name devices that never paired with it.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, TimeZone};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{self, Attachment, Date, Debrief, Entry, Kind, Record, Story};
use crate::store::MirrorRow;
use crate::vault::Vault;

/// `format` in `comeback.json`: what the file is.
pub const EXPORT_FORMAT: &str = "comeback-export";
/// `format_version` in `comeback.json`: raised when a reader of version 1 could no longer
/// read what is written.
pub const EXPORT_FORMAT_VERSION: u32 = 1;
/// The export's index of records.
pub const EXPORT_JSON: &str = "comeback.json";

/// Linux and Android make the whole folder durable with one `syncfs` before it is put in
/// place (a third of the time an fsync per file takes for thousands of small files);
/// elsewhere each file is fsynced as it is written.
const SYNC_EACH_FILE: bool = !cfg!(any(target_os = "linux", target_os = "android"));

/// Records read from the mirror at a time.
const PAGE: usize = 256;
/// The longest slug in a file name.
const SLUG_CHARS: usize = 40;

/// How far a long verb has got, for a progress bar. `step` is what is being done; `done`
/// of `total` counts that step's units.
///
/// The export's steps, in order: `records` (each record into `comeback.json`, with its
/// Markdown file for an entry or a debrief; counts records), `documents` (the time-off
/// summary, the story bank, the README; counts files) and `saving` (everything flushed to
/// disk and the folder put in place; 0 of 1, then 1 of 1).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct Progress {
    pub step: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct ExportSummary {
    /// The folder, as an absolute path.
    pub dir: String,
    /// Records in `comeback.json`, of every kind.
    pub records: usize,
    /// Journal entries, each also a Markdown file under `journal/`.
    pub entries: usize,
    /// Attachments copied under `attachments/` (none yet: no kind of record has any).
    pub attachments: usize,
    /// The size of every file written.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Writes everything the vault holds that a person wrote into `dir`, a new folder or an
/// existing empty one (anything else is refused, nothing written); see the module's
/// documentation for what the folder holds. `exported_at` is the moment written into
/// `comeback.json` (the fronts pass [`super::now`]). `progress` is called as the work
/// goes (see [`Progress`]).
pub fn export(
    vault: &Vault,
    dir: &Path,
    exported_at: DateTime<FixedOffset>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ExportSummary> {
    let target = Target::check(dir)?;
    let mut out = Staging::create(&target)?;

    let mut json = out.stream(EXPORT_JSON)?;
    write_json_header(&mut json, exported_at)?;
    let shelf = Shelf::plan(vault)?;
    let mut files = Files {
        shelf: &shelf,
        entries: 0,
        day: None,
        day_names: HashSet::new(),
        debrief_names: HashSet::new(),
        stories: Vec::new(),
    };
    let total = record_count(vault)?;
    let mut records = 0usize;
    progress(&step("records", 0, total));
    for kind in Kind::user_kinds() {
        let mut after: Option<(String, String)> = None;
        loop {
            let from = after.as_ref().map(|(k, id)| (k.as_str(), id.as_str()));
            let page = vault.store().rows_after(kind.as_str(), from, PAGE)?;
            for row in &page {
                write_json_record(&mut json, records == 0, kind, row)?;
                records += 1;
                files.record(&mut out, kind, row)?;
            }
            if !page.is_empty() {
                progress(&step("records", records as u64, total));
            }
            match page.last() {
                Some(last) if page.len() == PAGE => {
                    after = Some((last.sort_key.clone(), last.id.clone()));
                }
                _ => break,
            }
        }
    }
    // Each file's bytes under `attachments/`, as written (its entry's Markdown links it).
    let mut attachments: Vec<serde_json::Value> = Vec::new();
    let count = shelf.files.len() as u64;
    for (n, (a, rel)) in shelf.files.iter().enumerate() {
        progress(&step("attachments", n as u64, count));
        if vault.blob_size(&a.sha256)?.is_none() {
            // Not arrived from the device it was added on: listed without a file, so an
            // import says so instead of guessing.
            continue;
        }
        let (file, path) = out.create_file(Path::new(rel))?;
        let mut file = BufWriter::with_capacity(1 << 16, file);
        let written = super::copy_attachment(vault, a, &mut file)?;
        let file = file
            .into_inner()
            .map_err(|e| Error::io(&format!("writing {}", path.display()), e.into_error()))?;
        if SYNC_EACH_FILE {
            file.sync_all()
                .map_err(|e| Error::io(&format!("writing {}", path.display()), e))?;
        }
        out.bytes += written;
        attachments.push(serde_json::json!({
            "id": a.id, "sha256": a.sha256, "name": a.name, "path": rel,
        }));
    }
    progress(&step("attachments", count, count));
    write_json_end(&mut json, &attachments)?;
    out.close_stream(json, EXPORT_JSON)?;

    let documents = 3;
    progress(&step("documents", 0, documents));
    let since = super::get_profile(vault)?.map(|p| p.happened_on);
    out.write(
        Path::new("time-off-summary.md"),
        super::time_off_summary(vault, since)?.text.as_bytes(),
    )?;
    progress(&step("documents", 1, documents));
    out.write(
        Path::new("stories.md"),
        stories_markdown(vault, &files.stories)?.as_bytes(),
    )?;
    progress(&step("documents", 2, documents));
    out.write(
        Path::new("README.md"),
        readme(exported_at, records, files.entries).as_bytes(),
    )?;
    progress(&step("documents", 3, documents));

    progress(&step("saving", 0, 1));
    let bytes = out.bytes;
    out.finish(&target)?;
    progress(&step("saving", 1, 1));
    Ok(ExportSummary {
        dir: target.path.display().to_string(),
        records,
        entries: files.entries,
        attachments: attachments.len(),
        bytes,
    })
}

fn step(step: &str, done: u64, total: u64) -> Progress {
    Progress {
        step: step.into(),
        done,
        total,
    }
}

/// How many records the export will write: every kind but the device list.
fn record_count(vault: &Vault) -> Result<u64> {
    let counts = vault.count_by_kind()?;
    Ok(Kind::user_kinds()
        .filter_map(|k| counts.get(k.as_str()))
        .map(|&n| n as u64)
        .sum())
}

// ----- where the export goes -----

/// The folder asked for, checked: absolute, and either missing or an empty folder.
struct Target {
    path: PathBuf,
    parent: PathBuf,
    name: String,
}

fn not_empty(dir: &Path) -> Error {
    Error::Refused(format!(
        "{} is not empty; choose an empty or new folder for the export (nothing was written)",
        dir.display()
    ))
}

impl Target {
    fn check(dir: &Path) -> Result<Self> {
        let path = match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {
                if !is_empty_dir(dir)? {
                    return Err(not_empty(dir));
                }
                fs::canonicalize(dir)
                    .map_err(|e| Error::io(&format!("reading {}", dir.display()), e))?
            }
            Ok(_) => {
                return Err(Error::Refused(format!(
                    "{} is a file; choose an empty or new folder for the export (nothing was written)",
                    dir.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if fs::symlink_metadata(dir).is_ok() {
                    return Err(Error::Refused(format!(
                        "{} is a link to nothing; choose an empty or new folder for the export (nothing was written)",
                        dir.display()
                    )));
                }
                std::path::absolute(dir)
                    .map_err(|e| Error::io(&format!("finding {}", dir.display()), e))?
            }
            Err(e) => return Err(Error::io(&format!("reading {}", dir.display()), e)),
        };
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(Error::Refused(format!(
                "{} does not name a folder; choose an empty or new folder for the export (nothing was written)",
                dir.display()
            )));
        };
        Ok(Self {
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            path,
        })
    }
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut list =
        fs::read_dir(dir).map_err(|e| Error::io(&format!("reading {}", dir.display()), e))?;
    Ok(list.next().is_none())
}

/// The hidden sibling folder the export is written into, removed when dropped unless
/// [`Staging::finish`] put it in place.
struct Staging {
    root: PathBuf,
    /// Folders made under `root` (relative to it), made durable at the end with the files.
    made: HashSet<PathBuf>,
    bytes: u64,
    placed: bool,
}

impl Staging {
    fn create(target: &Target) -> Result<Self> {
        fs::create_dir_all(&target.parent)
            .map_err(|e| Error::io(&format!("making {}", target.parent.display()), e))?;
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).map_err(|e| Error::Io(format!("no randomness: {e}")))?;
        let root = target.parent.join(format!(
            ".{}.partial-{}",
            target.name,
            data_encoding::HEXLOWER.encode(&random)
        ));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&root)
            .map_err(|e| Error::io(&format!("making {}", root.display()), e))?;
        Ok(Self {
            root,
            made: HashSet::new(),
            bytes: 0,
            placed: false,
        })
    }

    /// A new file at `rel` (its folders made as needed).
    fn create_file(&mut self, rel: &Path) -> Result<(File, PathBuf)> {
        let path = self.root.join(rel);
        if let Some(folder) = rel.parent().filter(|p| !p.as_os_str().is_empty())
            && !self.made.contains(folder)
        {
            let mut at = PathBuf::new();
            for part in folder.components() {
                at.push(part);
                if self.made.insert(at.clone()) {
                    let full = self.root.join(&at);
                    fs::create_dir(&full)
                        .map_err(|e| Error::io(&format!("making {}", full.display()), e))?;
                }
            }
        }
        // Names are made unique before they get here: a file that exists is a bug, never
        // something to write over.
        let file = File::create_new(&path)
            .map_err(|e| Error::io(&format!("writing {}", path.display()), e))?;
        Ok((file, path))
    }

    /// Writes a whole file and fsyncs it.
    fn write(&mut self, rel: &Path, contents: &[u8]) -> Result<()> {
        let (mut file, path) = self.create_file(rel)?;
        let context = || format!("writing {}", path.display());
        file.write_all(contents)
            .and_then(|()| {
                if SYNC_EACH_FILE {
                    file.sync_all()
                } else {
                    Ok(())
                }
            })
            .map_err(|e| Error::io(&context(), e))?;
        self.bytes += contents.len() as u64;
        Ok(())
    }

    /// A file written a piece at a time ([`Self::close_stream`] finishes it).
    fn stream(&mut self, rel: &str) -> Result<BufWriter<File>> {
        let (file, _) = self.create_file(Path::new(rel))?;
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    fn close_stream(&mut self, stream: BufWriter<File>, rel: &str) -> Result<()> {
        let context = || format!("writing {}", self.root.join(rel).display());
        let file = stream
            .into_inner()
            .map_err(|e| Error::io(&context(), e.into_error()))?;
        if SYNC_EACH_FILE {
            file.sync_all().map_err(|e| Error::io(&context(), e))?;
        }
        let len = file.metadata().map_err(|e| Error::io(&context(), e))?.len();
        self.bytes += len;
        Ok(())
    }

    /// Puts the folder in place: everything in it made durable (its files and folders),
    /// an empty `DIR` removed, the folder renamed onto `DIR`, and the parent fsynced so
    /// the rename is on disk too.
    fn finish(mut self, target: &Target) -> Result<()> {
        self.sync()?;
        // Checked again: something may have been put there while the export ran.
        match fs::symlink_metadata(&target.path) {
            Ok(meta) if meta.is_dir() => {
                if !is_empty_dir(&target.path)? {
                    return Err(not_empty(&target.path));
                }
                fs::remove_dir(&target.path)
                    .map_err(|e| Error::io(&format!("replacing {}", target.path.display()), e))?;
            }
            Ok(_) => return Err(not_empty(&target.path)),
            Err(_) => {}
        }
        fs::rename(&self.root, &target.path).map_err(|e| {
            Error::io(
                &format!(
                    "moving {} to {}",
                    self.root.display(),
                    target.path.display()
                ),
                e,
            )
        })?;
        self.placed = true;
        sync_dir(&target.parent)
    }
}

impl Staging {
    /// Makes every file and folder written durable: one `syncfs` of the file system.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn sync(&self) -> Result<()> {
        File::open(&self.root)
            .and_then(|root| rustix::fs::syncfs(&root).map_err(std::io::Error::from))
            .map_err(|e| Error::io(&format!("writing {}", self.root.display()), e))
    }

    /// Makes every folder written durable (the files were fsynced as they were written).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn sync(&self) -> Result<()> {
        for dir in self.made.iter().map(|d| self.root.join(d)) {
            sync_dir(&dir)?;
        }
        sync_dir(&self.root)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

/// Makes a folder's entries durable (Unix; elsewhere a folder cannot be opened to sync).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(&format!("writing {}", dir.display()), e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

// ----- comeback.json -----

fn io_json(e: std::io::Error) -> Error {
    Error::io(&format!("writing {EXPORT_JSON}"), e)
}

fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::Internal(format!("could not write {EXPORT_JSON}: {e}")))
}

fn write_json_header(w: &mut impl Write, exported_at: DateTime<FixedOffset>) -> Result<()> {
    write!(
        w,
        "{{\n  \"format\": {},\n  \"format_version\": {EXPORT_FORMAT_VERSION},\n  \"app_version\": {},\n  \"exported_at\": {},\n  \"records\": [",
        json_text(EXPORT_FORMAT)?,
        json_text(super::version())?,
        json_text(&exported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))?,
    )
    .map_err(io_json)
}

/// One record a line: `{"kind":"entry","record":{…}}`, the record as the mirror holds
/// it — the record's serde form, which has no `version` (a read adds that, see
/// [`super::list_json`]) — with its fields in the order the type declares them.
fn write_json_record(w: &mut impl Write, first: bool, kind: Kind, row: &MirrorRow) -> Result<()> {
    // Only a JSON object goes in as is: anything else is a mirror that needs a rebuild.
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&row.json)
        .map_err(|e| unreadable(kind, &row.id, &e))?;
    let sep = if first { "\n" } else { ",\n" };
    write!(
        w,
        "{sep}    {{\"kind\":{},\"record\":{}}}",
        json_text(kind.as_str())?,
        row.json
    )
    .map_err(io_json)
}

fn write_json_end(w: &mut impl Write, attachments: &[serde_json::Value]) -> Result<()> {
    write!(w, "\n  ],\n  \"attachments\": [").map_err(io_json)?;
    for (i, a) in attachments.iter().enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        write!(w, "{sep}    {}", json_text(a)?).map_err(io_json)?;
    }
    let close = if attachments.is_empty() { "" } else { "\n  " };
    writeln!(w, "{close}]\n}}").map_err(io_json)
}

fn unreadable(kind: Kind, id: &str, e: &serde_json::Error) -> Error {
    Error::Internal(format!(
        "the {kind} {id} does not read back from the mirror ({e}); run `comeback doctor --rebuild`"
    ))
}

// ----- the Markdown files -----

/// The Markdown files written as the records go by, and what the documents written
/// after them need.
struct Files<'s> {
    /// Where each attachment goes, and each entry's.
    shelf: &'s Shelf,
    entries: usize,
    /// The day whose entries are being written, and the names they took.
    day: Option<Date>,
    day_names: HashSet<String>,
    debrief_names: HashSet<String>,
    /// The story bank is written at the end, grouped: the stories are few.
    stories: Vec<Story>,
}

impl Files<'_> {
    fn record(&mut self, out: &mut Staging, kind: Kind, row: &MirrorRow) -> Result<()> {
        match kind {
            Kind::Entry => {
                let entry: Entry =
                    serde_json::from_str(&row.json).map_err(|e| unreadable(kind, &row.id, &e))?;
                // Entries come in date order, so one day's names are all that is kept.
                if self.day != Some(entry.date) {
                    self.day = Some(entry.date);
                    self.day_names.clear();
                }
                let stem = unique_name(
                    &mut self.day_names,
                    format!("{}-{}", ymd(entry.date), slug(&entry.text, "entry")),
                );
                let rel = PathBuf::from("journal")
                    .join(entry.date.format("%Y").to_string())
                    .join(entry.date.format("%m").to_string())
                    .join(format!("{stem}.md"));
                let links = self.shelf.of_entry(&entry.id);
                out.write(&rel, entry_markdown(&entry, &links).as_bytes())?;
                self.entries += 1;
            }
            Kind::Debrief => {
                let debrief: Debrief =
                    serde_json::from_str(&row.json).map_err(|e| unreadable(kind, &row.id, &e))?;
                let stem = unique_name(
                    &mut self.debrief_names,
                    format!(
                        "{}-{}",
                        ymd(debrief.started_on),
                        slug(&debrief.title, "debrief")
                    ),
                );
                let rel = Path::new("debriefs").join(format!("{stem}.md"));
                out.write(&rel, debrief.to_markdown().as_bytes())?;
            }
            Kind::Story => {
                let story: Story =
                    serde_json::from_str(&row.json).map_err(|e| unreadable(kind, &row.id, &e))?;
                self.stories.push(story);
            }
            _ => {}
        }
        Ok(())
    }
}

fn ymd(date: Date) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A file name's words from a title (its first non-blank line): its ASCII letters and
/// digits, lower-cased, words joined by `-`, whole words up to [`SLUG_CHARS`] (a first
/// word longer than that is cut); `fallback` when there are none.
fn slug(title: &str, fallback: &str) -> String {
    let line = title
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut slug = String::new();
    for word in line
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        if slug.is_empty() {
            // ASCII only, so a byte is a character.
            slug = word.chars().take(SLUG_CHARS).collect();
        } else if slug.len() + 1 + word.len() <= SLUG_CHARS {
            slug.push('-');
            slug.push_str(&word);
        } else {
            break;
        }
    }
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug
    }
}

/// `stem` if no file took it yet, else `stem-2`, `stem-3`… (whichever is free first, so
/// a title that itself ends in `-2` cannot take another's name).
fn unique_name(used: &mut HashSet<String>, stem: String) -> String {
    if used.insert(stem.clone()) {
        return stem;
    }
    let mut n = 2u64;
    loop {
        let name = format!("{stem}-{n}");
        if used.insert(name.clone()) {
            return name;
        }
        n += 1;
    }
}

/// A YAML double-quoted string that any YAML parser reads back as `s`: quotes,
/// backslashes and every character YAML does not allow as is (control characters, line
/// and paragraph separators, the byte order mark, U+FFFE/U+FFFF) escaped; `:` and `#`
/// need nothing inside double quotes.
fn yaml_str(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// When an entry was written, as RFC 3339 in this device's time zone (the offset of that
/// moment, so summer and winter entries each say their own); `None` for an entry that
/// never had the time recorded.
fn created_text(created_ms: i64) -> Option<String> {
    if created_ms <= 0 {
        return None;
    }
    chrono::Local
        .timestamp_millis_opt(created_ms)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

/// An entry as a Markdown file: YAML front matter (`id`, `date`, `mood` if any, `tags`,
/// `created`), a blank line, then the text as written.
/// The files attachments are written to: `attachments/<name>`, a name taken once (a
/// second `IMG_1.jpg` becomes `IMG_1-2.jpg`).
#[derive(Default)]
struct Shelf {
    files: Vec<(Attachment, String)>,
    by_entry: HashMap<String, Vec<usize>>,
}

impl Shelf {
    fn plan(vault: &Vault) -> Result<Self> {
        let mut shelf = Shelf::default();
        let mut taken = HashSet::new();
        let mut all = super::all_attachments(vault)?;
        all.sort_by(|a, b| (a.added_ms, &a.id).cmp(&(b.added_ms, &b.id)));
        for a in all {
            let (stem, ext) = match a.name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), format!(".{ext}")),
                _ => (a.name.clone(), String::new()),
            };
            let mut name = a.name.clone();
            let mut n = 1;
            while !taken.insert(name.to_lowercase()) {
                n += 1;
                name = format!("{stem}-{n}{ext}");
            }
            shelf
                .by_entry
                .entry(a.entry.clone())
                .or_default()
                .push(shelf.files.len());
            shelf.files.push((a, format!("attachments/{name}")));
        }
        Ok(shelf)
    }

    /// An entry's files: (name, path from the export's root, is a picture).
    fn of_entry(&self, entry: &str) -> Vec<(String, String, bool)> {
        self.by_entry
            .get(entry)
            .map(|ids| {
                ids.iter()
                    .map(|&i| {
                        let (a, rel) = &self.files[i];
                        (a.name.clone(), rel.clone(), a.is_image())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A path as a Markdown link destination: every byte outside the unreserved characters
/// percent-encoded, so spaces and brackets in a file name cannot end the link.
fn link_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn entry_markdown(entry: &Entry, files: &[(String, String, bool)]) -> String {
    let mut md = String::from("---\n");
    md.push_str(&format!("id: {}\n", yaml_str(&entry.id)));
    md.push_str(&format!("date: {}\n", ymd(entry.date)));
    if let Some(mood) = entry.mood {
        md.push_str(&format!("mood: {mood}\n"));
    }
    if entry.tags.is_empty() {
        md.push_str("tags: []\n");
    } else {
        md.push_str("tags:\n");
        for tag in &entry.tags {
            md.push_str(&format!("  - {}\n", yaml_str(tag)));
        }
    }
    if let Some(created) = created_text(entry.created_ms) {
        md.push_str(&format!("created: {created}\n"));
    }
    if !entry.imported.is_empty() {
        // What another journal recorded (JSON is YAML's flow style, so it reads back).
        let kept = serde_json::to_string(&entry.imported).unwrap_or_default();
        md.push_str(&format!("imported: {kept}\n"));
    }
    md.push_str("---\n\n");
    md.push_str(&entry.text);
    if !entry.text.ends_with('\n') {
        md.push('\n');
    }
    if !files.is_empty() {
        md.push('\n');
        for (name, rel, image) in files {
            // An entry's file sits three folders down: journal/YYYY/MM/.
            let target = link_path(&format!("../../../{rel}"));
            let label = name.replace(['[', ']'], "");
            let bang = if *image { "!" } else { "" };
            md.push_str(&format!("{bang}[{label}]({target})\n"));
        }
    }
    md
}

/// The story bank: the "why I left" answers first, then the stories drafted from a
/// debrief's lessons, from wins, and the rest, each group by title; each story's
/// situation, task, action and result as paragraphs under its title.
fn stories_markdown(vault: &Vault, stories: &[Story]) -> Result<String> {
    let mut md = String::from("# Story bank\n\n");
    if stories.is_empty() {
        md.push_str("No stories yet.\n");
        return Ok(md);
    }
    md.push_str("Interview stories in situation, task, action, result form.\n");
    let source_of = |story: &Story| -> Result<Option<(&'static str, String)>> {
        let Some(id) = story.source.as_deref() else {
            return Ok(None);
        };
        for (kind, what) in [(Debrief::KIND, "debrief"), (model::Win::KIND, "win")] {
            if let Some(row) = vault.store().row(kind, id)? {
                return Ok(Some((what, row.title)));
            }
        }
        Ok(None)
    };
    const GROUPS: [&str; 4] = [
        "Why I left",
        "From a debrief's lessons",
        "From wins",
        "Other stories",
    ];
    // Each story's group (an index into GROUPS) and the line naming where it came from.
    let mut placed = Vec::with_capacity(stories.len());
    for story in stories {
        let source = source_of(story)?;
        let group = match &source {
            _ if story.why_i_left => 0,
            Some(("debrief", _)) => 1,
            Some(_) => 2,
            None => 3,
        };
        let from = source.map(|(what, title)| format!("From the {what} \u{201c}{title}\u{201d}."));
        placed.push((group, story, from));
    }
    for (g, heading) in GROUPS.iter().enumerate() {
        let mut group = placed.iter().filter(|(at, ..)| *at == g).peekable();
        if group.peek().is_none() {
            continue;
        }
        md.push_str(&format!("\n## {heading}\n"));
        for (_, story, from) in group {
            let title = story.title.split_whitespace().collect::<Vec<_>>().join(" ");
            md.push_str(&format!("\n### {title}\n"));
            if let Some(from) = from {
                md.push_str(&format!("\n*{from}*\n"));
            }
            for (label, text) in [
                ("Situation", &story.situation),
                ("Task", &story.task),
                ("Action", &story.action),
                ("Result", &story.result),
            ] {
                let text = text.trim();
                if !text.is_empty() {
                    md.push_str(&format!("\n**{label}.** {text}\n"));
                }
            }
        }
    }
    Ok(md)
}

/// What the folder holds, for whoever opens it.
fn readme(exported_at: DateTime<FixedOffset>, records: usize, entries: usize) -> String {
    format!(
        "# Comeback export\n\
         \n\
         Everything written in Comeback, exported on {day} by Comeback {version}: {records} \
         records, {entries} of them journal entries. Every file is plain text and reads \
         without Comeback.\n\
         \n\
         - `comeback.json`: every record, of every kind (the profile, journal entries, mood \
         check-ins, debriefs, worries, contacts, outreach, introductions, projects and the \
         hours logged on them, events, wins, the pipeline, stories), each exactly as \
         Comeback keeps it, one a line. `comeback import DIR` brings them all back into a \
         vault.\n\
         - `journal/YYYY/MM/`: one Markdown file per journal entry, named by its day and \
         first line. The lines between the two `---` at the top hold its id, date, mood, \
         tags and when it was written; the text follows.\n\
         - `debriefs/`: each debrief as one Markdown document, every step in it.\n\
         - `time-off-summary.md`: how the time off was spent: projects and hours, events \
         and people, wins.\n\
         - `stories.md`: the story bank, each story as situation, task, action and result.\n\
         \n\
         Not here: the list of paired devices and the vault's keys, which belong to the \
         devices, not to what was written.\n",
        day = exported_at.format("%Y-%m-%d"),
        version = super::version(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, TestVault, day};
    use crate::api::{self, NewEntry};
    use serde_json::{Value as Json, json};
    use std::collections::BTreeMap;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-05T10:30:00+01:00").unwrap()
    }

    fn export_to(vault: &Vault, dir: &Path) -> Result<ExportSummary> {
        export(vault, dir, at(), &mut |_| {})
    }

    fn entry(id: &str, date: &str, text: &str, created_ms: i64) -> Entry {
        Entry {
            id: id.into(),
            date: day(date),
            text: text.into(),
            mood: None,
            tags: vec![],
            created_ms,
            imported: Default::default(),
        }
    }

    /// A small vault with a record of every kind a person writes.
    fn filled() -> TestVault {
        let mut v = test_vault::new();
        let mut profile = model::Profile::new(model::SetbackKind::LetGo, day("2026-09-01"));
        profile.what_happened = "The team was cut.".into();
        api::set_profile(&mut v, profile, None).unwrap();
        api::add_entry(
            &mut v,
            NewEntry {
                text: "Walked by the river: it rained.\nThen tea.".into(),
                mood: Some(3),
                tags: vec!["walk".into(), "c#:\"quoted\"".into(), "it's\\ok".into()],
                date: Some(day("2026-10-02")),
            },
        )
        .unwrap();
        api::add_entry(
            &mut v,
            NewEntry {
                text: "Second month.".into(),
                date: Some(day("2026-11-01")),
                ..NewEntry::default()
            },
        )
        .unwrap();
        let ada = api::save_json(&mut v, "contact", json!({"name": "Ada"})).unwrap();
        let project = api::save_json(&mut v, "project", json!({"name": "Garden app"})).unwrap();
        let debrief = api::save_json(
            &mut v,
            "debrief",
            json!({"title": "Leaving Acme", "setback": "let_go", "started_on": "2026-10-03"}),
        )
        .unwrap();
        let win = api::save_json(
            &mut v,
            "win",
            json!({"title": "Shipped the beta", "date": "2026-10-20", "category": "projects"}),
        )
        .unwrap();
        for (kind, record) in [
            (
                "mood",
                json!({"date": "2026-10-02", "mood": 4, "note": "better"}),
            ),
            ("worry", json!({"date": "2026-10-04", "text": "Money"})),
            (
                "outreach",
                json!({"contact_id": ada["id"], "date": "2026-10-05", "message": "Coffee?"}),
            ),
            (
                "intro",
                json!({"via_contact_id": ada["id"], "to_name": "Bo", "requested_on": "2026-10-06"}),
            ),
            (
                "timelog",
                json!({"project_id": project["id"], "date": "2026-10-07", "hours": 2.5}),
            ),
            (
                "event",
                json!({"title": "Meetup", "date": "2026-10-08", "contact_ids": [ada["id"]]}),
            ),
            ("item", json!({"title": "Designer at Blue", "kind": "job"})),
            (
                "story",
                json!({"title": "Why I left Acme", "situation": "The cuts.", "why_i_left": true}),
            ),
            (
                "story",
                json!({"title": "Rescuing the launch", "action": "I rewrote the plan.", "source": debrief["id"]}),
            ),
            (
                "story",
                json!({"title": "The beta", "result": "Shipped.", "source": win["id"]}),
            ),
            ("story", json!({"title": "A story of my own"})),
        ] {
            api::save_json(&mut v, kind, record).unwrap();
        }
        let beach = api::add_entry(
            &mut v,
            NewEntry {
                text: "At the beach.".into(),
                date: Some(day("2026-10-10")),
                ..NewEntry::default()
            },
        )
        .unwrap();
        api::attach(
            &mut v,
            &beach.id,
            "beach [1].jpg",
            None,
            &mut &b"jpeg bytes"[..],
        )
        .unwrap();
        v
    }

    /// Every file under `dir`, as paths relative to it, sorted.
    fn files(dir: &Path) -> Vec<String> {
        fn walk(root: &Path, at: &Path, out: &mut Vec<String>) {
            for e in fs::read_dir(at).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap();
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Reads a YAML double-quoted scalar back, by the YAML spec's escapes (only those;
    /// anything else fails the test).
    fn unquote(s: &str) -> String {
        let inner = s
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or_else(|| panic!("not double-quoted: {s:?}"));
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            assert!(c != '"', "an unescaped quote inside {s:?}");
            assert!(!c.is_control(), "a raw control character inside {s:?}");
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next().unwrap() {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).unwrap();
                    out.push(char::from_u32(code).unwrap());
                }
                other => panic!("an escape YAML does not have: \\{other} in {s:?}"),
            }
        }
        out
    }

    /// A Markdown file's front matter, read by hand (`key: value` lines, and the items of
    /// a block list under `tags:`), and the text after it.
    fn front_matter(md: &str) -> (BTreeMap<String, String>, Vec<String>, String) {
        let rest = md
            .strip_prefix("---\n")
            .expect("front matter opens the file");
        let (head, body) = rest.split_once("\n---\n").expect("front matter is closed");
        let mut fields = BTreeMap::new();
        let mut tags = Vec::new();
        for line in head.lines() {
            if let Some(item) = line.strip_prefix("  - ") {
                tags.push(unquote(item));
            } else {
                let (key, value) = line.split_once(": ").unwrap_or((line, ""));
                fields.insert(key.trim_end_matches(':').to_string(), value.to_string());
            }
        }
        (fields, tags, body.strip_prefix('\n').unwrap().to_string())
    }

    #[test]
    fn comeback_json_holds_every_record_as_the_apps_reads_give_it_without_the_version() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        let summary = export_to(&v, &out).unwrap();

        let text = fs::read_to_string(out.join(EXPORT_JSON)).unwrap();
        let doc: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["format"], "comeback-export");
        assert_eq!(doc["format_version"], 1);
        assert_eq!(doc["app_version"], api::version());
        assert_eq!(doc["exported_at"], "2026-11-05T10:30:00+01:00");
        assert_eq!(doc["attachments"].as_array().unwrap().len(), 1);
        let rel = doc["attachments"][0]["path"].as_str().unwrap();
        assert_eq!(rel, "attachments/beach [1].jpg");
        assert_eq!(fs::read(out.join(rel)).unwrap(), b"jpeg bytes");
        let records = doc["records"].as_array().unwrap();
        assert_eq!(records.len(), summary.records);
        assert_eq!(summary.records, 20);
        assert_eq!(summary.entries, 3);
        assert_eq!(summary.attachments, 1);

        for kind in Kind::user_kinds() {
            let mut want = api::list_json(&v, kind.as_str(), 1000, 0).unwrap();
            for w in &mut want {
                w.as_object_mut().unwrap().remove("version").unwrap();
            }
            want.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            let mut got: Vec<Json> = records
                .iter()
                .filter(|r| r["kind"] == kind.as_str())
                .map(|r| r["record"].clone())
                .collect();
            got.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            assert!(!got.is_empty(), "the vault holds a {kind}");
            assert_eq!(got, want, "the {kind} records");
        }
        assert!(
            records.iter().all(|r| r["kind"] != "device"),
            "the device list is pairing state, not exported"
        );
        // One record a line, so the file greps and diffs well.
        assert_eq!(
            text.lines()
                .filter(|l| l.trim_start().starts_with("{\"kind\""))
                .count(),
            summary.records
        );
        let on_disk: u64 = files(&out)
            .iter()
            .map(|f| fs::metadata(out.join(f)).unwrap().len())
            .sum();
        assert_eq!(summary.bytes, on_disk);
        assert_eq!(
            summary.dir,
            fs::canonicalize(&out).unwrap().display().to_string()
        );
    }

    #[test]
    fn the_folder_holds_the_journal_debriefs_summary_stories_and_a_readme() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        export_to(&v, &out).unwrap();
        let beach =
            fs::read_to_string(out.join("journal/2026/10/2026-10-10-at-the-beach.md")).unwrap();
        assert!(
            beach.ends_with(
                "At the beach.\n\n![beach 1.jpg](../../../attachments/beach%20%5B1%5D.jpg)\n"
            ),
            "the entry links its photo relatively: {beach}"
        );
        assert_eq!(
            files(&out),
            [
                "README.md",
                "attachments/beach [1].jpg",
                "comeback.json",
                "debriefs/2026-10-03-leaving-acme.md",
                "journal/2026/10/2026-10-02-walked-by-the-river-it-rained.md",
                "journal/2026/10/2026-10-10-at-the-beach.md",
                "journal/2026/11/2026-11-01-second-month.md",
                "stories.md",
                "time-off-summary.md",
            ]
        );
        let debrief: Debrief = api::list(&v, 10).unwrap().remove(0);
        assert_eq!(
            fs::read_to_string(out.join("debriefs/2026-10-03-leaving-acme.md")).unwrap(),
            debrief.to_markdown()
        );
        let summary = api::time_off_summary(&v, Some(day("2026-09-01"))).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("time-off-summary.md")).unwrap(),
            summary.text
        );
        assert!(
            summary.text.contains("Garden app: 2.5 hours"),
            "{}",
            summary.text
        );

        let stories = fs::read_to_string(out.join("stories.md")).unwrap();
        let at = |s: &str| {
            stories
                .find(s)
                .unwrap_or_else(|| panic!("{s:?} not in {stories}"))
        };
        assert!(at("## Why I left") < at("### Why I left Acme"));
        assert!(at("### Why I left Acme") < at("## From a debrief's lessons"));
        assert!(at("## From a debrief's lessons") < at("### Rescuing the launch"));
        assert!(
            at("### Rescuing the launch") < at("From the debrief \u{201c}Leaving Acme\u{201d}")
        );
        assert!(at("## From wins") < at("### The beta"));
        assert!(at("From the win \u{201c}Shipped the beta\u{201d}") > at("## From wins"));
        assert!(at("## Other stories") < at("### A story of my own"));
        assert!(at("**Situation.** The cuts.") > 0);
        assert!(at("**Action.** I rewrote the plan.") > 0);

        let readme = fs::read_to_string(out.join("README.md")).unwrap();
        for named in [
            "comeback.json",
            "comeback import DIR",
            "journal/YYYY/MM/",
            "debriefs/",
            "time-off-summary.md",
            "stories.md",
        ] {
            assert!(readme.contains(named), "the README names {named}: {readme}");
        }
    }

    #[test]
    fn an_entrys_front_matter_reads_back_as_its_id_date_mood_tags_and_creation_time() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        export_to(&v, &out).unwrap();
        let entry = api::list_entries(&v, 10)
            .unwrap()
            .into_iter()
            .find(|e| e.mood.is_some())
            .unwrap();
        let md = fs::read_to_string(
            out.join("journal/2026/10/2026-10-02-walked-by-the-river-it-rained.md"),
        )
        .unwrap();
        let (fields, tags, body) = front_matter(&md);
        assert_eq!(unquote(&fields["id"]), entry.id);
        assert_eq!(fields["date"], "2026-10-02");
        assert_eq!(fields["mood"], "3");
        assert_eq!(fields["tags"], "", "the tags are a block list: {md}");
        assert_eq!(tags, ["walk", "c#:\"quoted\"", "it's\\ok"]);
        assert_eq!(tags, entry.tags);
        let created = DateTime::parse_from_rfc3339(&fields["created"]).unwrap();
        assert_eq!(created.timestamp(), entry.created_ms / 1000);
        assert_eq!(body, "Walked by the river: it rained.\nThen tea.\n");

        let md =
            fs::read_to_string(out.join("journal/2026/11/2026-11-01-second-month.md")).unwrap();
        let (fields, tags, body) = front_matter(&md);
        assert!(!fields.contains_key("mood"), "no mood, no line: {md}");
        assert_eq!(fields["tags"], "[]");
        assert!(tags.is_empty());
        assert_eq!(body, "Second month.\n");
    }

    #[test]
    fn yaml_strings_are_double_quoted_and_read_back_whatever_they_hold() {
        for s in [
            "plain",
            "key: value # not a comment",
            "\"quoted\" and 'single'",
            "back\\slash",
            "line\nbreak\ttab\r",
            "bell\u{7} del\u{7f} nel\u{85} ls\u{2028} bom\u{feff}",
            "- not a list",
            "",
            "é ü 中文 🙂",
        ] {
            let quoted = yaml_str(s);
            assert!(!quoted.contains('\n'), "one line: {quoted}");
            assert_eq!(unquote(&quoted), s);
        }
    }

    #[test]
    fn a_slug_is_the_first_lines_ascii_words_up_to_forty_characters() {
        assert_eq!(
            slug("Walked by the river\nIt rained", "entry"),
            "walked-by-the-river"
        );
        assert_eq!(
            slug("\n\n  # Héllo, World! 2026  ", "entry"),
            "h-llo-world-2026"
        );
        assert_eq!(slug("   \n\t", "entry"), "entry");
        assert_eq!(slug("¿¡!?", "debrief"), "debrief");
        let long = slug(
            "The quick brown fox jumps over the lazy dog again and again",
            "entry",
        );
        assert_eq!(long, "the-quick-brown-fox-jumps-over-the-lazy");
        assert!(long.len() <= SLUG_CHARS);
        assert_eq!(slug(&"a".repeat(60), "entry"), "a".repeat(40));
    }

    #[test]
    fn entries_of_one_day_with_the_same_first_line_are_numbered_in_the_order_written() {
        let mut v = test_vault::new();
        for (id, text, ms) in [
            ("e1aaaaaaaaaa", "Same title", 1_000),
            ("e2aaaaaaaaaa", "Same title", 2_000),
            ("e3aaaaaaaaaa", "Same title 2", 3_000),
            ("e4aaaaaaaaaa", "Same title", 4_000),
            ("e5aaaaaaaaaa", "Same title", 5_000),
        ] {
            let date = if ms == 5_000 {
                "2026-10-03"
            } else {
                "2026-10-02"
            };
            api::add(&mut v, entry(id, date, text, 1_790_000_000_000 + ms)).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        export_to(&v, &out).unwrap();
        let month = out.join("journal/2026/10");
        let mut by_name = BTreeMap::new();
        for name in names_in(&month) {
            let md = fs::read_to_string(month.join(&name)).unwrap();
            by_name.insert(name, unquote(&front_matter(&md).0["id"]));
        }
        let want: BTreeMap<String, String> = [
            ("2026-10-02-same-title.md", "e1aaaaaaaaaa"),
            ("2026-10-02-same-title-2.md", "e2aaaaaaaaaa"),
            // Its own name was taken by the second "Same title": the next free one.
            ("2026-10-02-same-title-2-2.md", "e3aaaaaaaaaa"),
            ("2026-10-02-same-title-3.md", "e4aaaaaaaaaa"),
            // Another day: the names start again.
            ("2026-10-03-same-title.md", "e5aaaaaaaaaa"),
        ]
        .into_iter()
        .map(|(n, id)| (n.to_string(), id.to_string()))
        .collect();
        assert_eq!(by_name, want);
    }

    #[test]
    fn an_entry_without_a_creation_time_has_no_created_line() {
        let mut v = test_vault::new();
        api::add(&mut v, entry("e1aaaaaaaaaa", "2026-10-02", "Old one", 0)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        export_to(&v, &out).unwrap();
        let md = fs::read_to_string(out.join("journal/2026/10/2026-10-02-old-one.md")).unwrap();
        assert!(!front_matter(&md).0.contains_key("created"), "{md}");
    }

    #[test]
    fn a_folder_that_holds_anything_is_refused_and_left_as_it_was() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = export_to(&v, &out).unwrap_err();
        assert_eq!(err.code(), "refused");
        assert!(
            err.to_string().contains("choose an empty or new folder"),
            "{err}"
        );
        assert_eq!(names_in(&out), ["notes.txt"]);
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(names_in(dir.path()), ["export"], "no partial folder made");

        let file = dir.path().join("a-file");
        fs::write(&file, "x").unwrap();
        let err = export_to(&v, &file).unwrap_err();
        assert_eq!(err.code(), "refused");
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
        assert_eq!(names_in(dir.path()), ["a-file", "export"]);
    }

    #[test]
    fn an_existing_empty_folder_and_a_folder_whose_parents_are_missing_are_filled() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        export_to(&v, &empty).unwrap();
        assert!(empty.join(EXPORT_JSON).is_file());
        let deep = dir.path().join("a/b/export");
        export_to(&v, &deep).unwrap();
        assert!(deep.join(EXPORT_JSON).is_file());
        assert_eq!(
            names_in(dir.path()),
            ["a", "empty"],
            "no partial folder left"
        );
        assert_eq!(names_in(&dir.path().join("a/b")), ["export"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_export_is_its_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        export_to(&v, &out).unwrap();
        let mode = fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn an_export_cut_off_midway_leaves_no_folder_behind() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            export(&v, &out, at(), &mut |p| {
                if p.step == "records" && p.done > 0 {
                    panic!("cut off");
                }
            })
        }));
        assert!(cut.is_err());
        assert!(!out.exists());
        assert!(
            names_in(dir.path()).is_empty(),
            "the partial folder is removed"
        );
    }

    #[test]
    fn a_folder_filled_while_the_export_ran_is_refused_at_the_end_and_kept_as_it_is() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        let mut seen = Vec::new();
        let err = export(&v, &out, at(), &mut |p| {
            if p.step == "documents" && p.done == 0 {
                fs::create_dir(&out).unwrap();
                fs::write(out.join("theirs.txt"), "theirs").unwrap();
            }
            seen.push(p.step.clone());
        })
        .unwrap_err();
        assert_eq!(err.code(), "refused");
        assert_eq!(names_in(&out), ["theirs.txt"]);
        assert_eq!(
            names_in(dir.path()),
            ["export"],
            "the partial folder is removed"
        );
        assert!(seen.contains(&"saving".to_string()));
    }

    #[test]
    fn progress_counts_every_record_then_the_documents_then_saving() {
        let v = filled();
        let dir = tempfile::tempdir().unwrap();
        let mut seen = Vec::new();
        let summary = export(&v, &dir.path().join("export"), at(), &mut |p| {
            seen.push(p.clone());
        })
        .unwrap();
        let records: Vec<&Progress> = seen.iter().filter(|p| p.step == "records").collect();
        assert_eq!(records[0].done, 0);
        assert!(records.iter().all(|p| p.total == summary.records as u64));
        assert_eq!(records.last().unwrap().done, summary.records as u64);
        assert!(records.windows(2).all(|w| w[0].done <= w[1].done));
        let steps: Vec<&str> = seen.iter().map(|p| p.step.as_str()).collect();
        let first = |s: &str| steps.iter().position(|x| *x == s).unwrap();
        assert!(first("records") < first("documents"));
        assert!(first("documents") < first("saving"));
        assert_eq!(seen.last().unwrap(), &step("saving", 1, 1));
    }

    #[test]
    fn an_empty_vault_exports_an_empty_list_and_the_documents() {
        let v = test_vault::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        let summary = export_to(&v, &out).unwrap();
        assert_eq!(summary.records, 0);
        let doc: Json =
            serde_json::from_str(&fs::read_to_string(out.join(EXPORT_JSON)).unwrap()).unwrap();
        assert_eq!(doc["records"], json!([]));
        assert_eq!(
            files(&out),
            [
                "README.md",
                "comeback.json",
                "stories.md",
                "time-off-summary.md"
            ]
        );
    }

    #[test]
    fn more_records_than_a_page_are_all_exported_once() {
        let mut v = test_vault::new();
        let n = PAGE + 7;
        for i in 0..n {
            api::add(
                &mut v,
                entry(
                    &format!("e{i:011}"),
                    "2026-10-02",
                    "Same day, same time",
                    1_790_000_000_000,
                ),
            )
            .unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        let summary = export_to(&v, &out).unwrap();
        assert_eq!(summary.entries, n);
        let doc: Json =
            serde_json::from_str(&fs::read_to_string(out.join(EXPORT_JSON)).unwrap()).unwrap();
        let ids: HashSet<&str> = doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["record"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), n);
        assert_eq!(names_in(&out.join("journal/2026/10")).len(), n);
    }
}
