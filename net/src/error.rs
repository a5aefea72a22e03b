//! `NetError`: what went wrong on the network, in the classes a front branches on
//! (refused, lost, a broken protocol, the vault, set-up, nothing waiting), and how it
//! becomes the core `Error` whose `code()` the fronts report.

use comeback_core::Error as CoreError;
use comeback_core::sync::FrameError;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The other device (or this one's person) said no; the text says why.
    #[error("{0}")]
    Refused(String),
    /// The connection failed or ended early.
    #[error("{0}")]
    Lost(String),
    #[error("{0}")]
    Frame(#[from] FrameError),
    #[error("the other device spoke a protocol we do not understand: {0}")]
    Protocol(String),
    /// What the other device sent is not what it said it was (a file's bytes that do
    /// not match its size or hash); it was dropped.
    #[error("{0}")]
    Mismatch(String),
    #[error("{0}")]
    Vault(#[from] CoreError),
    #[error("{0}")]
    Setup(String),
    /// An answer came for a question nobody is asking (no pairing is waiting).
    #[error("{0}")]
    NotWaiting(String),
}

impl NetError {
    pub fn refused(&self) -> bool {
        matches!(self, NetError::Refused(_))
    }
}

impl From<NetError> for CoreError {
    fn from(e: NetError) -> Self {
        match e {
            NetError::Vault(v) => v,
            NetError::Refused(m) => CoreError::Refused(m),
            NetError::NotWaiting(m) => {
                CoreError::Invalid(comeback_core::model::Invalid::new("pairing", m))
            }
            other => CoreError::Network(other.to_string()),
        }
    }
}
