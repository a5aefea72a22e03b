//! Pairing and sync, as the app drives them: the `comeback-net` node that runs once the
//! vault is open, the commands of the Devices screen, and the `sync-status`,
//! `pair-request` and `pair-code` events. Joining asks this device's person too
//! (`pair-code`, answered by `devices_join_answer`) before anything is shared.
//!
//! The node shares the app's vault (`comeback_net::Shared`) and keeps every paired device
//! in sync while the app runs (`run_live`); the change sink nudges it after each local
//! write. Its events are folded into one `SyncStatus` snapshot that the UI's indicator
//! shows, so a screen opened late asks `sync_status` once and then only listens.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use comeback_core::Vault;
use comeback_core::model::Device;
use comeback_core::vault::DeviceInfo;
use comeback_net::{Event, JoinRequest, NetError, Node, Options, PeerReport, TICKET_TTL};
use serde::Serialize;
use tauri::async_runtime::{self, JoinHandle};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::oneshot;

use crate::{AppState, IpcError, Reply, locked, poisoned};

/// How long "Sync now" waits for each device to answer.
const SYNC_NOW_WAIT: Duration = Duration::from_secs(10);

/// The app's side of the network.
#[derive(Default)]
pub struct Net {
    /// The running node, once the vault is open (read by the change sink).
    node: Mutex<Option<Node>>,
    /// Held while the node starts, so it starts once.
    starting: tokio::sync::Mutex<()>,
    /// A device that scanned our ticket and waits for "Pair" or "Cancel".
    pending: Mutex<Option<JoinRequest>>,
    /// The task waiting for the current ticket's join request.
    waiting: Mutex<Option<JoinHandle<()>>>,
    /// While joining: the question "same code? share?" waiting for this device's person.
    joining: Mutex<Option<oneshot::Sender<bool>>>,
    status: Mutex<SyncStatus>,
}

impl Net {
    fn node(&self) -> Option<Node> {
        self.node.lock().ok().and_then(|n| n.clone())
    }

    /// Tells live sessions that the vault changed here (called by the change sink).
    pub fn local_changed(&self) {
        if let Some(node) = self.node() {
            node.local_changed();
        }
    }

    fn update(&self, f: impl FnOnce(&mut SyncStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }
}

/// What the sync indicator shows, sent whole with every `sync-status` event.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    /// Whether this device is listening for its other devices.
    pub running: bool,
    /// Other devices of the vault, removed ones left out.
    pub peers: usize,
    /// Devices with a session open now (live sessions stay open while both run).
    pub connected: Vec<String>,
    /// When a session last started or moved data (ms since the epoch).
    pub active_at: Option<u64>,
    /// When a session last ended well (ms since the epoch).
    pub synced_at: Option<u64>,
    /// Why the network could not start, or why the last session failed.
    pub error: Option<String>,
    /// The node event that caused this update, if one did.
    pub event: Option<Event>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InviteReply {
    /// The ticket as text, to copy or type on the other device.
    pub ticket: String,
    /// Seconds since the epoch.
    pub expires: u64,
    /// The ticket as a QR code: an SVG document, dark modules on light, quiet zone kept.
    pub qr_svg: String,
}

#[derive(Debug, Clone, Serialize)]
struct PairRequest {
    device_id: String,
    name: String,
    code: String,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn net_error(e: NetError) -> IpcError {
    IpcError::from(comeback_core::Error::from(e))
}

fn internal(what: impl std::fmt::Display) -> IpcError {
    IpcError {
        code: "internal".into(),
        message: what.to_string(),
    }
}

/// Runs `f` on the vault on the blocking pool, so a long vault call (the start-up warm,
/// a large sync) never stalls the async runtime.
async fn with_vault<T, F>(app: &AppHandle, f: F) -> Reply<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Vault) -> comeback_core::Result<T> + Send + 'static,
{
    let shared = app.state::<AppState>().vault.clone();
    async_runtime::spawn_blocking(move || {
        let mut guard = shared.lock().map_err(|_| poisoned())?;
        let vault = guard.as_mut().ok_or_else(locked)?;
        Ok(f(vault)?)
    })
    .await
    .map_err(internal)?
}

/// The other devices of the vault: listed, not removed, not this one.
async fn others(app: &AppHandle) -> Reply<Vec<Device>> {
    with_vault(app, |v| v.sync_peers()).await
}

/// Sends the indicator the current snapshot (with the event that changed it).
async fn emit_status(app: &AppHandle, event: Option<Event>) {
    let net = app.state::<AppState>().net.clone();
    if let Ok(peers) = others(app).await {
        net.update(|s| s.peers = peers.len());
    }
    let mut status = net.status.lock().map(|s| s.clone()).unwrap_or_default();
    status.event = event;
    let _ = app.emit("sync-status", status);
}

fn fold(status: &mut SyncStatus, event: &Event) {
    let mut connected: BTreeSet<String> = status.connected.drain(..).collect();
    match event {
        Event::Connected { id } => {
            connected.insert(id.clone());
            status.active_at = Some(now_ms());
        }
        Event::Progress { .. } => status.active_at = Some(now_ms()),
        Event::Idle { id } => {
            // A live session caught up: both devices agree now.
            connected.insert(id.clone());
            status.active_at = None;
            status.synced_at = Some(now_ms());
            status.error = None;
        }
        Event::Synced(report) => {
            connected.remove(&report.id);
            if report.ok {
                status.synced_at = Some(now_ms());
                status.error = None;
            } else {
                status.error = report.error.clone();
            }
        }
    }
    status.connected = connected.into_iter().collect();
}

/// Starts this device's node if the vault is open and it is not running yet; returns it.
pub async fn ensure_node(app: &AppHandle) -> Reply<Node> {
    let net = app.state::<AppState>().net.clone();
    if let Some(node) = net.node() {
        return Ok(node);
    }
    let _once = net.starting.lock().await;
    if let Some(node) = net.node() {
        return Ok(node);
    }
    let shared = app.state::<AppState>().vault.clone();
    {
        let open = async_runtime::spawn_blocking({
            let shared = shared.clone();
            move || shared.lock().map(|g| g.is_some()).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        if !open {
            return Err(locked());
        }
    }
    let options = Options {
        port: None,
        loopback: false,
        mdns: true,
        name: None,
    };
    let node = match Node::start(shared, options).await {
        Ok(node) => node,
        Err(e) => {
            let err = net_error(e);
            net.update(|s| {
                s.running = false;
                s.error = Some(err.message.clone());
            });
            emit_status(app, None).await;
            return Err(err);
        }
    };
    if let Ok(mut slot) = net.node.lock() {
        *slot = Some(node.clone());
    }
    net.update(|s| {
        s.running = true;
        s.error = None;
    });
    // Node events become `sync-status` snapshots.
    let mut events = node.subscribe();
    let handle = app.clone();
    async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(event) => {
                    let net = handle.state::<AppState>().net.clone();
                    net.update(|s| fold(s, &event));
                    emit_status(&handle, Some(event)).await;
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
    let live = node.clone();
    async_runtime::spawn(async move { live.run_live().await });
    emit_status(app, None).await;
    Ok(node)
}

/// Starts the network in the background once the vault has been opened or created.
pub fn start_in_background(app: &AppHandle) {
    let app = app.clone();
    async_runtime::spawn(async move {
        // A failure is kept in the status and shown by the indicator.
        let _ = ensure_node(&app).await;
    });
}

/// The SVG of a QR code of `text`, without the XML prolog so it can sit inline.
fn qr_svg(text: &str) -> Reply<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| internal(format!("could not draw the QR code ({e})")))?;
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

/// Every device of the vault, this one marked, removed ones included.
#[tauri::command]
pub async fn devices_list(app: AppHandle) -> Reply<Vec<DeviceInfo>> {
    with_vault(&app, |v| v.device_infos()).await
}

/// What the sync indicator shows now.
#[tauri::command]
pub async fn sync_status(app: AppHandle) -> Reply<SyncStatus> {
    let net = app.state::<AppState>().net.clone();
    if let Ok(peers) = others(&app).await {
        net.update(|s| s.peers = peers.len());
    }
    Ok(net.status.lock().map(|s| s.clone()).unwrap_or_default())
}

/// Makes a one-time ticket (text and QR code). When a device uses it, a `pair-request`
/// event carries its name and check code; `devices_answer` says yes or no. A newer ticket
/// replaces the wait for an older one.
#[tauri::command]
pub async fn devices_invite(app: AppHandle) -> Reply<InviteReply> {
    let node = ensure_node(&app).await?;
    // A device still waiting on an older ticket is turned away rather than left hanging.
    let stale = app
        .state::<AppState>()
        .net
        .pending
        .lock()
        .ok()
        .and_then(|mut p| p.take());
    if let Some(stale) = stale {
        async_runtime::spawn(async move {
            let _ = stale.answer(false).await;
        });
    }
    let (invite, mut requests) = node.invite(TICKET_TTL).map_err(net_error)?;
    let qr_svg = qr_svg(&invite.ticket)?;
    let net = app.state::<AppState>().net.clone();
    let handle = app.clone();
    let waiting = net.clone();
    let task = async_runtime::spawn(async move {
        let wait = TICKET_TTL + Duration::from_secs(30);
        if let Ok(Some(request)) = tokio::time::timeout(wait, requests.recv()).await {
            let shown = PairRequest {
                device_id: request.device_id.clone(),
                name: request.name.clone(),
                code: request.code.clone(),
            };
            if let Ok(mut slot) = waiting.pending.lock() {
                *slot = Some(request);
            }
            let _ = handle.emit("pair-request", shown);
        }
    });
    if let Ok(mut slot) = net.waiting.lock()
        && let Some(old) = slot.replace(task)
    {
        old.abort();
    }
    Ok(InviteReply {
        ticket: invite.ticket,
        expires: invite.expires,
        qr_svg,
    })
}

/// Answers the device waiting to pair: yes adds it and runs a first sync (its report is
/// returned), no turns it away (null).
#[tauri::command]
pub async fn devices_answer(app: AppHandle, accept: bool) -> Reply<Option<PeerReport>> {
    let net = app.state::<AppState>().net.clone();
    let request = net.pending.lock().ok().and_then(|mut p| p.take());
    let Some(request) = request else {
        return Err(IpcError {
            code: "not_found".into(),
            message:
                "no device is waiting to pair; make a new ticket and enter it on the other device"
                    .into(),
        });
    };
    let result = request.answer(accept).await.map_err(net_error);
    emit_status(&app, None).await;
    result
}

/// Pairs this device with the one showing `ticket`. Once the other device has answered,
/// a `pair-code` event carries the check code, the other device's name and what joining
/// shares (`comeback_net::JoinCheck`); nothing of this vault is shared until the person
/// answers with `devices_join_answer`. The first sync's report is returned; a "no" ends
/// the join with a refusal.
#[tauri::command]
pub async fn devices_join(app: AppHandle, ticket: String) -> Reply<PeerReport> {
    let node = ensure_node(&app).await?;
    let net = app.state::<AppState>().net.clone();
    let handle = app.clone();
    let asking = net.clone();
    let result = node
        .join(&ticket, move |check| {
            let (tx, rx) = oneshot::channel();
            if let Ok(mut slot) = asking.joining.lock() {
                *slot = Some(tx);
            }
            let _ = handle.emit("pair-code", check);
            // No answer (the window went away) is no.
            async move { rx.await.unwrap_or(false) }
        })
        .await
        .map_err(net_error);
    // A question the other device ended (it declined first) is not left waiting.
    if let Ok(mut slot) = net.joining.lock() {
        slot.take();
    }
    emit_status(&app, None).await;
    result
}

/// This device's person answers the join's question (the code matches the other
/// device's, and what joining shares may go): yes goes on, no ends the join and shares
/// nothing.
#[tauri::command]
pub async fn devices_join_answer(app: AppHandle, accept: bool) -> Reply<()> {
    let net = app.state::<AppState>().net.clone();
    let waiting = net.joining.lock().ok().and_then(|mut j| j.take());
    match waiting.map(|tx| tx.send(accept)) {
        Some(Ok(())) => Ok(()),
        _ => Err(IpcError {
            code: "not_found".into(),
            message: "no pairing is waiting for an answer here; enter the ticket again".into(),
        }),
    }
}

/// Removes a device for good: it keeps what it has but never syncs with this vault again.
#[tauri::command]
pub async fn devices_revoke(app: AppHandle, id: String) -> Reply<()> {
    with_vault(&app, move |v| v.revoke_device(&id).map(|_| ())).await?;
    emit_status(&app, None).await;
    Ok(())
}

/// Reaches every other device now. Devices already in a live session report at once;
/// the others are dialled (the session then stays open, as `run_live` keeps it) and
/// report when connected or failed, or after a short wait.
#[tauri::command]
pub async fn sync_now(app: AppHandle) -> Reply<Vec<PeerReport>> {
    let node = ensure_node(&app).await?;
    let peers = others(&app).await?;
    let net = app.state::<AppState>().net.clone();
    let connected: BTreeSet<String> = net
        .status
        .lock()
        .map(|s| s.connected.iter().cloned().collect())
        .unwrap_or_default();
    let mut events = node.subscribe();
    let (failed_tx, mut failed_rx) = tokio::sync::mpsc::unbounded_channel::<(String, String)>();
    let mut waiting: BTreeSet<String> = BTreeSet::new();
    let mut reports: Vec<PeerReport> = Vec::new();
    let report = |d: &Device, error: Option<String>| PeerReport {
        id: d.id.clone(),
        name: d.name.clone(),
        ok: error.is_none(),
        refused: false,
        error,
        sent: 0,
        received: 0,
        wire_sent: 0,
        wire_received: 0,
        millis: 0,
    };
    for d in &peers {
        if connected.contains(&d.id) {
            reports.push(report(d, None));
            continue;
        }
        waiting.insert(d.id.clone());
        let (node, id, name, tx) = (
            node.clone(),
            d.id.clone(),
            d.name.clone(),
            failed_tx.clone(),
        );
        // Detached: a live session that connects stays open after we stop waiting.
        async_runtime::spawn(async move {
            if let Err(e) = node.sync_with(&id, &name).await {
                let _ = tx.send((id, e.to_string()));
            }
        });
    }
    // Kept until the end, so the channel never reads as closed while we wait.
    let _failed_tx = failed_tx;
    let mut errors: std::collections::HashMap<String, String> = Default::default();
    let deadline = tokio::time::Instant::now() + SYNC_NOW_WAIT;
    while !waiting.is_empty() {
        tokio::select! {
            event = events.recv() => match event {
                Ok(Event::Connected { id }) => { waiting.remove(&id); }
                Ok(Event::Synced(r)) if waiting.contains(&r.id) => {
                    waiting.remove(&r.id);
                    if let Some(e) = r.error { errors.insert(r.id, e); }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            },
            failed = failed_rx.recv() => match failed {
                Some((id, e)) => { waiting.remove(&id); errors.insert(id, e); }
                None => break,
            },
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    for d in &peers {
        if connected.contains(&d.id) {
            continue;
        }
        let error = if waiting.contains(&d.id) {
            Some(format!(
                "no answer within {} s; is it switched on and on this network?",
                SYNC_NOW_WAIT.as_secs()
            ))
        } else {
            errors.remove(&d.id)
        };
        reports.push(report(d, error));
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_inline_svg_with_dark_modules_on_light() {
        let Ok(svg) = qr_svg("CB1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        else {
            panic!("a ticket fits in a QR code");
        };
        assert!(svg.starts_with("<svg"), "no XML prolog: {}", &svg[..40]);
        assert!(svg.contains("viewBox"));
        assert!(svg.contains(r##"fill="#ffffff""##) && svg.contains(r##"fill="#000000""##));
    }

    #[test]
    fn events_fold_into_the_indicator_snapshot() {
        let mut s = SyncStatus::default();
        fold(&mut s, &Event::Connected { id: "b".into() });
        assert_eq!(s.connected, vec!["b".to_string()]);
        assert!(s.active_at.is_some() && s.synced_at.is_none());
        let report = PeerReport {
            id: "b".into(),
            name: "Phone".into(),
            ok: true,
            refused: false,
            error: None,
            sent: 1,
            received: 2,
            wire_sent: 3,
            wire_received: 4,
            millis: 5,
        };
        fold(&mut s, &Event::Synced(report.clone()));
        assert!(s.connected.is_empty() && s.synced_at.is_some() && s.error.is_none());
        fold(
            &mut s,
            &Event::Synced(PeerReport {
                ok: false,
                error: Some("lost".into()),
                ..report
            }),
        );
        assert_eq!(s.error.as_deref(), Some("lost"));
        // A live session that caught up reads as synced and connected, not busy.
        fold(&mut s, &Event::Connected { id: "b".into() });
        fold(&mut s, &Event::Idle { id: "b".into() });
        assert!(s.active_at.is_none() && s.synced_at.is_some() && s.error.is_none());
        assert_eq!(s.connected, vec!["b".to_string()]);
    }
}
