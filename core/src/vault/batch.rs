//! Long actions stored whole or not at all (`Vault::batch`), and the bytes of
//! attachments (`store::blob`): written from a reader part by part, read back part by
//! part, received from a peer under a temporary key and filed under their hash only
//! once the hash checks.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::{Changed, ChangedRecord, Vault};
use crate::error::{Error, Result};
use crate::model::{self, Attachment, Record};
use crate::store::blob::{self, BLOB_PART};

impl Vault {
    /// Runs `action` as one write: everything it stores is kept if it returns `Ok`, and
    /// nothing is if it fails or the process dies before it returns (one SQLite
    /// transaction; the documents in memory are dropped and read again from disk after a
    /// failure). The change sink hears of it once, at the end.
    pub fn batch<T>(&mut self, action: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        if self.store.in_batch() {
            return action(self);
        }
        self.store.begin_batch()?;
        self.held = Some(Vec::new());
        let result = action(self);
        let held = self.held.take().unwrap_or_default();
        let stored = match result {
            Ok(value) => self
                .store
                .end_batch(true)
                .map(|()| value)
                .map_err(Error::from),
            Err(e) => Err(e),
        };
        match stored {
            Ok(value) => {
                self.tell(merge_changed(held));
                Ok(value)
            }
            Err(e) => {
                if self.store.in_batch() {
                    let _ = self.store.end_batch(false);
                }
                // Memory must never be ahead of disk.
                self.docs.clear();
                self.used.clear();
                self.unsaved.clear();
                Err(e)
            }
        }
    }

    /// Stores the bytes `reader` gives (at most `limit`) and returns their SHA-256 and
    /// size. More than `limit` bytes is refused with nothing stored.
    pub fn put_blob(
        &mut self,
        reader: &mut dyn Read,
        limit: u64,
        name: &str,
    ) -> Result<(String, u64)> {
        let key = format!("{}{}", blob::PARTIAL, model::new_id());
        let tx = self.store.transaction()?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; BLOB_PART];
        let mut part = 0u64;
        loop {
            let n = read_full(reader, &mut buf)
                .map_err(|e| Error::Io(format!("could not read {name}: {e}")))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > limit {
                return Err(Error::Invalid(model::Invalid::new(
                    "size",
                    format!(
                        "{name} is over the {} MB a file on an entry may be; attach a smaller copy",
                        limit / (1024 * 1024)
                    ),
                )));
            }
            hasher.update(&buf[..n]);
            blob::write_part(&tx, &key, part, &buf[..n])?;
            part += 1;
        }
        let sha = hex(&hasher.finalize());
        blob::finish(&tx, &key, &sha, size)?;
        tx.commit()?;
        Ok((sha, size))
    }

    /// The size of blob `sha256` if this device has all of it.
    pub fn blob_size(&self, sha256: &str) -> Result<Option<u64>> {
        Ok(blob::size(&self.store.conn, sha256)?)
    }

    /// Whether an attachment this device knows names the bytes `sha256`: what a peer may
    /// be given (a blob no record names is nobody's business).
    pub fn blob_named(&self, sha256: &str) -> Result<bool> {
        Ok(blob::named(&self.store.conn, Attachment::KIND, sha256)?)
    }

    /// Part `part` of a complete blob (parts are `BLOB_PART` bytes, the last shorter).
    pub fn blob_part(&self, sha256: &str, part: u64) -> Result<Option<Vec<u8>>> {
        if self.blob_size(sha256)?.is_none() {
            return Ok(None);
        }
        Ok(blob::part(&self.store.conn, sha256, part)?)
    }

    /// Reads a complete blob part by part; `None` when this device does not have it.
    pub fn open_blob(&self, sha256: &str) -> Result<Option<BlobReader<'_>>> {
        Ok(self.blob_size(sha256)?.map(|size| BlobReader {
            vault: self,
            sha256: sha256.to_string(),
            size,
            part: 0,
            buf: Vec::new(),
            pos: 0,
        }))
    }

    /// Starts receiving a blob from elsewhere: the parts go under the key returned, and
    /// become the blob only when `finish_blob` has checked them.
    pub fn begin_blob(&mut self) -> String {
        format!("{}{}", blob::PARTIAL, model::new_id())
    }

    /// Stores part `part` of a blob being received.
    pub fn blob_part_received(&mut self, key: &str, part: u64, bytes: &[u8]) -> Result<()> {
        if bytes.len() > BLOB_PART {
            return Err(Error::Invalid(model::Invalid::new(
                "blob",
                format!("a part of {} bytes is larger than {BLOB_PART}", bytes.len()),
            )));
        }
        let tx = self.store.transaction()?;
        blob::write_part(&tx, key, part, bytes)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the parts received under `key` against the hash and size they were asked
    /// for and files them as that blob; on a mismatch they are dropped and the transfer
    /// is refused.
    pub fn finish_blob(&mut self, key: &str, sha256: &str, size: u64) -> Result<()> {
        let mut hasher = Sha256::new();
        let mut got = 0u64;
        let mut part = 0u64;
        while let Some(bytes) = blob::part(&self.store.conn, key, part)? {
            got += bytes.len() as u64;
            hasher.update(&bytes);
            part += 1;
        }
        let tx = self.store.transaction()?;
        if got != size || hex(&hasher.finalize()) != sha256 {
            blob::drop_parts(&tx, key)?;
            tx.commit()?;
            return Err(Error::Refused(format!(
                "the file received for {}… does not match its description (its size or SHA-256 differ); it was dropped",
                &sha256[..sha256.len().min(12)]
            )));
        }
        blob::finish(&tx, key, sha256, size)?;
        tx.commit()?;
        // The screens showing a placeholder for these bytes can show the file now.
        if self.sink.is_some() {
            let records: Vec<ChangedRecord> = self
                .list::<Attachment>(usize::MAX, 0)?
                .into_iter()
                .filter(|a| a.sha256 == sha256)
                .map(|a| ChangedRecord {
                    kind: model::Kind::Attachment,
                    id: a.id,
                })
                .collect();
            if !records.is_empty() {
                self.tell(Changed {
                    kinds: vec![model::Kind::Attachment],
                    records,
                });
            }
        }
        Ok(())
    }

    /// Drops the parts of a transfer that will not finish.
    pub fn abandon_blob(&mut self, key: &str) -> Result<()> {
        let tx = self.store.transaction()?;
        blob::drop_parts(&tx, key)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes the bytes of `sha256` unless an attachment this device knows still names
    /// them.
    pub fn release_blob(&mut self, sha256: &str) -> Result<()> {
        if !self.blob_named(sha256)? {
            let tx = self.store.transaction()?;
            blob::delete(&tx, sha256)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The attachments whose bytes this device does not have yet, one per hash, with
    /// their stated size: what to ask a peer for.
    pub fn missing_blobs(&self) -> Result<Vec<(String, u64)>> {
        let mut out = std::collections::BTreeMap::new();
        for row in self.store.rows(Attachment::KIND, usize::MAX, 0)? {
            let Ok(a) = serde_json::from_str::<Attachment>(&row.json) else {
                continue;
            };
            if self.blob_size(&a.sha256)?.is_none() {
                out.insert(a.sha256, a.size);
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The number of complete blobs and the bytes they hold.
    pub fn blob_totals(&self) -> Result<(u64, u64)> {
        Ok(blob::totals(&self.store.conn)?)
    }
}

/// A complete blob read back part by part (never all of it in memory).
pub struct BlobReader<'a> {
    vault: &'a Vault,
    sha256: String,
    size: u64,
    part: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl BlobReader<'_> {
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.buf.len() {
            self.buf = blob::part(&self.vault.store.conn, &self.sha256, self.part)
                .map_err(std::io::Error::other)?
                .unwrap_or_default();
            self.pos = 0;
            self.part += 1;
            if self.buf.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads until `buf` is full or the reader ends, so every stored part but the last is
/// whole.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// Several stored actions' changes as one.
fn merge_changed(all: Vec<Changed>) -> Changed {
    let mut kinds = std::collections::BTreeSet::new();
    let mut records: std::collections::BTreeSet<ChangedRecord> = Default::default();
    for c in all {
        kinds.extend(c.kinds);
        records.extend(c.records);
    }
    Changed {
        kinds: kinds.into_iter().collect(),
        records: records.into_iter().collect(),
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits (what an attachment names its bytes by).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::api::test_vault;
    use crate::api::{NewEntry, add_entry};
    use crate::model::Entry;
    use crate::vault::ChangeSink;

    #[derive(Default)]
    struct Heard(Mutex<Vec<Changed>>);
    impl ChangeSink for Heard {
        fn changed(&self, changed: &Changed) {
            self.0.lock().unwrap().push(changed.clone());
        }
    }

    fn new_entry(text: &str) -> NewEntry {
        NewEntry {
            text: text.into(),
            date: Some("2020-01-05".parse().unwrap()),
            ..Default::default()
        }
    }

    #[test]
    fn a_batch_that_fails_leaves_nothing_and_the_vault_carries_on() {
        let mut t = test_vault::new();
        let heard = Arc::new(Heard::default());
        t.vault.set_sink(heard.clone());
        let err = t
            .vault
            .batch(|v| {
                add_entry(v, new_entry("one"))?;
                add_entry(v, new_entry("two"))?;
                v.put_blob(&mut &b"bytes"[..], 100, "x")?;
                Err::<(), _>(Error::Precondition("stop".into()))
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "stop");
        assert!(t.vault.list::<Entry>(10, 0).unwrap().is_empty());
        assert_eq!(t.vault.blob_totals().unwrap(), (0, 0));
        assert!(heard.0.lock().unwrap().is_empty());
        add_entry(&mut t.vault, new_entry("three")).unwrap();
        assert_eq!(t.vault.list::<Entry>(10, 0).unwrap().len(), 1);
        assert!(t.vault.doctor().unwrap().healthy());
    }

    #[test]
    fn a_batch_that_succeeds_is_heard_once_with_everything_it_changed() {
        let mut t = test_vault::new();
        let heard = Arc::new(Heard::default());
        t.vault.set_sink(heard.clone());
        t.vault
            .batch(|v| {
                add_entry(v, new_entry("one"))?;
                add_entry(v, new_entry("two"))
            })
            .unwrap();
        let heard = heard.0.lock().unwrap();
        assert_eq!(heard.len(), 1);
        assert_eq!(heard[0].records.len(), 2);
        drop(heard);
        assert_eq!(t.vault.list::<Entry>(10, 0).unwrap().len(), 2);
    }
}
