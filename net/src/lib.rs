//! comeback-net: a person's devices find each other and sync, with no server.
//!
//! Each device is an iroh endpoint whose key is the vault's device key (so the endpoint
//! id is the device id in the vault's device list), with one iroh `ProtocolHandler` per
//! ALPN under an iroh `Router`: `comeback/pair/2` for pairing with a one-time ticket
//! (`pair.rs`), `comeback/sync/1` for the sync protocol of `comeback_core::sync`
//! (`sync.rs`), `comeback/blobs/1` for the bytes of attachments (`blobs.rs`). Every sync
//! and files connection is checked against the device list right after the handshake
//! (an `EndpointHooks::after_handshake` hook, `node.rs`) and again before each frame or
//! request is handled; an unknown or removed device gets a refusal and nothing else.
//!
//! The node owns the orchestration both fronts show: its status as a stream
//! (`status.rs`), a live-aware "sync now" (`live.rs`), the pending pairing questions
//! (`pair::Pairing`), the relay setting and device ids by prefix (`devices.rs`). Every
//! task it spawns runs under one cancellation token, so `Node::shutdown` leaves nothing
//! behind. Logs go through `tracing`, off unless `COMEBACK_LOG` asks (`logging.rs`).
//!
//! The vault is shared with the front end as `Shared` (a mutex around an optional vault,
//! as the app holds it); every vault call runs on tokio's blocking pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use comeback_core::Vault;

pub mod blobs;
mod close;
pub mod devices;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod live;
pub mod logging;
mod node;
pub mod pair;
pub mod status;
pub mod sync;
pub mod ticket;
mod wire;

pub use blobs::{BLOBS_ALPN, FilesReport};
pub use close::CloseCode;
pub use devices::{DeviceIdError, Relay, resolve_device};
pub use error::NetError;
pub use iroh::RelayUrl;
pub use node::{Node, Options, parse_device_id};
pub use pair::{Invite, JoinCheck, JoinRequest, PAIR_ALPN, PairRequest, Pairing};
pub use status::{Event, SyncStatus};
pub use sync::{PeerReport, SYNC_ALPN};
pub use ticket::Ticket;

/// How long a ticket lives unless told otherwise.
pub const TICKET_TTL: Duration = Duration::from_secs(5 * 60);

/// The vault as the front ends hold it.
pub type Shared = Arc<Mutex<Option<Vault>>>;

type NetResult<T> = Result<T, NetError>;

#[cfg(test)]
mod tests;
