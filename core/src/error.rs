//! The error every `api` function returns: a stable [`ErrorCode`] the fronts branch on
//! (exported to TypeScript, so the UI's `switch` is checked), and a message written for
//! the person at the keyboard, saying what to do next.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

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
    /// The file system or the OS let us down (a file that cannot be read or written, no
    /// randomness).
    #[error("{0}")]
    Io(String),
    /// Our fault, not the person's: a mirror row that does not parse, a record that does
    /// not serialise, a document the cache lost. `comeback doctor --rebuild` is the way out.
    #[error("{0}")]
    Internal(String),
    /// The action does not apply to the record as it is (ticking a lesson that has no
    /// action, for example): nothing was written.
    #[error("{0}")]
    Precondition(String),
    /// Two devices hold histories that cannot be merged (two changes claim the same place
    /// in one device's history): a device was restored from a backup and written on.
    #[error("{0}")]
    Diverged(String),
    /// Another device, or this one, said no: an unknown or removed device, a used or
    /// expired ticket, a declined pairing, a folder an export would write over.
    #[error("{0}")]
    Refused(String),
    /// The network let us down: no route, a timeout, a dropped connection.
    #[error("{0}")]
    Network(String),
    /// The app lock's passcode was not the one set (`api::unlock`): the try is counted.
    /// `wait_s`: how long the next try must wait (0: none); `tries_left`: wrong tries left
    /// before waits begin.
    #[error("that passcode is not right; {}", wrong_passcode_next(*.wait_s, *.tries_left))]
    WrongPasscode { wait_s: u64, tries_left: u32 },
    /// Too many wrong passcodes: no try is taken until the wait is over.
    #[error("too many wrong passcodes; try again in {}", crate::api::wait_text(*.seconds))]
    LockWait { seconds: u64 },
    /// The app is locked (the shell holds that state): nothing of the journal is read or
    /// written until the passcode is typed.
    #[error("the app is locked; type your passcode to open it")]
    Locked,
}

fn wrong_passcode_next(wait_s: u64, tries_left: u32) -> String {
    match (wait_s, tries_left) {
        (0, 0) => "try again".into(),
        (0, 1) => "1 more try, then each wrong one makes you wait".into(),
        (0, n) => format!("{n} more tries, then each wrong one makes you wait"),
        (s, _) => format!("wait {} before the next try", crate::api::wait_text(s)),
    }
}

/// Every code [`Error::code`] returns, as a front sees it (`snake_case` in JSON and
/// TypeScript). A front branches on this and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    NotFound,
    NoVault,
    VaultExists,
    VaultBusy,
    DatabaseExists,
    DatabaseMissing,
    DatabaseDamaged,
    UnknownVersion,
    NoKeychain,
    KeyMissing,
    BadRecoveryKey,
    KeyFile,
    Keychain,
    WrongKey,
    Storage,
    Document,
    Io,
    Internal,
    Precondition,
    Diverged,
    Refused,
    Network,
    WrongPasscode,
    LockWait,
    Locked,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 26] = [
        Self::Invalid,
        Self::NotFound,
        Self::NoVault,
        Self::VaultExists,
        Self::VaultBusy,
        Self::DatabaseExists,
        Self::DatabaseMissing,
        Self::DatabaseDamaged,
        Self::UnknownVersion,
        Self::NoKeychain,
        Self::KeyMissing,
        Self::BadRecoveryKey,
        Self::KeyFile,
        Self::Keychain,
        Self::WrongKey,
        Self::Storage,
        Self::Document,
        Self::Io,
        Self::Internal,
        Self::Precondition,
        Self::Diverged,
        Self::Refused,
        Self::Network,
        Self::WrongPasscode,
        Self::LockWait,
        Self::Locked,
    ];

    /// The code as text, the same as its JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::NotFound => "not_found",
            Self::NoVault => "no_vault",
            Self::VaultExists => "vault_exists",
            Self::VaultBusy => "vault_busy",
            Self::DatabaseExists => "database_exists",
            Self::DatabaseMissing => "database_missing",
            Self::DatabaseDamaged => "database_damaged",
            Self::UnknownVersion => "unknown_version",
            Self::NoKeychain => "no_keychain",
            Self::KeyMissing => "key_missing",
            Self::BadRecoveryKey => "bad_recovery_key",
            Self::KeyFile => "key_file",
            Self::Keychain => "keychain",
            Self::WrongKey => "wrong_key",
            Self::Storage => "storage",
            Self::Document => "document",
            Self::Io => "io",
            Self::Internal => "internal",
            Self::Precondition => "precondition",
            Self::Diverged => "diverged",
            Self::Refused => "refused",
            Self::Network => "network",
            Self::WrongPasscode => "wrong_passcode",
            Self::LockWait => "lock_wait",
            Self::Locked => "locked",
        }
    }
}

impl ErrorCode {
    /// The code named by `text`; `None` if this version has no such code.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// For fronts that build a reply by name (`"not_found".into()`): a name this version does
/// not know becomes `internal`, the code of our own faults.
impl From<&str> for ErrorCode {
    fn from(text: &str) -> Self {
        Self::parse(text).unwrap_or(Self::Internal)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The condition as a typed code (see [`ErrorCode`]).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::NoVault(_) => ErrorCode::NoVault,
            Error::VaultExists(_) => ErrorCode::VaultExists,
            Error::Busy(_) => ErrorCode::VaultBusy,
            Error::DatabaseExists(_) => ErrorCode::DatabaseExists,
            Error::DatabaseMissing(_) => ErrorCode::DatabaseMissing,
            Error::DatabaseDamaged(_) => ErrorCode::DatabaseDamaged,
            Error::UnknownVersion { .. } => ErrorCode::UnknownVersion,
            Error::Key(KeyError::NoKeychain(_)) => ErrorCode::NoKeychain,
            Error::Key(KeyError::Missing) => ErrorCode::KeyMissing,
            Error::Key(KeyError::BadRecoveryKey(_)) => ErrorCode::BadRecoveryKey,
            Error::Key(KeyError::KeyFile { .. }) => ErrorCode::KeyFile,
            Error::Key(KeyError::Keychain(_)) => ErrorCode::Keychain,
            Error::Store(StoreError::WrongKey) => ErrorCode::WrongKey,
            Error::Store(_) => ErrorCode::Storage,
            Error::Doc(_) => ErrorCode::Document,
            Error::Io(_) => ErrorCode::Io,
            Error::Internal(_) => ErrorCode::Internal,
            Error::Precondition(_) => ErrorCode::Precondition,
            Error::Diverged(_) => ErrorCode::Diverged,
            Error::Refused(_) => ErrorCode::Refused,
            Error::Network(_) => ErrorCode::Network,
            Error::WrongPasscode { .. } => ErrorCode::WrongPasscode,
            Error::LockWait { .. } => ErrorCode::LockWait,
            Error::Locked => ErrorCode::Locked,
        }
    }

    /// A stable, machine-readable name for the condition (the text of [`Self::error_code`]).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_read_by_name_is_that_code_and_an_unknown_name_is_internal() {
        assert_eq!(ErrorCode::from("not_found"), ErrorCode::NotFound);
        assert_eq!(ErrorCode::from("no_vault"), ErrorCode::NoVault);
        assert_eq!(ErrorCode::from("no_such_code"), ErrorCode::Internal);
    }

    #[test]
    fn every_codes_text_is_its_json_form() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }
}
