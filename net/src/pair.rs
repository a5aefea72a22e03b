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
//! `comeback/pair/1` (the code without nonces, which a key could be ground to match) is
//! not served any more: pairing needs both devices on this release. A joiner whose
//! pairing ALPN the other device does not speak is told to update it.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use comeback_core::api::{self, PairingShares};
use iroh::endpoint::Connection;
use iroh::{EndpointAddr, TransportAddr};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::ticket::{self, Ticket};
use crate::{
    CLOSE_DONE, NetError, NetResult, Node, PeerReport, closed_error, hex, key_bytes, now_secs,
    vault_call, wire,
};

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
#[derive(Debug, Clone, Serialize)]
pub struct Invite {
    pub ticket: String,
    /// Seconds since the epoch.
    pub expires: u64,
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
            let _ = rx.await;
            return Ok(None);
        }
        rx.await.map_err(|_| went_away())?.map(Some)
    }
}

/// What the joining device's person is asked before anything of its vault is shared.
#[derive(Debug, Clone, Serialize)]
pub struct JoinCheck {
    /// The check code, "123 456"; the other device shows it too.
    pub code: String,
    pub inviter_id: String,
    /// The name the other device gives itself.
    pub inviter_name: String,
    /// What joining shares with it.
    pub shares: PairingShares,
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

/// Whether a failed connect was the other device not speaking our pairing ALPN: the TLS
/// alert 120 (no_application_protocol), which iroh 1.4 reports as "the cryptographic
/// handshake failed: error 120: peer doesn't support any known protocol".
fn alpn_refused(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("error 120") || t.contains("known protocol") || t.contains("no_application_protocol")
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
            .map_err(|_| NetError::Setup("poisoned".into()))?;
        // Used tickets stay until they expire, so a second use is told "already used".
        invites.retain(|i| i.expires > now_secs());
        invites.push(PendingInvite {
            secret,
            expires,
            used: false,
            requests: tx,
        });
        Ok((
            Invite {
                ticket: ticket.encode(),
                expires,
            },
            rx,
        ))
    }

    pub(crate) async fn answer_pairing(&self, conn: Connection) -> NetResult<()> {
        let joiner = *conn.remote_id().as_bytes();
        let me = self.inner.device;
        let (mut send, mut recv) = conn.accept_bi().await.map_err(NetError::from_read)?;
        let hello: JoinHello = wire::recv_json(&mut recv).await?;
        let proof = key_bytes(&hello.proof).unwrap_or([0; 32]);
        let commit = key_bytes(&hello.commit).unwrap_or([0; 32]);
        // Find the invite this proof answers; a ticket works once, and not after expiry.
        let found = {
            let mut invites = self
                .inner
                .invites
                .lock()
                .map_err(|_| NetError::Setup("poisoned".into()))?;
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
            vault_call(&self.inner.vault, move |v| v.was_removed(&id)).await?
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
                    conn.close(CLOSE_DONE.into(), b"declined");
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
            let _ = done.send(Err(NetError::Refused(reason.into())));
            return refused;
        }
        let confirmed = match joiner_confirmed {
            Some(c) => c,
            None => matches!(joiner_says.await, Ok(JoinerSays::Confirmed)),
        };
        if !confirmed {
            conn.close(CLOSE_DONE.into(), b"declined");
            let _ = done.send(Err(NetError::Refused(DECLINED_BY_JOINER.into())));
            return Err(NetError::Refused(DECLINED_BY_JOINER.into()));
        }
        let me_id = self.device_id();
        let my_name = self.inner.name.clone();
        let added = {
            let id = joiner_id.clone();
            let name = name.clone();
            vault_call(&self.inner.vault, move |v| {
                v.ensure_this_device(Some(&my_name))?;
                v.add_device(&id, &name, &me_id)
            })
            .await
        };
        if let Err(e) = added {
            let reason = e.to_string();
            let _ = done.send(Err(NetError::Refused(reason.clone())));
            return refuse(&conn, &mut send, &reason).await;
        }
        wire::send_json(&mut send, &PairReply::Welcome).await?;
        let _ = send.finish();
        // The first sync runs on the same connection, on a stream the joiner opens.
        let result = match conn.accept_bi().await {
            Ok((send, recv)) => {
                self.run_session(&conn, joiner_id, name, send, recv, false)
                    .await
            }
            Err(e) => Err(NetError::from_read(e)),
        };
        let _ = done.send(result);
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
            self.inner.endpoint.connect(addr, PAIR_ALPN),
        )
        .await
        .map_err(|_| {
            NetError::Lost(
                "the other device did not answer in 20 s; are both on the same network, and is it still showing the ticket?".into(),
            )
        })?
        .map_err(|e| {
            let text = e.to_string();
            if alpn_refused(&text) {
                NetError::Refused(UPDATE_OTHER.into())
            } else {
                NetError::Lost(format!("could not reach the other device ({text})"))
            }
        })?;
        let (mut send, mut recv) = conn.open_bi().await.map_err(NetError::from_read)?;
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
                conn.close(CLOSE_DONE.into(), b"refused");
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
        let shares = vault_call(&self.inner.vault, |v| api::pairing_shares(v)).await?;
        let check = JoinCheck {
            code: check_code(&ticket.secret, &ticket.device, &me, &theirs, &ours),
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
                let _ = wire::send_json(&mut send, &JoinerSays::Declined).await;
                let _ = send.finish();
                // Let the answer reach the other device before the connection goes.
                let _ = tokio::time::timeout(Duration::from_secs(3), conn.closed()).await;
                conn.close(CLOSE_DONE.into(), b"declined");
                return Err(NetError::Refused(DECLINED_HERE.into()));
            }
            Err(reply) => reply,
        };
        match reply {
            Ok(PairReply::Welcome) => {}
            Ok(PairReply::Refused { reason }) => {
                conn.close(CLOSE_DONE.into(), b"refused");
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
            vault_call(&self.inner.vault, move |v| {
                v.ensure_this_device(Some(&my_name))?;
                // The inviter lists us; we list it, and the lists merge in the sync.
                v.add_device(&id, &name, &me)?;
                v.remember_peer(&id, &addrs)
            })
            .await?;
        }
        let first_sync = async {
            let (send, recv) = conn.open_bi().await.map_err(NetError::from_read)?;
            self.run_session(&conn, inviter_id, inviter_name.clone(), send, recv, false)
                .await
        };
        let report = first_sync.await;
        conn.close(CLOSE_DONE.into(), b"done");
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
    let _ = send.finish();
    let _ = tokio::time::timeout(Duration::from_secs(3), conn.closed()).await;
    Err(NetError::Refused(reason.into()))
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
    fn a_connect_refused_for_the_alpn_reads_as_update_the_other_device() {
        assert!(alpn_refused(
            "aborted by peer: the cryptographic handshake failed: error 120: peer doesn't support any known protocol"
        ));
        assert!(!alpn_refused("timed out"));
    }
}
