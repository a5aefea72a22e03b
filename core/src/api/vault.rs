//! The vault as a whole: creating and opening one, the doctor and what it may drop, the
//! recovery key, search, and the status the app's first screen shows (with the version
//! of Comeback that answers it).

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::keys::RecoveryKey;
use crate::vault::{KeySource, Report, Vault};

/// Creates a vault; the recovery key is returned once and stored nowhere.
pub fn init(dir: &Path, source: &KeySource) -> Result<(Vault, RecoveryKey)> {
    Vault::create(dir, source)
}

pub fn open(dir: &Path, source: &KeySource) -> Result<Vault> {
    Vault::open(dir, source)
}

/// Opens the vault, calling `rebuilding` before a rebuild of the mirror that makes the
/// open take a while (see `Vault::open_noting_rebuild`).
pub fn open_noting_rebuild(
    dir: &Path,
    source: &KeySource,
    rebuilding: impl FnOnce(),
) -> Result<Vault> {
    Vault::open_noting_rebuild(dir, source, rebuilding)
}

/// Where the vault is and whether it is open, for the app's first screen.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct VaultStatus {
    pub dir: String,
    pub exists: bool,
    pub open: bool,
    pub today: String,
    /// The version of Comeback answering ([`version`]), which Settings shows.
    pub version: String,
    /// Whether the app's lock is on, so the window knows its first screen (the lock or
    /// Home) from this one answer.
    pub locked: bool,
}

/// The version of Comeback this build is: the workspace's one version, which the
/// package, `comeback --version` and the app's Settings all show.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The recovery key again, for a person who confirmed they want to see it.
pub fn recovery_key(vault: &Vault) -> Result<RecoveryKey> {
    vault.recovery_key()
}

/// One search result, as a front end shows it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: String,
    pub id: String,
    pub title: String,
    pub snippet: String,
    pub date: String,
}

pub fn search(vault: &Vault, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    Ok(vault
        .search(query, limit)?
        .into_iter()
        .map(|h| SearchHit {
            date: h.sort_key.chars().take(10).collect(),
            kind: h.kind,
            id: h.id,
            title: h.title,
            snippet: h.snippet,
        })
        .collect())
}

/// The doctor's findings, as a front end shows them.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct DoctorReport {
    pub healthy: bool,
    pub documents: usize,
    pub records: usize,
    pub problems: Vec<String>,
    pub damaged_chunks: Vec<String>,
    /// Records received from another device that break this version's rules: kept in
    /// the documents, never shown ([`drop_set_aside`] deletes them).
    pub set_aside: Vec<crate::store::SetAside>,
    pub rebuilt: bool,
}

/// Checks the mirror against the documents; with `rebuild`, rebuilds it first.
pub fn doctor(vault: &mut Vault, rebuild: bool) -> Result<DoctorReport> {
    if rebuild {
        vault.rebuild_mirror()?;
    }
    let report: Report = vault.doctor()?;
    Ok(DoctorReport {
        healthy: report.healthy(),
        documents: report.documents,
        records: report.records,
        problems: report.problems,
        damaged_chunks: report
            .quarantined
            .iter()
            .map(|q| format!("{} chunk #{}: {}", q.doc, q.seq, q.reason))
            .collect(),
        set_aside: report.set_aside,
        rebuilt: rebuild,
    })
}

/// Lets go of the damaged chunks the doctor reports, once what they held was synced back
/// from another device; returns how many there were.
pub fn forget_damaged(vault: &mut Vault) -> Result<usize> {
    vault.forget_damaged()
}

/// Deletes the records the doctor lists as set aside, on every device (a local change
/// that syncs); returns how many.
pub fn drop_set_aside(vault: &mut Vault) -> Result<usize> {
    vault.drop_set_aside()
}
