//! Handles on the vault's internals for tests and benchmarks outside this crate (the
//! `test-support` feature): the stored chunks of a document, its compact save, the
//! database's size by part. No front reaches these: `doc` and `store` stay private.

use automerge::ActorId;

use crate::error::Result;
use crate::vault::Vault;

pub use crate::doc::load_chunks;
pub use crate::store::{Chunk, Footprint};

/// The stored chunks of a document, oldest first, as [`load_chunks`] reads them.
pub fn chunks(vault: &Vault, doc_id: &str) -> Result<Vec<Chunk>> {
    Ok(vault.store().chunks(doc_id)?)
}

/// Writes the WAL back into the database file, so its size on disk is what it holds.
pub fn checkpoint(vault: &Vault) -> Result<()> {
    Ok(vault.store().checkpoint()?)
}

/// The database's size by part (tables and indexes), in bytes.
pub fn sizes(vault: &Vault) -> Result<Vec<(String, i64)>> {
    Ok(vault.store().sizes()?)
}

/// Parts of attachments' bytes stored, complete or not (a transfer refused must leave
/// none behind).
pub fn blob_parts(vault: &Vault) -> Result<i64> {
    Ok(vault.store().count_parts()?)
}

/// The compact save of a document (what a first sync sends).
pub fn document_save(vault: &mut Vault, doc_id: &str) -> Result<Vec<u8>> {
    Ok(vault.document(doc_id)?.save())
}

/// A new document with its genesis, written by `actor`: what a peer's document starts as.
pub fn new_document(doc_id: &str, actor: ActorId) -> Result<automerge::AutoCommit> {
    Ok(crate::doc::new_document(doc_id, actor)?)
}

/// Makes the mirror look as an older release left it, so the next open rebuilds it (as
/// after an update that changed the mirror).
pub fn outdate_mirror(vault: &Vault) -> Result<()> {
    Ok(crate::store::outdate_mirror(&vault.store().conn)?)
}

/// What each document's stored chunks weigh (snapshot, number and bytes of the changes
/// after it), by id.
pub fn footprints(vault: &Vault) -> Result<Vec<(String, Footprint)>> {
    Ok(crate::store::footprints(&vault.store().conn)?)
}
