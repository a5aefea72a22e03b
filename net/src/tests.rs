#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

use super::*;
use comeback_core::api::{self, NewEntry};
use comeback_core::model::Entry;
use comeback_core::vault::KeySource;

struct Dev {
    _dir: tempfile::TempDir,
    vault: Shared,
    node: Node,
}

async fn device(name: &str) -> Dev {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&dir.path().join("vault"), &source).unwrap();
    let vault: Shared = Arc::new(Mutex::new(Some(vault)));
    let node = Node::start(
        vault.clone(),
        Options {
            loopback: true,
            name: Some(name.into()),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    Dev {
        _dir: dir,
        vault,
        node,
    }
}

fn write(d: &Dev, text: &str) -> Entry {
    let mut g = d.vault.lock().unwrap();
    api::add_entry(
        g.as_mut().unwrap(),
        NewEntry {
            text: text.into(),
            ..Default::default()
        },
    )
    .unwrap()
}

fn has(d: &Dev, id: &str) -> bool {
    let g = d.vault.lock().unwrap();
    g.as_ref().unwrap().get::<Entry>(id).unwrap().is_some()
}

fn mirror(d: &Dev) -> Vec<(String, String, String)> {
    d.vault
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .mirror_rows()
        .unwrap()
}

/// Pairs `joiner` with `inviter`, the person saying yes on both.
async fn pair(inviter: &Dev, joiner: &Dev) -> (PeerReport, PeerReport) {
    let (invite, mut requests) = inviter.node.invite(TICKET_TTL).unwrap();
    let answering = tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        let code = req.code.clone();
        (code, req.answer(true).await.unwrap().unwrap())
    });
    let mut shown = String::new();
    let joined = joiner
        .node
        .join(&invite.ticket, |code| {
            shown = code.to_string();
            true
        })
        .await
        .unwrap();
    let (code, report) = answering.await.unwrap();
    assert_eq!(code, shown, "both devices show the same check code");
    (report, joined)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_pair_by_ticket_and_sync_over_loopback() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let on_laptop = write(&laptop, "written on the laptop");
    let on_phone = write(&phone, "written on the phone");
    let (a, b) = pair(&laptop, &phone).await;
    assert!(a.ok && b.ok, "{a:?} {b:?}");
    assert!(has(&phone, &on_laptop.id));
    assert!(has(&laptop, &on_phone.id));
    assert_eq!(mirror(&laptop), mirror(&phone));
    // Both list both devices.
    for d in [&laptop, &phone] {
        let g = d.vault.lock().unwrap();
        let list = g.as_ref().unwrap().device_infos().unwrap();
        assert_eq!(list.len(), 2, "{list:?}");
    }
    // A later edit goes over a fresh connection, dialed at the remembered address.
    let later = write(&phone, "on the bus");
    let reports = phone.node.sync_once(Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].ok, "{reports:?}");
    assert!(has(&laptop, &later.id));
    assert!(reports[0].sent < 4_000, "{reports:?}");
}
