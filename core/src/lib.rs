//! comeback-core: every rule of Comeback, with no user interface.
//!
//! `model` holds the domain types and their invariants; `doc` maps them into Automerge
//! documents (the truth); `store` is the encrypted SQLite file holding the documents'
//! chunks and the mirror the screens read; `keys` keeps secrets in the OS keychain;
//! `vault` ties these into one folder opened by one process; `version` is the token a
//! front hands back with a save so it merges with what changed meanwhile; `api` is the set of plain
//! functions the CLI and the app both call; `sample` generates a ten-year journal for
//! benchmarks and tests; `harden` turns core dumps off at start-up.

pub mod api;
pub mod doc;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod harden;
pub mod keys;
pub mod limits;
pub mod model;
pub mod sample;
pub mod store;
pub mod sync;
pub mod vault;
pub mod version;

pub use error::{Error, ErrorCode, Result};
pub use vault::{ChangeSink, Changed, KeySource, Vault};
pub use version::Version;
