//! This device's node: the iroh endpoint (keyed by the vault's device key, on the port
//! the vault remembers), the `Router` that hands each ALPN to its `ProtocolHandler`,
//! the trust hook every sync and files connection passes right after the handshake, and the one
//! cancellation token and task tracker every task of the node runs under, so that
//! `shutdown` ends them all, closes the endpoint and frees the port.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use comeback_core::Vault;
use iroh::endpoint::{
    AfterHandshakeOutcome, Connection, EndpointHooks, QuicTransportConfig, presets,
};
use iroh::protocol::Router;
use iroh::{Endpoint, EndpointId, RelayMode};
use tokio::sync::{Notify, broadcast, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, info, warn};

use crate::blobs::{BLOBS_ALPN, BlobsProtocol};
use crate::devices::Relay;
use crate::pair::{PAIR_ALPN, PairProtocol, PairState, PendingInvite};
use crate::status::{Event, SyncStatus, fold};
use crate::sync::{SYNC_ALPN, SyncProtocol};
use crate::{NetError, NetResult, Shared};

pub(crate) const NOT_PAIRED: &str = "this device is not paired with that vault, or was removed from it; pair it again from a device of the vault";

/// How the endpoint is set up.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Listen here instead of the vault's remembered port (not remembered).
    pub port: Option<u16>,
    /// Listen on loopback only (tests and benchmarks).
    pub loopback: bool,
    /// Find devices on the local network by mDNS.
    pub mdns: bool,
    /// This device's name, for the device list of the devices it pairs with.
    pub name: Option<String>,
    /// Behave as the release before files did: neither serve `comeback/blobs/1` nor ask
    /// for files (the compatibility tests' previous release).
    #[doc(hidden)]
    pub without_files: bool,
}

pub(crate) struct Inner {
    pub(crate) endpoint: Endpoint,
    pub(crate) vault: Shared,
    pub(crate) device: [u8; 32],
    pub(crate) name: String,
    pub(crate) invites: Mutex<Vec<PendingInvite>>,
    /// The questions of pairing waiting for this device's person (the app's flow).
    pub(crate) pairing: PairState,
    pub(crate) events: broadcast::Sender<Event>,
    /// The snapshot the events fold into.
    pub(crate) status: watch::Sender<SyncStatus>,
    /// Bumped on every local change; live sessions offer what moved.
    pub(crate) local: watch::Sender<u64>,
    /// Ends every task of the node.
    pub(crate) cancel: CancellationToken,
    pub(crate) tasks: TaskTracker,
    /// Peers with a session open now.
    pub(crate) active: Mutex<HashMap<String, usize>>,
    /// Whether the live supervisor runs (sessions then stay open after they are done).
    pub(crate) live: AtomicBool,
    /// Asks the live supervisor to dial every device without a session now.
    pub(crate) dial_now: Notify,
    /// Dials of the live supervisor that failed before a session began: (id, why, refused).
    pub(crate) dial_failed: broadcast::Sender<(String, String, bool)>,
    /// Whether this node carries files (`comeback/blobs/1`); off only in tests.
    pub(crate) files: bool,
    /// Rounds of files running, by peer; `Some(pull)`: another was asked for meanwhile.
    pub(crate) rounds: Mutex<HashMap<String, Option<bool>>>,
    /// The files (SHA-256) a round is fetching now, so no two rounds fetch one file.
    pub(crate) fetching: watch::Sender<HashSet<String>>,
    /// Parts of files served to any device, so a side waiting on a `PULL` sees the
    /// other device at work on any of its connections.
    pub(crate) parts_served: std::sync::atomic::AtomicU64,
    /// Fetches running because a peer said `PULL` on its connection (`sync_once` waits
    /// for them: the peer may be fetching for us on a connection of its own).
    pub(crate) pulls: watch::Sender<usize>,
    /// Accepts connections and hands each ALPN to its handler; set once at start.
    router: OnceLock<Router>,
}

/// A running device: its endpoint, listening for pairing and sync.
#[derive(Clone)]
pub struct Node {
    pub(crate) inner: Arc<Inner>,
}

/// A node as its protocol handlers hold it: the router holds them, so they must not
/// keep the node (and with it the router) alive.
#[derive(Debug, Clone)]
pub(crate) struct WeakNode(Weak<Inner>);

impl WeakNode {
    pub(crate) fn upgrade(&self) -> Option<Node> {
        self.0.upgrade().map(|inner| Node { inner })
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("device", &crate::logging::short(&hex(&self.device)))
            .finish_non_exhaustive()
    }
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn hex(b: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

pub(crate) fn key_bytes(id: &str) -> NetResult<[u8; 32]> {
    let v = data_encoding::HEXLOWER
        .decode(id.as_bytes())
        .map_err(|_| NetError::Setup(format!("'{id}' is not a device id")))?;
    v.try_into()
        .map_err(|_| NetError::Setup(format!("'{id}' is not a device id")))
}

/// Runs `f` on the vault on the blocking pool, as a task of `tasks` (so a node's
/// shutdown waits until none of its vault calls still holds the vault).
pub(crate) async fn vault_call<R, F>(vault: &Shared, tasks: &TaskTracker, f: F) -> NetResult<R>
where
    R: Send + 'static,
    F: FnOnce(&mut Vault) -> comeback_core::Result<R> + Send + 'static,
{
    let vault = vault.clone();
    tasks
        .spawn_blocking(move || {
            let mut guard = vault
                .lock()
                .map_err(|_| NetError::Setup("the vault lock was poisoned; restart".into()))?;
            let v = guard
                .as_mut()
                .ok_or_else(|| NetError::Setup("no vault is open".into()))?;
            f(v).map_err(NetError::Vault)
        })
        .await
        .map_err(|e| NetError::Setup(format!("a vault task failed: {e}")))?
}

/// Checks every sync connection against the device list as soon as the handshake has
/// told us who is calling.
#[derive(Debug)]
struct TrustHook {
    vault: Shared,
    tasks: TaskTracker,
}

impl EndpointHooks for TrustHook {
    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        if conn.alpn() != SYNC_ALPN && conn.alpn() != BLOBS_ALPN {
            // Pairing proves itself with the ticket's secret.
            return AfterHandshakeOutcome::accept();
        }
        let id = conn.remote_id().to_string();
        let peer = crate::logging::short(&id).to_string();
        match vault_call(&self.vault, &self.tasks, move |v| v.trusts(&id)).await {
            Ok(true) => AfterHandshakeOutcome::accept(),
            verdict => {
                match verdict {
                    Ok(_) => info!(peer, "refused a connection: not a paired device"),
                    Err(e) => {
                        warn!(peer, error = %e, "refused a sync connection: the device list could not be read")
                    }
                }
                AfterHandshakeOutcome::Reject {
                    error_code: crate::CloseCode::Refused.varint(),
                    reason: NOT_PAIRED.as_bytes().to_vec(),
                }
            }
        }
    }
}

impl Node {
    /// Opens this device's endpoint on the vault's port (chosen on first run and kept in
    /// the vault's local settings) and starts answering pairing and sync.
    pub async fn start(vault: Shared, options: Options) -> NetResult<Node> {
        let tasks = TaskTracker::new();
        let (device_key, saved_port, relay) = vault_call(&vault, &tasks, |v| {
            Ok((
                // A `SecretKey`, wiped when dropped below, rather than a bare copy.
                v.device_key().clone(),
                v.setting("port")?.and_then(|p| p.parse::<u16>().ok()),
                Relay::of(v)?,
            ))
        })
        .await?;
        let secret = iroh::SecretKey::from_bytes(device_key.as_bytes());
        drop(device_key);
        let device = *secret.public().as_bytes();
        let port = options.port.or(saved_port).unwrap_or(0);
        let mut attempt = 0;
        let endpoint = loop {
            match bind(&vault, &tasks, &secret, port, &options, &relay).await {
                Ok(e) => break e,
                // Our own previous run may still be letting go of the port.
                Err(e) if port != 0 && attempt < 10 => {
                    debug!(port, error = %e, "the port is busy; trying again");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) if options.port.is_none() && port != 0 => {
                    // The remembered port is taken (another program got it): pick another.
                    info!(port, error = %e, "the remembered port is taken; picking another");
                    break bind(&vault, &tasks, &secret, 0, &options, &relay).await?;
                }
                Err(e) => return Err(e),
            }
        };
        let bound = bound_port(&endpoint);
        if options.port.is_none() && Some(bound) != saved_port && bound != 0 {
            let p = bound.to_string();
            vault_call(&vault, &tasks, move |v| v.set_setting("port", Some(&p))).await?;
        }
        let name = options
            .name
            .clone()
            .unwrap_or_else(comeback_core::vault::default_device_name);
        let inner = Arc::new(Inner {
            endpoint: endpoint.clone(),
            vault,
            device,
            name,
            invites: Mutex::new(Vec::new()),
            pairing: PairState::default(),
            events: broadcast::channel(256).0,
            status: watch::channel(SyncStatus {
                running: true,
                ..SyncStatus::default()
            })
            .0,
            local: watch::channel(0).0,
            cancel: CancellationToken::new(),
            tasks,
            active: Mutex::new(HashMap::new()),
            live: AtomicBool::new(false),
            dial_now: Notify::new(),
            dial_failed: broadcast::channel(64).0,
            files: !options.without_files,
            rounds: Mutex::new(HashMap::new()),
            fetching: watch::channel(HashSet::new()).0,
            parts_served: std::sync::atomic::AtomicU64::new(0),
            pulls: watch::channel(0).0,
            router: OnceLock::new(),
        });
        // ALPN order matters for negotiation: sync first, as the endpoint always had.
        let mut router = Router::builder(endpoint)
            .accept(SYNC_ALPN, SyncProtocol(WeakNode(Arc::downgrade(&inner))))
            .accept(PAIR_ALPN, PairProtocol(WeakNode(Arc::downgrade(&inner))));
        if inner.files {
            router = router.accept(BLOBS_ALPN, BlobsProtocol(WeakNode(Arc::downgrade(&inner))));
        }
        let router = router.spawn();
        let _ = inner.router.set(router);
        let node = Node { inner };
        node.refresh_status().await;
        info!(device = %crate::logging::short(&node.device_id()), port = node.port(), "listening");
        Ok(node)
    }

    /// This device's id.
    pub fn device_id(&self) -> String {
        hex(&self.inner.device)
    }

    /// The port this device listens on.
    pub fn port(&self) -> u16 {
        bound_port(&self.inner.endpoint)
    }

    /// The addresses this device can be reached at, for tickets.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        let port = self.port();
        let mut out: Vec<SocketAddr> = self
            .inner
            .endpoint
            .addr()
            .ip_addrs()
            .copied()
            .filter(|a| !a.ip().is_unspecified())
            .collect();
        if out.is_empty() {
            out.push(SocketAddr::from(([127, 0, 0, 1], port)));
        }
        out.sort_by_key(|a| (a.is_ipv6(), a.ip().is_loopback()));
        out.dedup();
        out
    }

    /// Every event of the node, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The status snapshot, updated with every event (and when the device count moves).
    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.inner.status.subscribe()
    }

    /// Counts the devices to sync with again (after a pairing or a removal) and returns
    /// the snapshot.
    pub async fn refresh_status(&self) -> SyncStatus {
        match self.call(|v| v.sync_peers()).await {
            Ok(peers) => {
                self.inner.status.send_if_modified(|s| {
                    let changed = s.peers != peers.len();
                    s.peers = peers.len();
                    changed
                });
            }
            Err(e) => warn!(error = %e, "could not count the devices to sync with"),
        }
        self.inner.status.borrow().clone()
    }

    /// Tells live sessions that the vault changed here.
    pub fn local_changed(&self) {
        self.inner.local.send_modify(|n| *n += 1);
    }

    /// Stops every task of the node, closes the endpoint (freeing the port) and returns
    /// once no task of the node runs and none of its vault calls holds the vault.
    pub async fn shutdown(&self) {
        self.inner.cancel.cancel();
        if let Some(router) = self.inner.router.get()
            && let Err(e) = router.shutdown().await
        {
            warn!(error = %e, "a protocol handler failed while shutting down");
        }
        self.inner.endpoint.close().await;
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
        self.inner.status.send_modify(|s| {
            s.running = false;
            s.connected.clear();
        });
        info!("stopped");
    }

    /// How many tasks of the node are still running (none after `shutdown`).
    #[doc(hidden)]
    pub fn running_tasks(&self) -> usize {
        self.inner.tasks.len()
    }

    /// Runs `f` on the vault on the blocking pool, as a task of this node.
    pub(crate) async fn call<R, F>(&self, f: F) -> NetResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Vault) -> comeback_core::Result<R> + Send + 'static,
    {
        vault_call(&self.inner.vault, &self.inner.tasks, f).await
    }

    /// Spawns `work` as a task of this node: it ends when the node shuts down.
    pub(crate) fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<Option<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let cancel = self.inner.cancel.clone();
        self.inner
            .tasks
            .spawn(async move { cancel.run_until_cancelled(work).await }.in_current_span())
    }

    /// Runs `work` until the node shuts down (then `None`), counted as one of its tasks.
    pub(crate) async fn until_shutdown<F: Future>(&self, work: F) -> Option<F::Output> {
        let cancel = self.inner.cancel.clone();
        self.inner
            .tasks
            .track_future(async move { cancel.run_until_cancelled(work).await })
            .await
    }

    /// Sends an event to subscribers and folds it into the status.
    pub(crate) fn emit(&self, event: Event) {
        self.inner.status.send_modify(|s| fold(s, &event));
        // No subscriber is not a failure: the status holds the news.
        let _ = self.inner.events.send(event);
    }

    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    pub(crate) fn live(&self) -> bool {
        self.inner.live.load(Ordering::Relaxed)
    }
}

fn bound_port(endpoint: &Endpoint) -> u16 {
    endpoint
        .bound_sockets()
        .first()
        .map(|a| a.port())
        .unwrap_or(0)
}

async fn bind(
    vault: &Shared,
    tasks: &TaskTracker,
    secret: &iroh::SecretKey,
    port: u16,
    options: &Options,
    relay: &Relay,
) -> NetResult<Endpoint> {
    let host = if options.loopback {
        "127.0.0.1"
    } else {
        "0.0.0.0"
    };
    let transport = QuicTransportConfig::builder()
        .keep_alive_interval(Duration::from_secs(5))
        // Path-MTU probes are full-size packets sent on every new connection; our
        // frames are small and a reconnect must stay near a kilobyte, not twenty.
        .mtu_discovery_config(None)
        // Bound what is queued for one peer: a first sync of ten years must not sit in
        // memory at once on a phone.
        .send_window(512 * 1024)
        .build();
    let mut alpns = vec![SYNC_ALPN.to_vec(), PAIR_ALPN.to_vec()];
    if !options.without_files {
        alpns.push(BLOBS_ALPN.to_vec());
    }
    let mut builder = Endpoint::builder(presets::Minimal)
        .secret_key(secret.clone())
        .alpns(alpns)
        .transport_config(transport)
        .clear_ip_transports()
        .bind_addr(format!("{host}:{port}").as_str())
        .map_err(|e| NetError::Setup(format!("bad listen address: {e}")))?;
    builder = match relay {
        Relay::Off => builder.relay_mode(RelayMode::Disabled),
        Relay::N0 => builder.relay_mode(RelayMode::Default),
        Relay::Url(url) => builder.relay_mode(RelayMode::custom([url.clone()])),
    };
    if options.mdns {
        builder = builder.address_lookup(
            iroh_mdns_address_lookup::MdnsAddressLookup::builder().service_name("comeback"),
        );
    }
    builder = builder.hooks(TrustHook {
        vault: vault.clone(),
        tasks: tasks.clone(),
    });
    builder.bind().await.map_err(|e| {
        NetError::Setup(format!(
            "could not listen on port {port} ({e}); choose another with --port"
        ))
    })
}

/// Whether an iroh id parses (for the CLI).
pub fn parse_device_id(id: &str) -> Option<EndpointId> {
    id.parse().ok()
}
