//! The error every `api` function returns: a stable `code` the fronts branch on, and a
//! message written for the person at the keyboard, saying what to do next.

use std::path::PathBuf;

use crate::doc::DocError;
use crate::keys::KeyError;
use crate::model::Invalid;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("no {kind} with id {id}; list them with `comeback {kind} list`")]
    NotFound { kind: String, id: String },
    #[error("no vault at {}; create one with `comeback init` (or point --vault / COMEBACK_VAULT at an existing one)", .0.display())]
    NoVault(PathBuf),
    #[error("a vault already exists at {}; open it, or choose another folder with --vault", .0.display())]
    VaultExists(PathBuf),
    #[error("another Comeback process has the vault at {} open; close it (or stop `comeback serve`) and try again", .0.display())]
    Busy(PathBuf),
    #[error("a Comeback database is already in {} but its vault.json is missing; restore vault.json from a backup of that folder (then open it), or move comeback.db somewhere else to start a new vault there", .0.display())]
    DatabaseExists(PathBuf),
    #[error("the vault at {} has no database (comeback.db is missing or empty); restore the folder from a backup, or make a new vault elsewhere and pair it with one of your other devices to get your journal back", .0.display())]
    DatabaseMissing(PathBuf),
    #[error("the database of the vault at {} is damaged: the key is right but its first page does not decrypt; restore comeback.db from a backup, or make a new vault elsewhere and pair it with one of your other devices to get your journal back", .0.display())]
    DatabaseDamaged(PathBuf),
    /// A save named a version that is not in the history of the record's document.
    #[error(
        "that version ({version}) is not in this vault's history of {kind} {id}; read the record again (`comeback {kind} show {id} --json`) and save against the version it gives"
    )]
    UnknownVersion {
        kind: String,
        id: String,
        version: String,
    },
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Doc(#[from] DocError),
    #[error("{0}")]
    Io(String),
    /// Another device, or this one, said no: an unknown or removed device, a used or
    /// expired ticket, a declined pairing.
    #[error("{0}")]
    Refused(String),
    /// The network let us down: no route, a timeout, a dropped connection.
    #[error("{0}")]
    Network(String),
}

impl Error {
    /// A stable, machine-readable name for the condition.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::NoVault(_) => "no_vault",
            Error::VaultExists(_) => "vault_exists",
            Error::Busy(_) => "vault_busy",
            Error::DatabaseExists(_) => "database_exists",
            Error::DatabaseMissing(_) => "database_missing",
            Error::DatabaseDamaged(_) => "database_damaged",
            Error::UnknownVersion { .. } => "unknown_version",
            Error::Key(KeyError::NoKeychain(_)) => "no_keychain",
            Error::Key(KeyError::Missing) => "key_missing",
            Error::Key(KeyError::BadRecoveryKey(_)) => "bad_recovery_key",
            Error::Key(KeyError::KeyFile { .. }) => "key_file",
            Error::Key(KeyError::Keychain(_)) => "keychain",
            Error::Store(StoreError::WrongKey) => "wrong_key",
            Error::Store(_) => "storage",
            Error::Doc(_) => "document",
            Error::Io(_) => "io",
            Error::Refused(_) => "refused",
            Error::Network(_) => "network",
        }
    }

    pub(crate) fn io(context: &str, err: std::io::Error) -> Self {
        Error::Io(format!("{context}: {err}"))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::Sqlite(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
