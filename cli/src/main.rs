//! `comeback`: the command-line front of Comeback. A thin layer over
//! `comeback_core::api`, the same functions the app calls; scripts depend on its flags,
//! its `--json` output and its exit codes (0 success, 2 usage error, 1 anything else,
//! with a one-line reason on stderr). A refused command writes nothing.
//!
//! This file keeps `main` (the exit codes), opening the vault and the dispatch that hands
//! each command to its area: `args` holds every argument type; `journal`, `debrief`,
//! `network`, `mojo`, `next`, `home`, `vault`, `portability` (export), `companion`
//! (reminders and the app lock), `devices` and `dev` hold the handlers, cut along the
//! same areas as the core's `api`; `print` holds what they print alike.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Parser;
use comeback_core::api;
use comeback_core::{KeySource, Vault};

mod args;
mod companion;
mod debrief;
#[cfg(feature = "dev")]
mod dev;
mod devices;
mod home;
mod journal;
mod mojo;
mod network;
mod next;
mod portability;
mod print;
mod unlock;
mod vault;

// `devices` and `unlock` reach these through `crate::`.
use args::{Cli, Command};
use print::print_json;

fn main() -> ExitCode {
    comeback_net::logging::init();
    // Before anything holds a key: a crash must not write them to a core file.
    if let Err(e) = comeback_core::harden::no_core_dumps() {
        eprintln!("comeback: warning: core dumps could not be turned off ({e})");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let reason = match e.downcast_ref::<comeback_core::Error>() {
                Some(core) => core.to_string(),
                None => format!("{e:#}"),
            };
            eprintln!("comeback: {}", reason.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}

fn vault_dir(cli: &Cli) -> Result<PathBuf> {
    match &cli.vault {
        Some(dir) => Ok(dir.clone()),
        None => comeback_core::vault::default_dir()
            .ok_or_else(|| anyhow!("no data folder is known for this user; pass --vault DIR")),
    }
}

fn key_source(cli: &Cli) -> Result<KeySource> {
    match &cli.key_file {
        Some(path) => Ok(KeySource::KeyFile(path.clone())),
        None => Ok(KeySource::platform()?),
    }
}

fn open(cli: &Cli) -> Result<Vault> {
    let dir = vault_dir(cli)?;
    // Say "no vault" or "needs its key file" before reaching for a keychain.
    if comeback_core::vault::uses_key_file(&dir)? && cli.key_file.is_none() {
        return Err(anyhow!(
            "the vault at {} keeps its key in a key file; pass --key-file PATH or set COMEBACK_KEY_FILE",
            dir.display()
        ));
    }
    // On standard error, so a script reading standard output sees only the answer.
    Ok(api::open_noting_rebuild(&dir, &key_source(cli)?, || {
        eprintln!(
            "comeback: bringing the journal's index up to date after an update (once; it can take a minute on a long journal)"
        )
    })?)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init => vault::init(&cli),
        Command::Unlock { recovery_key } => unlock::unlock(&cli, recovery_key.as_deref()),
        Command::Entry(cmd) => journal::entry(&cli, cmd),
        Command::Search { query, limit, json } => vault::search(&cli, query, *limit, *json),
        Command::Doctor {
            rebuild,
            forget_damaged,
            drop_set_aside,
            json,
        } => vault::doctor(&cli, *rebuild, *forget_damaged, *drop_set_aside, *json),
        Command::Profile(cmd) => vault::profile(&cli, cmd),
        Command::Mood(cmd) => journal::mood(&cli, cmd),
        Command::Debrief(cmd) => debrief::debrief(&cli, cmd),
        Command::Worry(cmd) => network::worry(&cli, cmd),
        Command::Contact(cmd) => network::contact(&cli, cmd),
        Command::Outreach(cmd) => network::outreach(&cli, cmd),
        Command::Intro(cmd) => network::intro(&cli, cmd),
        Command::Project(cmd) => mojo::project(&cli, cmd),
        Command::Mojo(cmd) => mojo::mojo(&cli, cmd),
        Command::Event(cmd) => mojo::event(&cli, cmd),
        Command::Win(cmd) => mojo::win(&cli, cmd),
        Command::Next(cmd) => next::next(&cli, cmd),
        Command::Story(cmd) => next::story(&cli, cmd),
        Command::Home { json, date } => home::home(&cli, *json, *date),
        Command::Actions { json, date } => home::actions(&cli, *json, *date),
        Command::Prompt { json, today } => home::prompt(&cli, *json, *today),
        Command::Export { dir, json } => portability::export(&cli, dir, *json),
        Command::Import { path, json } => portability::import(&cli, path, *json),
        Command::Reminders(args) => companion::reminders(&cli, args),
        Command::Lock(cmd) => companion::lock(&cli, cmd),
        Command::Devices(cmd) => devices::devices(&cli, cmd),
        Command::Serve { net } => devices::serve(&cli, net),
        Command::Sync {
            once: _,
            json,
            timeout,
            net,
        } => devices::sync_once(&cli, *json, *timeout, net),
        #[cfg(feature = "dev")]
        Command::Dev(cmd) => dev::dev(&cli, cmd),
        #[cfg(not(feature = "dev"))]
        Command::Dev { .. } => Err(anyhow::anyhow!(
            "this build of comeback has no dev tools; build it with `cargo build -p comeback-cli --features dev`"
        )),
    }
}
