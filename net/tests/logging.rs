//! What the network layer logs at the most verbose level: a pairing and a sync leave
//! lines (with their spans) but never the ticket, its secret, a device key or journal
//! text. Its own test binary, so the capturing subscriber sees every callsite (tracing
//! caches per callsite whether anyone listens, across the threads of one process).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

use std::sync::{Arc, Mutex};
use std::time::Duration;

use comeback_core::Vault;
use comeback_core::api::{self, NewEntry};
use comeback_core::vault::KeySource;
use comeback_net::{Node, Options, Shared, TICKET_TTL, Ticket};

const MARKER: &str = "zebra-marmalade-secret-diary-7731";

/// A writer into a shared buffer, for a capturing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
    let options = Options {
        loopback: true,
        name: Some(name.into()),
        ..Options::default()
    };
    let node = Node::start(vault.clone(), options).await.unwrap();
    Dev {
        _dir: dir,
        vault,
        node,
    }
}

fn write(d: &Dev, text: &str) {
    let mut g = d.vault.lock().unwrap();
    let entry = NewEntry {
        text: text.into(),
        ..Default::default()
    };
    api::add_entry(g.as_mut().unwrap(), entry).unwrap();
}

fn device_key(d: &Dev) -> String {
    let g = d.vault.lock().unwrap();
    data_encoding::HEXLOWER.encode(g.as_ref().unwrap().device_key().as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pairing_and_a_sync_at_trace_level_log_neither_the_ticket_secret_nor_journal_text() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let laptop = device("Laptop").await;
    let phone = device("Phone").await;
    write(&laptop, MARKER);
    let (invite, mut requests) = laptop.node.invite(TICKET_TTL).unwrap();
    let secret = Ticket::decode(&invite.ticket).unwrap().secret;
    let answering = tokio::spawn(async move {
        let req = requests.recv().await.unwrap();
        req.answer(true).await.unwrap().unwrap()
    });
    let joined = phone
        .node
        .join(&invite.ticket, |_| async { true })
        .await
        .unwrap();
    assert!(joined.ok && answering.await.unwrap().ok);
    write(&phone, &format!("{MARKER} again"));
    let reports = phone.node.sync_once(Duration::from_secs(20)).await.unwrap();
    assert!(reports[0].ok, "{reports:?}");
    let keys = [device_key(&laptop), device_key(&phone)];
    laptop.node.shutdown().await;
    phone.node.shutdown().await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("paired"), "no pairing line in:\n{logs}");
    assert!(logs.contains("session done"), "no session line in:\n{logs}");
    assert!(logs.contains("sync{peer="), "no session span in:\n{logs}");
    assert!(logs.contains("pair{"), "no pairing span in:\n{logs}");
    assert!(!logs.contains(MARKER), "journal text in a log line");
    assert!(!logs.contains(&invite.ticket), "the ticket in a log line");
    for encoded in [
        data_encoding::HEXLOWER.encode(&secret),
        data_encoding::HEXUPPER.encode(&secret),
        data_encoding::BASE32_NOPAD.encode(&secret),
    ] {
        assert!(
            !logs.contains(&encoded),
            "the ticket's secret in a log line"
        );
    }
    for key in keys {
        assert!(!logs.contains(&key), "a device key in a log line");
    }
}
