//! comeback-core: every rule of Comeback, with no user interface.
//!
//! `model` holds the domain types and their invariants; `doc` maps them into Automerge
//! documents (the truth); `store` is the encrypted SQLite file holding the documents'
//! chunks and the mirror the screens read; `keys` keeps secrets in the OS keychain;
//! `vault` ties these into one folder opened by one process; `version` is the token a
//! front hands back with a save so it merges with what changed meanwhile; `api` is the set of plain
//! functions the CLI and the app both call; `harden` turns core dumps off at start-up.
//! `doc` and `store` are the write path's internals and are not public: a front reaches
//! the vault through `api`. With the `test-support` feature, `sample` generates a
//! ten-year journal and `testing` hands tests and benchmarks the stored chunks.

pub mod api;
pub(crate) mod doc;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod harden;
pub mod keys;
pub mod limits;
pub mod model;
#[cfg(any(test, feature = "test-support"))]
pub mod sample;
pub mod sources;
pub(crate) mod store;
pub mod sync;
pub mod vault;
pub mod version;

#[cfg(feature = "test-support")]
#[doc(hidden)]
pub mod testing;

pub use doc::DocError;
pub use error::{Error, ErrorCode, Result};
pub use store::{SetAside, StoreError};
pub use vault::{ChangeSink, Changed, KeySource, Vault};
pub use version::Version;
