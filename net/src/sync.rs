//! The sync protocol on ALPN `comeback/sync/1`: its accepting side as an iroh
//! `ProtocolHandler` (`SyncProtocol`), its dialing side (`Node::sync_once`,
//! `Node::sync_with`), and the session both run: the frames of `comeback_core::sync`
//! over one bidirectional stream until both sides are quiet (or, live, until the
//! connection ends), then the sync states and where the peer was reached are kept.
//! Each frame the peer sends is handled only while the device list still trusts it.
//! The dialing side then has the files carried (`blobs.rs`): after the session, or, live,
//! at each quiet point that moved data.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use comeback_core::Error as CoreError;
use comeback_core::model::Device;
use comeback_core::sync::{Frame, Session};
use iroh::endpoint::{ConnectError, Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{EndpointAddr, TransportAddr};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tracing::{Instrument, debug, info, info_span, warn};
use ts_rs::TS;

use crate::blobs::FilesReport;
use crate::close::closed_error;
use crate::logging::short;
use crate::node::{NOT_PAIRED, WeakNode, key_bytes};
use crate::status::Event;
use crate::{CloseCode, NetError, NetResult, Node, wire};

pub const SYNC_ALPN: &[u8] = b"comeback/sync/1";

/// What a session with one device came to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct PeerReport {
    pub id: String,
    pub name: String,
    pub ok: bool,
    pub refused: bool,
    pub error: Option<String>,
    /// Bytes of sync frames sent and received (without QUIC's own overhead).
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub received: u64,
    /// Bytes in UDP datagrams, QUIC included.
    #[ts(type = "number")]
    pub wire_sent: u64,
    #[ts(type = "number")]
    pub wire_received: u64,
    #[ts(type = "number")]
    pub millis: u64,
    /// The files carried after the session (the dialing side's report; `None` when
    /// there were none to carry).
    pub files: Option<FilesReport>,
}

impl PeerReport {
    /// The report of a session that never ran (or was not waited for).
    pub fn failed(id: &str, name: &str, e: &NetError, millis: u64) -> PeerReport {
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
            millis,
            files: None,
        }
    }

    /// A device already in a live session: nothing to wait for.
    pub fn connected(id: &str, name: &str) -> PeerReport {
        PeerReport {
            id: id.to_string(),
            name: name.to_string(),
            ok: true,
            refused: false,
            error: None,
            sent: 0,
            received: 0,
            wire_sent: 0,
            wire_received: 0,
            millis: 0,
            files: None,
        }
    }
}

/// Answers devices that dial us for a sync (the trust hook let them through).
#[derive(Debug)]
pub(crate) struct SyncProtocol(pub(crate) WeakNode);

impl ProtocolHandler for SyncProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let Some(node) = self.0.upgrade() else {
            return Ok(());
        };
        let id = conn.remote_id().to_string();
        let span = info_span!("sync", peer = short(&id), side = "answer");
        let work = async {
            let name = {
                let id = id.clone();
                node.call(move |v| Ok(v.get::<Device>(&id)?.map(|d| d.name).unwrap_or_default()))
                    .await
                    .inspect_err(|e| debug!(error = %e, "the peer's name could not be read"))
                    .unwrap_or_default()
            };
            let (send, recv) = match conn.accept_bi().await {
                Ok(s) => s,
                Err(e) => {
                    debug!(error = %e, "the peer opened no stream");
                    return;
                }
            };
            let live = node.live();
            if let Err(e) = node
                .run_session(&conn, id, name, send, recv, live, false)
                .await
            {
                info!(error = %e, "session ended with an error");
            }
            // Let the dialer close; our last frames must reach it first.
            if tokio::time::timeout(Duration::from_secs(5), conn.closed())
                .await
                .is_err()
            {
                debug!("the dialer did not close within 5 s");
            }
        };
        node.until_shutdown(work.instrument(span)).await;
        Ok(())
    }
}

impl Node {
    /// Dials every paired device once and syncs until both sides are quiet, then has
    /// the files either side lacks carried. A device that dials back meanwhile (a live
    /// `serve`) may ask this one to fetch on its connection: that is waited for too, and
    /// what it brought is counted in that device's report.
    pub async fn sync_once(&self, timeout: Duration) -> NetResult<Vec<PeerReport>> {
        let peers = self.peers().await?;
        let mut events = self.subscribe();
        let mut pulled: Vec<FilesReport> = Vec::new();
        let mut keep = |event: Result<Event, RecvError>| {
            if let Ok(Event::Files(f)) = event
                && f.done
                && f.pulled
            {
                pulled.push(f);
            }
        };
        let mut tasks = Vec::new();
        for (id, name) in peers {
            let node = self.clone();
            tasks.push(self.spawn(async move {
                let started = Instant::now();
                // The files come after, bounded by their progress, not by `timeout`.
                match tokio::time::timeout(timeout, node.session_with(&id, &name, false)).await {
                    Ok(Ok((r, sent_data))) => node.with_files(r, sent_data).await,
                    Ok(Err(e)) => {
                        PeerReport::failed(&id, &name, &e, started.elapsed().as_millis() as u64)
                    }
                    Err(_) => PeerReport::failed(
                        &id,
                        &name,
                        &NetError::Lost(format!(
                            "no answer within {} s; is it switched on and on this network?",
                            timeout.as_secs()
                        )),
                        started.elapsed().as_millis() as u64,
                    ),
                }
            }));
        }
        let all = async {
            let mut out = Vec::new();
            for t in tasks {
                match t.await {
                    Ok(Some(r)) => out.push(r),
                    Ok(None) => debug!("a sync was cut short by the shutdown"),
                    Err(e) => warn!(error = %e, "a sync task failed"),
                }
            }
            out
        };
        tokio::pin!(all);
        let mut out = loop {
            tokio::select! {
                out = &mut all => break out,
                event = events.recv() => keep(event),
            }
        };
        // Fetches the other device asked for on its connection end before this does.
        let mut pulls = self.inner.pulls.subscribe();
        let idle = pulls.wait_for(|n| *n == 0);
        tokio::pin!(idle);
        loop {
            tokio::select! {
                _ = &mut idle => break,
                event = events.recv() => keep(event),
            }
        }
        while let Ok(event) = events.try_recv() {
            keep(Ok(event));
        }
        for f in pulled {
            if let Some(r) = out.iter_mut().find(|r| r.id == f.id) {
                r.files = Some(match r.files.take() {
                    Some(mine) => mine.and(&f),
                    None => f,
                });
            }
        }
        Ok(out)
    }

    /// The devices to sync with: listed, not removed, not this one.
    pub(crate) async fn peers(&self) -> NetResult<Vec<(String, String)>> {
        self.call(|v| {
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
        self.connect(id, SYNC_ALPN)
            .await?
            .map_err(|e| NetError::from_connect(&e))
    }

    /// Connects to device `id` on `alpn`, at the addresses where it was last reached
    /// (and what mDNS finds); the connect's own error is left to the caller to read.
    pub(crate) async fn connect(
        &self,
        id: &str,
        alpn: &[u8],
    ) -> NetResult<Result<Connection, ConnectError>> {
        let key = iroh::PublicKey::from_bytes(&key_bytes(id)?)
            .map_err(|_| NetError::Setup(format!("'{id}' is not a device key")))?;
        let remembered = {
            let id = id.to_string();
            self.call(move |v| Ok(v.peer(&id)?.unwrap_or_default()))
                .await?
        };
        let addrs = remembered
            .addrs
            .iter()
            .filter_map(|a| a.parse::<std::net::SocketAddr>().ok())
            .map(TransportAddr::Ip);
        let addr = EndpointAddr::from_parts(key, addrs);
        Ok(self.endpoint().connect(addr, alpn).await)
    }

    /// One session with one device, dialed from here, until both sides are quiet; then
    /// the files either lacks go across (see `blobs.rs`).
    pub async fn sync_with(&self, id: &str, name: &str) -> NetResult<PeerReport> {
        let (report, sent_data) = self.session_with(id, name, false).await?;
        Ok(self.with_files(report, sent_data).await)
    }

    /// `report` with the files carried after its session: those this device lacks, and,
    /// when the session sent the peer data (new records may name files), those the peer
    /// lacks. A round that fails leaves the sync's report ok.
    pub(crate) async fn with_files(&self, mut report: PeerReport, sent_data: bool) -> PeerReport {
        match self.files_round(&report.id, sent_data).await {
            Ok(files) => report.files = files,
            Err(e) => {
                debug!(peer = short(&report.id), error = %e, "no files were carried");
                report.files = Some(FilesReport {
                    id: report.id.clone(),
                    done: true,
                    error: Some(e.to_string()),
                    ..FilesReport::default()
                });
            }
        }
        report
    }

    /// One session dialed from here; with whether it sent the peer any data.
    pub(crate) async fn session_with(
        &self,
        id: &str,
        name: &str,
        live: bool,
    ) -> NetResult<(PeerReport, bool)> {
        let span = info_span!("sync", peer = short(id), side = "dial", live);
        async {
            let conn = self.dial(id).await?;
            let (send, recv) = match conn.open_bi().await {
                Ok(s) => s,
                Err(e) => {
                    let lost = NetError::from_connection(&e);
                    return Err(closed_error(&conn, lost).await);
                }
            };
            let result = self
                .run_session(
                    &conn,
                    id.to_string(),
                    name.to_string(),
                    send,
                    recv,
                    live,
                    live,
                )
                .await;
            CloseCode::Done.close(&conn, b"done");
            result
        }
        .instrument(span)
        .await
    }

    /// Runs one sync session on a stream pair until both sides are done (or, live, until
    /// the connection ends), then keeps the sync states and where the peer was reached;
    /// returns its report and whether it sent the peer any data. `drive_files` (a live
    /// session dialed from here): at the first quiet point, and at each later one that
    /// moved data, a round of files runs with the peer.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_session(
        &self,
        conn: &Connection,
        peer: String,
        name: String,
        mut send: SendStream,
        recv: RecvStream,
        live: bool,
        drive_files: bool,
    ) -> NetResult<(PeerReport, bool)> {
        let started = Instant::now();
        if let Ok(mut a) = self.inner.active.lock() {
            // Both devices may dial at once: count sessions, not devices.
            *a.entry(peer.clone()).or_default() += 1;
        }
        debug!("session started");
        self.emit(Event::Connected { id: peer.clone() });
        let mut sent = 0u64;
        // Reading runs on its own task, so two devices that both send whole documents
        // never wait on each other's flow-control window.
        let received = Arc::new(AtomicU64::new(0));
        let (batches_tx, mut batches) = mpsc::channel::<NetResult<Option<Vec<_>>>>(64);
        let reading = {
            let received = received.clone();
            self.spawn(
                async move {
                    let mut reader = wire::FrameReader::new(recv);
                    loop {
                        let next = reader.next_batch(16).await;
                        received.store(reader.bytes, Ordering::Relaxed);
                        let end = !matches!(next, Ok(Some(_)));
                        if batches_tx.send(next).await.is_err() || end {
                            return;
                        }
                    }
                }
                .in_current_span(),
            )
        };
        // Data moved since the last round of files, and in all.
        let (mut moved_in, mut moved_out, mut sent_data, mut first_quiet) =
            (false, false, false, true);
        let result: NetResult<Session> = async {
            let p = peer.clone();
            let (mut session, opening) = self
                .call(move |v| {
                    let mut s = Session::resume(v.sync_states(&p)?);
                    let frames = s.open(v)?;
                    Ok((s, frames))
                })
                .await?;
            wire::write_frames(&mut send, &opening, &mut sent).await?;
            let mut local = self.inner.local.subscribe();
            local.borrow_and_update();
            let cancel = self.inner.cancel.clone();
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
                        moved_in |= carries_data(&batch);
                        let p = peer.clone();
                        let (s, out) = self.call(move |v| {
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
                                info!("the peer is no longer trusted; refusing it");
                                CloseCode::Refused.close(conn, NOT_PAIRED.as_bytes());
                            }
                            // A limit the peer's frames passed: say which, as a protocol
                            // error (the peer is not told it is unpaired).
                            NetError::Vault(CoreError::Refused(m)) => {
                                info!(error = %m, "the peer's frames were refused");
                                let reason: String = m.chars().take(900).collect();
                                CloseCode::Protocol.close(conn, reason.as_bytes());
                            }
                            _ => {}
                        })?;
                        session = s;
                        moved_out |= carries_data(&out);
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                        if live && session.is_done() {
                            // A quiet point of a long session: keep the states, so an
                            // app killed later still reconnects cheaply.
                            let (p, states) = (peer.clone(), session.states());
                            self.call(move |v| v.save_sync_states(&p, &states)).await?;
                            debug!("caught up");
                            self.emit(Event::Idle { id: peer.clone() });
                            if drive_files && (first_quiet || moved_in || moved_out) {
                                // The first round lets the peer ask too, whatever moved:
                                // it may lack files since an earlier session.
                                self.files_soon(&peer, first_quiet || moved_out);
                                sent_data |= moved_out;
                                (first_quiet, moved_in, moved_out) = (false, false, false);
                            }
                        }
                        let got = received.load(Ordering::Relaxed);
                        if got > last_progress + 256 * 1024 {
                            last_progress = got;
                            self.emit(Event::Progress { id: peer.clone(), received: got });
                        }
                    }
                    // Whole documents for a peer that has none, a few at a time, so
                    // frames from the peer are handled in between.
                    _ = std::future::ready(()), if more => {
                        let (s, out) = self.call(move |v| {
                            let out = session.more(v)?;
                            Ok((session, out))
                        }).await?;
                        session = s;
                        moved_out |= carries_data(&out);
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                    }
                    changed = local.changed(), if live => {
                        if changed.is_err() { break; }
                        let (s, out) = self.call(move |v| {
                            let out = session.local_changes(v)?;
                            Ok((session, out))
                        }).await?;
                        session = s;
                        moved_out |= carries_data(&out);
                        wire::write_frames(&mut send, &out, &mut sent).await?;
                    }
                    _ = cancel.cancelled(), if live => break,
                }
            }
            // Say we are finished and wait (briefly) for the peer to say the same, so
            // neither side closes while the other's last frame is still on its way.
            if let Err(e) = send.finish() {
                debug!(error = %e, "the stream was already closed");
            }
            let drain = async { while let Some(Ok(Some(_))) = batches.recv().await {} };
            if tokio::time::timeout(Duration::from_secs(3), drain).await.is_err() {
                debug!("the peer did not finish its side within 3 s");
            }
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
            Err(lost @ NetError::Lost(_)) => Err(closed_error(conn, lost).await),
            other => other,
        };
        if let Err(NetError::Frame(e)) = &result {
            CloseCode::Protocol.close(conn, e.to_string().as_bytes());
        }
        let stats = conn.stats();
        let report = PeerReport {
            id: peer.clone(),
            name: name.clone(),
            ok: result.is_ok(),
            refused: matches!(&result, Err(e) if e.refused()),
            error: result.as_ref().err().map(|e| e.to_string()),
            sent,
            received: received.load(Ordering::Relaxed),
            wire_sent: stats.udp_tx.bytes,
            wire_received: stats.udp_rx.bytes,
            millis: started.elapsed().as_millis() as u64,
            files: None,
        };
        if let Ok(session) = result {
            let states = session.into_states();
            let addrs: Vec<String> = remote_addrs(conn);
            let p = peer.clone();
            self.call(move |v| {
                v.save_sync_states(&p, &states)?;
                v.remember_peer(&p, &addrs)
            })
            .await?;
        }
        match &report.error {
            None => info!(
                sent = report.sent,
                received = report.received,
                millis = report.millis,
                "session done"
            ),
            Some(e) => info!(error = %e, refused = report.refused, "session failed"),
        }
        self.emit(Event::Synced(report.clone()));
        match report.error.clone() {
            Some(e) if report.refused => Err(NetError::Refused(e)),
            Some(e) => Err(NetError::Lost(e)),
            None => Ok((report, sent_data || moved_out)),
        }
    }
}

/// Whether frames carry documents' data (not only manifests and `Quiet`): records may
/// have moved, and with them descriptions of files.
fn carries_data(frames: &[Frame]) -> bool {
    frames
        .iter()
        .any(|f| matches!(f, Frame::Sync { .. } | Frame::Snapshot { .. }))
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
