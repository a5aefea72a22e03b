//! Pairing: how a device with a ticket joins the vault of the device that showed it.
//!
//! The protocol, on ALPN `comeback/pair/2` (one bidirectional stream the joiner opens):
//!
//! 1. joiner → `Hello`: its name, its proof of the ticket's secret (bound to both device
//!    ids, which the QUIC handshake authenticated) and a commitment to a fresh random
//!    nonce `Nj`;
//! 2. inviter → `Nonce`: its name and a fresh random nonce `Ni`, sent only after the
//!    commitment arrived;
//! 3. joiner → `Reveal`: `Nj`; the inviter refuses it unless it opens the commitment;
//! 4. both show the check code `H(secret, inviter, joiner, Ni, Nj)` → six digits, and
//!    each person answers on their own device: the joiner sends `Confirmed` or
//!    `Declined`, the inviter's person says yes or no;
//! 5. only when both said yes: inviter → `Welcome`, each lists the other, and the first
//!    sync runs on the same connection.
//!
//! The commitment is what keeps the code from being chosen (as in short-authentication-
//! string protocols): the joiner is bound to `Nj` before it sees `Ni`, and the inviter
//! picks `Ni` without knowing `Nj`, so neither can grind keys or nonces until the code
//! matches one shown elsewhere; an attacker with a copied ticket gets one guess in a
//! million per ticket, and a ticket works once. Nothing of either vault moves, and
//! neither device lists the other, before both people confirmed.
//!
//! The inviting side answers as an iroh `ProtocolHandler` (`PairProtocol`); `Pairing`
//! holds the questions a front leaves open while its person decides (the join request
//! waiting for "Pair", the check code waiting for "Join"), so a front only forwards them.
//!
//! `comeback/pair/1` (the code without nonces, which a key could be ground to match) is
//! not served any more: pairing needs both devices on this release. A joiner whose
//! pairing ALPN the other device does not speak is told to update it.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use comeback_core::api::{self, PairingShares};
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{EndpointAddr, TransportAddr};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};
use tracing::{Instrument, debug, info, info_span, warn};
use ts_rs::TS;

use crate::close::{alpn_refused, closed_error};
use crate::logging::short;
use crate::node::{WeakNode, hex, key_bytes, now_secs};
use crate::ticket::{self, Ticket};
use crate::{CloseCode, NetError, NetResult, Node, PeerReport, TICKET_TTL, wire};

pub const PAIR_ALPN: &[u8] = b"comeback/pair/2";

/// What a joining device is told when the other device does not speak our pairing ALPN.
pub const UPDATE_OTHER: &str = "the other device runs an older Comeback that pairs differently; update Comeback on the other device, then pair again";

/// A nonce of the check code exchange.
pub type Nonce = [u8; 32];

/// A fresh random nonce.
pub fn fresh_nonce() -> NetResult<Nonce> {
    let mut n = [0u8; 32];
    getrandom::fill(&mut n).map_err(|e| NetError::Setup(format!("no randomness: {e}")))?;
    Ok(n)
}

/// The joiner's commitment to its nonce, sent before it sees the inviter's.
pub fn commitment(nonce: &Nonce, inviter: &[u8; 32], joiner: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"comeback pair commitment v2");
    h.update(inviter);
    h.update(joiner);
    h.update(nonce);
    h.finalize().into()
}

/// Whether a revealed nonce is the one the joiner committed to.
pub fn opens(commit: &[u8; 32], nonce: &Nonce, inviter: &[u8; 32], joiner: &[u8; 32]) -> bool {
    ticket::same(commit, &commitment(nonce, inviter, joiner))
}

/// The six digits both devices show, as "123 456": bound to the ticket's secret, both
/// device ids and both nonces.
pub fn check_code(
    secret: &[u8; 32],
    inviter: &[u8; 32],
    joiner: &[u8; 32],
    inviter_nonce: &Nonce,
    joiner_nonce: &Nonce,
) -> String {
    let mut h = Sha256::new();
    h.update(b"comeback pair check code v2");
    h.update(secret);
    h.update(inviter);
    h.update(joiner);
    h.update(inviter_nonce);
    h.update(joiner_nonce);
    let h: [u8; 32] = h.finalize().into();
    let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % 1_000_000;
    format!("{:03} {:03}", n / 1000, n % 1000)
}

/// A ticket shown on the inviting device.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Invite {
    /// The ticket as text, to copy or type on the other device.
    pub ticket: String,
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub expires: u64,
    /// The ticket as a QR code: an SVG document, dark modules on light, quiet zone kept.
    pub qr_svg: String,
}

/// A device that holds our ticket and waits for "Pair": what its person is shown.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct PairRequest {
    pub device_id: String,
    pub name: String,
    /// The check code, "123 456"; the joining device shows it too.
    pub code: String,
}

/// A device that holds a valid ticket and wants in; the person compares `code` on both
/// screens and answers.
#[derive(Debug)]
pub struct JoinRequest {
    pub device_id: String,
    pub name: String,
    pub code: String,
    reply: oneshot::Sender<(bool, oneshot::Sender<NetResult<PeerReport>>)>,
    /// Why the joining device is gone, once it is (say, its person declined).
    gone: Arc<Mutex<Option<String>>>,
}

impl JoinRequest {
    /// What the inviting device's person is shown.
    pub fn shown(&self) -> PairRequest {
        PairRequest {
            device_id: self.device_id.clone(),
            name: self.name.clone(),
            code: self.code.clone(),
        }
    }

    /// Says yes (the device is added once its person confirmed too, and a first sync
    /// runs; its report is returned) or no.
    pub async fn answer(self, accept: bool) -> NetResult<Option<PeerReport>> {
        let (tx, rx) = oneshot::channel();
        let gone = self.gone.clone();
        let went_away = move || {
            let why = gone.lock().ok().and_then(|g| g.clone());
            NetError::Refused(why.unwrap_or_else(|| "the joining device went away".into()))
        };
        if self.reply.send((accept, tx)).is_err() {
            return Err(went_away());
        }
        if !accept {
            // Returns once the joining device has been told (or has gone).
            if rx.await.is_err() {
                debug!("the joining device went away before it was told no");
            }
            return Ok(None);
        }
        rx.await.map_err(|_| went_away())?.map(Some)
    }
}

/// What the joining device's person is asked before anything of its vault is shared.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct JoinCheck {
    /// The check code, "123 456"; the other device shows it too.
    pub code: String,
    pub inviter_id: String,
    /// The name the other device gives itself.
    pub inviter_name: String,
    /// What joining shares with it.
    pub shares: PairingShares,
    /// The core's sentence for it (`api::shares_sentence`), filled in here on the joining
    /// device and never sent: what both fronts show before the person says yes.
    pub shares_text: String,
}

pub(crate) struct PendingInvite {
    secret: [u8; 32],
    expires: u64,
    used: bool,
    requests: mpsc::Sender<JoinRequest>,
}

const DECLINED_HERE: &str = "you declined the pairing; nothing was shared";
const DECLINED_BY_JOINER: &str = "the person on the joining device declined (or cancelled); nothing was shared. If the codes differed, someone else may have the ticket";
const BAD_REVEAL: &str = "the joining device did not keep to the check code it committed to; it may not be the device you meant to add. Make a new ticket and try again";

#[derive(Serialize, Deserialize)]
struct JoinHello {
    proof: String,
    name: String,
    /// `commitment(Nj)`, hex.
    commit: String,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
enum PairReply {
    /// The inviter's nonce, sent once the proof and the commitment arrived.
    Nonce {
        nonce: String,
        name: String,
    },
    /// Both people said yes: the devices list each other and sync.
    Welcome,
    Refused {
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum JoinerSays {
    Reveal { nonce: String },
    Confirmed,
    Declined,
}

impl Node {
    // ----- the inviting side -----

    /// Makes a one-time ticket and returns it with the queue its join request will
    /// arrive on.
    pub fn invite(&self, ttl: Duration) -> NetResult<(Invite, mpsc::Receiver<JoinRequest>)> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| NetError::Setup(format!("no randomness: {e}")))?;
        let expires = now_secs() + ttl.as_secs().max(1);
        let ticket = Ticket {
            device: self.inner.device,
            secret,
            expires,
            addrs: self.addrs(),
        };
        let (tx, rx) = mpsc::channel(1);
        let mut invites = self
            .inner
            .invites
            .lock()
            .map_err(|_| NetError::Setup("the list of tickets was poisoned; restart".into()))?;
        // Used tickets stay until they expire, so a second use is told "already used".
        invites.retain(|i| i.expires > now_secs());
        invites.push(PendingInvite {
            secret,
            expires,
            used: false,
            requests: tx,
        });
        let ticket = ticket.encode();
        let qr_svg = qr_svg(&ticket)?;
        info!(expires, "made a ticket");
        Ok((
            Invite {
                ticket,
                expires,
                qr_svg,
            },
            rx,
        ))
    }

    pub(crate) async fn answer_pairing(&self, conn: Connection) -> NetResult<()> {
        let joiner = *conn.remote_id().as_bytes();
        let me = self.inner.device;
        let (mut send, mut recv) = conn
            .accept_bi()
            .await
            .map_err(|e| NetError::from_connection(&e))?;
        let hello: JoinHello = wire::recv_json(&mut recv).await?;
        let proof = key_bytes(&hello.proof).unwrap_or([0; 32]);
        let commit = key_bytes(&hello.commit).unwrap_or([0; 32]);
        // Find the invite this proof answers; a ticket works once, and not after expiry.
        let found = {
            let mut invites =
                self.inner.invites.lock().map_err(|_| {
                    NetError::Setup("the list of tickets was poisoned; restart".into())
                })?;
            let mut found = Err("that ticket is not known here; make a new one on this device");
            for i in invites.iter_mut() {
                if ticket::same(&ticket::proof(&i.secret, &me, &joiner), &proof) {
                    found = if i.used {
                        Err("that ticket was already used; make a new one on the other device")
                    } else if i.expires <= now_secs() {
                        Err("that ticket has expired; make a new one on the other device")
                    } else {
                        i.used = true;
                        Ok((i.secret, i.requests.clone()))
                    };
                    break;
                }
            }
            found
        };
        let (secret, requests) = match found {
            Ok(f) => f,
            Err(reason) => return refuse(&conn, &mut send, reason).await,
        };
        let joiner_id = hex(&joiner);
        let already_removed = {
            let id = joiner_id.clone();
            self.call(move |v| v.was_removed(&id)).await?
        };
        if already_removed {
            let reason = "this device was removed from the vault; reset the app on it to make a new identity, then pair again";
            return refuse(&conn, &mut send, reason).await;
        }
        // Our nonce goes out only now that the joiner is bound to its own.
        let ours = fresh_nonce()?;
        wire::send_json(
            &mut send,
            &PairReply::Nonce {
                nonce: hex(&ours),
                name: self.inner.name.clone(),
            },
        )
        .await?;
        let theirs = match wire::recv_json::<JoinerSays>(&mut recv).await {
            Ok(JoinerSays::Reveal { nonce }) => key_bytes(&nonce).unwrap_or([0; 32]),
            Ok(_) => return refuse(&conn, &mut send, BAD_REVEAL).await,
            Err(e) => return Err(closed_error(&conn, e).await),
        };
        if !opens(&commit, &theirs, &me, &joiner) {
            return refuse(&conn, &mut send, BAD_REVEAL).await;
        }
        let code = check_code(&secret, &me, &joiner, &ours, &theirs);
        let (reply_tx, reply_rx) = oneshot::channel();
        let gone: Arc<Mutex<Option<String>>> = Arc::default();
        let name: String = hello.name.chars().take(60).collect();
        let request = JoinRequest {
            device_id: joiner_id.clone(),
            name: if name.trim().is_empty() {
                "New device".into()
            } else {
                name
            },
            code,
            reply: reply_tx,
            gone: gone.clone(),
        };
        let name = request.name.clone();
        if requests.send(request).await.is_err() {
            let reason = "the other device stopped waiting; make a new ticket";
            return refuse(&conn, &mut send, reason).await;
        }
        // Both people answer, each on their own device, in either order; the device is
        // added only when both said yes.
        let joiner_says = wire::recv_json::<JoinerSays>(&mut recv);
        tokio::pin!(joiner_says);
        let mut reply_rx = reply_rx;
        let joiner_gone = |gone: &Arc<Mutex<Option<String>>>, why: &str| {
            if let Ok(mut g) = gone.lock() {
                *g = Some(why.to_string());
            }
        };
        let (person, joiner_confirmed) = tokio::select! {
            person = &mut reply_rx => (person, None),
            said = &mut joiner_says => {
                let confirmed = matches!(said, Ok(JoinerSays::Confirmed));
                if !confirmed {
                    // Our person has not answered yet; the request reads as withdrawn.
                    joiner_gone(&gone, DECLINED_BY_JOINER);
                    drop(reply_rx);
                    CloseCode::Done.close(&conn, b"declined");
                    return Err(NetError::Refused(DECLINED_BY_JOINER.into()));
                }
                (reply_rx.await, Some(true))
            }
        };
        let Ok((accept, done)) = person else {
            let reason = "the pairing was abandoned on the other device; make a new ticket";
            return refuse(&conn, &mut send, reason).await;
        };
        if !accept {
            let reason = "the other device declined; check that both show the same code, then try again with a new ticket";
            let refused = refuse(&conn, &mut send, reason).await;
            tell(done, Err(NetError::Refused(reason.into())));
            return refused;
        }
        let confirmed = match joiner_confirmed {
            Some(c) => c,
            None => matches!(joiner_says.await, Ok(JoinerSays::Confirmed)),
        };
        if !confirmed {
            CloseCode::Done.close(&conn, b"declined");
            tell(done, Err(NetError::Refused(DECLINED_BY_JOINER.into())));
            return Err(NetError::Refused(DECLINED_BY_JOINER.into()));
        }
        let me_id = self.device_id();
        let my_name = self.inner.name.clone();
        let added = {
            let id = joiner_id.clone();
            let name = name.clone();
            self.call(move |v| {
                v.ensure_this_device(Some(&my_name))?;
                v.add_device(&id, &name, &me_id)
            })
            .await
        };
        if let Err(e) = added {
            let reason = e.to_string();
            warn!(error = %reason, "could not list the joining device");
            tell(done, Err(NetError::Refused(reason.clone())));
            return refuse(&conn, &mut send, &reason).await;
        }
        info!("paired");
        wire::send_json(&mut send, &PairReply::Welcome).await?;
        if let Err(e) = send.finish() {
            debug!(error = %e, "the pairing stream was already closed");
        }
        // The first sync runs on the same connection, on a stream the joiner opens.
        let result = match conn.accept_bi().await {
            Ok((send, recv)) => self
                .run_session(&conn, joiner_id, name, send, recv, false, false)
                .await
                .map(|(report, _)| report),
            Err(e) => Err(NetError::from_connection(&e)),
        };
        tell(done, result);
        self.refresh_status().await;
        Ok(())
    }

    // ----- the joining side -----

    /// Pairs this vault with the device that shows `ticket`. Once the check code is
    /// known, `confirm` is shown it with what joining will share and answers whether to
    /// go on (the CLI asks unless `--yes`; the app asks in its join flow); nothing of
    /// this vault is shared, and the other device is not listed, before it says yes.
    /// Returns the report of the first sync.
    pub async fn join<F, Fut>(&self, ticket_text: &str, confirm: F) -> NetResult<PeerReport>
    where
        F: FnOnce(JoinCheck) -> Fut + Send,
        Fut: Future<Output = bool> + Send,
    {
        let span = info_span!("pair", side = "join");
        let result = self
            .join_here(ticket_text, confirm)
            .instrument(span.clone())
            .await;
        if let Err(e) = &result {
            span.in_scope(|| info!(error = %e, "joining ended"));
        }
        result
    }

    async fn join_here<F, Fut>(&self, ticket_text: &str, confirm: F) -> NetResult<PeerReport>
    where
        F: FnOnce(JoinCheck) -> Fut + Send,
        Fut: Future<Output = bool> + Send,
    {
        let ticket = Ticket::decode(ticket_text).map_err(|e| NetError::Setup(e.to_string()))?;
        if ticket.expires <= now_secs() {
            return Err(NetError::Refused(
                "that ticket has expired; make a new one on the other device".into(),
            ));
        }
        let me = self.inner.device;
        if ticket.device == me {
            return Err(NetError::Setup(
                "that ticket was made on this device; enter it on the device you want to add"
                    .into(),
            ));
        }
        let inviter = iroh::PublicKey::from_bytes(&ticket.device)
            .map_err(|_| NetError::Setup("the ticket names no valid device".into()))?;
        let addr =
            EndpointAddr::from_parts(inviter, ticket.addrs.iter().map(|a| TransportAddr::Ip(*a)));
        let conn = tokio::time::timeout(
            Duration::from_secs(20),
            self.endpoint().connect(addr, PAIR_ALPN),
        )
        .await
        .map_err(|_| {
            NetError::Lost(
                "the other device did not answer in 20 s; are both on the same network, and is it still showing the ticket?".into(),
            )
        })?
        .map_err(|e| {
            if alpn_refused(&e) {
                NetError::Refused(UPDATE_OTHER.into())
            } else {
                NetError::Lost(format!("could not reach the other device ({e})"))
            }
        })?;
        let (mut send, mut recv) = conn
            .open_bi()
            .await
            .map_err(|e| NetError::from_connection(&e))?;
        let ours = fresh_nonce()?;
        wire::send_json(
            &mut send,
            &JoinHello {
                proof: hex(&ticket::proof(&ticket.secret, &ticket.device, &me)),
                name: self.inner.name.clone(),
                commit: hex(&commitment(&ours, &ticket.device, &me)),
            },
        )
        .await?;
        let (theirs, inviter_name) = match wire::recv_json::<PairReply>(&mut recv).await {
            Ok(PairReply::Nonce { nonce, name }) => (
                key_bytes(&nonce)
                    .map_err(|_| NetError::Protocol("the other device's nonce".into()))?,
                name.chars().take(60).collect::<String>(),
            ),
            Ok(PairReply::Refused { reason }) => {
                CloseCode::Done.close(&conn, b"refused");
                return Err(NetError::Refused(reason));
            }
            Ok(PairReply::Welcome) => {
                return Err(NetError::Protocol(
                    "the other device skipped the check code".into(),
                ));
            }
            Err(e) => return Err(closed_error(&conn, e).await),
        };
        wire::send_json(&mut send, &JoinerSays::Reveal { nonce: hex(&ours) }).await?;
        let inviter_id = hex(&ticket.device);
        let shares = self.call(|v| api::pairing_shares(v)).await?;
        let check = JoinCheck {
            code: check_code(&ticket.secret, &ticket.device, &me, &theirs, &ours),
            shares_text: api::shares_sentence(&shares, &inviter_name, &inviter_id),
            inviter_id: inviter_id.clone(),
            inviter_name: inviter_name.clone(),
            shares,
        };
        // While our person decides, the other device may refuse (its person said no, or
        // our reveal did not open the commitment): that ends the question.
        let answer = wire::recv_json::<PairReply>(&mut recv);
        tokio::pin!(answer);
        let early = tokio::select! {
            yes = confirm(check) => Ok(yes),
            reply = &mut answer => Err(reply),
        };
        let reply = match early {
            Ok(true) => {
                wire::send_json(&mut send, &JoinerSays::Confirmed).await?;
                answer.await
            }
            Ok(false) => {
                if let Err(e) = wire::send_json(&mut send, &JoinerSays::Declined).await {
                    debug!(error = %e, "the other device did not hear the no");
                }
                if let Err(e) = send.finish() {
                    debug!(error = %e, "the pairing stream was already closed");
                }
                // Let the answer reach the other device before the connection goes.
                if tokio::time::timeout(Duration::from_secs(3), conn.closed())
                    .await
                    .is_err()
                {
                    debug!("the other device did not close within 3 s");
                }
                CloseCode::Done.close(&conn, b"declined");
                info!("declined here");
                return Err(NetError::Refused(DECLINED_HERE.into()));
            }
            Err(reply) => reply,
        };
        match reply {
            Ok(PairReply::Welcome) => {}
            Ok(PairReply::Refused { reason }) => {
                CloseCode::Done.close(&conn, b"refused");
                return Err(NetError::Refused(reason));
            }
            Ok(PairReply::Nonce { .. }) => {
                return Err(NetError::Protocol("a second nonce".into()));
            }
            Err(e) => return Err(closed_error(&conn, e).await),
        }
        {
            let (id, me, name, my_name) = (
                inviter_id.clone(),
                self.device_id(),
                inviter_name.clone(),
                self.inner.name.clone(),
            );
            let addrs: Vec<String> = ticket.addrs.iter().map(|a| a.to_string()).collect();
            self.call(move |v| {
                v.ensure_this_device(Some(&my_name))?;
                // The inviter lists us; we list it, and the lists merge in the sync.
                v.add_device(&id, &name, &me)?;
                v.remember_peer(&id, &addrs)
            })
            .await?;
        }
        info!("paired");
        let first_sync = async {
            let (send, recv) = conn
                .open_bi()
                .await
                .map_err(|e| NetError::from_connection(&e))?;
            self.run_session(
                &conn,
                inviter_id,
                inviter_name.clone(),
                send,
                recv,
                false,
                false,
            )
            .await
            .map(|(report, _)| report)
        };
        let report = first_sync.await;
        CloseCode::Done.close(&conn, b"done");
        self.refresh_status().await;
        // Both devices list each other by now: a cut-short first sync is not a failed
        // pairing, and the next sync carries on from where this one stopped.
        report.map_err(|e| match e {
            NetError::Lost(m) => NetError::Lost(format!(
                "paired with {inviter_name}, but the first sync was cut short ({m}); it carries on at the next sync"
            )),
            other => other,
        })
    }
}

/// Answers devices that dial us with a ticket.
#[derive(Debug)]
pub(crate) struct PairProtocol(pub(crate) WeakNode);

impl ProtocolHandler for PairProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let Some(node) = self.0.upgrade() else {
            return Ok(());
        };
        let id = conn.remote_id().to_string();
        let span = info_span!("pair", peer = short(&id), side = "invite");
        let work = async {
            if let Err(e) = node.answer_pairing(conn).await {
                info!(error = %e, "pairing ended");
            }
        };
        node.until_shutdown(work.instrument(span)).await;
        Ok(())
    }
}

/// The questions of pairing a front leaves open while its person decides.
#[derive(Default)]
pub(crate) struct PairState {
    /// A device that used our ticket and waits for "Pair" or "Cancel".
    pending: Mutex<Option<JoinRequest>>,
    /// The task waiting for the current ticket's join request.
    waiting: Mutex<Option<tokio::task::AbortHandle>>,
    /// While joining: "same code? share?" waiting for this device's person.
    joining: Mutex<Option<oneshot::Sender<bool>>>,
}

fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock().ok().and_then(|mut s| s.take())
}

fn put<T>(slot: &Mutex<Option<T>>, value: T) -> Option<T> {
    slot.lock().ok().and_then(|mut s| s.replace(value))
}

/// Pairing as a front with its own screens drives it: each step returns at once and the
/// question it raises is answered by a later call (`answer`, `join_answer`), the node
/// holding what waits in between.
#[derive(Clone)]
pub struct Pairing {
    node: Node,
}

impl Node {
    /// The pairing steps of this node (the app's Devices screen).
    pub fn pairing(&self) -> Pairing {
        Pairing { node: self.clone() }
    }
}

impl Pairing {
    /// Makes a one-time ticket (text and QR code). When a device uses it, `on_request`
    /// is told its name and check code, and the request waits for `answer`. A newer
    /// ticket replaces the wait for an older one; a device still waiting on the older
    /// one is turned away rather than left hanging.
    pub fn invite<F>(&self, on_request: F) -> NetResult<Invite>
    where
        F: FnOnce(PairRequest) + Send + 'static,
    {
        let state = &self.node.inner.pairing;
        if let Some(stale) = take(&state.pending) {
            self.node.spawn(async move {
                if let Err(e) = stale.answer(false).await {
                    debug!(error = %e, "the device waiting on an older ticket was gone");
                }
            });
        }
        let (invite, mut requests) = self.node.invite(TICKET_TTL)?;
        let node = self.node.clone();
        let task = self.node.spawn(
            async move {
                let wait = TICKET_TTL + Duration::from_secs(30);
                match tokio::time::timeout(wait, requests.recv()).await {
                    Ok(Some(request)) => {
                        let shown = request.shown();
                        put(&node.inner.pairing.pending, request);
                        on_request(shown);
                    }
                    _ => debug!("no device used the ticket"),
                }
            }
            .instrument(info_span!("pair", side = "invite")),
        );
        if let Some(old) = put(&state.waiting, task.abort_handle()) {
            old.abort();
        }
        Ok(invite)
    }

    /// Answers the device waiting to pair: yes adds it and runs a first sync (its report
    /// is returned), no turns it away (`None`).
    pub async fn answer(&self, accept: bool) -> NetResult<Option<PeerReport>> {
        let request = take(&self.node.inner.pairing.pending).ok_or_else(|| {
            NetError::NotWaiting(
                "no device is waiting to pair; make a new ticket and enter it on the other device"
                    .into(),
            )
        })?;
        let result = request.answer(accept).await;
        self.node.refresh_status().await;
        result
    }

    /// Pairs this device with the one showing `ticket`. Once the other device has
    /// answered, `on_check` is shown the check code and what joining shares; nothing is
    /// shared until `join_answer(true)`. Returns the first sync's report.
    pub async fn join<F>(&self, ticket: &str, on_check: F) -> NetResult<PeerReport>
    where
        F: FnOnce(JoinCheck) + Send,
    {
        let node = self.node.clone();
        let result = self
            .node
            .join(ticket, move |check| {
                let (tx, rx) = oneshot::channel();
                put(&node.inner.pairing.joining, tx);
                on_check(check);
                // No answer (the front went away) is no.
                async move { rx.await.unwrap_or(false) }
            })
            .await;
        // A question the other device ended (it declined first) is not left waiting.
        take(&self.node.inner.pairing.joining);
        self.node.refresh_status().await;
        result
    }

    /// This device's person answers the join's question: yes goes on, no ends the join
    /// and shares nothing.
    pub fn join_answer(&self, accept: bool) -> NetResult<()> {
        match take(&self.node.inner.pairing.joining).map(|tx| tx.send(accept)) {
            Some(Ok(())) => Ok(()),
            _ => Err(NetError::NotWaiting(
                "no pairing is waiting for an answer here; enter the ticket again".into(),
            )),
        }
    }
}

/// Says no to a joining device, and waits (briefly) until it has read why.
async fn refuse(
    conn: &Connection,
    send: &mut iroh::endpoint::SendStream,
    reason: &str,
) -> NetResult<()> {
    wire::send_json(
        send,
        &PairReply::Refused {
            reason: reason.into(),
        },
    )
    .await?;
    if let Err(e) = send.finish() {
        debug!(error = %e, "the pairing stream was already closed");
    }
    if tokio::time::timeout(Duration::from_secs(3), conn.closed())
        .await
        .is_err()
    {
        debug!("the joining device did not close within 3 s");
    }
    info!(reason, "refused a joining device");
    Err(NetError::Refused(reason.into()))
}

/// Hands the inviting person's `answer` its outcome; it may have stopped waiting.
fn tell(done: oneshot::Sender<NetResult<PeerReport>>, outcome: NetResult<PeerReport>) {
    if done.send(outcome).is_err() {
        debug!("nobody waits for the pairing's outcome any more");
    }
}

/// The SVG of a QR code of `text`, without the XML prolog so it can sit inline.
fn qr_svg(text: &str) -> NetResult<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| NetError::Setup(format!("could not draw the QR code ({e})")))?;
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(6, 6)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(match image.find("<svg") {
        Some(at) => image[at..].to_string(),
        None => image,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [1; 32];
    const INVITER: [u8; 32] = [2; 32];
    const JOINER: [u8; 32] = [3; 32];

    fn nonce(i: u32) -> Nonce {
        let mut n = [0u8; 32];
        n[..4].copy_from_slice(&i.to_be_bytes());
        n[31] = 0xa5;
        n
    }

    #[test]
    fn the_code_changes_with_either_nonce_and_with_either_device() {
        let code = check_code(&SECRET, &INVITER, &JOINER, &nonce(1), &nonce(2));
        assert_eq!(code.len(), 7);
        assert_eq!(
            code,
            check_code(&SECRET, &INVITER, &JOINER, &nonce(1), &nonce(2))
        );
        assert_ne!(
            code,
            check_code(&SECRET, &INVITER, &JOINER, &nonce(3), &nonce(2))
        );
        assert_ne!(
            code,
            check_code(&SECRET, &INVITER, &JOINER, &nonce(1), &nonce(3))
        );
        assert_ne!(
            code,
            check_code(&SECRET, &INVITER, &[4; 32], &nonce(1), &nonce(2))
        );
        assert_ne!(
            code,
            check_code(&[5; 32], &INVITER, &JOINER, &nonce(1), &nonce(2))
        );
        // The nonces are not interchangeable.
        assert_ne!(
            code,
            check_code(&SECRET, &INVITER, &JOINER, &nonce(2), &nonce(1))
        );
    }

    #[test]
    fn a_reveal_that_does_not_match_the_commitment_is_refused() {
        let commit = commitment(&nonce(7), &INVITER, &JOINER);
        assert!(opens(&commit, &nonce(7), &INVITER, &JOINER));
        assert!(!opens(&commit, &nonce(8), &INVITER, &JOINER));
        // A commitment made for another pair of devices opens nothing here.
        assert!(!opens(&commit, &nonce(7), &INVITER, &[4; 32]));
        assert!(!opens(&commit, &nonce(7), &[4; 32], &JOINER));
    }

    /// The attack of finding 7: with the ticket and the legitimate joiner's code in mind,
    /// an attacker grinds its own key (or nonce) until its code matches. Before the
    /// inviter's fresh nonce exists the code is not determined, so nothing ground ahead
    /// of time carries over; after seeing the nonce, the attacker can only reveal the
    /// nonce it committed to.
    #[test]
    fn a_grinding_attacker_cannot_precompute_or_choose_the_code() {
        let attacker = [9; 32];
        let committed = nonce(1000);
        let commit = commitment(&committed, &INVITER, &attacker);
        // Ahead of time: whatever the attacker computes, the code the inviter will show
        // depends on a nonce drawn after the commitment. Over many inviter nonces the
        // attacker's code is spread over (nearly) as many values.
        let codes: std::collections::BTreeSet<String> = (0..200)
            .map(|i| check_code(&SECRET, &INVITER, &attacker, &nonce(i), &committed))
            .collect();
        assert!(codes.len() > 190, "only {} distinct codes", codes.len());
        // Afterwards: the attacker sees the inviter's nonce and looks for a nonce of its
        // own giving the code it wants (here: the first one found starting with "12";
        // a full match is the same search, longer). Revealing it is refused.
        let inviters = nonce(424_242);
        let wanted = (0..100_000u32)
            .map(nonce)
            .find(|n| check_code(&SECRET, &INVITER, &attacker, &inviters, n).starts_with("12"))
            .expect("a nonce giving a code starting with 12");
        assert_ne!(wanted, committed);
        assert!(!opens(&commit, &wanted, &INVITER, &attacker));
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_with_dark_modules_on_light() {
        let svg = qr_svg("CB1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            .expect("a ticket fits in a QR code");
        assert!(svg.starts_with("<svg"), "no XML prolog: {}", &svg[..40]);
        assert!(svg.contains("viewBox"));
        assert!(svg.contains(r##"fill="#ffffff""##) && svg.contains(r##"fill="#000000""##));
    }
}
