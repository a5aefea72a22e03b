//! The one encrypted SQLite file of a vault (SQLCipher).
//!
//! It holds the ground truth — the Automerge chunks of every document (a snapshot plus
//! incremental changes, compacted now and then) — and state derived from it: the mirror
//! rows the screens read, the FTS5 search index, and the heads each document's mirror
//! reflects. A write is one transaction: chunk, mirror rows and heads together, so the
//! mirror can never describe changes that are not stored, nor miss ones that are. The
//! derived tables carry a schema version; when it changes they are dropped and rebuilt
//! from the documents, never migrated.

use std::path::Path;

use automerge::ChangeHash;
use rusqlite::{Connection, OptionalExtension, Savepoint, Transaction, params};
use serde_json::Value as Json;

use crate::keys::SecretKey;
use crate::model;

pub mod blob;

/// Bump when the mirror tables change shape: the mirror is then rebuilt from the documents.
pub const MIRROR_VERSION: i64 = 4;
/// The `meta` key holding the `MIRROR_VERSION` the mirror was last built whole at.
const MIRROR_VERSION_KEY: &str = "mirror_version";
/// The truth tables never change shape silently; a new layout needs a new number and code
/// that reads the old one.
const TRUTH_VERSION: i64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the key does not open this vault's database: if you passed --key-file, check it is this vault's key file; if the keychain holds a wrong key, restore it with `comeback unlock`, which asks for the recovery key"
    )]
    WrongKey,
    #[error("the database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database was written by a newer Comeback (layout {0}); update the app")]
    TooNew(i64),
}

/// One row of the mirror: what the screens show for a record.
#[derive(Debug, Clone, PartialEq)]
pub struct MirrorRow {
    pub kind: String,
    pub id: String,
    pub doc: String,
    pub sort_key: String,
    pub title: String,
    pub json: String,
}

/// A stored Automerge chunk.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub seq: i64,
    pub snapshot: bool,
    pub bytes: Vec<u8>,
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: String,
    pub id: String,
    pub title: String,
    pub snippet: String,
    pub sort_key: String,
}

/// A chunk that could not be read, set aside so the rest of the vault still opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    pub seq: i64,
    pub doc: String,
    pub reason: String,
}

/// This device's memory of a peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peer {
    /// Socket addresses, as text, where it was last reached.
    pub addrs: Vec<String>,
    pub last_seen: Option<i64>,
}

pub struct Store {
    pub(crate) conn: Connection,
    /// Whether a batch (`begin_batch`) is open: every transaction is then a savepoint
    /// inside it, and nothing is durable until `end_batch(true)`.
    batch: bool,
}

/// One write: a transaction of its own, or a savepoint inside an open batch. Dropped
/// without `commit`, it rolls back.
pub enum Tx<'a> {
    Top(Transaction<'a>),
    Nested(Savepoint<'a>),
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Tx::Top(t) => t,
            Tx::Nested(s) => s,
        }
    }
}

impl Tx<'_> {
    pub fn commit(self) -> Result<(), rusqlite::Error> {
        match self {
            Tx::Top(t) => t.commit(),
            Tx::Nested(s) => s.commit(),
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (or creates) the encrypted database at `path`. Returns whether the mirror
    /// was (re)created empty and must be rebuilt from the documents.
    pub fn open(path: &Path, key: &SecretKey) -> Result<(Self, bool), StoreError> {
        let conn = Connection::open(path)?;
        // SQLCipher logs decryption failures to stderr by itself; we report them as
        // `WrongKey` with a message that says what to do instead.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&key.sqlcipher_key_pragma())?;
        // The first real read tells whether the key is right.
        if conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_err()
        {
            return Err(StoreError::WrongKey);
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a saved entry survives a power cut, not only a crash. Measured on the
        // ten-year journal it costs nothing visible (docs/BENCHMARKS.md).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut store = Self { conn, batch: false };
        let rebuild = store.ensure_schema()?;
        Ok((store, rebuild))
    }

    fn ensure_schema(&mut self) -> Result<bool, StoreError> {
        register_search_text(&self.conn)?;
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS chunk (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 doc TEXT NOT NULL,
                 snapshot INTEGER NOT NULL,
                 bytes BLOB NOT NULL);
             CREATE INDEX IF NOT EXISTS chunk_by_doc ON chunk (doc, seq);
             CREATE TABLE IF NOT EXISTS quarantine (
                 seq INTEGER PRIMARY KEY,
                 doc TEXT NOT NULL,
                 bytes BLOB NOT NULL,
                 reason TEXT NOT NULL);
             -- This device's own view of its peers: never synced, never in a document.
             CREATE TABLE IF NOT EXISTS peer (
                 id TEXT PRIMARY KEY,
                 addrs TEXT NOT NULL DEFAULT '[]',
                 last_seen INTEGER);
             -- The bytes of attachments (photos, files), by SHA-256, in parts of at
             -- most BLOB_PART bytes so no read or write holds a whole file. A blob is
             -- complete when its `blob` row exists; parts without one are a transfer
             -- under way (`sha256` is then a temporary key). Truth: not derived from
             -- the documents, which hold only each attachment's description.
             CREATE TABLE IF NOT EXISTS blob (
                 sha256 TEXT PRIMARY KEY,
                 size INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS blob_part (
                 sha256 TEXT NOT NULL,
                 part INTEGER NOT NULL,
                 bytes BLOB NOT NULL,
                 PRIMARY KEY (sha256, part));
             CREATE TABLE IF NOT EXISTS sync_state (
                 peer TEXT NOT NULL,
                 doc TEXT NOT NULL,
                 state BLOB NOT NULL,
                 PRIMARY KEY (peer, doc));",
        )?;
        let truth: Option<i64> = meta_get(&tx, "truth_version")?.and_then(|v| v.parse().ok());
        match truth {
            Some(v) if v > TRUTH_VERSION => return Err(StoreError::TooNew(v)),
            Some(_) => {}
            None => meta_set(&tx, "truth_version", &TRUTH_VERSION.to_string())?,
        }
        let mirror: Option<i64> = meta_get(&tx, MIRROR_VERSION_KEY)?.and_then(|v| v.parse().ok());
        let stale = mirror != Some(MIRROR_VERSION);
        if stale {
            drop_mirror(&tx)?;
            create_mirror(&tx)?;
        }
        let exists = |sql: &str| tx.query_row(sql, [], |r| r.get::<_, bool>(0));
        let documents = exists("SELECT EXISTS (SELECT 1 FROM chunk)")?;
        // The mirror's version is written by the rebuild's own commit (see
        // `mark_mirror_built`), never before it: a process killed in the middle of a
        // rebuild leaves a mirror the next open rebuilds again, not an empty one taken
        // for finished. An empty mirror beside documents (left by a release that wrote
        // the version first) is rebuilt too; it costs two indexed lookups per open.
        let rebuild = documents
            && (stale
                || !(exists("SELECT EXISTS (SELECT 1 FROM record)")?
                    || exists("SELECT EXISTS (SELECT 1 FROM aside)")?));
        if stale && !rebuild {
            // No documents: the empty mirror is the whole projection.
            mark_mirror_built(&tx)?;
        }
        tx.commit()?;
        Ok(rebuild)
    }

    /// Gives the pages a rebuilt mirror no longer uses back to the file system: dropping
    /// the old mirror frees as many pages as it held, and SQLite would otherwise keep
    /// them (the file never shrinks by itself). Run once after a rebuild, never per write.
    pub fn reclaim(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("VACUUM")?;
        Ok(())
    }

    pub fn transaction(&mut self) -> Result<Tx<'_>, StoreError> {
        Ok(if self.batch {
            Tx::Nested(self.conn.savepoint()?)
        } else {
            Tx::Top(self.conn.transaction()?)
        })
    }

    /// Opens a batch: every write until `end_batch` is one SQLite transaction, so a
    /// long action (an import) is stored whole or not at all, even if the process is
    /// killed in the middle.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.batch = true;
        Ok(())
    }

    /// Closes the batch: commits it, or rolls everything in it back.
    pub fn end_batch(&mut self, commit: bool) -> Result<(), StoreError> {
        self.batch = false;
        self.conn
            .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        Ok(())
    }

    pub fn in_batch(&self) -> bool {
        self.batch
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        meta_get(&self.conn, key)
    }

    pub fn doc_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT doc FROM chunk ORDER BY doc")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn chunks(&self, doc: &str) -> Result<Vec<Chunk>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, snapshot, bytes FROM chunk WHERE doc = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([doc], |r| {
            Ok(Chunk {
                seq: r.get(0)?,
                snapshot: r.get::<_, i64>(1)? != 0,
                bytes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn footprint(&self, doc: &str) -> Result<Footprint, StoreError> {
        footprint(&self.conn, doc)
    }

    pub fn heads(&self, doc: &str) -> Result<Vec<ChangeHash>, StoreError> {
        heads_of(&self.conn, doc)
    }

    /// Every stored document with the heads its mirror reflects, in one query.
    pub fn all_heads(&self) -> Result<Vec<(String, Vec<ChangeHash>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.doc, h.heads FROM (SELECT DISTINCT doc FROM chunk) c
             LEFT JOIN heads h ON h.doc = c.doc ORDER BY c.doc",
        )?;
        let rows = stmt.query_map([], |r| {
            let bytes: Option<Vec<u8>> = r.get(1)?;
            Ok((
                r.get::<_, String>(0)?,
                bytes.map(|b| decode_heads(&b)).unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What this device remembers of a peer: where it last reached it, and when.
    pub fn peer(&self, id: &str) -> Result<Option<Peer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT addrs, last_seen FROM peer WHERE id = ?1")?;
        Ok(stmt
            .query_row([id], |r| {
                let addrs: String = r.get(0)?;
                Ok(Peer {
                    addrs: serde_json::from_str(&addrs).unwrap_or_default(),
                    last_seen: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Remembers that a peer was reached at `addrs` at `when` (ms since the epoch).
    pub fn remember_peer(&self, id: &str, addrs: &[String], when: i64) -> Result<(), StoreError> {
        let addrs = serde_json::to_string(addrs).unwrap_or_else(|_| "[]".into());
        self.conn
            .prepare_cached(
                "INSERT INTO peer (id, addrs, last_seen) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET addrs = excluded.addrs, last_seen = excluded.last_seen",
            )?
            .execute(params![id, addrs, when])?;
        Ok(())
    }

    /// The sync states kept from the last session with `peer`, per document.
    pub fn sync_states(&self, peer: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc, state FROM sync_state WHERE peer = ?1")?;
        let rows = stmt.query_map([peer], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps the sync states of a session with `peer` for the next one.
    pub fn save_sync_states(
        &mut self,
        peer: &str,
        states: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for (doc, state) in states {
            tx.prepare_cached(
                "INSERT INTO sync_state (peer, doc, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (peer, doc) DO UPDATE SET state = excluded.state",
            )?
            .execute(params![peer, doc, state])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets everything kept about a peer (after it was removed).
    pub fn forget_peer(&self, peer: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sync_state WHERE peer = ?1", [peer])?;
        self.conn
            .execute("DELETE FROM peer WHERE id = ?1", [peer])?;
        Ok(())
    }

    /// A local setting of this device (never synced), such as its listening port.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        meta_get(&self.conn, &format!("setting.{key}"))
    }

    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let key = format!("setting.{key}");
        match value {
            Some(v) => meta_set(&self.conn, &key, v),
            None => {
                self.conn
                    .execute("DELETE FROM meta WHERE key = ?1", [key])?;
                Ok(())
            }
        }
    }

    pub fn quarantined(&self) -> Result<Vec<Quarantined>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, doc, reason FROM quarantine ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(Quarantined {
                seq: r.get(0)?,
                doc: r.get(1)?,
                reason: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The mirror row of one record, if any.
    pub fn row(&self, kind: &str, id: &str) -> Result<Option<MirrorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record WHERE kind = ?1 AND id = ?2",
        )?;
        Ok(stmt.query_row([kind, id], row_from_sql).optional()?)
    }

    /// Records of one kind, newest first by their sort key.
    pub fn rows(
        &self,
        kind: &str,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<MirrorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record
             WHERE kind = ?1 ORDER BY sort_key DESC, id DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(params![kind, limit as i64, offset as i64], row_from_sql)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Up to `limit` records of one kind, oldest first (by sort key, then id), that come
    /// after the record whose `(sort_key, id)` is `after` (from the first without it): a
    /// walk over a whole kind a page at a time, each page found through the
    /// `(kind, sort_key, id)` index, so a late page costs what the first one did.
    pub fn rows_after(
        &self,
        kind: &str,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> Result<Vec<MirrorRow>, StoreError> {
        // Every id is non-empty, so ("", "") comes before every record.
        let (sort_key, id) = after.unwrap_or(("", ""));
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record
             WHERE kind = ?1 AND (sort_key, id) > (?2, ?3) ORDER BY sort_key, id LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![kind, sort_key, id, limit as i64], row_from_sql)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records of one kind whose sort key is in `[from, to)`, newest first: a date range
    /// of a dated kind, read through the `(kind, sort_key)` index.
    pub fn rows_between(
        &self,
        kind: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<MirrorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record
             WHERE kind = ?1 AND sort_key >= ?2 AND sort_key < ?3 ORDER BY sort_key DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![kind, from, to], row_from_sql)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many distinct values the records of one kind hold in a top-level JSON field
    /// (`field` is a plain name: letters and underscores), counted in SQLite.
    pub fn count_distinct(&self, kind: &str, field: &str) -> Result<usize, StoreError> {
        let path = format!("$.{field}");
        let mut stmt = self.conn.prepare_cached(
            "SELECT COUNT(DISTINCT json_extract(plain_json(json), ?2)) FROM record WHERE kind = ?1",
        )?;
        let n: i64 = stmt.query_row(params![kind, path], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Records of one kind whose sort key matches a LIKE pattern, newest first.
    pub fn rows_like(&self, kind: &str, pattern: &str) -> Result<Vec<MirrorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record
             WHERE kind = ?1 AND sort_key LIKE ?2 ORDER BY sort_key DESC, id DESC",
        )?;
        let rows = stmt.query_map(params![kind, pattern], row_from_sql)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every mirror row of one document, ordered by kind and id (for the doctor).
    /// Every record set aside, by document.
    pub fn set_aside_records(&self) -> Result<Vec<SetAside>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc, kind, id, reason FROM aside ORDER BY doc, kind, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(SetAside {
                doc: r.get(0)?,
                kind: r.get(1)?,
                id: r.get(2)?,
                reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn rows_of_doc(&self, doc: &str) -> Result<Vec<MirrorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, id, doc, sort_key, title, json FROM record
             WHERE doc = ?1 ORDER BY kind, id",
        )?;
        let rows = stmt.query_map([doc], row_from_sql)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the search index agrees with the mirror rows it indexes (FTS5's own
    /// integrity check against its content table).
    pub fn search_index_consistent(&self) -> Result<bool, StoreError> {
        match self.conn.execute(
            "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)",
            [],
        ) {
            Ok(_) => Ok(true),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    #[cfg(feature = "test-support")]
    pub fn sizes(&self) -> Result<Vec<(String, i64)>, StoreError> {
        sizes(&self.conn)
    }

    /// Stored parts of blobs, complete or not.
    #[cfg(any(test, feature = "test-support"))]
    pub fn count_parts(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM blob_part", [], |r| r.get(0))?)
    }

    pub fn count_rows(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM record", [], |r| r.get(0))?)
    }

    /// Full-text search over every record's text; words are matched as prefixes.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.kind, s.id, s.title, snippet(search, 3, '[', ']', '…', 12), r.sort_key
             FROM search s JOIN record r ON r.rowid = s.rowid
             WHERE search MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts, limit as i64], |r| {
            Ok(Hit {
                kind: r.get(0)?,
                id: r.get(1)?,
                title: r.get(2)?,
                snippet: r.get(3)?,
                sort_key: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps at most `kib` KiB of the database's pages in memory (SQLite's default is
    /// ~2 MB per connection).
    pub fn set_page_cache(&self, kib: u32) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -i64::from(kib.max(64)))?;
        Ok(())
    }

    /// Writes the WAL back into the database file, for the benchmarks' sizes.
    #[cfg(any(test, feature = "test-support"))]
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

fn row_from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<MirrorRow> {
    let packed: Vec<u8> = r.get(5)?;
    Ok(MirrorRow {
        kind: r.get(0)?,
        id: r.get(1)?,
        doc: r.get(2)?,
        sort_key: r.get(3)?,
        title: r.get(4)?,
        json: unpack(&packed).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Blob, e.into())
        })?,
    })
}

/// A row's JSON as stored: deflated, since prose is most of it and compresses well
/// (10.3 MB of JSON in 4.x MB on the ten-year journal; docs/BENCHMARKS.md).
fn pack(json: &str) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(json.as_bytes());
    z.finish().unwrap_or_default()
}

/// The JSON `pack` deflated. One inflater per thread, reset for each row: a new one per
/// row (with its 32 KiB window and a reader's buffer, both zeroed) was a third of the
/// cost of reading a thousand small records.
fn unpack(packed: &[u8]) -> std::io::Result<String> {
    use flate2::{Decompress, FlushDecompress, Status};
    use std::io::{Error, ErrorKind};
    thread_local! {
        static INFLATER: std::cell::RefCell<Decompress> = std::cell::RefCell::new(Decompress::new(false));
    }
    INFLATER.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset(false);
        let mut out = Vec::with_capacity(packed.len() * 4 + 64);
        loop {
            let read = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let (before_in, before_out) = (z.total_in(), z.total_out());
            let rest = packed.get(read..).unwrap_or_default();
            let status = z
                .decompress_vec(rest, &mut out, FlushDecompress::Finish)
                .map_err(|e| Error::new(ErrorKind::InvalidData, e))?;
            if status == Status::StreamEnd {
                break;
            }
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(256));
            } else if z.total_in() == before_in && z.total_out() == before_out {
                return Err(Error::new(
                    ErrorKind::UnexpectedEof,
                    "a packed record ends before its end",
                ));
            }
        }
        String::from_utf8(out).map_err(|e| Error::new(ErrorKind::InvalidData, e))
    })
}

/// Registers the two SQL functions the mirror's schema and queries use on its packed
/// JSON: `plain_json(json)`, the row's JSON as text, and `search_text(kind, json)`, its
/// searchable text (`Record::search_text`), which the search index's content view
/// reads: the text is in the JSON already, so it is not stored a second time. A kind
/// this version does not know or JSON that does not read as its kind gives no text (the
/// mirror holds neither: `project` refuses them).
fn register_search_text(conn: &Connection) -> Result<(), StoreError> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("plain_json", 1, flags, |ctx| {
        let packed: Vec<u8> = ctx.get(0)?;
        unpack(&packed).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
    })?;
    conn.create_scalar_function("search_text", 2, flags, |ctx| {
        let kind: String = ctx.get(0)?;
        let packed: Vec<u8> = ctx.get(1)?;
        let json = unpack(&packed).unwrap_or_default();
        Ok(search_text(&kind, &json))
    })?;
    Ok(())
}

/// The searchable text of a record of `kind` stored as `json` (empty if it does not read).
fn search_text(kind: &str, json: &str) -> String {
    struct Text<'a>(&'a str);
    impl model::KindVisitor for Text<'_> {
        type Out = String;
        fn visit<R: model::Record>(self) -> String {
            serde_json::from_str::<R>(self.0)
                .map(|r| r.search_text())
                .unwrap_or_default()
        }
    }
    model::Kind::parse(kind)
        .map(|k| k.visit(Text(json)))
        .unwrap_or_default()
}

/// Turns what a person types into an FTS5 query: each word a quoted prefix term, so
/// punctuation in the query can never be a syntax error.
fn fts_query(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Every `meta` key starting with `prefix`, without the prefix.
pub fn meta_keys(conn: &Connection, prefix: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT key FROM meta WHERE substr(key, 1, length(?1)) = ?1")?;
    let rows = stmt.query_map([prefix], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for key in rows {
        out.push(key?[prefix.len()..].to_string());
    }
    Ok(out)
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn drop_mirror(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS search;
         DROP VIEW IF EXISTS record_text;
         DROP TABLE IF EXISTS record;
         DROP TABLE IF EXISTS heads;
         DROP TABLE IF EXISTS aside;",
    )?;
    Ok(())
}

fn create_mirror(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE record (
             kind TEXT NOT NULL,
             id TEXT NOT NULL,
             doc TEXT NOT NULL,
             sort_key TEXT NOT NULL,
             title TEXT NOT NULL,
             json BLOB NOT NULL, -- deflated (see `pack`); `plain_json(json)` in SQL
             PRIMARY KEY (kind, id));
         CREATE INDEX record_by_sort ON record (kind, sort_key, id);
         CREATE INDEX record_by_doc ON record (doc);
         -- The searchable text is not stored: it is computed from the record's JSON
         -- when the index is written and when a snippet is cut (see `search_text`).
         CREATE VIEW record_text AS
             SELECT rowid AS rid, kind, id, title, search_text(kind, json) AS body FROM record;
         CREATE VIRTUAL TABLE search USING fts5 (
             kind UNINDEXED, id UNINDEXED, title, body,
             content = 'record_text', content_rowid = 'rid',
             tokenize = 'unicode61 remove_diacritics 2');
         CREATE TABLE heads (doc TEXT PRIMARY KEY, heads BLOB NOT NULL);
         -- Records a document holds that break this version's rules: never shown.
         CREATE TABLE aside (
             doc TEXT NOT NULL,
             kind TEXT NOT NULL,
             id TEXT NOT NULL,
             reason TEXT NOT NULL,
             PRIMARY KEY (doc, kind, id));",
    )?;
    Ok(())
}

/// Notes that the mirror is a whole projection of the documents at this release's
/// `MIRROR_VERSION`; written in the transaction that finishes a rebuild.
pub fn mark_mirror_built(tx: &Connection) -> Result<(), StoreError> {
    meta_set(tx, MIRROR_VERSION_KEY, &MIRROR_VERSION.to_string())
}

/// Makes the mirror look as an older release left it, so the next open rebuilds it (as
/// after an update that changed the mirror). For tests.
#[cfg(any(test, feature = "test-support"))]
pub fn outdate_mirror(conn: &Connection) -> Result<(), StoreError> {
    meta_set(conn, MIRROR_VERSION_KEY, "0")
}

/// Empties the derived tables so the caller can re-project every document.
pub fn clear_mirror(tx: &Connection) -> Result<(), StoreError> {
    drop_mirror(tx)?;
    create_mirror(tx)?;
    Ok(())
}

pub fn insert_chunk(
    tx: &Connection,
    doc: &str,
    snapshot: bool,
    bytes: &[u8],
) -> Result<i64, StoreError> {
    tx.prepare_cached("INSERT INTO chunk (doc, snapshot, bytes) VALUES (?1, ?2, ?3)")?
        .execute(params![doc, snapshot as i64, bytes])?;
    Ok(tx.last_insert_rowid())
}

/// Replaces every chunk of `doc` with one snapshot.
pub fn compact(tx: &Connection, doc: &str, snapshot: &[u8]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM chunk WHERE doc = ?1", [doc])?;
    insert_chunk(tx, doc, true, snapshot)?;
    Ok(())
}

/// What a document's stored chunks weigh: its snapshots' bytes and the incremental
/// changes stored after them (their number and bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub snapshot_bytes: i64,
    pub changes: i64,
    pub change_bytes: i64,
}

const FOOTPRINT: &str = "SELECT coalesce(sum(CASE WHEN snapshot THEN length(bytes) END), 0),
        count(CASE WHEN NOT snapshot THEN 1 END),
        coalesce(sum(CASE WHEN NOT snapshot THEN length(bytes) END), 0)
    FROM chunk";

fn footprint_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Footprint> {
    Ok(Footprint {
        snapshot_bytes: r.get(at)?,
        changes: r.get(at + 1)?,
        change_bytes: r.get(at + 2)?,
    })
}

pub fn footprint(tx: &Connection, doc: &str) -> Result<Footprint, StoreError> {
    Ok(tx
        .prepare_cached(&format!("{FOOTPRINT} WHERE doc = ?1"))?
        .query_row([doc], |r| footprint_row(r, 0))?)
}

/// Every document's [`Footprint`], by id.
#[cfg(any(test, feature = "test-support"))]
pub fn footprints(conn: &Connection) -> Result<Vec<(String, Footprint)>, StoreError> {
    let sql = FOOTPRINT.replacen("SELECT ", "SELECT doc, ", 1);
    let mut stmt = conn.prepare(&format!("{sql} GROUP BY doc ORDER BY doc"))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, footprint_row(r, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn quarantine(tx: &Connection, seq: i64, reason: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR REPLACE INTO quarantine (seq, doc, bytes, reason)
         SELECT seq, doc, bytes, ?2 FROM chunk WHERE seq = ?1",
        params![seq, reason],
    )?;
    tx.execute("DELETE FROM chunk WHERE seq = ?1", [seq])?;
    Ok(())
}

fn heads_of(conn: &Connection, doc: &str) -> Result<Vec<ChangeHash>, StoreError> {
    let bytes: Option<Vec<u8>> = conn
        .query_row("SELECT heads FROM heads WHERE doc = ?1", [doc], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(bytes.map(|b| decode_heads(&b)).unwrap_or_default())
}

pub fn set_heads(tx: &Connection, doc: &str, heads: &[ChangeHash]) -> Result<(), StoreError> {
    let mut bytes = Vec::with_capacity(heads.len() * 32);
    for h in heads {
        bytes.extend_from_slice(h.as_ref());
    }
    tx.prepare_cached(
        "INSERT INTO heads (doc, heads) VALUES (?1, ?2)
         ON CONFLICT (doc) DO UPDATE SET heads = excluded.heads",
    )?
    .execute(params![doc, bytes])?;
    Ok(())
}

fn decode_heads(bytes: &[u8]) -> Vec<ChangeHash> {
    bytes
        .chunks_exact(32)
        .filter_map(|c| ChangeHash::try_from(c).ok())
        .collect()
}

pub fn upsert_row(tx: &Connection, row: &MirrorRow) -> Result<(), StoreError> {
    delete_row(tx, &row.kind, &row.id)?;
    tx.prepare_cached(
        "INSERT INTO record (kind, id, doc, sort_key, title, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        row.kind,
        row.id,
        row.doc,
        row.sort_key,
        row.title,
        pack(&row.json)
    ])?;
    let rowid = tx.last_insert_rowid();
    // Indexed exactly as the index's content view reads it back.
    tx.prepare_cached(
        "INSERT INTO search (rowid, kind, id, title, body)
         SELECT rid, kind, id, title, body FROM record_text WHERE rid = ?1",
    )?
    .execute([rowid])?;
    Ok(())
}

pub fn delete_row(tx: &Connection, kind: &str, id: &str) -> Result<(), StoreError> {
    // The index reads its text from `record_text` (external content), so it must be
    // told the old values before the row goes.
    let old: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM record WHERE kind = ?1 AND id = ?2")?
        .query_row([kind, id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = old {
        tx.prepare_cached(
            "INSERT INTO search (search, rowid, kind, id, title, body)
             SELECT 'delete', rid, kind, id, title, body FROM record_text WHERE rid = ?1",
        )?
        .execute([rowid])?;
        tx.prepare_cached("DELETE FROM record WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(())
}

/// Bytes held by each part of the database: the documents' chunks and the mirror.
#[cfg(feature = "test-support")]
pub fn sizes(conn: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let q = |sql: &str| -> Result<i64, StoreError> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let mut pages = conn.prepare(
        "SELECT name, sum(pgsize), sum(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC",
    )?;
    let pages = pages
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out: Vec<(String, i64)> = pages
        .into_iter()
        .take(8)
        .map(|(name, size, unused)| {
            (
                format!("pages of {name} ({:.1} MB unused)", unused as f64 / 1e6),
                size,
            )
        })
        .collect();
    out.extend(vec![
        (
            "document chunks".into(),
            q("SELECT coalesce(sum(length(bytes)), 0) FROM chunk")?,
        ),
        (
            "mirror JSON".into(),
            q("SELECT coalesce(sum(length(json)), 0) FROM record")?,
        ),
        (
            "search index (FTS5 blocks)".into(),
            q("SELECT coalesce(sum(length(block)), 0) FROM search_data")?,
        ),
        (
            "free pages".into(),
            q(
                "SELECT freelist_count * page_size FROM pragma_freelist_count(), pragma_page_size()",
            )?,
        ),
        (
            "pages in file".into(),
            q("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")?,
        ),
    ]);
    Ok(out)
}

/// A record a document holds that breaks this version's rules (received from a peer:
/// a local write is refused before it is written). It stays in the document, so every
/// device keeps converging, but it is never shown; `doctor` lists it and
/// `doctor --drop-set-aside` deletes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SetAside {
    pub doc: String,
    pub kind: String,
    pub id: String,
    pub reason: String,
}

/// The mirror row for one record as the document holds it: `Ok(None)` for a kind this
/// version does not know (written by a newer release: carried, never read), `Err` with
/// the reason when the record breaks a rule a local write would be held to: it must read
/// as its kind, pass the kind's `validate`, carry the id it is stored under, and sit in
/// a document its kind lives in (devices in the device list, undated records in the core
/// shard their id picks, dated records in a month).
pub fn project(doc: &str, kind: &str, id: &str, json: &Json) -> Result<Option<MirrorRow>, String> {
    struct Row<'a> {
        doc: &'a str,
        id: &'a str,
        json: &'a Json,
    }
    impl model::KindVisitor for Row<'_> {
        type Out = Result<Option<MirrorRow>, String>;
        fn visit<R: model::Record>(self) -> Self::Out {
            let record: R = serde_json::from_value(self.json.clone())
                .map_err(|e| format!("it does not read as a {} ({e})", R::KIND))?;
            if record.id() != self.id {
                return Err(format!(
                    "its id field says \"{}\" but it is stored as \"{}\"",
                    record.id().chars().take(40).collect::<String>(),
                    self.id
                ));
            }
            record
                .validate()
                .map_err(|e| format!("{}: {}", e.field, e.message))?;
            let here = model::Home::from_doc_id(self.doc);
            let fits = match (record.home(), here) {
                (model::Home::Devices, Some(model::Home::Devices)) => true,
                (model::Home::Month { .. }, Some(model::Home::Month { .. })) => true,
                (home @ model::Home::Core { .. }, Some(here)) => home == here,
                _ => false,
            };
            if !fits {
                return Err(format!("a {} does not belong in {}", R::KIND, self.doc));
            }
            Ok(Some(MirrorRow {
                kind: R::KIND.to_string(),
                id: self.id.to_string(),
                doc: self.doc.to_string(),
                sort_key: record.sort_key(),
                title: record.title(),
                json: serde_json::to_string(&record).map_err(|e| e.to_string())?,
            }))
        }
    }
    match model::Kind::parse(kind) {
        Some(k) => k.visit(Row { doc, id, json }),
        None => Ok(None),
    }
}

/// Notes a record set aside (replacing an earlier reason).
pub fn set_aside(tx: &Connection, aside: &SetAside) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO aside (doc, kind, id, reason) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (doc, kind, id) DO UPDATE SET reason = excluded.reason",
    )?
    .execute(params![aside.doc, aside.kind, aside.id, aside.reason])?;
    Ok(())
}

/// Forgets that a record of `doc` was set aside (it was fixed or deleted).
pub fn clear_aside(tx: &Connection, doc: &str, kind: &str, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM aside WHERE doc = ?1 AND kind = ?2 AND id = ?3")?
        .execute([doc, kind, id])?;
    Ok(())
}

pub fn clear_aside_of_doc(tx: &Connection, doc: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM aside WHERE doc = ?1")?
        .execute([doc])?;
    Ok(())
}

/// The document a record's mirror row comes from, if it has one.
pub fn row_doc(tx: &Connection, kind: &str, id: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT doc FROM record WHERE kind = ?1 AND id = ?2")?
        .query_row([kind, id], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn packed_json_comes_back_whole_small_large_and_empty() {
        let large = "Walked by the river. ".repeat(50_000); // ~1 MB that deflates ~1000:1
        for json in ["", "{}", r#"{"text":"ünïcode ✓"}"#, large.as_str()] {
            assert_eq!(unpack(&pack(json)).unwrap(), json);
        }
        // Many in a row on one thread's inflater, as a list reads them.
        for n in 0..200 {
            let json = format!(r#"{{"n":{n}}}"#);
            assert_eq!(unpack(&pack(&json)).unwrap(), json);
        }
    }

    #[test]
    fn a_cut_or_damaged_packed_record_is_an_error_and_the_next_one_reads() {
        let packed = pack(&"some text, then more ".repeat(1000));
        assert!(unpack(&packed[..packed.len() / 2]).is_err());
        assert!(unpack(&[0xff; 16]).is_err());
        assert_eq!(unpack(&pack("after")).unwrap(), "after");
    }

    #[test]
    fn a_rows_json_is_stored_once_packed_and_the_index_reads_its_text_from_it() {
        let conn = Connection::open_in_memory().unwrap();
        register_search_text(&conn).unwrap();
        create_mirror(&conn).unwrap();
        let mut conn = conn;
        let entry = model::Entry {
            id: "e1".into(),
            text: "Walked to the café in the rain.\nThen a long call with my mentor.".into(),
            tags: vec!["walk".into()],
            ..Default::default()
        };
        let json = serde_json::to_value(&entry).unwrap();
        let row = project("journal-2026-01", "entry", "e1", &json)
            .unwrap()
            .unwrap();
        let tx = conn.transaction().unwrap();
        upsert_row(&tx, &row).unwrap();
        tx.commit().unwrap();

        let stored: Vec<u8> = conn
            .query_row("SELECT json FROM record", [], |r| r.get(0))
            .unwrap();
        assert!(stored.len() < row.json.len(), "the JSON is stored deflated");
        let plain: String = conn
            .query_row("SELECT plain_json(json) FROM record", [], |r| r.get(0))
            .unwrap();
        assert_eq!(plain, row.json);
        let text: String = conn
            .query_row("SELECT body FROM record_text", [], |r| r.get(0))
            .unwrap();
        use model::Record;
        assert_eq!(text, entry.search_text());

        let store = Store { conn, batch: false };
        let hits = store.search("mentor", 20).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].snippet.contains("[mentor]"),
            "{:?}",
            hits[0].snippet
        );
        assert_eq!(store.row("entry", "e1").unwrap().unwrap(), row);
        assert!(store.search_index_consistent().unwrap());
    }
}
