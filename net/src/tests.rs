#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

use super::*;
use crate::node::{hex, key_bytes, now_secs};
use comeback_core::api::{self, NewEntry};
use comeback_core::model::Device;
use comeback_core::model::Entry;
use comeback_core::vault::KeySource;
use iroh::endpoint::presets;
use iroh::{Endpoint, EndpointAddr, TransportAddr};
use std::time::Instant;

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
        .join(&invite.ticket, |check| {
            shown = check.code.clone();
            async { true }
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

fn vault_of<R>(d: &Dev, f: impl FnOnce(&mut Vault) -> R) -> R {
    let mut g = d.vault.lock().unwrap();
    f(g.as_mut().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_works_once() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let tablet = device("Tablet").await;
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    tokio::spawn(async move {
        while let Some(req) = requests.recv().await {
            let _ = req.answer(true).await;
        }
    });
    phone
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap();
    let err = tablet
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap_err();
    assert!(err.refused(), "{err}");
    assert!(err.to_string().contains("already used"), "{err}");
    assert!(!vault_of(&laptop, |v| v
        .trusts(&tablet.node.device_id())
        .unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_ticket_is_refused() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let (invite, _requests) = laptop.node.invite(Duration::from_secs(1)).unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let err = phone
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(!vault_of(&laptop, |v| v
        .trusts(&phone.node.device_id())
        .unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_the_check_code_pairs_nothing() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        req.answer(false).await.unwrap();
    });
    let err = phone
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("declined"), "{err}");
    assert!(!vault_of(&laptop, |v| v
        .trusts(&phone.node.device_id())
        .unwrap()));
    assert!(!vault_of(&phone, |v| v
        .trusts(&laptop.node.device_id())
        .unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_is_refused_and_learns_nothing() {
    let laptop = device("Laptop").await;
    let stranger = device("Stranger").await;
    let secret = write(&laptop, "not for strangers");
    let laptop_id = laptop.node.device_id();
    let addrs: Vec<String> = laptop.node.addrs().iter().map(|a| a.to_string()).collect();
    vault_of(&stranger, |v| {
        // The stranger knows where the laptop is and even lists it as its own device.
        v.add_device(&laptop_id, "Laptop", v.device_id().to_string().as_str())
            .unwrap();
        v.remember_peer(&laptop_id, &addrs).unwrap();
    });
    let err = stranger
        .node
        .sync_with(&laptop_id, "Laptop")
        .await
        .unwrap_err();
    assert!(err.refused(), "{err}");
    assert!(err.to_string().contains("not paired"), "{err}");
    assert!(!has(&stranger, &secret.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_device_is_refused_by_every_device_of_the_vault() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let tablet = device("Tablet").await;
    pair(&laptop, &phone).await;
    pair(&laptop, &tablet).await;
    // The phone learns of the tablet through the laptop.
    let r = phone.node.sync_once(Duration::from_secs(20)).await.unwrap();
    assert!(r.iter().any(|r| r.ok), "{r:?}");
    assert!(vault_of(&phone, |v| v
        .trusts(&tablet.node.device_id())
        .unwrap()));
    // The phone is lost: the laptop removes it and tells the tablet.
    let phone_id = phone.node.device_id();
    vault_of(&laptop, |v| v.revoke_device(&phone_id).unwrap());
    let r = laptop
        .node
        .sync_once(Duration::from_secs(20))
        .await
        .unwrap();
    assert!(
        r.iter().any(|r| r.ok && r.id == tablet.node.device_id()),
        "{r:?}"
    );
    let after = write(&laptop, "written after the phone was lost");
    laptop
        .node
        .sync_once(Duration::from_secs(20))
        .await
        .unwrap();
    // The phone still knows both addresses, but both refuse it.
    vault_of(&phone, |v| {
        let tablet_addrs: Vec<String> = tablet.node.addrs().iter().map(|a| a.to_string()).collect();
        v.remember_peer(&tablet.node.device_id(), &tablet_addrs)
            .unwrap();
    });
    let reports = phone.node.sync_once(Duration::from_secs(20)).await.unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    for r in &reports {
        assert!(!r.ok && r.refused, "{r:?}");
    }
    assert!(!has(&phone, &after.id));
    // Pairing the same hardware again is refused too.
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    tokio::spawn(async move {
        if let Some(req) = requests.recv().await {
            let _ = req.answer(true).await;
        }
    });
    let err = phone
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap_err();
    assert!(err.refused(), "{err}");
    assert!(vault_of(&laptop, |v| !v.trusts(&phone_id).unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_frame_ends_the_session_with_a_clear_error() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    // Speak for the phone with its own key, but send a frame claiming 4 GiB.
    let key = vault_of(&phone, |v| v.device_key().clone());
    phone.node.shutdown().await;
    let rogue = Endpoint::builder(presets::Minimal)
        .secret_key(iroh::SecretKey::from_bytes(key.as_bytes()))
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .unwrap()
        .bind()
        .await
        .unwrap();
    let target = EndpointAddr::from_parts(
        iroh::PublicKey::from_bytes(&key_bytes(&laptop.node.device_id()).unwrap()).unwrap(),
        laptop.node.addrs().into_iter().map(TransportAddr::Ip),
    );
    let conn = rogue.connect(target, SYNC_ALPN).await.unwrap();
    let (mut send, _recv) = conn.open_bi().await.unwrap();
    send.write_all(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3])
        .await
        .unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), conn.closed())
        .await
        .unwrap();
    let text = closed.to_string();
    assert!(text.contains("over the"), "{text}");
    assert!(text.contains("code 400"), "{text}");
    rogue.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_connected_an_edit_reaches_the_other_device_by_itself() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    for d in [&laptop, &phone] {
        let node = d.node.clone();
        tokio::spawn(async move { node.run_live().await });
    }
    // Let the live session come up, then write on the phone.
    let deadline = Instant::now() + Duration::from_secs(15);
    let e = write(&phone, "typed on the phone while both are on");
    phone.node.local_changed();
    while !has(&laptop, &e.id) {
        assert!(Instant::now() < deadline, "the edit never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
        phone.node.local_changed();
    }
    let back = write(&laptop, "and an answer from the laptop");
    laptop.node.local_changed();
    while !has(&phone, &back.id) {
        assert!(Instant::now() < deadline, "the answer never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    laptop.node.shutdown().await;
    phone.node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_keeps_its_port_and_offers_its_lan_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&dir.path().join("vault"), &source).unwrap();
    let vault: Shared = Arc::new(Mutex::new(Some(vault)));
    let first = Node::start(vault.clone(), Options::default())
        .await
        .unwrap();
    let port = first.port();
    assert_ne!(port, 0);
    let addrs = first.addrs();
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(|a| a.port() == port), "{addrs:?}");
    assert!(
        addrs.iter().all(|a| !a.ip().is_unspecified()),
        "a ticket must carry addresses one can dial: {addrs:?}"
    );
    first.shutdown().await;
    drop(first);
    let again = Node::start(vault.clone(), Options::default())
        .await
        .unwrap();
    assert_eq!(again.port(), port, "the port chosen at first run is kept");
    again.shutdown().await;
    // --port overrides without being remembered.
    let other = Node::start(
        vault.clone(),
        Options {
            port: Some(0),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    assert_ne!(other.port(), port);
    other.shutdown().await;
    let stored = vault
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .setting("port")
        .unwrap();
    assert_eq!(stored, Some(port.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_nothing_new_sends_only_the_manifests() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    for i in 0..20 {
        write(&laptop, &format!("entry {i}"));
    }
    pair(&laptop, &phone).await;
    let reports = phone.node.sync_once(Duration::from_secs(20)).await.unwrap();
    let r = &reports[0];
    eprintln!("idle reconnect: {r:?}");
    assert!(r.ok, "{r:?}");
    assert!(r.sent + r.received < 500, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_of_many_months_arrives_whole_before_either_side_stops() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    vault_of(&laptop, |v| {
        let mut prose = comeback_core::sample::Prose::new(8);
        for m in 0..40u32 {
            for day in 1..=8 {
                let date = comeback_core::model::Date::from_ymd_opt(
                    2022 + (m / 12) as i32,
                    m % 12 + 1,
                    day,
                )
                .unwrap();
                api::add_entry(
                    v,
                    NewEntry {
                        text: prose.text(150),
                        date: Some(date),
                        ..Default::default()
                    },
                )
                .unwrap();
            }
        }
    });
    write(&phone, "the phone's own line");
    let (a, b) = pair(&laptop, &phone).await;
    assert!(a.ok && b.ok, "{a:?} {b:?}");
    assert_eq!(mirror(&laptop), mirror(&phone));
    let entries = vault_of(&phone, |v| v.list::<Entry>(1000, 0).unwrap().len());
    assert_eq!(entries, 321);
}

fn trusts(d: &Dev, other: &Dev) -> bool {
    let id = other.node.device_id();
    vault_of(d, |v| v.trusts(&id).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_joiner_is_shown_the_code_and_what_it_shares_before_anything_is_sent() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let on_laptop = write(&laptop, "the laptop's own line");
    let on_phone = write(&phone, "the phone's diary");
    write(&phone, "and another line");
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    // The laptop's person says yes at once; the phone's person is still looking.
    let answering = tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        let code = req.code.clone();
        (code, req.answer(true).await)
    });
    let (asked_tx, asked_rx) = oneshot_pair();
    let err = phone
        .node
        .join(&invite.ticket, |check| {
            let _ = asked_tx.send(check);
            async {
                // While the question is open nothing has moved and nobody is listed.
                tokio::time::sleep(Duration::from_millis(500)).await;
                false
            }
        })
        .await
        .unwrap_err();
    let check = asked_rx.await.unwrap();
    assert_eq!(check.inviter_name, "Laptop");
    assert_eq!(check.inviter_id, laptop.node.device_id());
    assert_eq!(check.shares.entries, 2, "{check:?}");
    assert!(err.to_string().contains("declined"), "{err}");
    assert!(err.to_string().contains("nothing was shared"), "{err}");
    let (code, answered) = answering.await.unwrap();
    assert_eq!(code, check.code, "both devices show the same check code");
    let refused = answered.unwrap_err();
    assert!(
        refused.to_string().contains("joining device declined"),
        "{refused}"
    );
    // Nothing was sent either way, and neither lists the other.
    assert!(!has(&laptop, &on_phone.id));
    assert!(!has(&phone, &on_laptop.id));
    assert!(!trusts(&laptop, &phone));
    assert!(!trusts(&phone, &laptop));
    assert!(!listed(&laptop, &phone.node.device_id()));
    assert!(!listed(&phone, &laptop.node.device_id()));
}

/// Whether `d`'s device list names `id` at all (even as removed).
fn listed(d: &Dev, id: &str) -> bool {
    vault_of(d, |v| v.get::<Device>(id).unwrap().is_some())
}

fn oneshot_pair<T>() -> (
    tokio::sync::oneshot::Sender<T>,
    tokio::sync::oneshot::Receiver<T>,
) {
    tokio::sync::oneshot::channel()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joiner_that_declines_before_the_inviter_answers_withdraws_the_request() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    let on_phone = write(&phone, "private");
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    let err = phone
        .node
        .join(&invite.ticket, |_| async { false })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("declined"), "{err}");
    // The laptop's person answers late: the request is gone, with the reason.
    let req = requests.recv().await.unwrap();
    let late = req.answer(true).await.unwrap_err();
    assert!(
        late.to_string().contains("joining device declined"),
        "{late}"
    );
    assert!(!has(&laptop, &on_phone.id));
    assert!(!trusts(&laptop, &phone));
    assert!(!trusts(&phone, &laptop));
}

/// A joiner speaking for itself with its own key: it holds the ticket, commits to one
/// nonce, and after seeing the inviter's reveals another (to pick the code).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joiner_whose_reveal_does_not_open_its_commitment_is_refused_and_not_listed() {
    let laptop = device("Laptop").await;
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    let ticket = Ticket::decode(&invite.ticket).unwrap();
    let key = iroh::SecretKey::from_bytes(&[42; 32]);
    let me = *key.public().as_bytes();
    let rogue = Endpoint::builder(presets::Minimal)
        .secret_key(key)
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .unwrap()
        .bind()
        .await
        .unwrap();
    let target = EndpointAddr::from_parts(
        iroh::PublicKey::from_bytes(&ticket.device).unwrap(),
        ticket.addrs.iter().map(|a| TransportAddr::Ip(*a)),
    );
    let conn = rogue.connect(target, PAIR_ALPN).await.unwrap();
    let (mut send, mut recv) = conn.open_bi().await.unwrap();
    let committed = [7u8; 32];
    wire::send_json(
        &mut send,
        &serde_json::json!({
            "proof": hex(&ticket::proof(&ticket.secret, &ticket.device, &me)),
            "name": "Rogue",
            "commit": hex(&pair::commitment(&committed, &ticket.device, &me)),
        }),
    )
    .await
    .unwrap();
    let nonce: serde_json::Value = wire::recv_json(&mut recv).await.unwrap();
    assert_eq!(nonce["result"], "nonce", "{nonce}");
    assert_eq!(nonce["name"], "Laptop", "{nonce}");
    wire::send_json(
        &mut send,
        &serde_json::json!({ "step": "reveal", "nonce": hex(&[8u8; 32]) }),
    )
    .await
    .unwrap();
    let reply: serde_json::Value = wire::recv_json(&mut recv).await.unwrap();
    assert_eq!(reply["result"], "refused", "{reply}");
    assert!(
        reply["reason"].as_str().unwrap().contains("committed"),
        "{reply}"
    );
    conn.close(0u32.into(), b"");
    rogue.close().await;
    // The laptop's person was never asked, and nothing was listed.
    assert!(requests.try_recv().is_err());
    let rogue_id = hex(&me);
    assert!(!vault_of(&laptop, |v| v.trusts(&rogue_id).unwrap()));
    assert!(!listed(&laptop, &rogue_id));
}

/// A device of the release before this one serves only `comeback/pair/1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_device_that_speaks_only_the_old_pairing_says_to_update_it() {
    let phone = device("Phone").await;
    let key = iroh::SecretKey::from_bytes(&[43; 32]);
    let device = *key.public().as_bytes();
    let old = Endpoint::builder(presets::Minimal)
        .secret_key(key)
        .alpns(vec![b"comeback/pair/1".to_vec(), SYNC_ALPN.to_vec()])
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .unwrap()
        .bind()
        .await
        .unwrap();
    let accepting = old.clone();
    tokio::spawn(async move {
        while let Some(incoming) = accepting.accept().await {
            tokio::spawn(async move {
                let _ = incoming.await;
            });
        }
    });
    let ticket = Ticket {
        device,
        secret: [5; 32],
        expires: now_secs() + 300,
        addrs: old.bound_sockets(),
    };
    let err = phone
        .node
        .join(&ticket.encode(), |_| async { true })
        .await
        .unwrap_err();
    eprintln!("joining an old device: {err}");
    assert!(err.refused(), "{err}");
    assert!(
        err.to_string()
            .contains("update Comeback on the other device, then pair again"),
        "{err}"
    );
    assert!(!listed(&phone, &hex(&device)));
    old.close().await;
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_shutdown_no_task_of_the_node_runs_its_port_is_free_and_the_vault_is_not_held() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    laptop.node.start_live();
    phone.node.start_live();
    let status = laptop.node.status();
    wait_until("a live session", || !status.borrow().connected.is_empty()).await;
    assert!(laptop.node.running_tasks() > 0);
    for d in [laptop, phone] {
        let port = d.node.port();
        d.node.shutdown().await;
        assert_eq!(d.node.running_tasks(), 0, "a task outlived the shutdown");
        assert!(!d.node.status().borrow().running);
        assert!(d.vault.try_lock().is_ok(), "the vault is still held");
        // Nothing of the node keeps it alive: the last handle gone, the port is free.
        drop(d.node);
        wait_until("the port being free", || {
            std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok()
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_goes_through_the_live_supervisor_instead_of_a_second_session() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    laptop.node.start_live();
    phone.node.start_live();
    let status = laptop.node.status();
    wait_until("a live session", || !status.borrow().connected.is_empty()).await;
    let mut events = laptop.node.subscribe();
    let reports = laptop.node.sync_now(Duration::from_secs(10)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].ok, "{reports:?}");
    assert_eq!(reports[0].id, phone.node.device_id());
    // Already connected: no new session was opened beside the live one.
    assert!(
        !matches!(events.try_recv(), Ok(Event::Connected { .. })),
        "sync_now dialed a second session"
    );
    // And an edit made now still arrives by itself.
    let later = write(&laptop, "after sync now");
    laptop.node.local_changed();
    let id = later.id.clone();
    wait_until("the edit on the phone", || has(&phone, &id)).await;
    laptop.node.shutdown().await;
    phone.node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_reports_a_device_that_does_not_answer_instead_of_waiting_for_it() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    phone.node.shutdown().await;
    laptop.node.start_live();
    let reports = laptop.node.sync_now(Duration::from_secs(2)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert!(!reports[0].ok && !reports[0].refused, "{reports:?}");
    assert_eq!(reports[0].id, phone.node.device_id());
    assert!(reports[0].error.is_some(), "{reports:?}");
    laptop.node.shutdown().await;
}
