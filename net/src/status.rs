//! What the node is doing, as both fronts show it: the `Event`s a session emits, and
//! the one `SyncStatus` snapshot the node folds them into (a `watch` channel the app
//! forwards as its `sync-status` event and `comeback serve` prints from).

use std::collections::BTreeSet;

use serde::Serialize;
use ts_rs::TS;

use crate::blobs::FilesReport;
use crate::sync::PeerReport;

/// Something the front end may want to show.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "NetEvent")]
pub enum Event {
    /// A session with a device started.
    Connected { id: String },
    /// A session with a device ended (done, or lost).
    Synced(PeerReport),
    /// A live session has exchanged everything there was: both devices agree now.
    Idle { id: String },
    /// Progress of a large exchange: bytes received so far.
    Progress {
        id: String,
        #[ts(type = "number")]
        received: u64,
    },
    /// Files (photos) coming from a device: after each one, and once when the round is
    /// over (`done`).
    Files(FilesReport),
}

/// What the sync indicator shows, sent whole with every update.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct SyncStatus {
    /// Whether this device is listening for its other devices.
    pub running: bool,
    /// Other devices of the vault, removed ones left out.
    #[ts(type = "number")]
    pub peers: usize,
    /// Devices with a session open now (live sessions stay open while both run).
    pub connected: Vec<String>,
    /// When a session last started or moved data (ms since the epoch).
    #[ts(type = "number | null")]
    pub active_at: Option<u64>,
    /// When a session last ended well (ms since the epoch).
    #[ts(type = "number | null")]
    pub synced_at: Option<u64>,
    /// Why the network could not start, or why the last session failed.
    pub error: Option<String>,
    /// The node event that caused this update, if one did.
    pub event: Option<Event>,
}

impl SyncStatus {
    /// The status of a node that could not start, saying why.
    pub fn not_running(error: impl Into<String>) -> SyncStatus {
        SyncStatus {
            error: Some(error.into()),
            ..SyncStatus::default()
        }
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Folds one event into the snapshot (and keeps it as the cause of this update).
pub fn fold(status: &mut SyncStatus, event: &Event) {
    let mut connected: BTreeSet<String> = status.connected.drain(..).collect();
    match event {
        Event::Connected { id } => {
            connected.insert(id.clone());
            status.active_at = Some(now_ms());
        }
        Event::Progress { .. } => status.active_at = Some(now_ms()),
        Event::Files(files) => {
            if !files.done {
                status.active_at = Some(now_ms());
            }
        }
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
    status.event = Some(event.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_fold_into_the_indicator_snapshot() {
        let mut s = SyncStatus::default();
        fold(&mut s, &Event::Connected { id: "b".into() });
        assert_eq!(s.connected, vec!["b".to_string()]);
        assert!(s.active_at.is_some() && s.synced_at.is_none());
        assert_eq!(s.event, Some(Event::Connected { id: "b".into() }));
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
            files: None,
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
