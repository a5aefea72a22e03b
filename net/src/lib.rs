//! comeback-net: a person's devices find each other and sync, with no server.
//!
//! Each device is an iroh endpoint whose key is the vault's device key (so the endpoint
//! id is the device id in the vault's device list). Two ALPNs: `comeback/pair/2` for
//! pairing with a one-time ticket (`pair.rs`), `comeback/sync/1` for the sync protocol of
//! `comeback_core::sync`. Every sync connection is checked against the device list right
//! after the handshake (an `EndpointHooks::after_handshake` hook) and again before each
//! frame is handled; an unknown or removed device gets a refusal and nothing else.
//!
//! The vault is shared with the front end as `Shared` (a mutex around an optional vault,
//! as the app holds it); every vault call runs on tokio's blocking pool.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use comeback_core::model::Device;
use comeback_core::sync::{FrameError, Session};
use comeback_core::{Error as CoreError, Vault};
use iroh::endpoint::{
    AfterHandshakeOutcome, Connection, EndpointHooks, QuicTransportConfig, presets,
};
use iroh::{Endpoint, EndpointAddr, EndpointId, RelayMode, TransportAddr};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, watch};

#[doc(hidden)]
pub mod fuzzing;
pub mod pair;
pub mod ticket;
mod wire;

pub use iroh::RelayUrl;
pub use pair::{Invite, JoinCheck, JoinRequest, PAIR_ALPN};
pub use ticket::Ticket;

pub const SYNC_ALPN: &[u8] = b"comeback/sync/1";

/// How long a ticket lives unless told otherwise.
pub const TICKET_TTL: Duration = Duration::from_secs(5 * 60);

/// Close codes, so the other side can say why.
const CLOSE_DONE: u32 = 0;
const CLOSE_REFUSED: u32 = 403;
const CLOSE_PROTOCOL: u32 = 400;

const NOT_PAIRED: &str = "this device is not paired with that vault, or was removed from it; pair it again from a device of the vault";

/// The vault as the front ends hold it.
pub type Shared = Arc<Mutex<Option<Vault>>>;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Lost(String),
    #[error("{0}")]
    Frame(#[from] FrameError),
    #[error("the other device spoke a protocol we do not understand: {0}")]
    Protocol(String),
    #[error("{0}")]
    Vault(#[from] CoreError),
    #[error("{0}")]
    Setup(String),
}

impl NetError {
    fn from_read(e: impl std::fmt::Display) -> Self {
        NetError::from_text(&e.to_string())
    }

    /// A connection error from iroh: a refusal carries our reason in its close frame.
    fn from_text(text: &str) -> Self {
        if text.contains("(code 403)") {
            let reason = text
                .split("closed by peer: ")
                .nth(1)
                .unwrap_or(text)
                .trim_end_matches(" (code 403)");
            NetError::Refused(format!("refused: {reason}"))
        } else {
            NetError::Lost(format!("the connection was lost ({text})"))
        }
    }

    pub fn refused(&self) -> bool {
        matches!(self, NetError::Refused(_))
    }
}

impl From<NetError> for CoreError {
    fn from(e: NetError) -> Self {
        match e {
            NetError::Vault(v) => v,
            NetError::Refused(m) => CoreError::Refused(m),
            other => CoreError::Network(other.to_string()),
        }
    }
}

type NetResult<T> = Result<T, NetError>;

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
}

/// What a session with one device came to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PeerReport {
    pub id: String,
    pub name: String,
    pub ok: bool,
    pub refused: bool,
    pub error: Option<String>,
    /// Bytes of sync frames sent and received (without QUIC's own overhead).
    pub sent: u64,
    pub received: u64,
    /// Bytes in UDP datagrams, QUIC included.
    pub wire_sent: u64,
    pub wire_received: u64,
    pub millis: u64,
}

/// Something the front end may want to show.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A session with a device started.
    Connected { id: String },
    /// A session with a device ended (done, or lost).
    Synced(PeerReport),
    /// A live session has exchanged everything there was: both devices agree now.
    Idle { id: String },
    /// Progress of a large exchange: bytes received so far.
    Progress { id: String, received: u64 },
}

struct Inner {
    endpoint: Endpoint,
    vault: Shared,
    device: [u8; 32],
    name: String,
    invites: Mutex<Vec<pair::PendingInvite>>,
    events: broadcast::Sender<Event>,
    /// Bumped on every local change; live sessions offer what moved.
    local: watch::Sender<u64>,
    /// Ends live sessions and the supervisor.
    stop: watch::Sender<bool>,
    /// Peers with a session open now.
    active: Mutex<HashMap<String, usize>>,
    /// Whether sessions stay open after they are done (serve and the app) or end.
    live: std::sync::atomic::AtomicBool,
}

/// A running device: its endpoint, listening for pairing and sync.
#[derive(Clone)]
pub struct Node {
    inner: Arc<Inner>,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn hex(b: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

fn key_bytes(id: &str) -> NetResult<[u8; 32]> {
    let v = data_encoding::HEXLOWER
        .decode(id.as_bytes())
        .map_err(|_| NetError::Setup(format!("'{id}' is not a device id")))?;
    v.try_into()
        .map_err(|_| NetError::Setup(format!("'{id}' is not a device id")))
}

async fn vault_call<R, F>(vault: &Shared, f: F) -> NetResult<R>
where
    R: Send + 'static,
    F: FnOnce(&mut Vault) -> comeback_core::Result<R> + Send + 'static,
{
    let vault = vault.clone();
    tokio::task::spawn_blocking(move || {
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
}

impl EndpointHooks for TrustHook {
    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        if conn.alpn() != SYNC_ALPN {
            // Pairing proves itself with the ticket's secret.
            return AfterHandshakeOutcome::accept();
        }
        let id = conn.remote_id().to_string();
        match vault_call(&self.vault, move |v| v.trusts(&id)).await {
            Ok(true) => AfterHandshakeOutcome::accept(),
            _ => AfterHandshakeOutcome::Reject {
                error_code: CLOSE_REFUSED.into(),
                reason: NOT_PAIRED.as_bytes().to_vec(),
            },
        }
    }
}

impl Node {
    /// Opens this device's endpoint on the vault's port (chosen on first run and kept in
    /// the vault's local settings) and starts answering pairing and sync.
    pub async fn start(vault: Shared, options: Options) -> NetResult<Node> {
        let (device_key, saved_port, relay) = vault_call(&vault, |v| {
            Ok((
                // A `SecretKey`, wiped when dropped below, rather than a bare copy.
                v.device_key().clone(),
                v.setting("port")?.and_then(|p| p.parse::<u16>().ok()),
                v.setting("relay")?,
            ))
        })
        .await?;
        let secret = iroh::SecretKey::from_bytes(device_key.as_bytes());
        drop(device_key);
        let device = *secret.public().as_bytes();
        let port = options.port.or(saved_port).unwrap_or(0);
        let mut attempt = 0;
        let endpoint = loop {
            match bind(&vault, &secret, port, &options, relay.as_deref()).await {
                Ok(e) => break e,
                // Our own previous run may still be letting go of the port.
                Err(_) if port != 0 && attempt < 10 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(_) if options.port.is_none() && port != 0 => {
                    // The remembered port is taken (another program got it): pick another.
                    break bind(&vault, &secret, 0, &options, relay.as_deref()).await?;
                }
                Err(e) => return Err(e),
            }
        };
        let bound = bound_port(&endpoint);
        if options.port.is_none() && Some(bound) != saved_port && bound != 0 {
            let p = bound.to_string();
            vault_call(&vault, move |v| v.set_setting("port", Some(&p))).await?;
        }
        let name = options
            .name
            .clone()
            .unwrap_or_else(comeback_core::vault::default_device_name);
        let inner = Arc::new(Inner {
            endpoint,
            vault,
            device,
            name,
            invites: Mutex::new(Vec::new()),
            events: broadcast::channel(256).0,
            local: watch::channel(0).0,
            stop: watch::channel(false).0,
            active: Mutex::new(HashMap::new()),
            live: std::sync::atomic::AtomicBool::new(false),
        });
        let node = Node { inner };
        let accepting = node.clone();
        tokio::spawn(async move { accepting.accept_loop().await });
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

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// Tells live sessions that the vault changed here.
    pub fn local_changed(&self) {
        self.inner.local.send_modify(|n| *n += 1);
    }

    /// Stops everything and closes the endpoint.
    pub async fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.endpoint.close().await;
    }

    // ----- sync -----

    /// Dials every paired device once and syncs until both sides are quiet.
    pub async fn sync_once(&self, timeout: Duration) -> NetResult<Vec<PeerReport>> {
        let peers = self.peers().await?;
        let mut tasks = Vec::new();
        for (id, name) in peers {
            let node = self.clone();
            tasks.push(tokio::spawn(async move {
                let started = Instant::now();
                match tokio::time::timeout(timeout, node.sync_with(&id, &name)).await {
                    Ok(Ok(r)) => r,
                    Ok(Err(e)) => failed(&id, &name, &e, started),
                    Err(_) => failed(
                        &id,
                        &name,
                        &NetError::Lost(format!(
                            "no answer within {} s; is it switched on and on this network?",
                            timeout.as_secs()
                        )),
                        started,
                    ),
                }
            }));
        }
        let mut out = Vec::new();
        for t in tasks {
            if let Ok(r) = t.await {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// The devices to sync with: listed, not removed, not this one.
    async fn peers(&self) -> NetResult<Vec<(String, String)>> {
        vault_call(&self.inner.vault, |v| {
            // A device removed by another no longer syncs with anyone.
            if v.this_device_revoked()? {
                return Ok(Vec::new());
            }
            Ok(v.sync_peers()?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect())
        })
        .await
    }

    async fn dial(&self, id: &str) -> NetResult<Connection> {
        let key = iroh::PublicKey::from_bytes(&key_bytes(id)?)
            .map_err(|_| NetError::Setup(format!("'{id}' is not a device key")))?;
        let remembered = {
            let id = id.to_string();
            vault_call(&self.inner.vault, move |v| {
                Ok(v.peer(&id)?.unwrap_or_default())
            })
            .await?
        };
        let addrs = remembered
            .addrs
            .iter()
            .filter_map(|a| a.parse::<SocketAddr>().ok())
            .map(TransportAddr::Ip);
        let addr = EndpointAddr::from_parts(key, addrs);
        let conn = self
            .inner
            .endpoint
            .connect(addr, SYNC_ALPN)
            .await
            .map_err(|e| NetError::from_text(&e.to_string()))?;
        Ok(conn)
    }

    /// One session with one device, dialed from here, until both sides are quiet.
    pub async fn sync_with(&self, id: &str, name: &str) -> NetResult<PeerReport> {
        self.session_with(id, name, false).await
    }

    async fn session_with(&self, id: &str, name: &str, live: bool) -> NetResult<PeerReport> {
        let conn = self.dial(id).await?;
        let (send, recv) = match conn.open_bi().await {
            Ok(s) => s,
            Err(e) => return Err(closed_error(&conn, e).await),
        };
        let result = self
            .run_session(&conn, id.to_string(), name.to_string(), send, recv, live)
            .await;
        conn.close(CLOSE_DONE.into(), b"done");
        result
    }

    /// Keeps every paired device in sync while this runs: dials those without a session,
    /// with backoff, answers those that call, and offers local edits as they happen.
    pub async fn run_live(&self) {
        self.inner
            .live
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let mut stop = self.inner.stop.subscribe();
        // Per device: when to dial next, and the wait after the next failure. A session
        // that ran well clears its entry.
        let backoff: Arc<Mutex<HashMap<String, (Instant, Duration)>>> = Arc::default();
        // One session per pair is enough: of two devices that both run live, the one
        // with the smaller id dials; the other waits a few seconds first and dials only
        // if no session came up (say, where only it can reach the other).
        let me = self.device_id();
        if let (Ok(peers), Ok(mut waits)) = (self.peers().await, backoff.lock()) {
            for (id, _) in peers.into_iter().filter(|(id, _)| *id < me) {
                waits.insert(
                    id,
                    (
                        Instant::now() + Duration::from_secs(3),
                        Duration::from_millis(500),
                    ),
                );
            }
        }
        loop {
            if *stop.borrow() {
                return;
            }
            if let Ok(peers) = self.peers().await {
                for (id, name) in peers {
                    let busy = self
                        .inner
                        .active
                        .lock()
                        .map(|a| a.contains_key(&id))
                        .unwrap_or(true);
                    let Ok(mut waits) = backoff.lock() else {
                        return;
                    };
                    let due = waits.get(&id).is_none_or(|(at, _)| Instant::now() >= *at);
                    if busy || !due {
                        continue;
                    }
                    let wait = waits
                        .get(&id)
                        .map(|(_, d)| (*d * 2).min(Duration::from_secs(60)))
                        .unwrap_or(Duration::from_secs(1));
                    waits.insert(id.clone(), (Instant::now() + wait, wait));
                    drop(waits);
                    let node = self.clone();
                    let backoff = backoff.clone();
                    tokio::spawn(async move {
                        if let Ok(report) = node.session_with(&id, &name, true).await
                            && report.ok
                            && let Ok(mut waits) = backoff.lock()
                        {
                            waits.remove(&id);
                        }
                    });
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn accept_loop(&self) {
        while let Some(incoming) = self.inner.endpoint.accept().await {
            let node = self.clone();
            tokio::spawn(async move {
                let Ok(conn) = incoming.await else { return };
                if conn.alpn() == PAIR_ALPN {
                    let _ = node.answer_pairing(conn).await;
                } else if conn.alpn() == SYNC_ALPN {
                    let id = conn.remote_id().to_string();
                    let name = {
                        let id = id.clone();
                        vault_call(&node.inner.vault, move |v| {
                            Ok(v.get::<Device>(&id)?.map(|d| d.name).unwrap_or_default())
                        })
                        .await
                        .unwrap_or_default()
                    };
                    if let Ok((send, recv)) = conn.accept_bi().await {
                        let live = node.inner.live.load(std::sync::atomic::Ordering::Relaxed);
                        let _ = node.run_session(&conn, id, name, send, recv, live).await;
                        // Let the dialer close; our last frames must reach it first.
                        let _ = tokio::time::timeout(Duration::from_secs(5), conn.closed()).await;
                    }
                }
            });
        }
    }

    /// Runs one sync session on a stream pair until both sides are done (or, live, until
    /// the connection ends), then keeps the sync states and where the peer was reached.
    async fn run_session(
        &self,
        conn: &Connection,
        peer: String,
        name: String,
        mut send: iroh::endpoint::SendStream,
        recv: iroh::endpoint::RecvStream,
        live: bool,
    ) -> NetResult<PeerReport> {
        let started = Instant::now();
        if let Ok(mut a) = self.inner.active.lock() {
            // Both devices may dial at once: count sessions, not devices.
            *a.entry(peer.clone()).or_default() += 1;
        }
        let _ = self
            .inner
            .events
            .send(Event::Connected { id: peer.clone() });
        let vault = self.inner.vault.clone();
        let mut sent = 0u64;
        // Reading runs on its own task, so two devices that both send whole documents
        // never wait on each other's flow-control window.
        let received = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (batches_tx, mut batches) = mpsc::channel::<NetResult<Option<Vec<_>>>>(64);
        let reading = {
            let received = received.clone();
            tokio::spawn(async move {
                let mut reader = wire::FrameReader::new(recv);
                loop {
                    let next = reader.next_batch(16).await;
                    received.store(reader.bytes, std::sync::atomic::Ordering::Relaxed);
                    let end = !matches!(next, Ok(Some(_)));
                    if batches_tx.send(next).await.is_err() || end {
                        return;
                    }
                }
            })
        };
        let result: NetResult<Session> = async {
            let p = peer.clone();
            let (mut session, opening) = vault_call(&vault, move |v| {
                let mut s = Session::resume(v.sync_states(&p)?);
                let frames = s.open(v)?;
                Ok((s, frames))
            })
            .await?;
            wire::write_frames(&mut send, &opening, &mut sent).await?;
            let mut local = self.inner.local.subscribe();
            local.borrow_and_update();
            let mut stop = self.inner.stop.subscribe();
            let mut last_progress = 0u64;
            loop {
                if !live && session.is_done() {
                    break;
                }
                let more = session.has_more();
                tokio::select! {
                    biased;
                    batch = batches.recv() => {
                        let Some(batch) = batch.transpose()?.flatten() else {
                            if session.is_done() || live {
                                break;
                            }
                            return Err(NetError::Lost("the other device hung up before the sync was done".into()));
                        };
                        let p = peer.clone();
                        let (s, out) = vault_call(&vault, move |v| {
                            // Checked again before every exchange: a removal that just
                            // arrived ends the session.
                            if !v.trusts(&p)? {
                                return Err(CoreError::Refused(NOT_PAIRED.into()));
                            }
                            let out = session.handle_batch(v, batch)?;
                            Ok((session, out))
                        })
                        .await
                        .inspect_err(|e| match e {
                            NetError::Vault(CoreError::Refused(m)) if m == NOT_PAIRED => {
                                conn.close(CLOSE_REFUSED.into(), NOT_PAIRED.as_bytes());
                            }
                            // A limit the peer's frames passed: say which, as a protocol
                            // error (the peer is not told it is unpaired).
                            NetError::Vault(CoreError::Refused(m)) => {
                                let reason: String = m.chars().take(900).collect();
                                conn.close(CLOSE_PROTOCOL.into(), reason.as_bytes());
                            }
                            _ => {}
                        })?;
                        session = s;
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                        if live && session.is_done() {
                            // A quiet point of a long session: keep the states, so an
                            // app killed later still reconnects cheaply.
                            let (p, states) = (peer.clone(), session.states());
                            vault_call(&vault, move |v| v.save_sync_states(&p, &states)).await?;
                            let _ = self.inner.events.send(Event::Idle { id: peer.clone() });
                        }
                        let got = received.load(std::sync::atomic::Ordering::Relaxed);
                        if got > last_progress + 256 * 1024 {
                            last_progress = got;
                            let _ = self.inner.events.send(Event::Progress { id: peer.clone(), received: got });
                        }
                    }
                    // Whole documents for a peer that has none, a few at a time, so
                    // frames from the peer are handled in between.
                    _ = std::future::ready(()), if more => {
                        let (s, out) = vault_call(&vault, move |v| {
                            let out = session.more(v)?;
                            Ok((session, out))
                        }).await?;
                        session = s;
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                    }
                    changed = local.changed(), if live => {
                        if changed.is_err() { break; }
                        let (s, out) = vault_call(&vault, move |v| {
                            let out = session.local_changes(v)?;
                            Ok((session, out))
                        }).await?;
                        session = s;
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                    }
                    _ = stop.changed(), if live => break,
                }
            }
            // Say we are finished and wait (briefly) for the peer to say the same, so
            // neither side closes while the other's last frame is still on its way.
            let _ = send.finish();
            let drain = async {
                while let Some(Ok(Some(_))) = batches.recv().await {}
            };
            let _ = tokio::time::timeout(Duration::from_secs(3), drain).await;
            Ok(session)
        }
        .await;
        reading.abort();
        if let Ok(mut a) = self.inner.active.lock()
            && let Some(n) = a.get_mut(&peer)
        {
            *n -= 1;
            if *n == 0 {
                a.remove(&peer);
            }
        }
        let result = match result {
            // A lost connection may really be a refusal whose reason arrived late.
            Err(NetError::Lost(text)) => match closed_error(conn, &text).await {
                refused @ NetError::Refused(_) => Err(refused),
                _ => Err(NetError::Lost(text)),
            },
            other => other,
        };
        if let Err(NetError::Frame(e)) = &result {
            conn.close(CLOSE_PROTOCOL.into(), e.to_string().as_bytes());
        }
        let stats = conn.stats();
        let report = PeerReport {
            id: peer.clone(),
            name: name.clone(),
            ok: result.is_ok(),
            refused: matches!(&result, Err(e) if e.refused()),
            error: result.as_ref().err().map(|e| e.to_string()),
            sent,
            received: received.load(std::sync::atomic::Ordering::Relaxed),
            wire_sent: stats.udp_tx.bytes,
            wire_received: stats.udp_rx.bytes,
            millis: started.elapsed().as_millis() as u64,
        };
        if let Ok(session) = result {
            let states = session.into_states();
            let addrs: Vec<String> = remote_addrs(conn);
            let p = peer.clone();
            vault_call(&vault, move |v| {
                v.save_sync_states(&p, &states)?;
                v.remember_peer(&p, &addrs)
            })
            .await?;
        }
        let _ = self.inner.events.send(Event::Synced(report.clone()));
        match report.error.clone() {
            Some(_) if report.refused => Err(NetError::Refused(report.error.unwrap_or_default())),
            Some(e) => Err(NetError::Lost(e)),
            None => Ok(report),
        }
    }
}

/// Why a connection failed: the peer's close reason (a refusal says why) if it sent one.
async fn closed_error(conn: &Connection, e: impl std::fmt::Display) -> NetError {
    let reason = match conn.close_reason() {
        Some(r) => r,
        None => match tokio::time::timeout(Duration::from_secs(2), conn.closed()).await {
            Ok(r) => r,
            Err(_) => return NetError::from_read(e),
        },
    };
    match reason {
        iroh::endpoint::ConnectionError::ApplicationClosed(close)
            if close.error_code == iroh::endpoint::VarInt::from_u32(CLOSE_REFUSED) =>
        {
            NetError::Refused(format!(
                "refused: {}",
                String::from_utf8_lossy(&close.reason)
            ))
        }
        other => NetError::from_text(&other.to_string()),
    }
}

fn failed(id: &str, name: &str, e: &NetError, started: Instant) -> PeerReport {
    PeerReport {
        id: id.to_string(),
        name: name.to_string(),
        ok: false,
        refused: e.refused(),
        error: Some(e.to_string()),
        sent: 0,
        received: 0,
        wire_sent: 0,
        wire_received: 0,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// The IP addresses a connection runs over now, to dial first next time.
fn remote_addrs(conn: &Connection) -> Vec<String> {
    let mut out: Vec<String> = conn
        .paths()
        .iter()
        .filter_map(|p| match p.remote_addr() {
            TransportAddr::Ip(a) => Some(a.to_string()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
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
    secret: &iroh::SecretKey,
    port: u16,
    options: &Options,
    relay: Option<&str>,
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
    let mut builder = Endpoint::builder(presets::Minimal)
        .secret_key(secret.clone())
        .alpns(vec![SYNC_ALPN.to_vec(), PAIR_ALPN.to_vec()])
        .transport_config(transport)
        .clear_ip_transports()
        .bind_addr(format!("{host}:{port}").as_str())
        .map_err(|e| NetError::Setup(format!("bad listen address: {e}")))?;
    builder = match relay {
        None | Some("") => builder.relay_mode(RelayMode::Disabled),
        Some("n0") => builder.relay_mode(RelayMode::Default),
        Some(url) => {
            let url: iroh::RelayUrl = url.parse().map_err(|e| {
                NetError::Setup(format!("the relay setting '{url}' is not a URL ({e})"))
            })?;
            builder.relay_mode(RelayMode::custom([url]))
        }
    };
    if options.mdns {
        builder = builder.address_lookup(
            iroh_mdns_address_lookup::MdnsAddressLookup::builder().service_name("comeback"),
        );
    }
    let vault = vault.clone();
    builder = builder.hooks(TrustHook { vault });
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

#[cfg(test)]
mod tests;
