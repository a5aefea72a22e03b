//! Pairing, the device list and sync from the command line: `comeback devices …`,
//! `comeback serve` and `comeback sync --once`. The network layer is `comeback-net`; a
//! tokio runtime is built only inside these commands, so every other command stays
//! synchronous and starts no threads.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow};
use comeback_core::Error as CoreError;
use comeback_core::vault::{DeviceInfo, short};
use comeback_net::{
    Event, FilesReport, JoinRequest, NetError, Node, Options, PeerReport, Relay, Shared,
    resolve_device,
};
use serde_json::json;

use crate::args::{DevicesCommand, NameArg, NetArgs};
use crate::{Cli, open, print_json};

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow!("could not start the network runtime: {e}"))
}

/// `serve`'s runtime, sized for a small always-on peer: two workers and one thread for
/// vault calls (each holds the vault's lock, so more would only wait). glibc's malloc
/// gives every new thread an arena of its own, and a document loaded on one thread and a
/// frame freed on another left freed memory stranded across arenas: the peak of a first
/// sync was twice what was in use.
fn serve_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .map_err(|e| anyhow!("could not start the network runtime: {e}"))
}

fn options(net: &NetArgs, name: Option<&NameArg>) -> Options {
    Options {
        port: net.port,
        loopback: net.loopback,
        mdns: !net.no_mdns,
        name: name
            .and_then(|n| n.name.clone())
            .filter(|n| !n.trim().is_empty()),
        ..Options::default()
    }
}

fn shared(cli: &Cli) -> Result<Shared> {
    Ok(Arc::new(Mutex::new(Some(open(cli)?))))
}

/// A network error as the rest of the CLI reports errors (codes "refused"/"network").
fn net_err(e: NetError) -> anyhow::Error {
    anyhow::Error::new(CoreError::from(e))
}

/// One compact JSON object on one line, flushed at once (scripts read line by line).
fn json_line(value: &serde_json::Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{value}")?;
    out.flush()?;
    Ok(())
}

fn say(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Asks a yes/no question on stderr and reads the answer from stdin; no answer is no.
fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => {
            eprintln!();
            false
        }
        Ok(_) => matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
    }
}

const SAME_CODE: &str = "Does the other device show the same code?";

fn bytes(n: u64) -> String {
    match n {
        n if n >= 10 * 1024 * 1024 => format!("{} MB", n / (1024 * 1024)),
        n if n >= 10 * 1024 => format!("{} kB", n / 1024),
        n => format!("{n} B"),
    }
}

fn report_line(r: &PeerReport) -> String {
    let who = if r.name.is_empty() {
        short(&r.id).to_string()
    } else {
        format!("{} ({})", r.name, short(&r.id))
    };
    match &r.error {
        None => format!(
            "{who}: synced, sent {}, received {} in {} ms{}",
            bytes(r.sent),
            bytes(r.received),
            r.millis,
            r.files.as_ref().map(files_words).unwrap_or_default()
        ),
        Some(e) if r.refused && !e.starts_with("refused") => format!("{who}: refused: {e}"),
        Some(e) => format!("{who}: {e}"),
    }
}

/// The files a sync carried, as the end of its line.
fn files_words(f: &FilesReport) -> String {
    let n = |k: u64| {
        if k == 1 {
            "1 file".to_string()
        } else {
            format!("{k} files")
        }
    };
    let mut out = Vec::new();
    if f.received > 0 {
        out.push(format!("received {} ({})", n(f.received), bytes(f.bytes)));
    }
    if f.sent > 0 {
        out.push(format!("sent {}", n(f.sent)));
    }
    if f.unavailable > 0 {
        out.push(format!("{} it does not have yet", n(f.unavailable)));
    }
    if f.unsupported {
        out.push("its Comeback does not carry files yet; update it to get photos across".into());
    }
    if let Some(e) = &f.error {
        out.push(format!("files stopped: {e}"));
    }
    if out.is_empty() {
        String::new()
    } else {
        format!("; {}", out.join(", "))
    }
}

pub fn devices(cli: &Cli, cmd: &DevicesCommand) -> Result<()> {
    match cmd {
        DevicesCommand::Invite {
            json,
            yes,
            timeout,
            name,
            net,
        } => invite(cli, *json, *yes, *timeout, name, net),
        DevicesCommand::Join {
            ticket,
            yes,
            json,
            name,
            net,
        } => join(cli, ticket, *yes, *json, name, net),
        DevicesCommand::List { json } => {
            let vault = open(cli)?;
            let list = vault.device_infos()?;
            if *json {
                return print_json(&list);
            }
            print_table(&list);
            Ok(())
        }
        DevicesCommand::Relay { value } => {
            let vault = open(cli)?;
            if let Some(value) = value {
                value.parse::<Relay>()?.save(&vault)?;
            }
            match Relay::of(&vault)? {
                Relay::Off => println!("relay: off (devices connect directly)"),
                relay => println!(
                    "relay: {relay} (used when devices cannot reach each other directly; it sees only encrypted traffic)"
                ),
            }
            Ok(())
        }
        DevicesCommand::Revoke { id } => {
            let mut vault = open(cli)?;
            let id = resolve_device(&vault.device_infos()?, id).map_err(CoreError::from)?;
            let device = vault.revoke_device(&id)?;
            println!(
                "Removed {} ({}). It keeps what it already has, but no device of this vault will sync with it again; the others learn of it at their next sync.",
                device.name,
                short(&device.id)
            );
            Ok(())
        }
    }
}

fn print_table(list: &[DeviceInfo]) {
    println!("{:<16}  {:<24}  {:<16}  STATUS", "ID", "NAME", "LAST SYNC");
    for d in list {
        let last = match (d.this_device, d.last_seen) {
            (true, _) => "-".to_string(),
            (false, None) => "never".to_string(),
            (false, Some(ms)) => chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_else(|| "?".into()),
        };
        let status = if d.revoked {
            "removed"
        } else if d.this_device {
            "this device"
        } else if !d.trusted {
            "not trusted (the device that paired it was removed; pair it again if it is yours)"
        } else {
            "paired"
        };
        let name: String = d.name.chars().take(24).collect();
        println!(
            "{:<16}  {:<24}  {:<16}  {status}",
            d.id.get(..16).unwrap_or(&d.id),
            name,
            last
        );
    }
}

fn invite(
    cli: &Cli,
    json: bool,
    yes: bool,
    timeout: u64,
    name: &NameArg,
    net: &NetArgs,
) -> Result<()> {
    with_node(shared(cli)?, options(net, Some(name)), async |node| {
        invite_on(node, json, yes, timeout).await
    })
}

/// Runs `work` with this device's node up, and shuts the node down after it, whatever
/// happened.
fn with_node<T>(
    vault: Shared,
    options: Options,
    work: impl AsyncFnOnce(&Node) -> Result<T>,
) -> Result<T> {
    runtime()?.block_on(async {
        let node = Node::start(vault, options).await.map_err(net_err)?;
        let result = work(&node).await;
        node.shutdown().await;
        result
    })
}

async fn invite_on(node: &Node, json: bool, yes: bool, timeout: u64) -> Result<()> {
    let (invite, mut requests) = node.invite(Duration::from_secs(timeout)).map_err(net_err)?;
    if json {
        json_line(&json!({ "ticket": invite.ticket, "expires": invite.expires }))?;
    } else {
        say(&format!(
            "On the device to add, run:\n\n    comeback devices join {}\n\nWaiting up to {} for it (this device is {}, port {})…",
            invite.ticket,
            human_secs(timeout),
            short(&node.device_id()),
            node.port()
        ))?;
    }
    let request: JoinRequest = match tokio::time::timeout(
        Duration::from_secs(timeout),
        requests.recv(),
    )
    .await
    {
        Ok(Some(r)) => r,
        Ok(None) | Err(_) => {
            return Err(anyhow::Error::new(CoreError::Network(format!(
                "no device joined within {}; the ticket has expired, make a new one with `comeback devices invite`",
                human_secs(timeout)
            ))));
        }
    };
    let device = json!({ "id": request.device_id, "name": request.name });
    if json {
        json_line(&json!({ "code": request.code, "device": device }))?;
    } else {
        say(&format!(
            "{} ({}) wants to join. Check code: {}",
            request.name,
            short(&request.device_id),
            request.code
        ))?;
    }
    let accept = yes || {
        let question = format!("{SAME_CODE} ({})", request.code);
        tokio::task::spawn_blocking(move || ask(&question))
            .await
            .unwrap_or(false)
    };
    if !accept {
        let _ = request.answer(false).await;
        // answer(false) returns before the refusal has reached the joiner, and shutting
        // the endpoint down at once would cut it off (the joiner would see "connection
        // lost" instead of "declined"); give the reply a moment to arrive.
        tokio::time::sleep(Duration::from_secs(1)).await;
        return Err(anyhow::Error::new(CoreError::Refused(
            "declined: the device was not added; if the codes differed, someone else may have the ticket".into(),
        )));
    }
    let report = request
        .answer(true)
        .await
        .map_err(net_err)?
        .ok_or_else(|| anyhow!("the pairing ended without a sync report"))?;
    if json {
        json_line(&json!({ "paired": device, "sync": report }))?;
    } else {
        say(&format!("Paired. First sync: {}", report_line(&report)))?;
    }
    Ok(())
}

fn human_secs(s: u64) -> String {
    if s >= 120 && s.is_multiple_of(60) {
        format!("{} minutes", s / 60)
    } else {
        format!("{s} s")
    }
}

fn join(
    cli: &Cli,
    ticket: &str,
    yes: bool,
    json: bool,
    name: &NameArg,
    net: &NetArgs,
) -> Result<()> {
    if !yes && !std::io::stdin().is_terminal() {
        return Err(anyhow!(
            "cannot ask whether the check codes match: stdin is not a terminal; compare the code shown on both devices yourself and pass --yes"
        ));
    }
    let report = with_node(shared(cli)?, options(net, Some(name)), async |node| {
        node.join(ticket, |check| {
            let text = format!("Check code: {}\n{}", check.code, check.shares_text);
            if json {
                eprintln!("{text}");
            } else {
                let _ = say(&text);
            }
            // The question waits for a person; let the runtime's other work go on.
            async move {
                yes || tokio::task::block_in_place(|| ask(&format!("{SAME_CODE} Join and share?")))
            }
        })
        .await
        .map_err(net_err)
    })?;
    if json {
        print_json(&report)
    } else {
        say(&format!("Paired. First sync: {}", report_line(&report)))
    }
}

/// Whether this vault lists any device to sync with.
fn has_peers(vault: &Shared) -> Result<bool> {
    let guard = vault
        .lock()
        .map_err(|_| anyhow!("the vault lock was poisoned"))?;
    let Some(v) = guard.as_ref() else {
        return Ok(false);
    };
    Ok(!v.sync_peers()?.is_empty())
}

pub fn sync_once(cli: &Cli, json: bool, timeout: u64, net: &NetArgs) -> Result<()> {
    let vault = shared(cli)?;
    if !has_peers(&vault)? {
        return Err(anyhow!(
            "no paired devices; pair one with `comeback devices invite`"
        ));
    }
    let reports = with_node(vault, options(net, None), async |node| {
        node.sync_once(Duration::from_secs(timeout))
            .await
            .map_err(net_err)
    })?;
    if json {
        print_json(&reports)?;
    } else {
        for r in &reports {
            say(&report_line(r))?;
        }
    }
    if reports.iter().any(|r| r.ok) {
        return Ok(());
    }
    if reports.is_empty() {
        return Err(anyhow!(
            "no device to sync with; this device may have been removed from the vault"
        ));
    }
    let why: Vec<String> = reports.iter().map(report_line).collect();
    let refused = reports.iter().any(|r| r.refused);
    Err(anyhow!(
        "no device synced{}: {}",
        if refused { " (refused)" } else { "" },
        why.join("; ")
    ))
}

/// SQLite's page cache in `serve`, in KiB (see [`comeback_core::Vault::set_page_cache`]).
const SERVE_PAGE_CACHE_KIB: u32 = 256;

pub fn serve(cli: &Cli, net: &NetArgs) -> Result<()> {
    let vault = open(cli)?;
    vault.set_page_cache(SERVE_PAGE_CACHE_KIB)?;
    let vault: Shared = Arc::new(Mutex::new(Some(vault)));
    let paired = has_peers(&vault)?;
    let rt = serve_runtime()?;
    rt.block_on(async {
        let node = Node::start(vault, options(net, None))
            .await
            .map_err(net_err)?;
        say(&format!(
            "listening on port {} as {}",
            node.port(),
            node.device_id()
        ))?;
        if !paired {
            eprintln!(
                "no paired devices yet; stop this and pair one with `comeback devices invite`"
            );
        }
        // Every session's outcome (the event stream: the status snapshot keeps only
        // the latest, and two sessions may end at once).
        let mut events = node.subscribe();
        let log = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::Synced(r)) => eprintln!("{}", report_line(&r)),
                    // The rounds of files, when one is over and carried something.
                    Ok(Event::Files(f)) if f.done => {
                        let words = files_words(&f);
                        if !words.is_empty() {
                            eprintln!("{}: {}", short(&f.id), words.trim_start_matches("; "));
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => break,
                }
            }
        });
        tokio::select! {
            _ = node.run_live() => {}
            _ = terminated() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        node.shutdown().await;
        log.abort();
        eprintln!("stopped");
        Ok(())
    })
}

/// Resolves when the process is asked to stop (SIGTERM, as service managers send).
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}
