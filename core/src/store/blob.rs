//! The bytes of attachments, kept in the encrypted database (never as plain files next
//! to it), in parts of at most [`BLOB_PART`] bytes: writing, reading and sending a
//! photo never holds more than one part of it in memory.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// The size of one stored part of a blob.
pub const BLOB_PART: usize = 256 * 1024;

/// The size of the complete blob `sha256`, if this device has all of it.
pub fn size(conn: &Connection, sha256: &str) -> Result<Option<u64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT size FROM blob WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|n| n.max(0) as u64))
}

/// Whether a mirrored record of `kind` names `sha256` in its `sha256` field: only those
/// bytes are given to a peer that asks (a record set aside for breaking a rule is not in
/// the mirror, so it names nothing).
pub fn named(conn: &Connection, kind: &str, sha256: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM record WHERE kind = ?1
                 AND json_extract(plain_json(json), '$.sha256') = ?2)",
        )?
        .query_row([kind, sha256], |r| r.get(0))?)
}

/// Part `part` (from 0) of a blob, or of a transfer under way named by its key.
pub fn part(conn: &Connection, key: &str, part: u64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT bytes FROM blob_part WHERE sha256 = ?1 AND part = ?2")?
        .query_row(params![key, part as i64], |r| r.get(0))
        .optional()?)
}

pub fn write_part(conn: &Connection, key: &str, part: u64, bytes: &[u8]) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO blob_part (sha256, part, bytes) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![key, part as i64, bytes])?;
    Ok(())
}

/// Files the parts written under the temporary `key` as the complete blob `sha256`
/// (the caller has checked the hash). If this device already has that blob, the copy is
/// dropped.
pub fn finish(conn: &Connection, key: &str, sha256: &str, size: u64) -> Result<(), StoreError> {
    if self::size(conn, sha256)?.is_some() {
        drop_parts(conn, key)?;
        return Ok(());
    }
    drop_parts(conn, sha256)?;
    conn.execute(
        "UPDATE blob_part SET sha256 = ?2 WHERE sha256 = ?1",
        params![key, sha256],
    )?;
    conn.execute(
        "INSERT INTO blob (sha256, size) VALUES (?1, ?2)",
        params![sha256, size as i64],
    )?;
    Ok(())
}

/// Removes every part stored under `key` (an abandoned transfer, or a deleted blob's).
pub fn drop_parts(conn: &Connection, key: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM blob_part WHERE sha256 = ?1", [key])?;
    Ok(())
}

/// Removes a complete blob.
pub fn delete(conn: &Connection, sha256: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM blob WHERE sha256 = ?1", [sha256])?;
    drop_parts(conn, sha256)
}

/// The prefix of the temporary key parts are written under until their hash is known
/// and checked (a hash is hex, so it never starts with it).
pub const PARTIAL: &str = "partial-";

/// Parts left by transfers that never finished (the process stopped mid-way). Read
/// through the key's index: no cost that grows with the photos kept.
pub fn drop_unfinished(conn: &Connection) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM blob_part WHERE sha256 >= 'partial-' AND sha256 < 'partial.'",
        [],
    )?)
}

/// Bytes held in complete blobs, and how many there are.
pub fn totals(conn: &Connection) -> Result<(u64, u64), StoreError> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(size), 0) FROM blob",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)?.max(0) as u64,
                r.get::<_, i64>(1)?.max(0) as u64,
            ))
        },
    )?)
}
