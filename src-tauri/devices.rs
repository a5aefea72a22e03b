//! Pairing and sync as the app's commands and events: each command translates between
//! the window and this device's `comeback-net` node (which holds the pending pairing
//! questions, folds its events into the `SyncStatus` snapshot and knows whether its live
//! supervisor runs). Events: `sync-status` (every snapshot of the node's status),
//! `pair-request` (a device used our ticket; answered by `devices_answer`) and
//! `pair-code` (while joining, the check code and what joining shares; answered by
//! `devices_join_answer`).
//!
//! The node starts once the window's first screen has drawn (`first_screen_drawn` in
//! `lib.rs`) or a device command needs it, shares the app's vault
//! (`comeback_net::Shared`) and runs its live supervisor while the app runs; the change
//! sink nudges it after each local write.

use std::sync::Mutex;
use std::time::Duration;

use comeback_core::vault::DeviceInfo;
use comeback_core::{ErrorCode, Vault};
use comeback_net::{Invite, NetError, Node, Options, PeerReport, SyncStatus};
use tauri::async_runtime;
use tauri::{AppHandle, Emitter, Manager};

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
    /// Why the node could not start, until it does.
    failed: Mutex<Option<String>>,
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
}

fn net_error(e: NetError) -> IpcError {
    match e {
        NetError::NotWaiting(message) => IpcError {
            code: ErrorCode::NotFound,
            message,
        },
        other => IpcError::from(comeback_core::Error::from(other)),
    }
}

fn internal(what: impl std::fmt::Display) -> IpcError {
    IpcError {
        code: ErrorCode::Internal,
        message: what.to_string(),
    }
}

/// Runs `f` on the vault on the blocking pool, so a long vault call never stalls the
/// async runtime.
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
    let open = async_runtime::spawn_blocking({
        let shared = shared.clone();
        move || shared.lock().map(|g| g.is_some()).unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    if !open {
        return Err(locked());
    }
    let options = Options {
        mdns: true,
        ..Options::default()
    };
    let node = match Node::start(shared, options).await {
        Ok(node) => node,
        Err(e) => {
            let err = net_error(e);
            if let Ok(mut failed) = net.failed.lock() {
                *failed = Some(err.message.clone());
            }
            let _ = app.emit("sync-status", SyncStatus::not_running(err.message.clone()));
            return Err(err);
        }
    };
    if let Ok(mut slot) = net.node.lock() {
        *slot = Some(node.clone());
    }
    if let Ok(mut failed) = net.failed.lock() {
        *failed = None;
    }
    // Every snapshot of the node's status goes to the window.
    let mut status = node.status();
    let handle = app.clone();
    async_runtime::spawn(async move {
        loop {
            let snapshot = status.borrow_and_update().clone();
            let _ = handle.emit("sync-status", snapshot);
            if status.changed().await.is_err() {
                break;
            }
        }
    });
    node.start_live();
    crate::mark("node started");
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

/// Every device of the vault, this one marked, removed ones included.
#[tauri::command]
pub async fn devices_list(app: AppHandle) -> Reply<Vec<DeviceInfo>> {
    with_vault(&app, |v| v.device_infos()).await
}

/// What the sync indicator shows now.
#[tauri::command]
pub async fn sync_status(app: AppHandle) -> Reply<SyncStatus> {
    let net = app.state::<AppState>().net.clone();
    match net.node() {
        Some(node) => Ok(node.refresh_status().await),
        None => Ok(match net.failed.lock().ok().and_then(|f| f.clone()) {
            Some(why) => SyncStatus::not_running(why),
            None => SyncStatus::default(),
        }),
    }
}

/// Makes a one-time ticket (text and QR code). When a device uses it, a `pair-request`
/// event carries its name and check code; `devices_answer` says yes or no.
#[tauri::command]
pub async fn devices_invite(app: AppHandle) -> Reply<Invite> {
    let node = ensure_node(&app).await?;
    let handle = app.clone();
    node.pairing()
        .invite(move |request| {
            let _ = handle.emit("pair-request", request);
        })
        .map_err(net_error)
}

/// Answers the device waiting to pair: yes adds it and runs a first sync (its report is
/// returned), no turns it away (null).
#[tauri::command]
pub async fn devices_answer(app: AppHandle, accept: bool) -> Reply<Option<PeerReport>> {
    let node = ensure_node(&app).await?;
    node.pairing().answer(accept).await.map_err(net_error)
}

/// Pairs this device with the one showing `ticket`; a `pair-code` event asks this
/// device's person (`devices_join_answer`) before anything is shared. Returns the first
/// sync's report; a "no" ends the join with a refusal.
#[tauri::command]
pub async fn devices_join(app: AppHandle, ticket: String) -> Reply<PeerReport> {
    let node = ensure_node(&app).await?;
    let handle = app.clone();
    node.pairing()
        .join(&ticket, move |check| {
            let _ = handle.emit("pair-code", check);
        })
        .await
        .map_err(net_error)
}

/// This device's person answers the join's question: yes goes on, no shares nothing.
#[tauri::command]
pub async fn devices_join_answer(app: AppHandle, accept: bool) -> Reply<()> {
    let node = ensure_node(&app).await?;
    node.pairing().join_answer(accept).map_err(net_error)
}

/// Removes a device for good: it keeps what it has but never syncs with this vault again.
#[tauri::command]
pub async fn devices_revoke(app: AppHandle, id: String) -> Reply<()> {
    with_vault(&app, move |v| v.revoke_device(&id).map(|_| ())).await?;
    if let Some(node) = app.state::<AppState>().net.node() {
        node.refresh_status().await;
    }
    Ok(())
}

/// Reaches every other device now (through the live sessions the node keeps).
#[tauri::command]
pub async fn sync_now(app: AppHandle) -> Reply<Vec<PeerReport>> {
    let node = ensure_node(&app).await?;
    node.sync_now(SYNC_NOW_WAIT).await.map_err(net_error)
}
