//! Bringing a journal in: a Comeback export (records back with their ids, photos with
//! their bytes), or what another journal exported (Day One, jrnl, a folder of daily
//! notes; read by `crate::sources`). An import is one action: everything is stored or
//! nothing is, even if the process is killed in the middle (`Vault::batch`). Importing
//! the same thing twice adds nothing the second time: records keep their ids, and an
//! entry from another journal gets an id made from where it came from.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use ts_rs::TS;

use super::{EXPORT_FORMAT, EXPORT_FORMAT_VERSION, EXPORT_JSON as EXPORT_FILE, Progress};
use crate::doc;
use crate::error::{Error, Result};
use crate::model::{
    self, Attachment, Entry, Invalid, Kind, KindVisitor, MAX_ATTACHMENT_BYTES, Record,
};
use crate::sources::{self, ImportedEntry, Parsed};
use crate::vault::Vault;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportSummary {
    /// What was recognised ("Comeback export", "Day One export"…).
    pub format: String,
    /// Records added.
    pub added: usize,
    /// Records that were already here, equal.
    pub unchanged: usize,
    /// What was not taken, each with the reason.
    pub skipped: Vec<ImportSkip>,
    /// Files (photos) added with their bytes.
    pub attachments: usize,
}

/// One thing an import did not take, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportSkip {
    pub source: String,
    pub reason: String,
}

/// Imports what `path` is: a Comeback export (its folder or its `comeback.json`), a Day
/// One export (folder or `.zip`), a jrnl JSON export, or a folder of daily notes. A file
/// that is none of these, or is damaged, is refused with what was expected, and nothing
/// is written.
pub fn import(
    vault: &mut Vault,
    path: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ImportSummary> {
    if !path.exists() {
        return Err(refusal(
            path,
            "there is nothing there; check the path and try again",
        ));
    }
    if let Some(file) = own_export_file(path)? {
        return import_export(vault, &file, progress);
    }
    match sources::read(path).map_err(|e| refusal(path, &e.to_string()))? {
        Some(parsed) => import_parsed(vault, parsed, progress),
        None => Err(refusal(
            path,
            "this is not something Comeback can import; it takes a Comeback export (a folder with comeback.json), a Day One export (its folder or .zip, with Journal.json), a jrnl JSON export (jrnl --export json), or a folder of daily notes named YYYY-MM-DD.md",
        )),
    }
}

fn refusal(path: &Path, message: &str) -> Error {
    Error::Invalid(Invalid::new(path.display().to_string(), message))
}

/// `comeback.json` itself, or the one at the root of a folder.
fn own_export_file(path: &Path) -> Result<Option<PathBuf>> {
    let file = if path.is_dir() {
        path.join(EXPORT_FILE)
    } else {
        path.to_path_buf()
    };
    if file.file_name().and_then(|n| n.to_str()) == Some(EXPORT_FILE) && file.is_file() {
        return Ok(Some(file));
    }
    // A renamed copy of comeback.json is still ours if it says so.
    if file.is_file() && file.extension().is_some_and(|e| e == "json") {
        let mut head = [0u8; 256];
        let n = std::io::Read::read(
            &mut std::fs::File::open(&file)
                .map_err(|e| Error::Io(format!("could not read {}: {e}", file.display())))?,
            &mut head,
        )
        .unwrap_or(0);
        let head = String::from_utf8_lossy(&head[..n]);
        if head.contains(EXPORT_FORMAT) {
            return Ok(Some(file));
        }
    }
    Ok(None)
}

// ----- a Comeback export -----

#[derive(Deserialize)]
struct ExportFile<'a> {
    format: String,
    format_version: u32,
    #[serde(borrow)]
    records: Vec<ExportedRecord<'a>>,
    #[serde(default)]
    attachments: Vec<ExportedFile>,
}

#[derive(Deserialize)]
struct ExportedRecord<'a> {
    kind: String,
    #[serde(borrow)]
    record: &'a RawValue,
}

/// An attachment's bytes in an export: where they are, relative to `comeback.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportedFile {
    pub sha256: String,
    pub path: String,
}

fn import_export(
    vault: &mut Vault,
    file: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ImportSummary> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::Io(format!("could not read {}: {e}", file.display())))?;
    let export: ExportFile = serde_json::from_str(&text).map_err(|e| {
        refusal(
            file,
            &format!(
                "this comeback.json is damaged ({e}); export again from Comeback, or import a copy you kept"
            ),
        )
    })?;
    if export.format != EXPORT_FORMAT {
        return Err(refusal(
            file,
            &format!(
                "this says it is \"{}\", not a Comeback export; choose the comeback.json of an export",
                export.format
            ),
        ));
    }
    if export.format_version > EXPORT_FORMAT_VERSION {
        return Err(refusal(
            file,
            "this export was written by a newer Comeback; update Comeback on this device, then import it",
        ));
    }
    let root = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let files: BTreeMap<String, String> = export
        .attachments
        .iter()
        .map(|f| (f.sha256.clone(), f.path.clone()))
        .collect();
    let mut plan = Plan::default();
    let total = export.records.len() as u64;
    for (n, r) in export.records.iter().enumerate() {
        let source = format!("{} record {}", r.kind, n + 1);
        match Kind::parse(&r.kind) {
            None => plan.skip(
                source,
                format!(
                    "a kind of record this version does not know ({}); update Comeback to import it",
                    r.kind
                ),
            ),
            Some(Kind::Device) => plan.skip(
                source,
                "the device list is not imported: pair your devices again instead".into(),
            ),
            Some(kind) => kind.visit(Take {
                vault,
                plan: &mut plan,
                json: r.record.get(),
                source,
            })?,
        }
        if n % 500 == 0 {
            progress(&at("reading", n as u64, total));
        }
    }
    vault.batch(|vault| {
        let wanted = plan.attachments_to_fill(vault)?;
        let count = wanted.len() as u64;
        for (done, a) in wanted.into_iter().enumerate() {
            progress(&at("attachments", done as u64, count));
            let Some(rel) = files.get(&a.sha256) else {
                plan.drop_attachment(
                    &a,
                    "its bytes are not in the export (no file listed for it)".into(),
                );
                continue;
            };
            let Some(path) = inside(&root, rel) else {
                plan.drop_attachment(&a, format!("its file \"{rel}\" is outside the export"));
                continue;
            };
            let mut reader = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) => {
                    plan.drop_attachment(&a, format!("its file {rel} could not be read ({e})"));
                    continue;
                }
            };
            let (sha, _) = vault.put_blob(&mut reader, MAX_ATTACHMENT_BYTES, &a.name)?;
            if sha != a.sha256 {
                vault.release_blob(&sha)?;
                plan.drop_attachment(
                    &a,
                    format!("its file {rel} does not match the SHA-256 the export lists"),
                );
                continue;
            }
            plan.summary.attachments += 1;
        }
        plan.write(vault, progress)
    })?;
    let mut summary = plan.summary;
    summary.format = "Comeback export".into();
    Ok(summary)
}

/// `rel` under `root`, if it names a file inside it (no `..`, not absolute).
fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then(|| root.join(rel))
}

/// Reads one exported record as its kind and plans its write.
struct Take<'v, 'p> {
    vault: &'v Vault,
    plan: &'p mut Plan,
    json: &'v str,
    source: String,
}

impl KindVisitor for Take<'_, '_> {
    type Out = Result<()>;
    fn visit<R: Record>(self) -> Result<()> {
        let record: R = match serde_json::from_str(self.json) {
            Ok(r) => r,
            Err(e) => {
                self.plan.skip(
                    self.source,
                    format!("it does not read as a {} ({e})", R::KIND),
                );
                return Ok(());
            }
        };
        self.plan.take(self.vault, record)
    }
}

/// What an import will write, document by document.
#[derive(Default)]
struct Plan {
    summary: ImportSummary,
    /// Per document, the records to write there.
    writes: BTreeMap<String, Vec<Pending>>,
    seen: HashSet<(String, String)>,
    /// Attachments being added (their bytes are filled in before the records are written).
    new_attachments: Vec<Attachment>,
}

struct Pending {
    kind: &'static str,
    id: String,
    write: Write,
}

/// One planned write into a document; `Send`, so a new document can be built on another
/// thread.
type Write = Box<dyn FnOnce(&mut AutoCommit) -> Result<()> + Send>;

impl Plan {
    fn skip(&mut self, source: String, reason: String) {
        self.summary.skipped.push(ImportSkip { source, reason });
    }

    /// Plans one record: added if new, counted if equal, skipped if this vault holds a
    /// different version of it (nothing here is overwritten by an import).
    fn take<R: Record>(&mut self, vault: &Vault, record: R) -> Result<()> {
        let name = format!("{} {}", R::KIND, record.id());
        if let Err(e) = record.validate() {
            self.skip(name, e.to_string());
            return Ok(());
        }
        if !self.seen.insert((R::KIND.into(), record.id().into())) {
            self.skip(name, "it is listed twice; the first was taken".into());
            return Ok(());
        }
        match vault.get::<R>(record.id())? {
            Some(existing) if existing == record => self.summary.unchanged += 1,
            Some(_) => self.skip(
                name,
                "this vault has it already, changed since; its version here is kept".into(),
            ),
            None => {
                let doc_id = record.home().doc_id();
                // Only an attachment is read again as one (not every record an import takes).
                if R::KIND == Attachment::KIND
                    && let Ok(a) =
                        serde_json::to_value(&record).and_then(serde_json::from_value::<Attachment>)
                {
                    self.new_attachments.push(a);
                }
                self.summary.added += 1;
                self.writes.entry(doc_id).or_default().push(Pending {
                    kind: R::KIND,
                    id: record.id().to_string(),
                    write: Box::new(move |d: &mut AutoCommit| Ok(doc::put_record(d, &record)?)),
                });
            }
        }
        Ok(())
    }

    /// The new attachments whose bytes this vault does not have yet.
    fn attachments_to_fill(&self, vault: &Vault) -> Result<Vec<Attachment>> {
        let mut out = Vec::new();
        let mut asked = HashSet::new();
        for a in &self.new_attachments {
            if vault.blob_size(&a.sha256)?.is_none() && asked.insert(a.sha256.clone()) {
                out.push(a.clone());
            }
        }
        Ok(out)
    }

    /// Takes an attachment whose bytes cannot be had out of the plan, with the reason.
    fn drop_attachment(&mut self, a: &Attachment, reason: String) {
        for a2 in self.new_attachments.iter().filter(|x| x.sha256 == a.sha256) {
            let doc = a2.home().doc_id();
            if let Some(list) = self.writes.get_mut(&doc) {
                let before = list.len();
                list.retain(|p| !(p.kind == Attachment::KIND && p.id == a2.id));
                self.summary.added -= before - list.len();
            }
            self.summary.skipped.push(ImportSkip {
                source: format!("attachment {} ({})", a2.id, a2.name),
                reason: reason.clone(),
            });
        }
    }

    /// Writes every planned record, one change per document. Documents this vault has
    /// none of (most of an import into a new vault) are built on as many threads as the
    /// device has cores, then stored one after another; the rest go through the ordinary
    /// write path.
    fn write(&mut self, vault: &mut Vault, progress: &mut dyn FnMut(&Progress)) -> Result<()> {
        let writes = std::mem::take(&mut self.writes);
        let total = writes.len() as u64;
        let mut fresh = Vec::new();
        let mut done = 0u64;
        for (doc_id, pending) in writes {
            if vault.has_document(&doc_id)? {
                progress(&at("records", done, total));
                let edits: Vec<crate::vault::Edit<'static>> = pending
                    .into_iter()
                    .map(|p| Box::new(p.write) as crate::vault::Edit<'static>)
                    .collect();
                vault.write_many(&doc_id, edits)?;
                done += 1;
            } else {
                fresh.push((doc_id, pending));
            }
        }
        let actor = vault.actor().clone();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let queue = std::sync::Mutex::new(fresh.into_iter());
        // A finished document waits for the one being stored: memory stays bounded by
        // the documents being built, plus one.
        let (built, finished) = std::sync::mpsc::sync_channel::<Result<(String, AutoCommit)>>(0);
        std::thread::scope(|scope| -> Result<()> {
            for _ in 0..workers {
                let built = built.clone();
                let queue = &queue;
                let actor = actor.clone();
                scope.spawn(move || {
                    loop {
                        let next = queue.lock().ok().and_then(|mut q| q.next());
                        let Some((doc_id, pending)) = next else { break };
                        if built
                            .send(build_document(&doc_id, actor.clone(), pending))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            }
            drop(built);
            let mut failure = None;
            for result in finished.iter() {
                if failure.is_some() {
                    continue;
                }
                match result.and_then(|(doc_id, doc)| vault.adopt_new_document(&doc_id, doc)) {
                    Ok(()) => {
                        done += 1;
                        progress(&at("records", done, total));
                    }
                    Err(e) => {
                        // Stop the workers taking more, and let them finish.
                        if let Ok(mut q) = queue.lock() {
                            q.by_ref().for_each(drop);
                        }
                        failure = Some(e);
                    }
                }
            }
            failure.map_or(Ok(()), Err)
        })?;
        progress(&at("records", total, total));
        Ok(())
    }
}

/// A new document holding the planned records, built apart from the vault.
fn build_document(
    doc_id: &str,
    actor: automerge::ActorId,
    pending: Vec<Pending>,
) -> Result<(String, AutoCommit)> {
    let mut doc = doc::new_document(doc_id, actor)?;
    for p in pending {
        (p.write)(&mut doc)?;
    }
    doc.commit_with(
        automerge::transaction::CommitOptions::default()
            .with_time(crate::vault::now_millis() / 1000),
    );
    Ok((doc_id.to_string(), doc))
}

// ----- another journal's export -----

fn import_parsed(
    vault: &mut Vault,
    parsed: Parsed,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ImportSummary> {
    let label = parsed.format.label().to_string();
    let mut plan = Plan::default();
    for s in parsed.skipped {
        plan.skip(s.source, s.reason);
    }
    let total = parsed.entries.len() as u64;
    let entries = parsed.entries;
    vault.batch(|vault| {
        for (n, imported) in entries.into_iter().enumerate() {
            if n % 50 == 0 {
                progress(&at("entries", n as u64, total));
            }
            take_entry(vault, &mut plan, imported, &label)?;
        }
        plan.write(vault, progress)
    })?;
    let mut summary = plan.summary;
    summary.format = label;
    Ok(summary)
}

/// Plans one entry from another journal, and stores the bytes of its files now (they
/// are part of the same batch, so they go if the import fails).
fn take_entry(
    vault: &mut Vault,
    plan: &mut Plan,
    imported: ImportedEntry,
    label: &str,
) -> Result<()> {
    let text = if imported.text.trim().is_empty() && !imported.files.is_empty() {
        match imported.files.len() {
            1 => format!("A photo from {label}"),
            n => format!("{n} photos from {label}"),
        }
    } else {
        imported.text.clone()
    };
    for missing in &imported.missing_files {
        plan.skip(imported.source.clone(), missing.clone());
    }
    let mut kept = imported.extra.clone();
    // What the other journal said of each photo (its size, date, place, camera…).
    let described: serde_json::Map<String, serde_json::Value> = imported
        .files
        .iter()
        .filter(|f| !f.extra.is_empty())
        .map(|f| (f.name.clone(), serde_json::Value::Object(f.extra.clone())))
        .collect();
    if !described.is_empty() {
        kept.insert("files".into(), serde_json::Value::Object(described));
    }
    let mut entry = Entry {
        id: id_from(&format!("entry\0{}", imported.origin)),
        date: imported.date,
        text,
        mood: imported.mood,
        tags: imported.tags.clone(),
        created_ms: imported.created_ms,
        imported: kept,
    };
    entry.normalise();
    if let Err(e) = entry.validate() {
        plan.skip(imported.source, e.to_string());
        return Ok(());
    }
    let entry_id = entry.id.clone();
    let added_before = plan.summary.added;
    plan.take(vault, entry.clone())?;
    let entry_taken = plan.summary.added > added_before
        || vault.get::<Entry>(&entry_id)?.is_some_and(|e| e == entry);
    if !entry_taken {
        return Ok(());
    }
    for (i, file) in imported.files.iter().enumerate() {
        let id = id_from(&format!("file\0{}\0{i}\0{}", imported.origin, file.name));
        if vault.get::<Attachment>(&id)?.is_some() {
            plan.summary.unchanged += 1;
            continue;
        }
        let source = format!("{} ({})", imported.source, file.name);
        if file.size > MAX_ATTACHMENT_BYTES {
            plan.skip(
                source,
                format!(
                    "the file is over the {} MB a file on an entry may be",
                    MAX_ATTACHMENT_BYTES / (1024 * 1024)
                ),
            );
            continue;
        }
        let mut reader = match file.open() {
            Ok(r) => r,
            Err(e) => {
                plan.skip(source, format!("the file could not be read ({e})"));
                continue;
            }
        };
        let (sha256, size) = vault.put_blob(&mut reader, MAX_ATTACHMENT_BYTES, &file.name)?;
        let attachment = Attachment {
            id,
            entry: entry_id.clone(),
            date: entry.date,
            name: clean_name(&file.name),
            media_type: if file.media_type.is_empty() {
                model::media_type_of(&file.name).to_string()
            } else {
                file.media_type.clone()
            },
            size,
            sha256,
            added_ms: entry.created_ms,
        };
        let before = plan.summary.added;
        plan.take(vault, attachment)?;
        if plan.summary.added > before {
            plan.summary.added -= 1;
            plan.summary.attachments += 1;
        }
    }
    Ok(())
}

fn at(step: &str, done: u64, total: u64) -> Progress {
    Progress {
        step: step.into(),
        done,
        total,
    }
}

/// A file name that passes `Attachment::validate`: the last part of a path, with
/// control characters dropped.
fn clean_name(name: &str) -> String {
    // A name of separators only is kept whole by `file_name`: they go with the rest.
    let clean: String = super::attachments::file_name(name)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(model::MAX_FILE_NAME_CHARS)
        .collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".into()
    } else {
        clean
    }
}

/// A record id made from where a record came from: the same source gives the same id,
/// so a second import finds what the first one added.
fn id_from(origin: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"comeback import id v1\0")
        .chain_update(origin.as_bytes())
        .finalize();
    model::id_from_bytes(&digest)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::api::test_vault::{self, TestVault};
    use crate::api::{attach, attachment_bytes, list_json};
    use crate::model::{Event, EventKind, Intro, Profile, SetbackKind, Story, Worry};

    fn quiet() -> impl FnMut(&Progress) {
        |_| {}
    }

    fn now() -> chrono::DateTime<chrono::FixedOffset> {
        "2026-11-30T12:00:00+01:00".parse().unwrap()
    }

    /// Every record of every kind a person writes, without versions, sorted: what must
    /// survive an export and an import unchanged.
    fn everything(v: &Vault) -> BTreeMap<String, Vec<serde_json::Value>> {
        let mut out = BTreeMap::new();
        for kind in Kind::user_kinds() {
            let mut rows = list_json(v, kind.as_str(), usize::MAX, 0).unwrap();
            for r in &mut rows {
                r.as_object_mut().unwrap().remove("version");
            }
            rows.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            out.insert(kind.as_str().to_string(), rows);
        }
        out
    }

    /// A vault holding some of every kind, with the seeded journal's variety, random
    /// prose, fields another journal kept, and photos of random bytes.
    fn random_vault(seed: u64, photos: usize, text: &str) -> TestVault {
        use rand::{Rng, SeedableRng};
        let mut t = test_vault::new();
        let mut plan = crate::sample::Plan::scaled(0.004);
        plan.edits_per_entry = 1;
        plan.words_per_entry = 20;
        crate::sample::fill(&mut t.vault, &plan, seed, |_, _| {}).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let day = |d: u32| {
            model::Date::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Duration::days(d as i64)
        };
        let v = &mut t.vault;
        v.put(&Profile {
            setback: SetbackKind::BusinessFolded,
            happened_on: day(3),
            what_happened: text.into(),
            worry_time: Some("18:30".into()),
            ..Profile::default()
        })
        .unwrap();
        v.put(&Worry {
            id: model::new_id(),
            date: day(5),
            text: format!("worry {text}"),
            resolved: rng.random_bool(0.5),
        })
        .unwrap();
        let contact = v.list::<model::Contact>(1, 0).unwrap().remove(0);
        v.put(&Intro {
            id: model::new_id(),
            via_contact_id: contact.id.clone(),
            to_name: "Ada".into(),
            requested_on: day(9),
            notes: text.into(),
            ..Default::default()
        })
        .unwrap();
        v.put(&Event {
            id: model::new_id(),
            date: day(11),
            title: "Meetup".into(),
            kind: EventKind::default(),
            contact_ids: vec![contact.id.clone()],
            notes: text.into(),
            ..Default::default()
        })
        .unwrap();
        v.put(&Story {
            id: model::new_id(),
            title: "The launch".into(),
            situation: text.into(),
            why_i_left: true,
            ..Default::default()
        })
        .unwrap();
        let entries = v.list::<Entry>(usize::MAX, 0).unwrap();
        let mut kept = entries[0].clone();
        kept.imported = json!({"dayone": {"starred": true, "location": {"lat": 48.85, "place": text}, "tags": ["a b", 3]}})
            .as_object()
            .unwrap()
            .clone();
        v.put(&kept).unwrap();
        for i in 0..photos {
            let e = &entries[rng.random_range(0..entries.len())];
            let len = rng.random_range(0..600_000usize);
            let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
            attach(v, &e.id, &format!("photo {i} é.jpg"), None, &mut &bytes[..]).unwrap();
        }
        t
    }

    fn round_trip(seed: u64, photos: usize, text: &str) {
        let from = random_vault(seed, photos, text);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        crate::api::export(&from, &out, now(), &mut quiet()).unwrap();
        let mut to = test_vault::new();
        let summary = import(&mut to, &out, &mut quiet()).unwrap();
        assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
        assert_eq!(summary.attachments, photos_with_distinct_bytes(&from));
        assert_eq!(everything(&from), everything(&to));
        for a in to.list::<Attachment>(usize::MAX, 0).unwrap() {
            assert_eq!(
                attachment_bytes(&to, &a.id).unwrap(),
                attachment_bytes(&from, &a.id).unwrap()
            );
        }
        // A second import adds nothing and changes nothing.
        let before = everything(&to);
        let again = import(&mut to, &out, &mut quiet()).unwrap();
        assert_eq!((again.added, again.attachments), (0, 0));
        assert_eq!(again.unchanged, summary.added);
        assert_eq!(everything(&to), before);
    }

    fn photos_with_distinct_bytes(v: &Vault) -> usize {
        v.list::<Attachment>(usize::MAX, 0)
            .unwrap()
            .into_iter()
            .map(|a| a.sha256)
            .collect::<HashSet<_>>()
            .len()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
        #[test]
        fn a_random_vault_exported_and_imported_into_an_empty_one_is_the_same(
            seed in any::<u64>(),
            photos in 0usize..4,
            text in "[a-zA-Z0-9 éß漢🙂\\n#:\"'-]{1,80}",
        ) {
            round_trip(seed, photos, &text);
        }
    }

    fn day_one(dir: &Path) {
        std::fs::create_dir_all(dir.join("photos")).unwrap();
        std::fs::write(dir.join("photos/0123abcd.jpeg"), b"jpeg bytes").unwrap();
        let journal = json!({
            "metadata": {"version": "1.0"},
            "entries": [
                {"uuid": "A1", "creationDate": "2024-03-05T07:30:00Z", "timeZone": "America/Los_Angeles",
                 "text": "Late night\\. Got the \\(first\\) call\\!\n\n![](dayone-moment://P1)", "tags": ["job search"],
                 "starred": true, "weather": {"temperatureCelsius": 11},
                 "photos": [{"identifier": "P1", "md5": "0123abcd", "type": "jpeg"}]},
                {"uuid": "A2", "creationDate": "2024-03-05T07:30:00Z", "timeZone": "Europe/Paris", "text": "Same second"},
                {"uuid": "A3", "creationDate": "2024-03-06T10:00:00Z", "timeZone": "UTC", "text": ""}
            ]
        });
        std::fs::write(dir.join("Journal.json"), journal.to_string()).unwrap();
    }

    #[test]
    fn a_day_one_export_comes_in_with_local_dates_photos_and_kept_fields_and_twice_adds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        day_one(dir.path());
        let mut t = test_vault::new();
        let s = import(&mut t, dir.path(), &mut quiet()).unwrap();
        assert_eq!(s.format, "Day One export");
        assert_eq!((s.added, s.attachments), (2, 1));
        assert_eq!(s.skipped.len(), 1, "{:?}", s.skipped);
        assert!(s.skipped[0].reason.contains("empty"), "{:?}", s.skipped);
        let entries = t.list::<Entry>(10, 0).unwrap();
        let late = entries.iter().find(|e| e.text.starts_with("Late")).unwrap();
        // 07:30 UTC is 23:30 the evening before in Los Angeles.
        assert_eq!(late.date.to_string(), "2024-03-04");
        assert_eq!(late.text.trim(), "Late night. Got the (first) call!");
        assert_eq!(late.tags, vec!["job-search"]);
        assert_eq!(late.imported["dayone"]["starred"], json!(true));
        let files = crate::api::attachments_of(&t, &late.id).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(
            attachment_bytes(&t, &files[0].attachment.id).unwrap(),
            b"jpeg bytes"
        );
        let before = everything(&t);
        let again = import(&mut t, dir.path(), &mut quiet()).unwrap();
        assert_eq!((again.added, again.attachments, again.unchanged), (0, 0, 3));
        assert_eq!(everything(&t), before);
    }

    #[test]
    fn an_entry_edited_since_it_was_imported_is_kept_as_edited() {
        let dir = tempfile::tempdir().unwrap();
        day_one(dir.path());
        let mut t = test_vault::new();
        import(&mut t, dir.path(), &mut quiet()).unwrap();
        let mut e = t.list::<Entry>(10, 0).unwrap().remove(0);
        e.text = "Edited here".into();
        t.put(&e).unwrap();
        let again = import(&mut t, dir.path(), &mut quiet()).unwrap();
        assert_eq!(again.added, 0);
        assert!(again.skipped.iter().any(|s| s.reason.contains("kept")));
        assert_eq!(t.get::<Entry>(&e.id).unwrap().unwrap().text, "Edited here");
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = test_vault::new();
        let bad = dir.path().join("comeback.json");
        std::fs::write(&bad, "{\"format\": \"comeback-export\", \"records\": [").unwrap();
        let e = import(&mut t, &bad, &mut quiet()).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "hello").unwrap();
        let e = import(&mut t, &other, &mut quiet()).unwrap_err();
        assert!(e.to_string().contains("Day One"), "{e}");
        let newer = dir.path().join("newer");
        std::fs::create_dir(&newer).unwrap();
        std::fs::write(
            newer.join("comeback.json"),
            json!({"format": "comeback-export", "format_version": 99, "records": []}).to_string(),
        )
        .unwrap();
        let e = import(&mut t, &newer, &mut quiet()).unwrap_err();
        assert!(e.to_string().contains("newer Comeback"), "{e}");
        assert!(everything(&t).values().all(Vec::is_empty));
    }

    #[test]
    fn an_export_whose_photo_does_not_match_its_hash_skips_that_photo_with_the_reason() {
        let from = random_vault(7, 1, "x");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        crate::api::export(&from, &out, now(), &mut quiet()).unwrap();
        let a = from.list::<Attachment>(1, 0).unwrap().remove(0);
        let listed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("comeback.json")).unwrap())
                .unwrap();
        let rel = listed["attachments"][0]["path"]
            .as_str()
            .unwrap()
            .to_string();
        std::fs::write(out.join(&rel), b"not the photo").unwrap();
        let mut to = test_vault::new();
        let s = import(&mut to, &out, &mut quiet()).unwrap();
        assert_eq!(s.attachments, 0);
        assert!(
            s.skipped.iter().any(|k| k.reason.contains("SHA-256")),
            "{:?}",
            s.skipped
        );
        assert!(to.get::<Attachment>(&a.id).unwrap().is_none());
        assert_eq!(to.blob_totals().unwrap(), (0, 0));
    }
}
