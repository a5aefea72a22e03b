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
