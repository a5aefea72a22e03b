//! A vault: one folder holding one encrypted database, opened by one process at a time.
//!
//! The vault owns the write path. Every user action becomes one Automerge commit on the
//! document(s) it touches, and one SQLite transaction that stores the change bytes, the
//! mirror rows derived from Automerge's diff of that commit, and the new heads. If that
//! transaction fails, the documents held in memory are dropped and re-read from disk on
//! next use, so memory is never ahead of what was stored. The screen path (lists, search,
//! `get`) reads only the mirror and never loads a document.
//!
//! Folder layout: `vault.json` (the vault's id and where its key lives; no secrets),
//! `comeback.db` (SQLCipher), and `lock` (an advisory lock the OS releases when a
//! process dies, so a crash never leaves the vault stuck).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use automerge::{ActorId, AutoCommit, ChangeHash};
use serde::{Deserialize, Serialize};

use crate::doc;
use crate::error::{Error, Result};
use crate::keys::{self, Keychain, RecoveryKey, SecretKey};
use crate::model::Record;
use crate::store::{self, Hit, MirrorRow, Quarantined, SetAside, Store, StoreError};
use crate::version::Version;

const VAULT_FILE: &str = "vault.json";
const DB_FILE: &str = "comeback.db";
const LOCK_FILE: &str = "lock";
/// Incremental chunks a document may gather before they are folded into one snapshot.
const COMPACT_AFTER: i64 = 64;
/// Documents kept loaded at most. The screens need a handful (the core shards and this
/// month); a sync that walks every month must not hold ten years in memory.
const CACHE_DOCS: usize = 16;
/// A document goes to a peer as its stored chunks, unloaded, while the changes since its
/// last compaction take at most 1/`SENT_AS_STORED` of its snapshot's bytes: changes one
/// by one take more room than a compact save of them (all of the ten-year journal's
/// documents sent as stored: 1.87x its compacted size; at most the snapshot's size:
/// 1.11x; an eighth of it: 1.01x, the same as sending every document compacted).
const SENT_AS_STORED: usize = 8;
/// From this size of stored chunks on, a document is compacted by the size of its changes
/// as well as by their number (see [`Compaction`]). A month of the ten-year journal
/// weighs ~10 KB compacted.
const COMPACT_BY_SIZE_FROM: i64 = 4 * 1024;

/// When a document is compacted (its chunks replaced by one save): after `after`
/// changes, and one of `COMPACT_BY_SIZE_FROM` or more also as soon as its changes outweigh
/// 1/`SENT_AS_STORED` of its snapshot. Then it always goes to a new peer as it is stored, never loaded
/// (see [`Vault::snapshot`]), which is what keeps a first sync's memory down (`serve` on
/// the ten-year journal: 44.0 MiB at its peak by the count alone, 33.1 MiB with this),
/// for one save of the document per eighth of its size in changes. A tiny document is
/// cheap to load and is left to the count.
#[derive(Debug, Clone, Copy)]
struct Compaction {
    after: i64,
    by_size: bool,
}

impl Default for Compaction {
    fn default() -> Self {
        Compaction {
            after: COMPACT_AFTER,
            by_size: true,
        }
    }
}

impl Compaction {
    fn due(self, f: store::Footprint) -> bool {
        f.changes >= self.after
            || (self.by_size
                && f.snapshot_bytes + f.change_bytes >= COMPACT_BY_SIZE_FROM
                && f.change_bytes * SENT_AS_STORED as i64 > f.snapshot_bytes)
    }
}

/// Where the database key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// The OS keychain (or, in tests of error paths, a given store).
    Keychain(Keychain),
    /// An explicit key file, mode 0600, for a headless home box.
    KeyFile(PathBuf),
}

impl KeySource {
    pub fn platform() -> Result<Self> {
        Ok(KeySource::Keychain(Keychain::platform()?))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct VaultFile {
    format: u32,
    id: String,
    /// "keychain" or "key-file": where `open` should look without being told.
    key: String,
    /// A short digest of the database key ([`key_check`]), so a database that does not
    /// decrypt can be told apart: wrong key, or right key and a damaged file. Added on
    /// first open by versions that know it; older versions ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_check: Option<String>,
}

/// 16 hex digits of SHA-256 over a label and the key: enough to tell the right key from
/// a wrong one, and nothing an attacker can use (the key is 256 random bits).
fn key_check(key: &SecretKey) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"comeback key check v1\0")
        .chain_update(key.as_bytes())
        .finalize();
    data_encoding::HEXLOWER.encode(&digest[..8])
}

fn write_vault_file(dir: &Path, file: &VaultFile) -> Result<()> {
    let text = serde_json::to_string_pretty(file)
        .map_err(|e| Error::Internal(format!("vault.json does not serialise: {e}")))?;
    let tmp = dir.join("vault.json.tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, dir.join(VAULT_FILE)))
        .map_err(|e| Error::io("writing vault.json", e))
}

/// Opens the database of the vault in `dir` with `key`, telling apart a database that is
/// missing or empty, one the key does not open, and one the right key cannot read.
fn open_store(dir: &Path, file: &VaultFile, key: &SecretKey) -> Result<(Store, bool)> {
    let path = dir.join(DB_FILE);
    match std::fs::metadata(&path) {
        Ok(m) if m.len() > 0 => {}
        Ok(_) => return Err(Error::DatabaseMissing(dir.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::DatabaseMissing(dir.to_path_buf()));
        }
        Err(e) => return Err(Error::io("reading the vault's database", e)),
    }
    match Store::open(&path, key) {
        Err(StoreError::WrongKey) if file.key_check.as_deref() == Some(&key_check(key)) => {
            Err(Error::DatabaseDamaged(dir.to_path_buf()))
        }
        other => Ok(other?),
    }
}

/// What `doctor` found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub documents: usize,
    pub records: usize,
    pub problems: Vec<String>,
    pub quarantined: Vec<Quarantined>,
    /// Records that break a rule and are not shown (see `store::SetAside`).
    pub set_aside: Vec<SetAside>,
}

impl Report {
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One document's staged commit, waiting for its transaction.
struct Staged {
    doc_id: String,
    after: Vec<ChangeHash>,
    bytes: Vec<u8>,
    touched: doc::Touched,
}

pub(crate) type Edit<'a> = Box<dyn FnOnce(&mut AutoCommit) -> Result<()> + 'a>;

pub struct Vault {
    dir: PathBuf,
    id: String,
    store: Store,
    docs: HashMap<String, AutoCommit>,
    /// When each cached document was last used (a counter), to evict the oldest.
    used: HashMap<String, u64>,
    tick: u64,
    /// Documents created in memory whose genesis is not stored yet.
    unsaved: std::collections::HashSet<String>,
    actor: ActorId,
    compaction: Compaction,
    source: KeySource,
    sink: Option<std::sync::Arc<dyn ChangeSink>>,
    /// While a batch is open (`batch`), what its writes changed: told to the sink once
    /// the batch is stored, never before.
    held: Option<Vec<Changed>>,
    /// This device's identity key (its iroh secret key): kept where the database key is.
    device_key: SecretKey,
    /// The public half, hex: this device's id in the device list and on the network.
    device_id: String,
    _lock: File,
}

/// Hears what changed after each stored action (local or received), so a front end can
/// refresh what it shows. Core never names a UI toolkit.
pub trait ChangeSink: Send + Sync {
    fn changed(&self, changed: &Changed);
}

/// What one stored action changed: the `vault-changed` event's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Changed {
    /// Every kind with a record written or deleted.
    pub kinds: Vec<crate::model::Kind>,
    /// The records written or deleted (a whole kind re-projected is named in `kinds` only).
    pub records: Vec<ChangedRecord>,
}

/// One record named by a [`Changed`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ChangedRecord {
    pub kind: crate::model::Kind,
    pub id: String,
}

impl Changed {
    fn from_touched<'a>(touched: impl IntoIterator<Item = &'a doc::Touched>) -> Self {
        use crate::model::Kind;
        let mut kinds = std::collections::BTreeSet::new();
        let mut records = std::collections::BTreeSet::new();
        for t in touched {
            for (kind, id) in &t.records {
                if let Some(kind) = Kind::parse(kind) {
                    kinds.insert(kind);
                    records.insert(ChangedRecord {
                        kind,
                        id: id.clone(),
                    });
                }
            }
            kinds.extend(t.kinds.iter().filter_map(|k| Kind::parse(k)));
        }
        Self {
            kinds: kinds.into_iter().collect(),
            records: records.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.dir)
            .field("id", &self.id)
            .finish()
    }
}

/// The platform's data folder for the default vault.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("app", "comeback", "Comeback")
        .map(|d| d.data_dir().join("vault"))
}

fn lock(dir: &Path) -> Result<File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(|e| Error::io("opening the vault's lock file", e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Busy(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("locking the vault", e)),
    }
}

fn read_vault_file(dir: &Path) -> Result<VaultFile> {
    let path = dir.join(VAULT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoVault(dir.to_path_buf()));
        }
        Err(e) => return Err(Error::io("reading vault.json", e)),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::Io(format!(
            "{} is damaged ({e}); restore it from a backup of the vault folder",
            path.display()
        ))
    })
}

/// Whether the vault in `dir` keeps its key in a key file (rather than the keychain).
/// `NoVault` when there is no vault there: callers check this before reaching for a
/// keychain, so a missing vault is reported as such.
pub fn uses_key_file(dir: &Path) -> Result<bool> {
    Ok(read_vault_file(dir)?.key == "key-file")
}

fn key_for(file: &VaultFile, source: &KeySource) -> Result<SecretKey> {
    match source {
        KeySource::KeyFile(path) => Ok(keys::read_key_file(path)?),
        KeySource::Keychain(chain) => {
            if file.key == "key-file" {
                return Err(Error::Key(keys::KeyError::KeyFile {
                    path: "(none given)".into(),
                    reason: "this vault keeps its key in a key file; pass --key-file PATH or set COMEBACK_KEY_FILE".into(),
                }));
            }
            Ok(chain.get(&file.id)?)
        }
    }
}

/// The device identity key of the vault `vault_id` on this machine: in the keychain
/// beside the database key (user `ID:device`), or beside the key file (`PATH.device`).
/// Made on first use, so a vault restored onto new hardware gets a new identity and is
/// paired again rather than impersonating the old device.
fn device_key(vault_id: &str, source: &KeySource) -> Result<SecretKey> {
    match source {
        KeySource::Keychain(chain) => {
            let user = format!("{vault_id}:device");
            match chain.get(&user) {
                Ok(k) => Ok(k),
                Err(keys::KeyError::Missing) => {
                    let k = SecretKey::generate()?;
                    chain.set(&user, &k)?;
                    Ok(k)
                }
                Err(e) => Err(e.into()),
            }
        }
        KeySource::KeyFile(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".device");
            let path = PathBuf::from(name);
            if path.exists() {
                Ok(keys::read_key_file(&path)?)
            } else {
                let k = SecretKey::generate()?;
                keys::write_key_file(&path, &k)?;
                Ok(k)
            }
        }
    }
}

/// The public key of a device key, as lowercase hex (iroh's spelling of an endpoint id).
pub fn public_id(key: &SecretKey) -> String {
    let public = ed25519_dalek::SigningKey::from_bytes(key.as_bytes()).verifying_key();
    data_encoding::HEXLOWER.encode(public.as_bytes())
}

/// The Automerge actor of a device: the first 16 bytes of its public key, so every change
/// says which device made it and no two devices can share an actor.
fn actor_of(key: &SecretKey) -> ActorId {
    let public = ed25519_dalek::SigningKey::from_bytes(key.as_bytes()).verifying_key();
    ActorId::from(&public.as_bytes()[..16])
}

/// A new actor of this device: the device's actor followed by eight random bytes, so it
/// still says which device wrote a change but starts a sequence of its own.
fn fresh_actor(device: &ActorId) -> Result<ActorId> {
    let mut bytes = device.to_bytes().to_vec();
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| Error::Io(format!("no randomness: {e}")))?;
    bytes.extend_from_slice(&suffix);
    Ok(ActorId::from(bytes))
}

/// The `meta` key under which a damaged document's own actor is kept.
fn actor_key(doc_id: &str) -> String {
    format!("actor:{doc_id}")
}

/// Makes a fresh actor for `doc_id` and keeps it in `meta`, so every later open of the
/// document writes under it.
fn keep_fresh_actor(
    conn: &rusqlite::Connection,
    device: &ActorId,
    doc_id: &str,
) -> Result<ActorId> {
    let actor = fresh_actor(device)?;
    store::meta_set(
        conn,
        &actor_key(doc_id),
        &data_encoding::HEXLOWER.encode(actor.to_bytes()),
    )?;
    Ok(actor)
}

fn new_vault_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Io(format!("no randomness: {e}")))?;
    Ok(data_encoding::HEXLOWER.encode(&bytes))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Vault {
    /// Creates a vault in `dir` and returns it with the recovery key, which is shown once
    /// and stored nowhere. The vault exists only once `vault.json` is written, last.
    pub fn create(dir: &Path, source: &KeySource) -> Result<(Self, RecoveryKey)> {
        if dir.join(VAULT_FILE).exists() {
            return Err(Error::VaultExists(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating the vault folder", e))?;
        #[cfg(unix)]
        {
            // Encrypted or not, a journal folder is nobody else's business.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io("making the vault folder private", e))?;
        }
        let lock = lock(dir)?;
        // A database without vault.json may be someone's journal whose vault.json was
        // lost: never create over it. Only an empty file (an interrupted create) goes.
        if std::fs::metadata(dir.join(DB_FILE)).is_ok_and(|m| m.len() > 0) {
            return Err(Error::DatabaseExists(dir.to_path_buf()));
        }
        let id = new_vault_id()?;
        let key = SecretKey::generate()?;
        let key_mode = match source {
            KeySource::Keychain(chain) => {
                chain.set(&id, &key)?;
                "keychain"
            }
            KeySource::KeyFile(path) => {
                keys::write_key_file(path, &key)?;
                "key-file"
            }
        };
        for name in [DB_FILE, "comeback.db-wal", "comeback.db-shm"] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        let opened = Store::open(&dir.join(DB_FILE), &key);
        let (store, _) = match opened {
            Ok(s) => s,
            Err(e) => {
                if let KeySource::Keychain(chain) = source {
                    let _ = chain.delete(&id);
                }
                return Err(e.into());
            }
        };
        let file = VaultFile {
            format: 1,
            id: id.clone(),
            key: key_mode.into(),
            key_check: Some(key_check(&key)),
        };
        write_vault_file(dir, &file)?;
        let device_key = device_key(&id, source)?;
        let vault = Self {
            dir: dir.to_path_buf(),
            id,
            store,
            docs: HashMap::new(),
            used: HashMap::new(),
            tick: 0,
            unsaved: Default::default(),
            actor: actor_of(&device_key),
            compaction: Compaction::default(),
            source: source.clone(),
            sink: None,
            held: None,
            device_id: public_id(&device_key),
            device_key,
            _lock: lock,
        };
        store::meta_set(&vault.store.conn, "trust:legacy", "[]")?;
        Ok((vault, key.recovery_key()))
    }

    /// Opens the vault in `dir`. Fails fast with a clear reason: no vault, busy, no key.
    pub fn open(dir: &Path, source: &KeySource) -> Result<Self> {
        Self::open_noting_rebuild(dir, source, || {})
    }

    /// Opens the vault in `dir`, calling `rebuilding` first if the mirror has to be built
    /// again from the documents (once after an update that changed it, or after such a
    /// rebuild was cut short): on a long journal that takes a while (~13 s for ten years
    /// on the development machine), and a front says so instead of showing nothing.
    pub fn open_noting_rebuild(
        dir: &Path,
        source: &KeySource,
        rebuilding: impl FnOnce(),
    ) -> Result<Self> {
        let mut file = read_vault_file(dir)?;
        let lock = lock(dir)?;
        let key = key_for(&file, source)?;
        let (store, rebuild) = open_store(dir, &file, &key)?;
        if file.key_check.is_none() {
            // A vault made before the check existed: remember it now that the key is
            // known to be right. Failing to write it costs nothing but the hint.
            file.key_check = Some(key_check(&key));
            let _ = write_vault_file(dir, &file);
        }
        let device_key = device_key(&file.id, source)?;
        let mut vault = Self {
            dir: dir.to_path_buf(),
            id: file.id,
            store,
            docs: HashMap::new(),
            used: HashMap::new(),
            tick: 0,
            unsaved: Default::default(),
            actor: actor_of(&device_key),
            compaction: Compaction::default(),
            source: source.clone(),
            sink: None,
            held: None,
            device_id: public_id(&device_key),
            device_key,
            _lock: lock,
        };
        if rebuild {
            rebuilding();
            vault.rebuild_mirror()?;
        }
        vault.adopt_vouches()?;
        store::blob::drop_unfinished(&vault.store.conn)?;
        Ok(vault)
    }

    /// Puts the database key back into a keychain that lost it, after checking that the
    /// key (read from the recovery key, `SecretKey::from_recovery_key`) really opens this
    /// vault.
    pub fn unlock(dir: &Path, key: &SecretKey, chain: &Keychain) -> Result<()> {
        let file = read_vault_file(dir)?;
        let _lock = lock(dir)?;
        match open_store(dir, &file, key) {
            Ok(_) => {}
            Err(Error::Store(StoreError::WrongKey)) => {
                return Err(Error::Key(keys::KeyError::BadRecoveryKey(
                    "it is well-formed but does not open this vault; is it the key of another vault?".into(),
                )));
            }
            Err(e) => return Err(e),
        }
        chain.set(&file.id, key)?;
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// Who to tell when records change.
    pub fn set_sink(&mut self, sink: std::sync::Arc<dyn ChangeSink>) {
        self.sink = Some(sink);
    }

    /// The recovery key, read again from where the key lives.
    pub fn recovery_key(&self) -> Result<RecoveryKey> {
        let file = read_vault_file(&self.dir)?;
        Ok(key_for(&file, &self.source)?.recovery_key())
    }

    /// For tests: how many incremental chunks trigger a compaction.
    pub fn set_compact_after(&mut self, n: i64) {
        self.compaction.after = n.max(1);
    }

    /// For tests: compact by the number of changes alone, as releases before 2026-12-01
    /// did (see [`Compaction`]).
    #[cfg(test)]
    pub(crate) fn set_compact_by_count_only(&mut self) {
        self.compaction.by_size = false;
    }

    /// This device's identity key (an Ed25519 secret key; the network layer turns it
    /// into its iroh endpoint key). Never leaves the device.
    pub fn device_key(&self) -> &SecretKey {
        &self.device_key
    }

    /// This device's id: the public half of its identity key, 64 hex characters.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    // ----- the screen path: the mirror only -----

    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>> {
        match self.store.row(R::KIND, id)? {
            Some(row) => Ok(Some(parse_row(&row)?)),
            None => Ok(None),
        }
    }

    pub fn require<R: Record>(&self, id: &str) -> Result<R> {
        self.get(id)?.ok_or_else(|| Error::NotFound {
            kind: R::KIND.into(),
            id: id.into(),
        })
    }

    /// Newest first.
    pub fn list<R: Record>(&self, limit: usize, offset: usize) -> Result<Vec<R>> {
        self.store
            .rows(R::KIND, limit, offset)?
            .iter()
            .map(parse_row)
            .collect()
    }

    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        Ok(self.store.search(query, limit)?)
    }

    pub fn quarantined(&self) -> Result<Vec<Quarantined>> {
        Ok(self.store.quarantined()?)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    // ----- the write path -----

    /// Validates and writes a record: one commit, one transaction.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<()> {
        self.put_at(record, None)
    }

    /// The document a record lives in: where it is if it exists (a record keeps the
    /// document it was created in, whatever later edits do to its date), else its `home`.
    fn home_of<R: Record>(&self, record: &R) -> Result<String> {
        Ok(match self.store.row(R::KIND, record.id())? {
            Some(row) => row.doc,
            None => record.home().doc_id(),
        })
    }

    /// The version (document heads) the mirror's rows of `doc_id` reflect.
    pub fn version_of(&self, doc_id: &str) -> Result<Version> {
        Ok(Version::new(self.store.heads(doc_id)?))
    }

    /// Checks that `base` is in the history of the document `doc_id` and returns its heads,
    /// or `None` when `base` is the document as it is now.
    fn base_heads(
        &mut self,
        doc_id: &str,
        kind: &str,
        id: &str,
        base: &Version,
    ) -> Result<Option<Vec<ChangeHash>>> {
        let doc = self.document(doc_id)?;
        let unknown = base.heads().is_empty()
            || base
                .heads()
                .iter()
                .any(|h| doc.get_change_by_hash(h).is_none());
        if unknown {
            let text = base.to_string();
            return Err(Error::UnknownVersion {
                kind: kind.into(),
                id: id.into(),
                version: if text.len() > 16 {
                    format!("{}…", &text[..12])
                } else {
                    text
                },
            });
        }
        let mut now = doc.get_heads();
        now.sort();
        Ok((now != base.heads()).then(|| base.heads().to_vec()))
    }

    /// A stored record as it was at `version` (read from its document, not the mirror):
    /// what an edit made at that version starts from.
    pub fn get_at<R: Record>(&mut self, id: &str, version: &Version) -> Result<R> {
        let row = self
            .store
            .row(R::KIND, id)?
            .ok_or_else(|| Error::NotFound {
                kind: R::KIND.into(),
                id: id.into(),
            })?;
        let heads = self.base_heads(&row.doc, R::KIND, id, version)?;
        let doc = self.document(&row.doc)?;
        let json = match heads {
            None => doc::get_record(doc, R::KIND, id),
            Some(heads) => doc::get_record_at(doc, R::KIND, id, &heads),
        };
        // A record created after `version` has no older state: the edit starts from now.
        let json = match json {
            Some(j) => j,
            None => serde_json::from_str(&row.json).map_err(|e| {
                Error::Internal(format!(
                    "the mirror row of {} {id} does not parse ({e}); run `comeback doctor --rebuild`",
                    R::KIND
                ))
            })?,
        };
        serde_json::from_value(json).map_err(|e| {
            Error::Internal(format!(
                "{} {id} at that version does not read back ({e}); read it again and save against its current version",
                R::KIND
            ))
        })
    }

    /// Validates and writes a record as if it had been edited at `base` (the version the
    /// front read it at; `None`: the document as it is now). Only what differs from the
    /// record at `base` is written, onto the document as it is now (`doc::put_record_over`):
    /// prose merges by character, and a field this edit left alone keeps what another
    /// device set meanwhile. One commit, one transaction.
    pub fn put_at<R: Record>(&mut self, record: &R, base: Option<&Version>) -> Result<()> {
        record.validate()?;
        let home = self.home_of(record)?;
        let old_heads = match base {
            Some(base) => self.base_heads(&home, R::KIND, record.id(), base)?,
            None => None,
        };
        self.change(vec![(
            home,
            Box::new(move |d: &mut AutoCommit| {
                let Some(heads) = old_heads else {
                    return Ok(doc::put_record(d, record)?);
                };
                // A record that did not exist at `heads` has no older state to edit.
                match doc::get_record_at(d, R::KIND, record.id(), &heads) {
                    Some(base) => doc::put_record_over(d, record, &base, &heads)?,
                    None => doc::put_record(d, record)?,
                }
                Ok(())
            }),
        )])
    }

    /// Applies several writes to one document as one change (an import writing a month's
    /// records at once). The caller validates what it writes.
    pub(crate) fn write_many<'a>(&mut self, doc_id: &str, writes: Vec<Edit<'a>>) -> Result<()> {
        self.change(vec![(
            doc_id.to_string(),
            Box::new(move |d: &mut AutoCommit| {
                for write in writes {
                    write(d)?;
                }
                Ok(())
            }),
        )])
    }

    /// Stores a document built here from nothing, for a document id this vault has none of
    /// (an import filling months this vault never had): one snapshot chunk and its mirror
    /// rows, in one transaction, without keeping it in memory.
    pub(crate) fn adopt_new_document(&mut self, doc_id: &str, mut doc: AutoCommit) -> Result<()> {
        if self.has_document(doc_id)? {
            return Err(Error::Internal(format!(
                "{doc_id} exists already; it is written through the ordinary path"
            )));
        }
        let bytes = doc.save();
        self.store_whole_document(doc_id, &bytes, &mut doc)
    }

    /// Stores a whole document this vault has none of as one snapshot chunk with its
    /// mirror rows, in one transaction, and tells the change sink what it holds.
    fn store_whole_document(
        &mut self,
        doc_id: &str,
        bytes: &[u8],
        doc: &mut AutoCommit,
    ) -> Result<()> {
        let tx = self.store.transaction()?;
        store::insert_chunk(&tx, doc_id, true, bytes)?;
        reproject(&tx, doc_id, doc)?;
        tx.commit()?;
        let rows = self.store.rows_of_doc(doc_id)?;
        let touched = doc::Touched {
            records: rows
                .iter()
                .map(|r| (r.kind.clone(), r.id.clone()))
                .collect(),
            kinds: Default::default(),
        };
        self.tell(Changed::from_touched([&touched]));
        Ok(())
    }

    /// Tells the change sink what a stored action changed; inside a batch, holds it until
    /// the batch is stored.
    pub(crate) fn tell(&mut self, changed: Changed) {
        if let Some(held) = &mut self.held {
            held.push(changed);
        } else if let Some(sink) = &self.sink
            && !changed.is_empty()
        {
            sink.changed(&changed);
        }
    }

    /// Writes two records as one action: both are stored or neither is.
    pub fn put_pair<A: Record, B: Record>(&mut self, a: &A, b: &B) -> Result<()> {
        a.validate()?;
        b.validate()?;
        let (home_a, home_b) = (self.home_of(a)?, self.home_of(b)?);
        self.change(vec![
            (
                home_a,
                Box::new(move |d: &mut AutoCommit| Ok(doc::put_record(d, a)?)),
            ),
            (
                home_b,
                Box::new(move |d: &mut AutoCommit| Ok(doc::put_record(d, b)?)),
            ),
        ])
    }

    /// Dated records of a kind from `from` to `to` (both included), newest first, read
    /// through the mirror's sort-key index (dated kinds' sort keys start with the date).
    pub fn between<R: Record>(
        &self,
        from: crate::model::Date,
        to: crate::model::Date,
    ) -> Result<Vec<R>> {
        let end = to.succ_opt().map_or_else(
            || "9999-12-32".to_string(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
        self.store
            .rows_between(R::KIND, &from.format("%Y-%m-%d").to_string(), &end)?
            .iter()
            .map(parse_row)
            .collect()
    }

    /// Records of a kind whose sort key matches a SQL LIKE pattern, newest first.
    pub fn rows_like<R: Record>(&self, pattern: &str) -> Result<Vec<R>> {
        self.store
            .rows_like(R::KIND, pattern)?
            .iter()
            .map(parse_row)
            .collect()
    }

    /// Deletes a record; `NotFound` if there is none.
    pub fn delete(&mut self, kind: &str, id: &str) -> Result<()> {
        let Some(row) = self.store.row(kind, id)? else {
            return Err(Error::NotFound {
                kind: kind.into(),
                id: id.into(),
            });
        };
        let (kind, id) = (kind.to_string(), id.to_string());
        self.change(vec![(
            row.doc,
            Box::new(move |d: &mut AutoCommit| {
                doc::delete_record(d, &kind, &id)?;
                Ok(())
            }),
        )])
    }

    /// The document `doc_id`, loading it from its chunks on first use (a document that
    /// does not exist yet starts from the shared genesis).
    pub(crate) fn document(&mut self, doc_id: &str) -> Result<&mut AutoCommit> {
        self.tick += 1;
        self.used.insert(doc_id.to_string(), self.tick);
        if !self.docs.contains_key(doc_id) {
            let doc = self.load_document(doc_id)?;
            self.docs.insert(doc_id.to_string(), doc);
        }
        self.docs
            .get_mut(doc_id)
            .ok_or_else(|| Error::Internal("document cache lost a document; try again".into()))
    }

    fn load_document(&mut self, doc_id: &str) -> Result<AutoCommit> {
        let chunks = self.store.chunks(doc_id)?;
        if chunks.is_empty() {
            self.unsaved.insert(doc_id.to_string());
            return Ok(doc::new_document(doc_id, self.actor.clone())?);
        }
        let (mut doc, bad) = doc::load_chunks(
            chunks
                .iter()
                .map(|c| (c.seq, c.snapshot, c.bytes.as_slice())),
        );
        doc.set_actor(self.actor.clone());
        if !bad.is_empty() {
            // Set the damaged chunks aside and make the mirror match what remains.
            let tx = self.store.transaction()?;
            for (seq, reason) in &bad {
                store::quarantine(&tx, *seq, reason)?;
            }
            reproject(&tx, doc_id, &mut doc)?;
            tx.commit()?;
        }
        // Once a document was damaged, this device writes to it under an actor of its
        // own, kept in `meta` so that every later open uses the same one.
        let kept = self
            .store
            .meta(&actor_key(doc_id))?
            .and_then(|hex| data_encoding::HEXLOWER.decode(hex.as_bytes()).ok())
            .map(ActorId::from);
        let actor = match kept {
            Some(actor) => Some(actor),
            None => {
                let damaged = !bad.is_empty()
                    || !doc.get_missing_deps(&[]).is_empty()
                    || self.store.quarantined()?.iter().any(|q| q.doc == doc_id);
                // Some of this device's own changes may be among what is missing, and
                // its peers have them: carrying on under the device's actor would reuse
                // their sequence numbers, and every later save would be refused as a
                // duplicate. A fresh actor of this device can never collide.
                if damaged {
                    Some(keep_fresh_actor(&self.store.conn, &self.actor, doc_id)?)
                } else {
                    None
                }
            }
        };
        if let Some(actor) = actor {
            doc.set_actor(actor);
        }
        Ok(doc)
    }

    /// Applies edits to one or more documents as one user action.
    fn change(&mut self, edits: Vec<(String, Edit<'_>)>) -> Result<()> {
        let mut staged: Vec<Staged> = Vec::new();
        let time = now_ms() / 1000;
        let mut failure = None;
        for (doc_id, edit) in edits {
            if let Err(e) = self.document(&doc_id) {
                failure = Some(e);
                break;
            }
            let unsaved = self.unsaved.contains(&doc_id);
            let doc =
                match self.docs.get_mut(&doc_id).ok_or_else(|| {
                    Error::Internal("document cache lost a document; try again".into())
                }) {
                    Ok(d) => d,
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                };
            let before = doc.get_heads();
            if doc.diff_cursor() != before {
                doc.update_diff_cursor();
            }
            if let Err(e) = edit(doc) {
                // Drop the document rather than trust a rolled-back patch log.
                self.docs.remove(&doc_id);
                self.unsaved.remove(&doc_id);
                failure = Some(e);
                break;
            }
            doc.commit_with(automerge::transaction::CommitOptions::default().with_time(time));
            let after = doc.get_heads();
            if after == before {
                continue;
            }
            // A document never stored before must store its genesis change too.
            let bytes = if unsaved {
                doc.save_after(&[])
            } else {
                doc.save_after(&before)
            };
            let mut touched = doc::touched_since_cursor(doc);
            // Patches follow the root: if a peer put another map where a kind's genesis
            // map was, changes to the genesis map (the one read) come with no patch.
            for kind in crate::model::Kind::ALL {
                if doc::kind_map_replaced(doc, kind.as_str()) {
                    touched.kinds.insert(kind.as_str().to_string());
                }
            }
            staged.push(Staged {
                doc_id,
                after,
                bytes,
                touched,
            });
        }
        let result = match failure {
            Some(e) => Err(e),
            None => self.store_staged(&staged),
        };
        if result.is_ok()
            && let Some(last) = staged.last()
        {
            let keep = last.doc_id.clone();
            self.trim_cache(&keep);
        }
        if result.is_err() {
            // Memory must never be ahead of disk: forget what was not stored.
            for s in &staged {
                self.docs.remove(&s.doc_id);
                self.unsaved.remove(&s.doc_id);
            }
        }
        result
    }

    fn store_staged(&mut self, staged: &[Staged]) -> Result<()> {
        if staged.is_empty() {
            return Ok(());
        }
        let tx = self.store.transaction()?;
        for s in staged {
            store::insert_chunk(&tx, &s.doc_id, false, &s.bytes)?;
            let doc = self.docs.get_mut(&s.doc_id).ok_or_else(|| {
                Error::Internal("document cache lost a document; try again".into())
            })?;
            mirror_touched(&tx, &s.doc_id, doc, &s.touched)?;
            if s.doc_id == crate::model::DEVICES_DOC {
                devices::note_device_list(&tx, doc)?;
            }
            store::set_heads(&tx, &s.doc_id, &s.after)?;
            if self.compaction.due(store::footprint(&tx, &s.doc_id)?) {
                store::compact(&tx, &s.doc_id, &doc.save())?;
            }
        }
        tx.commit()?;
        for s in staged {
            self.unsaved.remove(&s.doc_id);
        }
        self.tell(Changed::from_touched(staged.iter().map(|s| &s.touched)));
        Ok(())
    }

    /// Merges changes that arrived from elsewhere (another device, an import) into a
    /// document, storing them with their mirror update in one transaction.
    pub fn apply_changes(&mut self, doc_id: &str, bytes: &[u8]) -> Result<()> {
        inspect(doc_id, [bytes])?;
        self.absorb(doc_id, |doc| {
            unpanicked(doc_id, || doc.load_incremental(bytes))?
                .map(|_| ())
                .map_err(|e| Error::Doc(e.into()))?;
            checked(doc_id, doc)
        })
    }

    /// Takes in one message of Automerge's sync protocol for a document: the changes it
    /// carries are stored with their mirror update in one transaction, like local edits.
    /// What they hold is counted before Automerge loads them, and the document is checked
    /// before anything is read from it or stored (see `limits`).
    pub fn sync_receive(
        &mut self,
        doc_id: &str,
        state: &mut automerge::sync::State,
        message: automerge::sync::Message,
    ) -> Result<()> {
        use automerge::sync::SyncDoc;
        inspect(doc_id, message.changes.iter())?;
        crate::limits::check_message(&message).map_err(|e| {
            Error::Refused(format!(
                "the other device sent a sync message for {doc_id} that was refused: {e}; the session is ended"
            ))
        })?;
        if message.changes.is_empty() && !self.has_document(doc_id)? {
            // Nothing to take in for a document we do not have: answer from the genesis
            // without keeping an empty document in memory for it.
            let mut doc = doc::new_document(doc_id, self.actor.clone())?;
            return unpanicked(doc_id, || doc.sync().receive_sync_message(state, message))?
                .map_err(|e| Error::Doc(e.into()));
        }
        self.absorb(doc_id, |doc| {
            unpanicked(doc_id, || doc.sync().receive_sync_message(state, message))?
                .map_err(|e| match e {
                    automerge::AutomergeError::DuplicateSeqNumber(..) => Error::Diverged(format!(
                        "{doc_id}: two different changes claim the same place in one device's history ({e}); a device was probably restored from an older backup and written on before it synced. Keep the device whose journal is complete; on the other, make a new vault and pair it again"
                    )),
                    e => Error::Doc(e.into()),
                })?;
            checked(doc_id, doc)
        })
    }

    /// Whether the vault holds the document (stored, or made in memory by a local edit).
    pub fn has_document(&self, doc_id: &str) -> Result<bool> {
        Ok(self.docs.contains_key(doc_id) || !self.store.heads(doc_id)?.is_empty())
    }

    /// The next message of Automerge's sync protocol for a document, if there is one.
    pub fn sync_generate(
        &mut self,
        doc_id: &str,
        state: &mut automerge::sync::State,
    ) -> Result<Option<automerge::sync::Message>> {
        use automerge::sync::SyncDoc;
        if !self.has_document(doc_id)? {
            // Asking for a document we do not have: from its genesis, kept nowhere.
            let mut doc = doc::new_document(doc_id, self.actor.clone())?;
            return Ok(doc.sync().generate_sync_message(state));
        }
        let message = self.document(doc_id)?.sync().generate_sync_message(state);
        self.trim_cache(doc_id);
        Ok(message)
    }

    /// Evicts the least recently used documents beyond [`CACHE_DOCS`] (never `keep`, never
    /// one whose genesis is not stored yet); they reload from disk when next needed.
    fn trim_cache(&mut self, keep: &str) {
        while self.docs.len() > CACHE_DOCS {
            let oldest = self
                .docs
                .keys()
                .filter(|d| d.as_str() != keep && !self.unsaved.contains(*d))
                .min_by_key(|d| self.used.get(*d).copied().unwrap_or(0))
                .cloned();
            let Some(oldest) = oldest else { break };
            self.docs.remove(&oldest);
            self.used.remove(&oldest);
        }
    }

    /// The whole document as one save, with its heads: what a device that has none of
    /// it receives instead of its history change by change. A document whose stored
    /// chunks are whole (no chunk of it ever set aside) goes as those chunks end to end —
    /// its last compaction's snapshot and the changes since, which any Automerge load
    /// reads as one document — never loaded: loading the largest month costs ~8 MB for a
    /// moment. The heads its chunks hold must be the ones its mirror reflects; otherwise,
    /// or for a document in memory, it is saved from a loaded copy, not kept, so sending a
    /// hundred months does not hold them all in memory.
    pub fn snapshot(&mut self, doc_id: &str) -> Result<(Vec<u8>, Vec<ChangeHash>)> {
        if let Some(doc) = self.docs.get_mut(doc_id) {
            return Ok((doc.save(), doc.get_heads()));
        }
        if let Some(sent) = self.stored_snapshot(doc_id)? {
            return Ok(sent);
        }
        let mut doc = self.load_document(doc_id)?;
        self.unsaved.remove(doc_id);
        let bytes = doc.save();
        // Stored by an earlier release, which compacted by the number of changes alone:
        // compacted now, so the next new peer gets it as it is stored. Only a saving:
        // if it cannot be written (a full disk), the document is sent all the same and
        // the next write that can compacts it.
        let _ = self.compact_as_sent(doc_id, &bytes);
        Ok((bytes, doc.get_heads()))
    }

    fn compact_as_sent(&mut self, doc_id: &str, saved: &[u8]) -> Result<()> {
        if self.compaction.due(self.store.footprint(doc_id)?) {
            let tx = self.store.transaction()?;
            store::compact(&tx, doc_id, saved)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A document's stored chunks end to end with their heads, when they can be sent as
    /// they are (see [`Vault::snapshot`]).
    fn stored_snapshot(&self, doc_id: &str) -> Result<Option<(Vec<u8>, Vec<ChangeHash>)>> {
        let chunks = self.store.chunks(doc_id)?;
        let Some(first) = chunks.first() else {
            return Ok(None);
        };
        let changes: usize = chunks.iter().skip(1).map(|c| c.bytes.len()).sum();
        if !first.snapshot
            || changes > first.bytes.len() / SENT_AS_STORED
            || chunks.iter().skip(1).any(|c| c.snapshot)
            || self.store.quarantined()?.iter().any(|q| q.doc == doc_id)
        {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(chunks.iter().map(|c| c.bytes.len()).sum());
        for chunk in chunks {
            bytes.extend_from_slice(&chunk.bytes);
        }
        let mut mirrored = self.store.heads(doc_id)?;
        mirrored.sort();
        Ok(doc::saved_heads(&bytes)
            .filter(|heads| *heads == mirrored)
            .map(|heads| (bytes, heads)))
    }

    /// Takes in a whole document sent by a peer (see [`Vault::snapshot`]). A document
    /// this device does not have yet is stored as it came, as one snapshot chunk, and
    /// projected into the mirror once, in one transaction; one it has is merged through
    /// the ordinary write path. Returns the heads the two devices now share.
    pub fn absorb_snapshot(&mut self, doc_id: &str, bytes: &[u8]) -> Result<Vec<ChangeHash>> {
        inspect(doc_id, [bytes])?;
        let mut theirs = unpanicked(doc_id, || AutoCommit::load(bytes))?.map_err(|e| {
            Error::Refused(format!(
                "the other device sent a document ({doc_id}) that does not load: {e}"
            ))
        })?;
        checked(doc_id, &theirs)?;
        let heads = theirs.get_heads();
        let have = self.docs.contains_key(doc_id) || !self.store.chunks(doc_id)?.is_empty();
        if have {
            self.absorb(doc_id, move |doc| {
                unpanicked(doc_id, || doc.merge(&mut theirs))?
                    .map(|_| ())
                    .map_err(|e| Error::Doc(e.into()))?;
                checked(doc_id, doc)
            })?;
            return Ok(heads);
        }
        self.store_whole_document(doc_id, bytes, &mut theirs)?;
        Ok(heads)
    }

    /// Each stored document with the heads its mirror reflects, read without loading
    /// any document: what a sync manifest offers.
    pub fn manifest(&self) -> Result<Vec<(String, Vec<ChangeHash>)>> {
        let mut out = self.store.all_heads()?;
        for (_, heads) in &mut out {
            heads.sort();
        }
        Ok(out)
    }

    /// Applies something received to a document and stores what changed, as one
    /// transaction: the same path as a local edit (receiving opens no transaction, so the
    /// commit there is a no-op).
    fn absorb(
        &mut self,
        doc_id: &str,
        f: impl FnOnce(&mut AutoCommit) -> Result<()>,
    ) -> Result<()> {
        self.change(vec![(doc_id.to_string(), Box::new(f))])
    }

    /// Loads the documents the next writes will most likely touch — the core shards and
    /// the month of `today` — so that the first save after opening does not wait for a
    /// load.
    pub fn warm(&mut self, today: crate::model::Date) -> Result<()> {
        let mut step = 0;
        while self.warm_step(today, step)? {
            step += 1;
        }
        Ok(())
    }

    /// Loads the `step`th document of [`Vault::warm`] (from 0); false when there is no
    /// such step. The app warms one step at a time after its first screen has drawn,
    /// letting go of the vault between two, so a screen's question never waits for more
    /// than one document's load.
    pub fn warm_step(&mut self, today: crate::model::Date, step: usize) -> Result<bool> {
        use crate::model::{CORE_SHARDS, Home};
        let doc_id = match u8::try_from(step) {
            Ok(shard) if shard < CORE_SHARDS => Home::Core { shard }.doc_id(),
            _ if step == usize::from(CORE_SHARDS) => Home::of(today).doc_id(),
            _ => return Ok(false),
        };
        self.document(&doc_id)?;
        Ok(true)
    }

    /// Every document id stored in the vault.
    pub fn document_ids(&self) -> Result<Vec<String>> {
        Ok(self.store.doc_ids()?)
    }

    // ----- the doctor -----

    /// Checks that the mirror equals a fresh projection of every stored document.
    pub fn doctor(&mut self) -> Result<Report> {
        let mut report = Report::default();
        let doc_ids = self.store.doc_ids()?;
        let mut expected: Vec<(String, Projection)> = Vec::new();
        for doc_id in &doc_ids {
            // A fresh load from disk, not the in-memory copy: the check is of what is stored.
            self.docs.remove(doc_id);
            let mut doc = self.load_document(doc_id)?;
            let waiting = doc.get_missing_deps(&[]).len();
            if waiting > 0 {
                report.problems.push(format!(
                    "{doc_id}: changes here wait on {waiting} change(s) this device does not have; sync with another of your devices to get them"
                ));
            }
            let mut heads = doc.get_heads();
            heads.sort();
            let mut stored = self.store.heads(doc_id)?;
            stored.sort();
            if heads != stored {
                report.problems.push(format!(
                    "{doc_id}: the mirror reflects other heads than the document's"
                ));
            }
            expected.push((doc_id.clone(), projection(doc_id, &doc)));
            self.docs.insert(doc_id.clone(), doc);
        }
        // One id in one document: where two hold it, the first document wins (place_row).
        let mut shown: HashMap<(String, String), String> = HashMap::new();
        for (doc_id, p) in &expected {
            for row in &p.rows {
                shown
                    .entry((row.kind.clone(), row.id.clone()))
                    .and_modify(|d| {
                        if *doc_id < *d {
                            d.clone_from(doc_id)
                        }
                    })
                    .or_insert_with(|| doc_id.clone());
            }
        }
        let mut aside: Vec<SetAside> = Vec::new();
        for (doc_id, p) in &mut expected {
            aside.append(&mut p.aside);
            p.rows.retain(|row| {
                let winner = &shown[&(row.kind.clone(), row.id.clone())];
                if winner == doc_id {
                    return true;
                }
                aside.push(duplicate(doc_id, &row.kind, &row.id, winner));
                false
            });
            report.records += p.rows.len();
            let actual = self.store.rows_of_doc(doc_id)?;
            if actual != p.rows {
                report
                    .problems
                    .push(describe_difference(doc_id, &p.rows, &actual));
            }
        }
        aside.sort_by(|a, b| (&a.doc, &a.kind, &a.id).cmp(&(&b.doc, &b.kind, &b.id)));
        let mut noted = self.store.set_aside_records()?;
        noted.sort_by(|a, b| (&a.doc, &a.kind, &a.id).cmp(&(&b.doc, &b.kind, &b.id)));
        let same = |a: &[SetAside], b: &[SetAside]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| (&x.doc, &x.kind, &x.id) == (&y.doc, &y.kind, &y.id))
        };
        if !same(&aside, &noted) {
            report.problems.push(
                "the records set aside differ from what the documents hold; run `comeback doctor --rebuild`".into(),
            );
        }
        if !aside.is_empty() {
            let listed: Vec<String> = aside
                .iter()
                .take(5)
                .map(|a| {
                    format!(
                        "{} {} in {} ({})",
                        a.kind,
                        a.id.chars().take(24).collect::<String>(),
                        a.doc,
                        a.reason
                    )
                })
                .collect();
            report.problems.push(format!(
                "{} record(s) received from another device break this version's rules and are not shown: {}{}; the rest of the journal is unaffected, and `comeback doctor --drop-set-aside` deletes them from every device",
                aside.len(),
                listed.join("; "),
                if aside.len() > 5 { "; …" } else { "" }
            ));
        }
        report.set_aside = aside;
        let records = self.store.count_rows()?;
        if records as usize != report.records {
            report.problems.push(format!(
                "the mirror has {records} records but the documents hold {}",
                report.records
            ));
        }
        if !self.store.search_index_consistent()? {
            report.problems.push(
                "the search index differs from the mirror; run `comeback doctor --rebuild`".into(),
            );
        }
        report.documents = doc_ids.len();
        report.quarantined = self.store.quarantined()?;
        if !report.quarantined.is_empty() {
            let mut docs: Vec<&str> = report.quarantined.iter().map(|q| q.doc.as_str()).collect();
            docs.sort();
            docs.dedup();
            report.problems.push(format!(
                "{} damaged chunk(s) of {} are set aside and what they held is missing here; sync with another of your devices to get it back (new saves there carry on safely meanwhile), then `comeback doctor --forget-damaged` lets them go",
                report.quarantined.len(),
                docs.join(", ")
            ));
        }
        Ok(report)
    }

    /// Lets go of the damaged chunks set aside (after the person synced what they held
    /// back from another device); returns how many. The documents they came from keep
    /// writing under their own fresh actor, so a lost change of this device's is never
    /// reused even now that nothing marks the document damaged.
    pub fn forget_damaged(&mut self) -> Result<usize> {
        let quarantined = self.store.quarantined()?;
        let mut docs: Vec<String> = quarantined.iter().map(|q| q.doc.clone()).collect();
        docs.sort();
        docs.dedup();
        let tx = self.store.transaction()?;
        for doc_id in &docs {
            if store::meta_get(&tx, &actor_key(doc_id))?.is_none() {
                keep_fresh_actor(&tx, &self.actor, doc_id)?;
            }
        }
        tx.execute("DELETE FROM quarantine", [])?;
        tx.commit()?;
        for doc_id in &docs {
            self.docs.remove(doc_id);
        }
        Ok(quarantined.len())
    }

    /// Deletes every record set aside (see [`Report::set_aside`]) from its document, as
    /// one local change each device then syncs; returns how many.
    pub fn drop_set_aside(&mut self) -> Result<usize> {
        let aside = self.store.set_aside_records()?;
        let mut edits: Vec<(String, Edit<'_>)> = Vec::new();
        let mut by_doc: std::collections::BTreeMap<String, Vec<(String, String)>> =
            Default::default();
        for a in &aside {
            by_doc
                .entry(a.doc.clone())
                .or_default()
                .push((a.kind.clone(), a.id.clone()));
        }
        for (doc_id, records) in by_doc {
            edits.push((
                doc_id,
                Box::new(move |d: &mut AutoCommit| {
                    for (kind, id) in &records {
                        doc::delete_record(d, kind, id)?;
                    }
                    Ok(())
                }),
            ));
        }
        self.change(edits)?;
        Ok(aside.len())
    }

    /// Throws the mirror away and projects every document afresh.
    pub fn rebuild_mirror(&mut self) -> Result<()> {
        let doc_ids = self.store.doc_ids()?;
        let mut docs = Vec::new();
        for doc_id in &doc_ids {
            self.docs.remove(doc_id);
            docs.push((doc_id.clone(), self.load_document(doc_id)?));
        }
        let tx = self.store.transaction()?;
        store::clear_mirror(&tx)?;
        for (doc_id, doc) in &mut docs {
            reproject(&tx, doc_id, doc)?;
        }
        store::mark_mirror_built(&tx)?;
        tx.commit()?;
        self.store.reclaim()?;
        for (doc_id, doc) in docs {
            self.docs.insert(doc_id, doc);
        }
        Ok(())
    }

    /// How many records of each kind the mirror holds.
    pub fn count_by_kind(&self) -> Result<std::collections::BTreeMap<String, usize>> {
        let mut stmt = self
            .store
            .conn
            .prepare("SELECT kind, count(*) FROM record GROUP BY kind")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = std::collections::BTreeMap::new();
        for row in rows {
            let (kind, n) = row?;
            out.insert(kind, usize::try_from(n).unwrap_or(0));
        }
        Ok(out)
    }

    /// Every mirror row as `(kind, id, json)`, to compare two devices.
    pub fn mirror_rows(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .store
            .conn
            .prepare("SELECT kind, id, plain_json(json) FROM record ORDER BY kind, id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// How many documents are held in memory now.
    pub fn documents_in_memory(&self) -> usize {
        self.docs.len()
    }

    /// For a small always-on peer (`comeback serve`): SQLite keeps at most `kib` KiB of
    /// the database in memory instead of ~2 MB. A first sync reads each document's
    /// chunks once, so a larger cache only holds pages that are not read again.
    pub fn set_page_cache(&self, kib: u32) -> Result<()> {
        Ok(self.store.set_page_cache(kib)?)
    }

    /// Drops documents held in memory (they reload from disk on next use).
    pub fn forget_documents(&mut self) {
        self.docs.clear();
    }
}

fn parse_row<R: Record>(row: &MirrorRow) -> Result<R> {
    serde_json::from_str(&row.json).map_err(|e| {
        Error::Internal(format!(
            "the mirror row of {} {} does not parse ({e}); run `comeback doctor --rebuild`",
            row.kind, row.id
        ))
    })
}

/// Counts what a peer's chunks for `doc_id` hold before Automerge loads them.
fn inspect<'a>(doc_id: &str, chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<()> {
    let mut tally = crate::limits::Tally::default();
    for chunk in chunks {
        crate::limits::inspect(chunk, &mut tally).map_err(|e| {
            Error::Refused(format!(
                "the other device sent changes to {doc_id} that were refused: {e}; the session is ended"
            ))
        })?;
    }
    Ok(())
}

/// Runs Automerge work on a peer's bytes; a panic in it refuses them (see
/// `limits::unpanicked`: the document being changed is then dropped, as on any error).
fn unpanicked<T>(doc_id: &str, work: impl FnOnce() -> T) -> Result<T> {
    crate::limits::unpanicked(work).map_err(|e| {
        Error::Refused(format!(
            "the other device sent changes to {doc_id} that were refused: {e}; the session is ended"
        ))
    })
}

/// Checks a document a peer's changes were applied to, before it is read or stored.
fn checked(doc_id: &str, doc: &AutoCommit) -> Result<()> {
    crate::limits::check_document(doc).map_err(|e| {
        Error::Refused(format!(
            "the other device sent changes to {doc_id} that were refused: {e}; the session is ended"
        ))
    })
}

/// What a document shows in the mirror: its rows (ordered as `rows_of_doc` returns them)
/// and the records it holds that break a rule and are set aside instead.
#[derive(Debug, Default, PartialEq)]
pub struct Projection {
    pub rows: Vec<MirrorRow>,
    pub aside: Vec<SetAside>,
}

/// The mirror rows a document projects to, and what it sets aside.
pub fn projection(doc_id: &str, doc: &AutoCommit) -> Projection {
    let mut out = Projection::default();
    for (kind, id, json) in doc::all_records(doc) {
        match json.and_then(|json| store::project(doc_id, &kind, &id, &json)) {
            Ok(Some(row)) => out.rows.push(row),
            Ok(None) => {}
            Err(reason) => out.aside.push(SetAside {
                doc: doc_id.to_string(),
                kind,
                id,
                reason,
            }),
        }
    }
    out.rows
        .sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    out
}

/// Puts a record's row into the mirror, unless the same record (kind and id) is already
/// shown from another document: one id lives in one document, and when two hold it the
/// one whose id sorts first wins on every device; the other copy is set aside.
fn place_row(tx: &rusqlite::Connection, row: &MirrorRow) -> Result<()> {
    let other = store::row_doc(tx, &row.kind, &row.id)?.filter(|d| *d != row.doc);
    match other {
        Some(other) if other < row.doc => {
            store::set_aside(tx, &duplicate(&row.doc, &row.kind, &row.id, &other))?;
        }
        Some(other) => {
            store::set_aside(tx, &duplicate(&other, &row.kind, &row.id, &row.doc))?;
            store::upsert_row(tx, row)?;
            store::clear_aside(tx, &row.doc, &row.kind, &row.id)?;
        }
        None => {
            store::upsert_row(tx, row)?;
            store::clear_aside(tx, &row.doc, &row.kind, &row.id)?;
        }
    }
    Ok(())
}

fn duplicate(doc: &str, kind: &str, id: &str, shown_from: &str) -> SetAside {
    SetAside {
        doc: doc.to_string(),
        kind: kind.to_string(),
        id: id.to_string(),
        reason: format!("the same {kind} is also in {shown_from}, which is the copy shown"),
    }
}

fn mirror_touched(
    tx: &rusqlite::Connection,
    doc_id: &str,
    doc: &AutoCommit,
    touched: &doc::Touched,
) -> Result<()> {
    let mut records: Vec<(String, String)> = touched.records.iter().cloned().collect();
    for kind in &touched.kinds {
        for id in doc::ids_of_kind(doc, kind) {
            records.push((kind.clone(), id));
        }
    }
    for (kind, id) in records {
        let row = doc::read_record(doc, &kind, &id)
            .map(|json| json.and_then(|json| store::project(doc_id, &kind, &id, &json)));
        match row {
            Some(Ok(Some(row))) => place_row(tx, &row)?,
            Some(Err(reason)) => {
                if store::row_doc(tx, &kind, &id)?.as_deref() == Some(doc_id) {
                    store::delete_row(tx, &kind, &id)?;
                }
                store::set_aside(
                    tx,
                    &SetAside {
                        doc: doc_id.to_string(),
                        kind,
                        id,
                        reason,
                    },
                )?;
            }
            Some(Ok(None)) | None => {
                // Only remove the row if it still belongs to this document: the record
                // may live in another document too.
                if store::row_doc(tx, &kind, &id)?.as_deref() == Some(doc_id) {
                    store::delete_row(tx, &kind, &id)?;
                }
                store::clear_aside(tx, doc_id, &kind, &id)?;
            }
        }
    }
    Ok(())
}

fn reproject(tx: &rusqlite::Connection, doc_id: &str, doc: &mut AutoCommit) -> Result<()> {
    let old: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT kind, id FROM record WHERE doc = ?1")?;
        let rows = stmt.query_map([doc_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for (kind, id) in old {
        store::delete_row(tx, &kind, &id)?;
    }
    store::clear_aside_of_doc(tx, doc_id)?;
    let projected = projection(doc_id, doc);
    for row in &projected.rows {
        place_row(tx, row)?;
    }
    for aside in &projected.aside {
        store::set_aside(tx, aside)?;
    }
    if doc_id == crate::model::DEVICES_DOC {
        devices::note_device_list(tx, doc)?;
    }
    store::set_heads(tx, doc_id, &doc.get_heads())?;
    Ok(())
}

fn describe_difference(doc_id: &str, expected: &[MirrorRow], actual: &[MirrorRow]) -> String {
    let missing = expected
        .iter()
        .filter(|e| !actual.iter().any(|a| a.kind == e.kind && a.id == e.id))
        .count();
    let extra = actual
        .iter()
        .filter(|a| !expected.iter().any(|e| a.kind == e.kind && a.id == e.id))
        .count();
    let differing = expected
        .iter()
        .filter(|e| {
            actual
                .iter()
                .any(|a| a.kind == e.kind && a.id == e.id && *a != **e)
        })
        .count();
    format!(
        "{doc_id}: the mirror differs from the document ({missing} missing, {extra} extra, {differing} stale rows); run `comeback doctor --rebuild`"
    )
}

/// Milliseconds since the epoch, for records' created stamps.
pub fn now_millis() -> i64 {
    now_ms()
}

mod batch;
mod devices;
/// The size of one stored part of an attachment's bytes (the last part holds the rest).
pub use crate::store::blob::BLOB_PART;
pub use batch::{BlobReader, sha256_hex};
pub use devices::{DeviceInfo, default_device_name, short};

#[cfg(test)]
mod tests;
