//! The bytes of attachments between paired devices, on ALPN `comeback/blobs/1`. The
//! documents carry each file's description (`model::Attachment`: name, size, SHA-256);
//! this protocol carries the bytes, asked for by hash, one file at a time and one part
//! at a time, so neither side ever holds more than a part (`BLOB_PART`, 256 KiB) of a
//! file however many photos a first sync brings.
//!
//! On the wire, one request per bidirectional stream, opened by the side that asks:
//! - `FILE` (1) and the 64 lowercase hex digits of a SHA-256. The answer is `HAVE_NOT`
//!   (0), or `HAVE` (1) with the size (u64, big-endian) and then the bytes in parts, each
//!   a u32 big-endian length and that many bytes: every part is `BLOB_PART` bytes but the
//!   last, which holds the rest; then the stream ends. Only a file some attachment record
//!   of the answering vault names, and that it has whole, is given; anything else (a
//!   malformed hash, bytes no record names) is `HAVE_NOT`.
//! - `PULL` (2): "ask me, on this connection, for what you lack; answer when you are
//!   done". The answer is `PULLED` (1) with the files and bytes taken (two u64).
//!
//! The asking side takes each part in as it arrives (the vault locked per part), files
//! the bytes only once their SHA-256 and size match the record (`Vault::finish_blob`),
//! and drops what it received on any failure: a size other than the record's or over
//! `MAX_ATTACHMENT_BYTES`, a part of the wrong length, more bytes than announced, a
//! stall. A peer that lies ends the round; the file stays missing and is asked for again
//! at the next round, from whichever device is then at hand.
//!
//! Who asks whom: the device that dialed a sync session drives a *round* over a
//! connection of its own (`Node::files_round`): it asks for what it lacks, then, when
//! the session sent the peer anything (or it is a live session's first), says `PULL`, and
//! serves the peer's requests on that same connection until the peer answers. So the
//! device that could reach the other is the one that dials, `comeback sync --once` does
//! not leave before the other device has what it lacked, and a device the other cannot
//! dial (behind a NAT) still receives. A non-live dial runs the round after the session
//! (`Node::sync_with`); a live one at its first quiet point and at each later one that
//! moved data (`Node::files_soon`, one round per peer at a time). A device of the
//! previous release does not speak this ALPN: the round ends at once, logged, and the
//! placeholder stays.
//!
//! Two rounds may run at once between the same devices (a live `serve` dials back the
//! device running `sync --once`); no file is fetched by both (`Inner::fetching`). A
//! `PULL` is answered only once the files another round was fetching are in or have
//! been asked for again (`fetch_all`), and `sync_once` returns only once the fetches
//! other devices asked of it are over (`Inner::pulls`), so neither side leaves a file
//! half-way.
//!
//! The connection is checked against the device list after the handshake (the node's
//! trust hook, as for sync) and every request again, so a device removed meanwhile gets
//! nothing more.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use comeback_core::Error as CoreError;
use comeback_core::model::{MAX_ATTACHMENT_BYTES, is_sha256_hex};
use comeback_core::vault::BLOB_PART;
use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use serde::Serialize;
use tracing::{Instrument, debug, info, info_span};
use ts_rs::TS;

use crate::close::{alpn_refused, closed_error};
use crate::logging::short;
use crate::node::{NOT_PAIRED, WeakNode};
use crate::status::Event;
use crate::{CloseCode, NetError, NetResult, Node};

pub const BLOBS_ALPN: &[u8] = b"comeback/blobs/1";

/// Requests: the first byte of a stream the asking side opens.
const FILE: u8 = 1;
const PULL: u8 = 2;
/// Answers.
const HAVE_NOT: u8 = 0;
const HAVE: u8 = 1;
const PULLED: u8 = 1;

/// How long either side waits for the next bytes it is owed before it gives up.
const STALL: Duration = Duration::from_secs(60);

/// What a round of asking one device for files came to (also sent, as it goes, as the
/// node's `Event::Files`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct FilesReport {
    /// The device asked.
    pub id: String,
    /// Files received in this round, their SHA-256 checked.
    #[ts(type = "number")]
    pub received: u64,
    /// Their bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Files still to ask for in this round (0 once it is over, unless it stopped early).
    #[ts(type = "number")]
    pub left: u64,
    /// Files that device does not have either (added on a third device): asked for
    /// again at a later sync.
    #[ts(type = "number")]
    pub unavailable: u64,
    /// Files that device took from this one on the same connection (`PULL`).
    #[ts(type = "number")]
    pub sent: u64,
    /// Their bytes.
    #[ts(type = "number")]
    pub sent_bytes: u64,
    /// The other device runs a release without files: update it to get them.
    pub unsupported: bool,
    /// The other device asked for this round (`PULL`), on a connection it dialed.
    pub pulled: bool,
    /// Whether the round is over (the last event of a round says so).
    pub done: bool,
    /// Why the round stopped early (the connection was lost, or what the other device
    /// sent did not match the file's description and was dropped).
    pub error: Option<String>,
    /// Bytes in UDP datagrams on the round's connection, QUIC included (when done).
    #[ts(type = "number")]
    pub wire_sent: u64,
    #[ts(type = "number")]
    pub wire_received: u64,
    #[ts(type = "number")]
    pub millis: u64,
}

impl FilesReport {
    /// This round's figures with another's with the same device added (a `sync_once`
    /// that also fetched on the other device's connection).
    pub(crate) fn and(mut self, other: &FilesReport) -> FilesReport {
        self.received += other.received;
        self.bytes += other.bytes;
        self.left += other.left;
        self.unavailable += other.unavailable;
        self.sent += other.sent;
        self.sent_bytes += other.sent_bytes;
        self.unsupported |= other.unsupported;
        self.pulled |= other.pulled;
        self.error = self.error.or_else(|| other.error.clone());
        self.wire_sent += other.wire_sent;
        self.wire_received += other.wire_received;
        self.millis = self.millis.max(other.millis);
        self
    }
}

/// What a request for one file came to.
enum Got {
    Received(u64),
    Unavailable,
    /// Another round filed it meanwhile.
    Already,
    /// Another round is fetching it now (from this device or another).
    Elsewhere,
}

/// A file being fetched by a round of this node: another round (with another device)
/// skips it rather than fetch it twice. Let go when dropped.
struct InFlight<'a> {
    node: &'a Node,
    sha256: String,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.node.inner.fetching.send_modify(|fetching| {
            fetching.remove(&self.sha256);
        });
    }
}

/// A fetch a peer's `PULL` started, counted while it runs (also when it is cut short).
struct Pulling<'a>(&'a Node);

impl<'a> Pulling<'a> {
    fn start(node: &'a Node) -> Self {
        node.inner.pulls.send_modify(|n| *n += 1);
        Pulling(node)
    }
}

impl Drop for Pulling<'_> {
    fn drop(&mut self) {
        self.0.inner.pulls.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Files served on one connection (what the dialer's report counts as sent).
#[derive(Default)]
struct Served {
    files: AtomicU64,
    bytes: AtomicU64,
}

/// Answers devices that dial us for files (the trust hook let them through).
#[derive(Debug)]
pub(crate) struct BlobsProtocol(pub(crate) WeakNode);

impl ProtocolHandler for BlobsProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let Some(node) = self.0.upgrade() else {
            return Ok(());
        };
        let id = conn.remote_id().to_string();
        let span = info_span!("files", peer = short(&id), side = "answer");
        let work = async {
            match node.serve_files(&conn, &id, true, &Served::default()).await {
                Ok(()) => debug!("the other device is done asking"),
                Err(e) => info!(error = %e, "serving files ended with an error"),
            }
        };
        node.until_shutdown(work.instrument(span)).await;
        Ok(())
    }
}

/// `what` within `STALL`, or `Lost`.
async fn stalled<T>(what: impl Future<Output = NetResult<T>>) -> NetResult<T> {
    tokio::time::timeout(STALL, what).await.unwrap_or_else(|_| {
        Err(NetError::Lost(format!(
            "the other device sent nothing for {} s",
            STALL.as_secs()
        )))
    })
}

async fn read_exact(recv: &mut RecvStream, buf: &mut [u8]) -> NetResult<()> {
    stalled(async {
        recv.read_exact(buf)
            .await
            .map_err(|e| NetError::from_read_exact(&e))
    })
    .await
}

async fn write_all(send: &mut SendStream, bytes: &[u8]) -> NetResult<()> {
    stalled(async {
        send.write_all(bytes)
            .await
            .map_err(|e| NetError::from_write(&e))
    })
    .await
}

fn finish(send: &mut SendStream) {
    if let Err(e) = send.finish() {
        debug!(error = %e, "the stream was already closed");
    }
}

fn lie(what: String) -> NetError {
    NetError::Mismatch(format!("{what}; the file was dropped"))
}

impl Node {
    /// Asks device `id` for the files this device lacks, now, and returns what came.
    /// A device that is not trusted is not asked.
    pub async fn fetch_files(&self, id: &str) -> NetResult<FilesReport> {
        let peer = id.to_string();
        let trusted = self
            .call(move |v| Ok(!v.this_device_revoked()? && v.trusts(&peer)?))
            .await?;
        if !trusted {
            return Err(NetError::Refused(NOT_PAIRED.into()));
        }
        Ok(self
            .files_round(id, false)
            .await?
            .unwrap_or_else(|| FilesReport {
                id: id.to_string(),
                done: true,
                ..FilesReport::default()
            }))
    }

    /// Runs a round with `peer` soon, as a task of the node: one round per peer at a
    /// time; a round asked for while one runs follows it (once, whatever the number of
    /// asks), so files described by records that arrive meanwhile are asked for too.
    pub(crate) fn files_soon(&self, peer: &str, pull: bool) {
        if !self.inner.files {
            return;
        }
        {
            let Ok(mut rounds) = self.inner.rounds.lock() else {
                return;
            };
            if let Some(again) = rounds.get_mut(peer) {
                *again = Some(again.unwrap_or(false) || pull);
                return;
            }
            rounds.insert(peer.to_string(), None);
        }
        let node = self.clone();
        let peer = peer.to_string();
        let span = info_span!("files", peer = short(&peer), side = "ask");
        self.spawn(
            async move {
                let mut pull = pull;
                loop {
                    if let Err(e) = node.files_round(&peer, pull).await {
                        debug!(error = %e, "the round of files ended with an error");
                    }
                    let Ok(mut rounds) = node.inner.rounds.lock() else {
                        return;
                    };
                    match rounds.get_mut(&peer).and_then(Option::take) {
                        Some(p) => pull = p,
                        None => {
                            rounds.remove(&peer);
                            return;
                        }
                    }
                }
            }
            .instrument(span),
        );
    }

    /// One round with `peer`: asks for every file this device lacks, one at a time,
    /// then (`pull`) lets the peer ask for what it lacks on the same connection. `None`
    /// when there was nothing to do (nothing missing, no pull): no connection is made.
    pub(crate) async fn files_round(
        &self,
        peer: &str,
        pull: bool,
    ) -> NetResult<Option<FilesReport>> {
        if !self.inner.files {
            return Ok(None);
        }
        let missing = self.call(|v| v.missing_blobs()).await?;
        if missing.is_empty() && !pull {
            return Ok(None);
        }
        let started = Instant::now();
        let asked = !missing.is_empty();
        let mut report = FilesReport {
            id: peer.to_string(),
            left: missing.len() as u64,
            ..FilesReport::default()
        };
        let conn = match self.connect(peer, BLOBS_ALPN).await? {
            Ok(conn) => conn,
            Err(e) if alpn_refused(&e) => {
                debug!(
                    "the other device runs a release without files; their bytes stay where they are"
                );
                report.unsupported = true;
                report.done = true;
                report.millis = started.elapsed().as_millis() as u64;
                return Ok(Some(report));
            }
            Err(e) => return Err(NetError::from_connect(&e)),
        };
        let result = async {
            // What another round fetches meanwhile is its business: that one runs on.
            self.fetch_missing(&conn, peer, missing, &mut report)
                .await?;
            if pull {
                (report.sent, report.sent_bytes) = self.ask_pull(&conn, peer).await?;
            }
            Ok(())
        }
        .await;
        let result = match result {
            Err(lost @ NetError::Lost(_)) => Err(closed_error(&conn, lost).await),
            other => other,
        };
        match &result {
            Err(NetError::Protocol(m) | NetError::Mismatch(m)) => {
                info!(error = %m, "what the other device sent was refused");
                let reason: String = m.chars().take(900).collect();
                CloseCode::Protocol.close(&conn, reason.as_bytes());
            }
            Err(NetError::Vault(CoreError::Refused(m))) if m == NOT_PAIRED => {
                CloseCode::Refused.close(&conn, NOT_PAIRED.as_bytes());
            }
            _ => CloseCode::Done.close(&conn, b"done"),
        }
        let stats = conn.stats();
        report.wire_sent = stats.udp_tx.bytes;
        report.wire_received = stats.udp_rx.bytes;
        report.millis = started.elapsed().as_millis() as u64;
        report.done = true;
        report.error = result.as_ref().err().map(|e| e.to_string());
        match &report.error {
            None => info!(
                received = report.received,
                bytes = report.bytes,
                unavailable = report.unavailable,
                sent = report.sent,
                millis = report.millis,
                "files done"
            ),
            Some(e) => info!(error = %e, received = report.received, "files stopped"),
        }
        if asked || report.sent > 0 || report.error.is_some() {
            self.emit(Event::Files(report.clone()));
        }
        match result {
            // Refused by the other device (not paired, removed): the caller says so.
            Err(e @ NetError::Refused(_)) => Err(e),
            _ => Ok(Some(report)),
        }
    }

    /// Asks `peer` for each of `missing` in turn on `conn`, telling subscribers after
    /// each file. Stops at the first failure (a lie ends the round). Returns the files
    /// another round was fetching meanwhile, which this one left to it.
    async fn fetch_missing(
        &self,
        conn: &Connection,
        peer: &str,
        missing: Vec<(String, u64)>,
        report: &mut FilesReport,
    ) -> NetResult<Vec<(String, u64)>> {
        let mut elsewhere = Vec::new();
        for (sha256, size) in missing {
            match self.fetch_one(conn, &sha256, size).await? {
                Got::Received(n) => {
                    report.received += 1;
                    report.bytes += n;
                }
                Got::Unavailable => report.unavailable += 1,
                Got::Already => {}
                Got::Elsewhere => elsewhere.push((sha256, size)),
            }
            report.left -= 1;
            if report.left > 0 {
                self.emit(Event::Files(report.clone()));
            }
        }
        debug!(peer = short(peer), "asked for every missing file");
        Ok(elsewhere)
    }

    /// `fetch_missing`, then, for the files another round was fetching, waits for that
    /// round to let them go and asks for those it did not get: what a `PULL` answers
    /// once done, since the dialer may leave as soon as it has the answer.
    async fn fetch_all(
        &self,
        conn: &Connection,
        peer: &str,
        missing: Vec<(String, u64)>,
        report: &mut FilesReport,
    ) -> NetResult<()> {
        let mut pending = self.fetch_missing(conn, peer, missing, report).await?;
        // Each pass waits for the other rounds' files; a file can only be left to
        // another round again if that round took it up anew meanwhile.
        for _ in 0..3 {
            if pending.is_empty() {
                break;
            }
            let mut fetching = self.inner.fetching.subscribe();
            let waited = fetching
                .wait_for(|now| pending.iter().all(|(sha, _)| !now.contains(sha)))
                .await
                .is_ok();
            if !waited {
                break;
            }
            let shas: Vec<(String, u64)> = std::mem::take(&mut pending);
            let still = self
                .call(move |v| {
                    let mut still = Vec::new();
                    for (sha, size) in shas {
                        if v.blob_size(&sha)?.is_none() {
                            still.push((sha, size));
                        }
                    }
                    Ok(still)
                })
                .await?;
            report.left += still.len() as u64;
            pending = self.fetch_missing(conn, peer, still, report).await?;
        }
        Ok(())
    }

    /// Asks for one file and files it once its hash checks; whatever was received is
    /// dropped on any failure.
    async fn fetch_one(&self, conn: &Connection, sha256: &str, size: u64) -> NetResult<Got> {
        let first = self
            .inner
            .fetching
            .send_if_modified(|fetching| fetching.insert(sha256.to_string()));
        if !first {
            return Ok(Got::Elsewhere);
        }
        let _in_flight = InFlight {
            node: self,
            sha256: sha256.to_string(),
        };
        let sha = sha256.to_string();
        if self.call(move |v| v.blob_size(&sha)).await?.is_some() {
            return Ok(Got::Already);
        }
        if size > MAX_ATTACHMENT_BYTES {
            // Its record breaks the model's rule and is set aside; never asked for.
            return Ok(Got::Unavailable);
        }
        let (mut send, mut recv) = conn
            .open_bi()
            .await
            .map_err(|e| NetError::from_connection(&e))?;
        let mut ask = Vec::with_capacity(65);
        ask.push(FILE);
        ask.extend_from_slice(sha256.as_bytes());
        write_all(&mut send, &ask).await?;
        finish(&mut send);
        let mut answer = [0u8; 1];
        read_exact(&mut recv, &mut answer).await?;
        match answer[0] {
            HAVE_NOT => return Ok(Got::Unavailable),
            HAVE => {}
            other => {
                return Err(NetError::Protocol(format!(
                    "an answer {other} to a request for a file"
                )));
            }
        }
        let mut announced = [0u8; 8];
        read_exact(&mut recv, &mut announced).await?;
        let announced = u64::from_be_bytes(announced);
        if announced != size {
            return Err(lie(format!(
                "the other device offered {announced} bytes for a file its record says is {size}"
            )));
        }
        let key = self.call(|v| Ok(v.begin_blob())).await?;
        let received = async {
            self.receive_parts(&mut recv, &key, size).await?;
            let (k, s) = (key.clone(), sha256.to_string());
            self.call(move |v| v.finish_blob(&k, &s, size))
                .await
                .map_err(|e| match e {
                    NetError::Vault(CoreError::Refused(m)) => NetError::Mismatch(m),
                    other => other,
                })
        }
        .await;
        if let Err(e) = received {
            let k = key.clone();
            if let Err(dropped) = self.call(move |v| v.abandon_blob(&k)).await {
                // Left for `drop_unfinished` at the next open.
                info!(error = %dropped, "the parts of a failed transfer could not be dropped");
            }
            return Err(e);
        }
        Ok(Got::Received(size))
    }

    /// Takes the parts of a file of `size` bytes off `recv` under the temporary `key`,
    /// one at a time, each stored before the next is read.
    async fn receive_parts(&self, recv: &mut RecvStream, key: &str, size: u64) -> NetResult<()> {
        let mut got = 0u64;
        let mut part = 0u64;
        while got < size {
            let mut len = [0u8; 4];
            read_exact(recv, &mut len).await?;
            let len = u64::from(u32::from_be_bytes(len));
            let due = (size - got).min(BLOB_PART as u64);
            if len != due {
                return Err(lie(if len > BLOB_PART as u64 {
                    format!(
                        "the other device sent a part of {len} bytes, over the {BLOB_PART}-byte limit"
                    )
                } else if got + len > size {
                    format!("the other device sent more than the {size} bytes it announced")
                } else {
                    format!("the other device sent a part of {len} bytes where {due} were due")
                }));
            }
            // Checked against the part size first: never more than a part is allocated.
            let mut bytes = vec![0u8; len as usize];
            read_exact(recv, &mut bytes).await?;
            let k = key.to_string();
            self.call(move |v| v.blob_part_received(&k, part, &bytes))
                .await?;
            got += len;
            part += 1;
        }
        // The stream must end here.
        let mut more = [0u8; 1];
        let after = stalled(async {
            recv.read(&mut more)
                .await
                .map_err(|e| NetError::from_read(&e))
        })
        .await?;
        if after.is_some_and(|n| n > 0) {
            return Err(lie(format!(
                "the other device sent more than the {size} bytes it announced"
            )));
        }
        Ok(())
    }

    /// Says `PULL` on `conn` and serves the peer's requests until it answers; returns how
    /// many files it took, and their bytes. Gives up when the peer neither asks nor answers for `STALL`.
    async fn ask_pull(&self, conn: &Connection, peer: &str) -> NetResult<(u64, u64)> {
        let (mut send, mut recv) = conn
            .open_bi()
            .await
            .map_err(|e| NetError::from_connection(&e))?;
        write_all(&mut send, &[PULL]).await?;
        finish(&mut send);
        let served = Served::default();
        let serving = self.serve_files(conn, peer, false, &served);
        tokio::pin!(serving);
        let answered = async {
            let mut answer = [0u8; 17];
            recv.read_exact(&mut answer).await.map(|()| answer)
        };
        tokio::pin!(answered);
        // The other device at work: parts served to it on any connection.
        let mut parts = self.inner.parts_served.load(Ordering::Relaxed);
        let answer = loop {
            tokio::select! {
                r = &mut answered => {
                    break r.map_err(|e| NetError::from_read_exact(&e))?;
                }
                r = &mut serving => {
                    r?;
                    return Err(NetError::Lost("the other device hung up before it said it was done".into()));
                }
                _ = tokio::time::sleep(STALL) => {
                    let now = self.inner.parts_served.load(Ordering::Relaxed);
                    if now == parts {
                        return Err(NetError::Lost(format!(
                            "the other device neither asked for files nor said it was done for {} s",
                            STALL.as_secs()
                        )));
                    }
                    parts = now;
                }
            }
        };
        if answer[0] != PULLED {
            return Err(NetError::Protocol(format!(
                "an answer {} to a pull",
                answer[0]
            )));
        }
        let took = u64::from_be_bytes(answer[1..9].try_into().unwrap_or_default());
        debug!(
            took,
            served = served.files.load(Ordering::Relaxed),
            "the other device is done"
        );
        Ok((
            served.files.load(Ordering::Relaxed),
            served.bytes.load(Ordering::Relaxed),
        ))
    }

    /// Answers the requests `peer` opens on `conn`, one after the other, until it closes
    /// the connection. `allow_pull`: on the side that was dialed, a `PULL` runs a fetch
    /// from the dialer on this connection.
    async fn serve_files(
        &self,
        conn: &Connection,
        peer: &str,
        allow_pull: bool,
        served: &Served,
    ) -> NetResult<()> {
        loop {
            let (mut send, mut recv) = match conn.accept_bi().await {
                Ok(s) => s,
                // The asking side closes when it is done.
                Err(e) => {
                    debug!(error = %e, "no more requests");
                    return Ok(());
                }
            };
            let mut ask = [0u8; 1];
            read_exact(&mut recv, &mut ask).await?;
            let result = match ask[0] {
                FILE => {
                    let mut sha = [0u8; 64];
                    read_exact(&mut recv, &mut sha).await?;
                    let sha = String::from_utf8_lossy(&sha).into_owned();
                    self.answer_file(peer, &mut send, &sha, served).await
                }
                PULL if allow_pull => self.answer_pull(conn, peer, &mut send).await,
                other => Err(NetError::Protocol(format!("a request {other}"))),
            };
            match result {
                Ok(()) => {}
                Err(NetError::Vault(CoreError::Refused(m))) if m == NOT_PAIRED => {
                    info!("the peer is no longer trusted; refusing it");
                    CloseCode::Refused.close(conn, NOT_PAIRED.as_bytes());
                    return Err(NetError::Refused(m));
                }
                Err(e @ (NetError::Protocol(_) | NetError::Mismatch(_))) => {
                    let reason: String = e.to_string().chars().take(900).collect();
                    CloseCode::Protocol.close(conn, reason.as_bytes());
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends one file part by part, if an attachment here names it and it is here whole;
    /// else `HAVE_NOT`.
    async fn answer_file(
        &self,
        peer: &str,
        send: &mut SendStream,
        sha256: &str,
        served: &Served,
    ) -> NetResult<()> {
        let (p, s) = (peer.to_string(), sha256.to_string());
        let size = self
            .call(move |v| {
                // Checked again at every request: a removal that just arrived ends it.
                if !v.trusts(&p)? {
                    return Err(CoreError::Refused(NOT_PAIRED.into()));
                }
                if !is_sha256_hex(&s) || !v.blob_named(&s)? {
                    return Ok(None);
                }
                v.blob_size(&s)
            })
            .await?;
        let Some(size) = size else {
            debug!(
                sha256 = short(sha256),
                "asked for a file this device does not give"
            );
            write_all(send, &[HAVE_NOT]).await?;
            finish(send);
            return Ok(());
        };
        let mut head = [0u8; 9];
        head[0] = HAVE;
        head[1..].copy_from_slice(&size.to_be_bytes());
        write_all(send, &head).await?;
        let mut sent = 0u64;
        let mut part = 0u64;
        while sent < size {
            let s = sha256.to_string();
            let Some(bytes) = self.call(move |v| v.blob_part(&s, part)).await? else {
                // Removed here meanwhile (its entry deleted): the asking side drops what
                // it has and asks again at a later round.
                send.reset(CloseCode::Done.varint()).ok();
                debug!("a file went away while it was being sent");
                return Ok(());
            };
            write_all(send, &(bytes.len() as u32).to_be_bytes()).await?;
            write_all(send, &bytes).await?;
            sent += bytes.len() as u64;
            part += 1;
            self.inner.parts_served.fetch_add(1, Ordering::Relaxed);
        }
        finish(send);
        served.files.fetch_add(1, Ordering::Relaxed);
        served.bytes.fetch_add(size, Ordering::Relaxed);
        Ok(())
    }

    /// The dialer said `PULL`: fetch what this device lacks from it, on this connection,
    /// then say how it went.
    async fn answer_pull(
        &self,
        conn: &Connection,
        peer: &str,
        send: &mut SendStream,
    ) -> NetResult<()> {
        if !self.inner.files {
            return Err(NetError::Protocol(
                "a pull to a device without files".into(),
            ));
        }
        let _pulling = Pulling::start(self);
        let missing = self.call(|v| v.missing_blobs()).await?;
        let started = Instant::now();
        let mut report = FilesReport {
            id: peer.to_string(),
            left: missing.len() as u64,
            pulled: true,
            ..FilesReport::default()
        };
        let any = !missing.is_empty();
        let before = conn.stats();
        let result = self.fetch_all(conn, peer, missing, &mut report).await;
        let after = conn.stats();
        report.wire_sent = after.udp_tx.bytes.saturating_sub(before.udp_tx.bytes);
        report.wire_received = after.udp_rx.bytes.saturating_sub(before.udp_rx.bytes);
        report.done = true;
        report.millis = started.elapsed().as_millis() as u64;
        report.error = result.as_ref().err().map(|e| e.to_string());
        if any {
            info!(
                received = report.received,
                bytes = report.bytes,
                unavailable = report.unavailable,
                "files pulled"
            );
            self.emit(Event::Files(report.clone()));
        }
        result?;
        let mut answer = [0u8; 17];
        answer[0] = PULLED;
        answer[1..9].copy_from_slice(&report.received.to_be_bytes());
        answer[9..].copy_from_slice(&report.bytes.to_be_bytes());
        write_all(send, &answer).await?;
        finish(send);
        Ok(())
    }
}
