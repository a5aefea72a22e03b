//! The bytes of attachments between paired devices (`comeback/blobs/1`), over loopback
//! QUIC between in-process nodes: a photo goes across after a sync, in both directions
//! and live; bytes that do not match their record are dropped and fetched later from an
//! honest device; only files a record names are given, and only to trusted devices; a
//! device of the previous release still syncs records. Hostile peers are plain iroh
//! endpoints speaking the wire format by hand, as `hostile_peer.rs` builds them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

use std::sync::{Arc, Mutex};
use std::time::Duration;

use comeback_core::api::{self, NewEntry};
use comeback_core::model::Attachment;
use comeback_core::vault::{BLOB_PART, KeySource, sha256_hex};
use comeback_core::{Vault, testing};
use comeback_net::{BLOBS_ALPN, Event, FilesReport, Node, Options, Shared, TICKET_TTL};
use iroh::endpoint::{Connection, presets};
use iroh::{Endpoint, EndpointAddr, TransportAddr};
use tokio::sync::broadcast;

struct Dev {
    _dir: tempfile::TempDir,
    vault: Shared,
    node: Node,
}

fn options(name: &str, without_files: bool) -> Options {
    Options {
        loopback: true,
        name: Some(name.into()),
        without_files,
        ..Options::default()
    }
}

async fn device_as(name: &str, without_files: bool) -> Dev {
    let dir = tempfile::tempdir().unwrap();
    let source = KeySource::KeyFile(dir.path().join("key"));
    let (vault, _) = Vault::create(&dir.path().join("vault"), &source).unwrap();
    let vault: Shared = Arc::new(Mutex::new(Some(vault)));
    let node = Node::start(vault.clone(), options(name, without_files))
        .await
        .unwrap();
    Dev {
        _dir: dir,
        vault,
        node,
    }
}

async fn device(name: &str) -> Dev {
    device_as(name, false).await
}

/// `d`'s node stopped and started again on its vault (and port), as a release or
/// without files.
async fn restart(d: Dev, name: &str, without_files: bool) -> Dev {
    let Dev { _dir, vault, node } = d;
    node.shutdown().await;
    // The last handle gone, the port is free for the new node.
    drop(node);
    let node = Node::start(vault.clone(), options(name, without_files))
        .await
        .unwrap();
    Dev { _dir, vault, node }
}

fn vault_of<R>(d: &Dev, f: impl FnOnce(&mut Vault) -> R) -> R {
    let mut g = d.vault.lock().unwrap();
    f(g.as_mut().unwrap())
}

async fn pair(inviter: &Dev, joiner: &Dev) {
    let (invite, mut requests) = inviter.node.invite(TICKET_TTL).unwrap();
    let answering = tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        req.answer(true).await.unwrap().unwrap()
    });
    let joined = joiner
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap();
    let answered = answering.await.unwrap();
    assert!(joined.ok && answered.ok, "{joined:?} {answered:?}");
}

/// Bytes that do not compress and differ by seed (xorshift).
fn photo(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A new entry on `d` with `bytes` attached as a photo.
fn attach(d: &Dev, bytes: &[u8]) -> Attachment {
    vault_of(d, |v| {
        let e = api::add_entry(
            v,
            NewEntry {
                text: "At the beach".into(),
                ..Default::default()
            },
        )
        .unwrap();
        api::attach(v, &e.id, "IMG_0001.jpg", None, &mut &bytes[..]).unwrap()
    })
}

/// The bytes of an attachment on `d`; `None` while they have not arrived.
fn bytes_on(d: &Dev, a: &Attachment) -> Option<Vec<u8>> {
    vault_of(d, |v| {
        v.get::<Attachment>(&a.id)
            .unwrap()
            .expect("the attachment's record is on the device");
        match api::attachment_bytes(v, &a.id) {
            Ok(b) => Some(b),
            Err(e) => {
                assert_eq!(e.code(), "precondition", "{e}");
                None
            }
        }
    })
}

fn missing(d: &Dev) -> Vec<(String, u64)> {
    vault_of(d, |v| v.missing_blobs().unwrap())
}

fn parts_stored(d: &Dev) -> i64 {
    vault_of(d, |v| testing::blob_parts(v).unwrap())
}

async fn sync(from: &Dev) -> comeback_net::PeerReport {
    let reports = from.node.sync_once(Duration::from_secs(30)).await.unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].ok, "{reports:?}");
    reports[0].clone()
}

/// The next finished round of files `d` reports (it received, or tried to).
async fn files_done(events: &mut broadcast::Receiver<Event>) -> FilesReport {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(Event::Files(f)) if f.done => return f,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the node's events ended: {e}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("no round of files ended within 30 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_added_on_one_device_reaches_the_other_after_a_sync_in_both_directions() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;

    // Added on the laptop; the phone dials, gets the record, then the bytes.
    let one = photo(1_000_003, 1);
    let a = attach(&laptop, &one);
    let r = sync(&phone).await;
    let files = r.files.clone().expect("a round of files ran");
    eprintln!("the phone fetched: {files:?}");
    assert_eq!(
        (files.received, files.bytes),
        (1, one.len() as u64),
        "{r:?}"
    );
    assert!(
        files.error.is_none() && files.done && files.left == 0,
        "{files:?}"
    );
    assert_eq!(bytes_on(&phone, &a).as_deref(), Some(&one[..]));
    // Bytes on the wire: the file and framing (and one QUIC handshake), no more.
    let wire = files.wire_sent + files.wire_received;
    assert!(
        wire < one.len() as u64 * 11 / 10,
        "{wire} bytes on the wire for {} bytes of file",
        one.len()
    );

    // Added on the phone; the phone dials again and sent the record, so the laptop
    // asks for the bytes on the phone's connection (the phone serves them).
    let mut laptop_events = laptop.node.subscribe();
    let two = photo(1_300_000, 2);
    let b = attach(&phone, &two);
    let r = sync(&phone).await;
    let files = r.files.clone().expect("a round of files ran");
    assert_eq!((files.received, files.sent), (0, 1), "{files:?}");
    assert_eq!(bytes_on(&laptop, &b).as_deref(), Some(&two[..]));
    let pulled = files_done(&mut laptop_events).await;
    assert_eq!((pulled.received, pulled.bytes), (1, two.len() as u64));

    // Nothing is missing on either side now, and a sync with nothing new makes no
    // connection for files.
    assert!(missing(&laptop).is_empty() && missing(&phone).is_empty());
    let r = sync(&laptop).await;
    assert!(r.files.is_none(), "{r:?}");
    for d in [&laptop, &phone] {
        assert!(vault_of(d, |v| v.doctor().unwrap()).healthy());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_connected_a_photo_reaches_the_other_device_by_itself() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    let mut laptop_events = laptop.node.subscribe();
    let mut phone_events = phone.node.subscribe();
    laptop.node.start_live();
    phone.node.start_live();
    let bytes = photo(700_000, 3);
    let a = attach(&phone, &bytes);
    phone.node.local_changed();
    // Whichever device dialed, the laptop runs the round that brings the photo.
    loop {
        let f = files_done(&mut laptop_events).await;
        if f.received == 1 {
            assert_eq!(f.bytes, bytes.len() as u64);
            break;
        }
    }
    assert_eq!(bytes_on(&laptop, &a).as_deref(), Some(&bytes[..]));
    // And back: a photo added on the laptop while both stay connected.
    let back = photo(300_000, 4);
    let b = attach(&laptop, &back);
    laptop.node.local_changed();
    loop {
        let f = files_done(&mut phone_events).await;
        if f.received == 1 {
            break;
        }
    }
    assert_eq!(bytes_on(&phone, &b).as_deref(), Some(&back[..]));
    laptop.node.shutdown().await;
    phone.node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_with_a_live_device_returns_with_every_photo_however_the_work_was_split() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    let photos: Vec<(Attachment, Vec<u8>)> = (0..6)
        .map(|i| {
            let bytes = photo(600_000 + i * 1000, 20 + i as u64);
            (attach(&laptop, &bytes), bytes)
        })
        .collect();
    // The laptop serves as `comeback serve` does: live, so it dials the phone back and
    // may ask it to fetch on its own connection while the phone's round runs.
    laptop.node.start_live();
    let r = sync(&phone).await;
    eprintln!("the phone's report: {:?}", r.files);
    for (a, bytes) in &photos {
        assert_eq!(bytes_on(&phone, a).as_deref(), Some(&bytes[..]));
    }
    assert!(missing(&phone).is_empty());
    assert_eq!(
        parts_stored(&phone),
        vault_of(&laptop, |v| testing::blob_parts(v).unwrap())
    );
    // The other way: photos on the phone, pushed by its `sync_once` (the laptop fetches
    // on the phone's connection, at its asking, and maybe on its own). When the phone's
    // sync returns and it goes away, the laptop has them all.
    let photos: Vec<(Attachment, Vec<u8>)> = (0..6)
        .map(|i| {
            let bytes = photo(500_000 + i * 1000, 40 + i as u64);
            (attach(&phone, &bytes), bytes)
        })
        .collect();
    let r = sync(&phone).await;
    eprintln!("the phone's report: {:?}", r.files);
    phone.node.shutdown().await;
    for (a, bytes) in &photos {
        assert_eq!(bytes_on(&laptop, a).as_deref(), Some(&bytes[..]));
    }
    assert!(missing(&laptop).is_empty());
    laptop.node.shutdown().await;
}

// ----- hostile and old peers, by hand -----

/// A bare iroh endpoint with its own key, on loopback, speaking `alpns` when dialed.
async fn endpoint(seed: u8, alpns: Vec<Vec<u8>>) -> Endpoint {
    Endpoint::builder(presets::Minimal)
        .secret_key(iroh::SecretKey::from_bytes(&[seed; 32]))
        .alpns(alpns)
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0")
        .unwrap()
        .bind()
        .await
        .unwrap()
}

fn id_of(e: &Endpoint) -> String {
    e.id().to_string()
}

/// `d` lists and vouches for the endpoint, as pairing would, and knows where it is.
fn trust(d: &Dev, e: &Endpoint) {
    let id = id_of(e);
    let addrs: Vec<String> = e.bound_sockets().iter().map(|a| a.to_string()).collect();
    vault_of(d, |v| {
        let me = v.device_id().to_string();
        v.add_device(&id, "Other", &me).unwrap();
        v.remember_peer(&id, &addrs).unwrap();
        assert!(v.trusts(&id).unwrap());
    });
}

fn addr_of(d: &Dev) -> EndpointAddr {
    EndpointAddr::from_parts(
        comeback_net::parse_device_id(&d.node.device_id()).unwrap(),
        d.node.addrs().into_iter().map(TransportAddr::Ip),
    )
}

/// How a lying device answers a request for a file.
#[derive(Clone, Copy, Debug)]
enum Lie {
    /// The right size, one byte changed.
    WrongBytes,
    /// A size other than the record's.
    WrongSize,
    /// A first part one byte over the part size.
    HugePart,
    /// The whole file, then one more part.
    TooMuch,
}

/// Answers the first request on the first connection `liar` accepts, lying as told.
async fn lie_once(liar: Endpoint, bytes: Vec<u8>, lie: Lie) {
    let conn = liar.accept().await.unwrap().await.unwrap();
    let (mut send, mut recv) = conn.accept_bi().await.unwrap();
    let mut ask = [0u8; 65];
    recv.read_exact(&mut ask).await.unwrap();
    assert_eq!(ask[0], 1, "a request for a file");
    assert_eq!(std::str::from_utf8(&ask[1..]).unwrap(), sha256_hex(&bytes));
    let mut out = vec![1u8];
    let size = bytes.len() as u64 + u64::from(matches!(lie, Lie::WrongSize));
    out.extend_from_slice(&size.to_be_bytes());
    let mut body = bytes.clone();
    if matches!(lie, Lie::WrongBytes) {
        let middle = body.len() / 2;
        body[middle] ^= 1;
    }
    let mut parts: Vec<Vec<u8>> = body.chunks(BLOB_PART).map(<[u8]>::to_vec).collect();
    match lie {
        Lie::HugePart => parts = vec![vec![0u8; BLOB_PART + 1]],
        Lie::TooMuch => parts.push(b"and more".to_vec()),
        _ => {}
    }
    for p in parts {
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(&p);
    }
    // The asking side may hang up before all is written: that is the point.
    let _ = send.write_all(&out).await;
    let _ = send.finish();
    let _ = tokio::time::timeout(Duration::from_secs(10), conn.closed()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_that_do_not_match_their_record_are_dropped_and_an_honest_device_fills_them_later() {
    // The laptop runs the previous release at first: the phone gets the record only.
    let laptop = device_as("Laptop", true).await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    let bytes = photo(BLOB_PART * 2 + 1234, 5);
    let a = attach(&laptop, &bytes);
    let r = sync(&phone).await;
    assert!(r.files.as_ref().is_some_and(|f| f.unsupported), "{r:?}");
    assert_eq!(bytes_on(&phone, &a), None);

    // A paired device that lies about the bytes, four ways: each is refused, nothing
    // of it is kept, and the photo is still missing.
    let liar = endpoint(70, vec![BLOBS_ALPN.to_vec()]).await;
    trust(&phone, &liar);
    for lie in [Lie::WrongBytes, Lie::WrongSize, Lie::HugePart, Lie::TooMuch] {
        let lying = tokio::spawn(lie_once(liar.clone(), bytes.clone(), lie));
        let report = phone.node.fetch_files(&id_of(&liar)).await.unwrap();
        eprintln!("{lie:?}: {:?}", report.error);
        let error = report.error.clone().unwrap_or_default();
        let expected = match lie {
            Lie::WrongBytes => "does not match its description",
            Lie::WrongSize => "offered",
            Lie::HugePart => "over the 262144-byte limit",
            Lie::TooMuch => "more than the",
        };
        assert!(error.contains(expected), "{lie:?}: {report:?}");
        assert_eq!(report.received, 0, "{report:?}");
        assert_eq!(bytes_on(&phone, &a), None, "{lie:?}");
        assert_eq!(missing(&phone), vec![(a.sha256.clone(), a.size)]);
        assert_eq!(parts_stored(&phone), 0, "{lie:?}: parts were kept");
        lying.await.unwrap();
    }
    let liar_id = id_of(&liar);
    vault_of(&phone, |v| v.revoke_device(&liar_id).unwrap());
    liar.close().await;

    // The laptop is updated: the next sync brings the photo.
    let laptop = restart(laptop, "Laptop", false).await;
    let r = sync(&phone).await;
    assert_eq!(r.files.as_ref().map(|f| f.received), Some(1), "{r:?}");
    assert_eq!(bytes_on(&phone, &a).as_deref(), Some(&bytes[..]));
    assert!(vault_of(&phone, |v| v.doctor().unwrap()).healthy());
    laptop.node.shutdown().await;
}

/// What a device answered to a request for `sha256`: `None` for "don't have it".
async fn ask(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>, String> {
    let (mut send, mut recv) = conn.open_bi().await.map_err(|e| e.to_string())?;
    let mut req = vec![1u8];
    req.extend_from_slice(sha256.as_bytes());
    send.write_all(&req).await.map_err(|e| e.to_string())?;
    send.finish().map_err(|e| e.to_string())?;
    let all = recv
        .read_to_end(64 * 1024 * 1024)
        .await
        .map_err(|e| e.to_string())?;
    match all.first() {
        Some(0) => {
            assert_eq!(all.len(), 1);
            Ok(None)
        }
        Some(1) => {
            let size = u64::from_be_bytes(all[1..9].try_into().unwrap()) as usize;
            let mut rest = &all[9..];
            let mut bytes = Vec::new();
            while !rest.is_empty() {
                let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
                assert!(len <= BLOB_PART);
                bytes.extend_from_slice(&rest[4..4 + len]);
                rest = &rest[4 + len..];
            }
            assert_eq!(bytes.len(), size);
            Ok(Some(bytes))
        }
        other => Err(format!("an answer {other:?}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_file_an_attachment_names_is_given_and_only_to_a_trusted_device() {
    let laptop = device("Laptop").await;
    let bytes = photo(BLOB_PART + 10, 6);
    let a = attach(&laptop, &bytes);
    // Bytes stored with no record naming them (say, left by a transfer): never given.
    let stray = photo(5000, 7);
    let (stray_sha, _) = vault_of(&laptop, |v| {
        v.put_blob(&mut &stray[..], 1 << 20, "stray").unwrap()
    });
    assert!(vault_of(&laptop, |v| v.blob_size(&stray_sha).unwrap()).is_some());

    // A stranger is refused right after the handshake.
    let stranger = endpoint(80, Vec::new()).await;
    let refused = match stranger.connect(addr_of(&laptop), BLOBS_ALPN).await {
        Err(e) => format!("{e:?}"),
        Ok(conn) => {
            let answer = ask(&conn, &a.sha256).await;
            assert!(answer.is_err(), "a stranger was answered: {answer:?}");
            conn.closed().await.to_string()
        }
    };
    assert!(refused.contains("not paired"), "{refused}");
    stranger.close().await;

    // A trusted device gets the named file, and nothing else.
    let peer = endpoint(81, Vec::new()).await;
    trust(&laptop, &peer);
    let conn = peer.connect(addr_of(&laptop), BLOBS_ALPN).await.unwrap();
    assert_eq!(ask(&conn, &a.sha256).await.unwrap(), Some(bytes.clone()));
    assert_eq!(ask(&conn, &stray_sha).await.unwrap(), None);
    assert_eq!(ask(&conn, &a.sha256.to_uppercase()).await.unwrap(), None);
    assert_eq!(ask(&conn, &"z".repeat(64)).await.unwrap(), None);
    assert_eq!(ask(&conn, &sha256_hex(b"nothing")).await.unwrap(), None);

    // A request this version does not know ends that connection as a protocol error.
    let other = peer.connect(addr_of(&laptop), BLOBS_ALPN).await.unwrap();
    let (mut send, mut recv) = other.open_bi().await.unwrap();
    send.write_all(&[9]).await.unwrap();
    send.finish().unwrap();
    assert!(recv.read_to_end(1024).await.is_err());
    let closed = other.closed().await.to_string();
    assert!(
        closed.contains("code 400") && closed.contains("a request 9"),
        "{closed}"
    );

    // Removed while connected: the next request is refused and the connection ends.
    let peer_id = id_of(&peer);
    vault_of(&laptop, |v| v.revoke_device(&peer_id).unwrap());
    let answer = ask(&conn, &a.sha256).await;
    assert!(answer.is_err(), "a removed device was answered: {answer:?}");
    let closed = conn.closed().await.to_string();
    assert!(closed.contains("not paired"), "{closed}");
    // And it cannot come back on a new connection.
    let refused = match peer.connect(addr_of(&laptop), BLOBS_ALPN).await {
        Err(e) => format!("{e:?}"),
        Ok(conn) => {
            assert!(ask(&conn, &a.sha256).await.is_err());
            conn.closed().await.to_string()
        }
    };
    assert!(refused.contains("not paired"), "{refused}");
    peer.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_device_gets_no_files() {
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    pair(&laptop, &phone).await;
    let bytes = photo(400_000, 8);
    // The phone gets the record from an old laptop node, so the bytes are missing.
    let laptop = restart(laptop, "Laptop", true).await;
    let a = attach(&laptop, &bytes);
    sync(&phone).await;
    // The laptop removes the phone, then runs this release again.
    let phone_id = phone.node.device_id();
    vault_of(&laptop, |v| v.revoke_device(&phone_id).unwrap());
    let laptop = restart(laptop, "Laptop", false).await;
    let laptop_node = laptop.node.clone();
    let err = phone
        .node
        .fetch_files(&laptop_node.device_id())
        .await
        .unwrap_err();
    assert!(err.refused(), "{err}");
    assert!(err.to_string().contains("not paired"), "{err}");
    assert_eq!(bytes_on(&phone, &a), None);
    assert_eq!(parts_stored(&phone), 0);
    laptop_node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_the_previous_release_still_syncs_records_and_the_new_one_lacks_only_the_bytes()
{
    let old = device_as("Old laptop", true).await;
    let new = device("New phone").await;
    pair(&old, &new).await;
    // A photo the old device holds (another new device put it there).
    let bytes = photo(200_000, 9);
    let on_old = attach(&old, &bytes);
    // The new device dials the old one: the records come, the bytes cannot.
    let r = sync(&new).await;
    let files = r.files.clone().expect("the new device tried");
    assert!(files.unsupported && files.error.is_none(), "{files:?}");
    assert_eq!(bytes_on(&new, &on_old), None);
    let listed = vault_of(&new, |v| api::attachments_of(v, &on_old.entry).unwrap());
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].present, "{listed:?}");
    // A photo added on the new device: the old one dials, syncs, asks for no bytes.
    let mine = photo(100_000, 10);
    let on_new = attach(&new, &mine);
    let r = sync(&old).await;
    assert!(r.files.is_none(), "{r:?}");
    assert!(vault_of(&old, |v| v.get::<Attachment>(&on_new.id).unwrap()).is_some());
    assert!(vault_of(&old, |v| v.blob_size(&on_new.sha256).unwrap()).is_none());
    // The new one dialing again with its record sent: still a clean sync.
    let r = sync(&new).await;
    assert!(r.error.is_none(), "{r:?}");
    for d in [&old, &new] {
        assert!(vault_of(d, |v| v.doctor().unwrap()).healthy());
    }
}
