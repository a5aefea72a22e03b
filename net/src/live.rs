//! The live supervisor: while it runs, every paired device is kept in a session —
//! those without one are dialed (with backoff up to a minute), those that call are
//! answered and stay connected, and local edits are offered as they happen. "Sync now"
//! (`Node::sync_now`) goes through it when it runs, instead of opening a second session
//! beside the live one.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;
use tracing::{Instrument, debug, info, info_span, warn};

use crate::logging::short;
use crate::status::Event;
use crate::sync::PeerReport;
use crate::{NetError, NetResult, Node};

impl Node {
    /// Keeps every paired device in sync while this runs (until the node shuts down):
    /// dials those without a session, with backoff, answers those that call, and offers
    /// local edits as they happen.
    pub async fn run_live(&self) {
        self.until_shutdown(self.supervise().instrument(info_span!("live")))
            .await;
    }

    /// Runs the live supervisor as a task of the node.
    pub fn start_live(&self) {
        let node = self.clone();
        self.spawn(async move { node.supervise().instrument(info_span!("live")).await });
    }

    async fn supervise(&self) {
        self.inner.live.store(true, Ordering::Relaxed);
        info!("keeping paired devices in sync");
        // Per device: when to dial next, and the wait after the next failure. A session
        // that ran well clears its entry.
        let backoff: Arc<Mutex<HashMap<String, (Instant, Duration)>>> = Arc::default();
        // One session per pair is enough: of two devices that both run live, the one
        // with the smaller id dials; the other waits a few seconds first and dials only
        // if no session came up (say, where only it can reach the other).
        let me = self.device_id();
        match (self.peers().await, backoff.lock()) {
            (Ok(peers), Ok(mut waits)) => {
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
            (Err(e), _) => warn!(error = %e, "could not read the devices to sync with"),
            (_, Err(_)) => return,
        }
        loop {
            match self.peers().await {
                Ok(peers) => {
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
                        self.spawn(async move {
                            match node.session_with(&id, &name, true).await {
                                Ok((report, _)) if report.ok => {
                                    if let Ok(mut waits) = backoff.lock() {
                                        waits.remove(&id);
                                    }
                                }
                                Ok(_) => {}
                                Err(e) => {
                                    debug!(peer = short(&id), error = %e, retry_in = ?wait, "live session ended");
                                    // Nobody listening (no "sync now" waiting) is fine.
                                    let _ = node.inner.dial_failed.send((id, e.to_string(), e.refused()));
                                }
                            }
                        });
                    }
                }
                Err(e) => warn!(error = %e, "could not read the devices to sync with"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = self.inner.dial_now.notified() => {
                    // Asked to sync now: every device without a session is due.
                    if let Ok(mut waits) = backoff.lock() {
                        waits.clear();
                    }
                }
            }
        }
    }

    /// Reaches every other device now and reports within `wait`. With the live
    /// supervisor running, devices already in a session report at once and the others
    /// are dialed by the supervisor (their sessions then stay open); each reports when
    /// connected or failed, or "no answer" when `wait` runs out. Without it, this is
    /// `sync_once`.
    pub async fn sync_now(&self, wait: Duration) -> NetResult<Vec<PeerReport>> {
        if !self.live() {
            return self.sync_once(wait).await;
        }
        let peers = self.peers().await?;
        let connected: BTreeSet<String> = self
            .inner
            .active
            .lock()
            .map(|a| a.keys().cloned().collect())
            .unwrap_or_default();
        let mut events = self.subscribe();
        let mut failures = self.inner.dial_failed.subscribe();
        let mut waiting: BTreeSet<String> = peers
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| !connected.contains(id))
            .collect();
        let mut errors: HashMap<String, NetError> = HashMap::new();
        let error = |why: String, refused: bool| {
            if refused {
                NetError::Refused(why)
            } else {
                NetError::Lost(why)
            }
        };
        if !waiting.is_empty() {
            self.inner.dial_now.notify_one();
        }
        let deadline = tokio::time::Instant::now() + wait;
        while !waiting.is_empty() {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(Event::Connected { id }) => { waiting.remove(&id); }
                    Ok(Event::Synced(r)) if waiting.contains(&r.id) => {
                        waiting.remove(&r.id);
                        if let Some(e) = r.error { errors.insert(r.id, error(e, r.refused)); }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                failed = failures.recv() => match failed {
                    Ok((id, e, refused)) if waiting.contains(&id) => {
                        waiting.remove(&id);
                        errors.insert(id, error(e, refused));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
        Ok(peers
            .iter()
            .map(|(id, name)| {
                if waiting.contains(id) {
                    let e = NetError::Lost(format!(
                        "no answer within {} s; is it switched on and on this network?",
                        wait.as_secs()
                    ));
                    PeerReport::failed(id, name, &e, wait.as_millis() as u64)
                } else if let Some(e) = errors.remove(id) {
                    PeerReport::failed(id, name, &e, 0)
                } else {
                    PeerReport::connected(id, name)
                }
            })
            .collect())
    }
}
