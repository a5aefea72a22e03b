//! `comeback`: the command-line front of Comeback. A thin layer over
//! `comeback_core::api`, the same functions the app calls; scripts depend on its flags,
//! its `--json` output and its exit codes (0 success, 2 usage error, 1 anything else,
//! with a one-line reason on stderr). A refused command writes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand};
use comeback_core::api::{self, EntryEdit, NewEntry};
use comeback_core::model::{
    self, BragCategory, Contact, Date, Debrief, Entry, Event, EventKind, Intro, IntroStatus,
    ItemKind, MoodCheckIn, Outreach, PipelineItem, Profile, Project, Record, SetbackKind, Stage,
    Story, Tie, TimeLog, Win, Worry,
};
use comeback_core::{KeySource, Vault};
use serde_json::Value as Json;

mod devices;
mod unlock;
use devices::{DevicesCommand, NetArgs};

#[derive(Parser)]
#[command(
    name = "comeback",
    version,
    about = "Comeback: a private, local-first journal and plan, from the command line"
)]
struct Cli {
    /// The vault folder (default: the platform's data folder).
    #[arg(long, env = "COMEBACK_VAULT", global = true)]
    vault: Option<PathBuf>,
    /// Keep the database key in this file (mode 0600) instead of the OS keychain: for a
    /// headless home box with no Secret Service.
    #[arg(long, env = "COMEBACK_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new vault and show its recovery key once.
    Init,
    /// Put the vault's key back into a keychain that lost it. Asks for the recovery key
    /// at a prompt that does not show it, or reads it from standard input when that is
    /// not a terminal: `comeback unlock < key.txt`.
    Unlock {
        /// Refused: a key on the command line is visible to every process and stays in
        /// the shell's history.
        #[arg(long, hide = true, value_name = "KEY", num_args = 0..=1, default_missing_value = "")]
        recovery_key: Option<String>,
    },
    /// Journal entries.
    #[command(subcommand)]
    Entry(EntryCommand),
    /// Full-text search over everything.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Check that what the screens read equals the documents; --rebuild rebuilds it.
    Doctor {
        #[arg(long)]
        rebuild: bool,
        /// Let go of the damaged chunks set aside (do it once your other devices have
        /// synced what they held back to this one).
        #[arg(long)]
        forget_damaged: bool,
        /// Delete the records received from another device that break this version's
        /// rules (the doctor lists them; they are never shown).
        #[arg(long)]
        drop_set_aside: bool,
        #[arg(long)]
        json: bool,
    },
    /// The setback profile, grief window and announcement draft.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Mood check-ins (1 low … 5 good).
    #[command(subcommand)]
    Mood(MoodCommand),
    /// Guided debriefs.
    #[command(subcommand)]
    Debrief(DebriefCommand),
    /// Worries parked for worry time.
    #[command(subcommand)]
    Worry(WorryCommand),
    /// Contacts and who is due a message.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Messages sent, replies and leads.
    #[command(subcommand)]
    Outreach(OutreachCommand),
    /// Introductions: requested → made → met.
    #[command(subcommand)]
    Intro(IntroCommand),
    /// Side projects and the hours logged on them.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Meetups, networking events, coffee chats.
    #[command(subcommand)]
    Event(EventCommand),
    /// The wins and praise vault.
    #[command(subcommand)]
    Win(WinCommand),
    /// The pipeline of jobs, freelance leads and business ideas.
    #[command(subcommand)]
    Next(NextCommand),
    /// Interview stories.
    #[command(subcommand)]
    Story(StoryCommand),
    /// Pair devices (invite, join), list them, remove one.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Stay on and keep every paired device in sync until stopped (SIGTERM or Ctrl-C):
    /// the always-on peer, e.g. on a home box. It holds the vault while it runs.
    Serve {
        #[command(flatten)]
        net: NetArgs,
    },
    /// Sync with every paired device once, then exit (0 if at least one synced). Only
    /// `--once` exists; to keep syncing, run `comeback serve`.
    Sync {
        /// Required: sync once and exit.
        #[arg(long, required = true)]
        once: bool,
        /// Print each device's report as a JSON array.
        #[arg(long)]
        json: bool,
        /// Seconds to give each device.
        #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Tools for tests and benchmarks; not a stable surface.
    #[command(subcommand, hide = true)]
    Dev(DevCommand),
}

#[derive(Subcommand)]
enum DevCommand {
    /// Adds entries one by one, printing each id (flushed) once its write returned.
    AddMany {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value = "entry")]
        prefix: String,
    },
    /// Prints this process's core file size limit (soft, hard) and whether it is
    /// dumpable, then waits until stdin closes, so a test can look at it from outside.
    Hardening,
    /// Fills the vault with the seeded ten-year journal (or a fraction of it).
    Generate {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 1.0)]
        fraction: f64,
    },
}

/// The verbs every kind shares.
#[derive(Subcommand)]
enum Common {
    /// List, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Change fields: --set field=value (value is JSON if it parses, else text);
    /// nested fields with dots, e.g. --set hot_thought.before=80.
    Set {
        id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        sets: Vec<String>,
        /// The version the change was made at (the `version` of `show --json`): the
        /// change then merges with whatever changed since instead of overwriting it.
        #[arg(long)]
        version: Option<String>,
    },
    /// Delete one.
    Delete { id: String },
}

#[derive(Subcommand)]
enum EntryCommand {
    /// Write a new entry; prints its id.
    Add {
        #[arg(long)]
        text: String,
        #[arg(long)]
        mood: Option<u8>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Change an entry's text, mood, tags or date.
    Edit {
        id: String,
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        mood: Option<u8>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// The version the edit was made at (the `version` of `show --json`): the edit
        /// then merges with whatever changed since instead of overwriting it.
        #[arg(long)]
        version: Option<String>,
    },
    /// Entries written on this day in earlier years.
    OnThisDay {
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Set what happened, when, and the date you want to be back on your feet by.
    Set {
        #[arg(long, value_parser = parse_enum::<SetbackKind>)]
        setback: Option<SetbackKind>,
        #[arg(long, value_parser = parse_date)]
        happened_on: Option<Date>,
        #[arg(long, value_parser = parse_date)]
        back_by: Option<Date>,
        #[arg(long)]
        what_happened: Option<String>,
        #[arg(long, value_parser = parse_date)]
        grief_ends_on: Option<Date>,
        #[arg(long)]
        worry_time: Option<String>,
        #[arg(long)]
        announcement: Option<String>,
    },
    /// Show the profile.
    Show {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum MoodCommand {
    Add {
        #[arg(long)]
        mood: u8,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum DebriefCommand {
    /// Start a debrief; the probing questions are seeded for the kind of setback.
    New {
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = parse_enum::<SetbackKind>, default_value = "let_go")]
        setback: SetbackKind,
    },
    /// Add a lesson turned into an action.
    Lesson {
        id: String,
        #[arg(long)]
        lesson: String,
        #[arg(long)]
        action: String,
        #[arg(long, value_parser = parse_date)]
        due: Option<Date>,
        #[arg(long, default_value = "")]
        success_test: String,
    },
    /// Mark a debrief complete (needs a lesson with an action and a due date).
    Complete { id: String },
    /// Print a debrief as one Markdown document.
    Export { id: String },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum WorryCommand {
    Add {
        #[arg(long)]
        text: String,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum ContactCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_enum::<Tie>, default_value = "occasionally")]
        tie: Tie,
        #[arg(long, default_value = "")]
        how_known: String,
        #[arg(long)]
        cadence_days: Option<u32>,
        #[arg(long, value_parser = parse_date)]
        last_contact: Option<Date>,
    },
    /// People due a message, weak ties first.
    Due {
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum OutreachCommand {
    /// Log a message sent (and mark the contact as contacted).
    Add {
        #[arg(long)]
        contact: String,
        #[arg(long, default_value = "")]
        message: String,
        #[arg(long, default_value = "")]
        reply: String,
        #[arg(long, default_value = "")]
        lead: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum IntroCommand {
    /// Ask a contact for an introduction.
    Add {
        #[arg(long)]
        via: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Move an introduction on: made, then met.
    Move {
        id: String,
        #[arg(long, value_parser = parse_enum::<IntroStatus>)]
        status: IntroStatus,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum ProjectCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 20.0)]
        target_hours: f64,
    },
    /// Log hours on a project.
    Log {
        project: String,
        #[arg(long)]
        hours: f64,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Hours per week against the target.
    Hours {
        project: String,
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum EventCommand {
    Add {
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = parse_enum::<EventKind>, default_value = "meetup")]
        kind: EventKind,
        #[arg(long = "contact")]
        contacts: Vec<String>,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum WinCommand {
    Add {
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = parse_enum::<BragCategory>, default_value = "projects")]
        category: BragCategory,
        #[arg(long, default_value = "")]
        text: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum NextCommand {
    Add {
        #[arg(long)]
        title: String,
        #[arg(long, value_parser = parse_enum::<ItemKind>, default_value = "job")]
        kind: ItemKind,
        #[arg(long, default_value = "")]
        org: String,
    },
    /// Move an item to another stage; closing needs --reason.
    Move {
        id: String,
        #[arg(long, value_parser = parse_enum::<Stage>)]
        stage: Stage,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Items that need a follow-up today.
    FollowUps {
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
enum StoryCommand {
    Add {
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        situation: String,
        #[arg(long, default_value = "")]
        task: String,
        #[arg(long, default_value = "")]
        action: String,
        #[arg(long, default_value = "")]
        result: String,
    },
    #[command(flatten)]
    Common(Common),
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date; write it as YYYY-MM-DD, for example 2026-03-14"))
}

/// Parses a snake_case enum value through its serde form, listing the choices on error.
fn parse_enum<T: serde::de::DeserializeOwned + serde::Serialize + Clone + Send + Sync + 'static>(
    s: &str,
) -> Result<T, String> {
    serde_json::from_value(Json::String(s.replace('-', "_"))).map_err(|e| {
        let msg = e.to_string();
        let choices = msg
            .split_once("expected one of ")
            .map(|(_, c)| c.to_string())
            .unwrap_or(msg);
        format!("'{s}' is not one of {choices}")
    })
}

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
    Ok(api::open(&dir, &key_source(cli)?)?)
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).context("writing JSON")?
    );
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init => {
            let dir = vault_dir(&cli)?;
            let (_vault, recovery) = api::init(&dir, &key_source(&cli)?)?;
            println!("Created a vault in {}", dir.display());
            println!();
            println!("Your recovery key (shown only this once; write it down and keep it safe):");
            println!();
            println!("    {}", recovery.reveal());
            println!();
            println!(
                "If this device's keychain is ever lost, `comeback unlock` restores access: it asks for this key."
            );
            Ok(())
        }
        Command::Unlock { recovery_key } => unlock::unlock(&cli, recovery_key.as_deref()),
        Command::Entry(cmd) => entry(&cli, cmd),
        Command::Devices(cmd) => devices::devices(&cli, cmd),
        Command::Serve { net } => devices::serve(&cli, net),
        Command::Sync {
            once: _,
            json,
            timeout,
            net,
        } => devices::sync_once(&cli, *json, *timeout, net),
        Command::Search { query, limit, json } => {
            let vault = open(&cli)?;
            let hits = api::search(&vault, query, *limit)?;
            if *json {
                return print_json(&hits);
            }
            if hits.is_empty() {
                println!("Nothing found for '{query}'.");
            }
            for h in hits {
                println!(
                    "{}  {:<8} {}  {}",
                    h.id,
                    h.kind,
                    h.date,
                    h.snippet.replace('\n', " ")
                );
            }
            Ok(())
        }
        Command::Doctor {
            rebuild,
            forget_damaged,
            drop_set_aside,
            json,
        } => {
            let mut vault = open(&cli)?;
            if *drop_set_aside {
                let n = api::drop_set_aside(&mut vault)?;
                if !*json {
                    println!("Deleted {n} record(s) that broke the rules.");
                }
            }
            if *forget_damaged {
                let n = api::forget_damaged(&mut vault)?;
                if !*json {
                    println!("Let go of {n} damaged chunk(s).");
                }
            }
            let report = api::doctor(&mut vault, *rebuild)?;
            if *json {
                print_json(&report)?;
            } else {
                if report.rebuilt {
                    println!("Rebuilt the mirror from the documents.");
                }
                println!(
                    "{} documents, {} records: {}",
                    report.documents,
                    report.records,
                    if report.healthy {
                        "the mirror matches the documents"
                    } else {
                        "problems found"
                    }
                );
                for p in &report.problems {
                    println!("  problem: {p}");
                }
                for d in &report.damaged_chunks {
                    println!("  set aside (damaged): {d}");
                }
                for a in &report.set_aside {
                    println!(
                        "  set aside (breaks a rule): {} {} in {}: {}",
                        a.kind, a.id, a.doc, a.reason
                    );
                }
            }
            if report.healthy {
                Ok(())
            } else {
                Err(anyhow!(if !report.set_aside.is_empty() {
                    "records that break the rules are set aside; `comeback doctor --drop-set-aside` deletes them"
                } else {
                    "the mirror differs from the documents; run `comeback doctor --rebuild`"
                }))
            }
        }
        Command::Profile(cmd) => profile(&cli, cmd),
        Command::Mood(cmd) => match cmd {
            MoodCommand::Add { mood, note, date } => {
                let mut vault = open(&cli)?;
                let rec = MoodCheckIn {
                    id: model::new_id(),
                    date: date.unwrap_or_else(api::today),
                    mood: *mood,
                    note: note.clone(),
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            MoodCommand::Common(c) => common::<MoodCheckIn>(&cli, c),
        },
        Command::Debrief(cmd) => debrief(&cli, cmd),
        Command::Worry(cmd) => match cmd {
            WorryCommand::Add { text } => {
                let mut vault = open(&cli)?;
                let rec = Worry {
                    id: model::new_id(),
                    date: api::today(),
                    text: text.clone(),
                    resolved: false,
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            WorryCommand::Common(c) => common::<Worry>(&cli, c),
        },
        Command::Contact(cmd) => contact(&cli, cmd),
        Command::Outreach(cmd) => match cmd {
            OutreachCommand::Add {
                contact,
                message,
                reply,
                lead,
                date,
            } => {
                let mut vault = open(&cli)?;
                let date = date.unwrap_or_else(api::today);
                let rec = api::log_outreach(
                    &mut vault,
                    Outreach {
                        id: model::new_id(),
                        contact_id: contact.clone(),
                        date,
                        message: message.clone(),
                        reply: reply.clone(),
                        lead: lead.clone(),
                    },
                )?;
                println!("{}", rec.id);
                Ok(())
            }
            OutreachCommand::Common(c) => common::<Outreach>(&cli, c),
        },
        Command::Intro(cmd) => match cmd {
            IntroCommand::Add { via, to, date } => {
                let mut vault = open(&cli)?;
                api::get::<Contact>(&vault, via)?;
                let rec = Intro {
                    id: model::new_id(),
                    via_contact_id: via.clone(),
                    to_name: to.clone(),
                    requested_on: date.unwrap_or_else(api::today),
                    ..Default::default()
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            IntroCommand::Move { id, status, date } => {
                let mut vault = open(&cli)?;
                let mut rec: Intro = api::get(&vault, id)?;
                let date = date.unwrap_or_else(api::today);
                rec.status = *status;
                match status {
                    IntroStatus::Requested => {}
                    IntroStatus::Made => rec.made_on = Some(date),
                    IntroStatus::Met => {
                        rec.made_on.get_or_insert(date);
                        rec.met_on = Some(date);
                    }
                }
                api::save(&mut vault, rec)?;
                Ok(())
            }
            IntroCommand::Common(c) => common::<Intro>(&cli, c),
        },
        Command::Project(cmd) => project(&cli, cmd),
        Command::Event(cmd) => match cmd {
            EventCommand::Add {
                title,
                kind,
                contacts,
                date,
            } => {
                let mut vault = open(&cli)?;
                for c in contacts {
                    api::get::<Contact>(&vault, c)?;
                }
                let rec = Event {
                    id: model::new_id(),
                    date: date.unwrap_or_else(api::today),
                    title: title.clone(),
                    kind: *kind,
                    contact_ids: contacts.clone(),
                    ..Default::default()
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            EventCommand::Common(c) => common::<Event>(&cli, c),
        },
        Command::Win(cmd) => match cmd {
            WinCommand::Add {
                title,
                category,
                text,
                date,
            } => {
                let mut vault = open(&cli)?;
                let rec = Win {
                    id: model::new_id(),
                    date: date.unwrap_or_else(api::today),
                    title: title.clone(),
                    category: *category,
                    text: text.clone(),
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            WinCommand::Common(c) => common::<Win>(&cli, c),
        },
        Command::Next(cmd) => next(&cli, cmd),
        Command::Dev(cmd) => dev(&cli, cmd),
        Command::Story(cmd) => match cmd {
            StoryCommand::Add {
                title,
                situation,
                task,
                action,
                result,
            } => {
                let mut vault = open(&cli)?;
                let rec = Story {
                    id: model::new_id(),
                    title: title.clone(),
                    situation: situation.clone(),
                    task: task.clone(),
                    action: action.clone(),
                    result: result.clone(),
                    ..Default::default()
                };
                println!("{}", api::add(&mut vault, rec)?.id);
                Ok(())
            }
            StoryCommand::Common(c) => common::<Story>(&cli, c),
        },
    }
}

fn entry(cli: &Cli, cmd: &EntryCommand) -> Result<()> {
    match cmd {
        EntryCommand::Add {
            text,
            mood,
            tags,
            date,
        } => {
            let mut vault = open(cli)?;
            let e = api::add_entry(
                &mut vault,
                NewEntry {
                    text: text.clone(),
                    mood: *mood,
                    tags: tags.clone(),
                    date: *date,
                },
            )?;
            println!("{}", e.id);
            Ok(())
        }
        EntryCommand::Edit {
            id,
            text,
            mood,
            tags,
            date,
            version,
        } => {
            let mut vault = open(cli)?;
            let edit = EntryEdit {
                text: text.clone(),
                mood: mood.map(Some),
                tags: if tags.is_empty() {
                    None
                } else {
                    Some(tags.clone())
                },
                date: *date,
                version: version.clone(),
            };
            api::edit_entry(&mut vault, id, edit)?;
            Ok(())
        }
        EntryCommand::OnThisDay { date, json } => {
            let vault = open(cli)?;
            let entries = api::on_this_day(&vault, date.unwrap_or_else(api::today))?;
            if *json {
                return print_json(&api::versioned(&vault, &entries)?);
            }
            for e in &entries {
                print_entry_line(e);
            }
            Ok(())
        }
        EntryCommand::Common(Common::List { limit, json }) => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::list_json(&vault, Entry::KIND, *limit, 0)?);
            }
            let entries = api::list_entries(&vault, *limit)?;
            for e in &entries {
                print_entry_line(e);
            }
            Ok(())
        }
        EntryCommand::Common(Common::Show { id, json }) => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::get_json(&vault, Entry::KIND, id)?);
            }
            let e = api::get_entry(&vault, id)?;
            println!("{}  {}", e.date, e.id);
            if let Some(m) = e.mood {
                println!("mood: {m}/5");
            }
            if !e.tags.is_empty() {
                println!("tags: {}", e.tags.join(", "));
            }
            println!();
            println!("{}", e.text);
            Ok(())
        }
        EntryCommand::Common(c) => common::<Entry>(cli, c),
    }
}

fn print_entry_line(e: &Entry) {
    let first: String = e
        .text
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    let mood = e.mood.map(|m| format!("mood {m}")).unwrap_or_default();
    println!("{}  {}  {:<7} {}", e.id, e.date, mood, first);
}

fn profile(cli: &Cli, cmd: &ProfileCommand) -> Result<()> {
    match cmd {
        ProfileCommand::Set {
            setback,
            happened_on,
            back_by,
            what_happened,
            grief_ends_on,
            worry_time,
            announcement,
        } => {
            let mut vault = open(cli)?;
            let existing: Option<Profile> = vault.get(model::PROFILE_ID)?;
            let mut p = match (existing, happened_on) {
                (Some(p), _) => p,
                (None, Some(d)) => Profile::new(setback.unwrap_or_default(), *d),
                (None, None) => {
                    return Err(anyhow!(
                        "happened_on: a new profile needs the date it happened; pass --happened-on YYYY-MM-DD"
                    ));
                }
            };
            if let Some(s) = setback {
                p.setback = *s;
            }
            if let Some(d) = happened_on {
                p.happened_on = *d;
            }
            if back_by.is_some() {
                p.back_by = *back_by;
            }
            if let Some(t) = what_happened {
                p.what_happened = t.clone();
            }
            if grief_ends_on.is_some() {
                p.grief_ends_on = *grief_ends_on;
            }
            if let Some(t) = worry_time {
                p.worry_time = Some(t.clone());
            }
            if let Some(t) = announcement {
                p.announcement = t.clone();
            }
            vault.put(&p)?;
            Ok(())
        }
        ProfileCommand::Show { json } => {
            let vault = open(cli)?;
            let p: Profile = vault.get(model::PROFILE_ID)?.ok_or_else(|| {
                anyhow!(
                    "no profile yet; set one with `comeback profile set --happened-on YYYY-MM-DD`"
                )
            })?;
            if *json {
                return print_json(&api::get_json(&vault, Profile::KIND, p.id())?);
            }
            show_record(&p)
        }
    }
}

fn debrief(cli: &Cli, cmd: &DebriefCommand) -> Result<()> {
    match cmd {
        DebriefCommand::New { title, setback } => {
            let mut vault = open(cli)?;
            let d = Debrief::new(title.clone(), *setback, model::new_id());
            println!("{}", api::add(&mut vault, d)?.id);
            Ok(())
        }
        DebriefCommand::Lesson {
            id,
            lesson,
            action,
            due,
            success_test,
        } => {
            let mut vault = open(cli)?;
            let mut d: Debrief = api::get(&vault, id)?;
            d.lessons.push(model::Lesson {
                id: model::new_id(),
                lesson: lesson.clone(),
                action: action.clone(),
                due: *due,
                success_test: success_test.clone(),
            });
            api::save(&mut vault, d)?;
            Ok(())
        }
        DebriefCommand::Complete { id } => {
            let mut vault = open(cli)?;
            let mut d: Debrief = api::get(&vault, id)?;
            d.complete().map_err(comeback_core::Error::from)?;
            api::save(&mut vault, d)?;
            Ok(())
        }
        DebriefCommand::Export { id } => {
            let vault = open(cli)?;
            let d: Debrief = api::get(&vault, id)?;
            print!("{}", d.to_markdown());
            Ok(())
        }
        DebriefCommand::Common(c) => common::<Debrief>(cli, c),
    }
}

fn contact(cli: &Cli, cmd: &ContactCommand) -> Result<()> {
    match cmd {
        ContactCommand::Add {
            name,
            tie,
            how_known,
            cadence_days,
            last_contact,
        } => {
            let mut vault = open(cli)?;
            let rec = Contact {
                id: model::new_id(),
                name: name.clone(),
                how_known: how_known.clone(),
                tie: *tie,
                cadence_days: *cadence_days,
                last_contact: *last_contact,
                notes: String::new(),
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        ContactCommand::Due { json } => {
            let vault = open(cli)?;
            let due = api::due_contacts(&vault, api::today())?;
            if *json {
                return print_json(&api::versioned(&vault, &due)?);
            }
            for c in &due {
                let last = c
                    .last_contact
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "never".into());
                println!(
                    "{}  {:<24} {:<12} last: {}",
                    c.id,
                    c.name,
                    c.tie.label(),
                    last
                );
            }
            Ok(())
        }
        ContactCommand::Common(c) => common::<Contact>(cli, c),
    }
}

fn project(cli: &Cli, cmd: &ProjectCommand) -> Result<()> {
    match cmd {
        ProjectCommand::Add { name, target_hours } => {
            let mut vault = open(cli)?;
            let rec = Project {
                id: model::new_id(),
                name: name.clone(),
                weekly_target_hours: *target_hours,
                started_on: api::today(),
                ..Default::default()
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        ProjectCommand::Log {
            project,
            hours,
            note,
            date,
        } => {
            let mut vault = open(cli)?;
            api::get::<Project>(&vault, project)?;
            let rec = TimeLog {
                id: model::new_id(),
                project_id: project.clone(),
                date: date.unwrap_or_else(api::today),
                hours: *hours,
                note: note.clone(),
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        ProjectCommand::Hours { project, json } => {
            let vault = open(cli)?;
            let p: Project = api::get(&vault, project)?;
            let weeks = api::hours_per_week(&vault, project)?;
            if *json {
                let rows: Vec<Json> = weeks
                    .iter()
                    .map(|(w, h)| serde_json::json!({"week": w, "hours": h, "target": p.weekly_target_hours}))
                    .collect();
                return print_json(&rows);
            }
            for (w, h) in weeks {
                println!("{w}  {h:>5.1} h of {:.0}", p.weekly_target_hours);
            }
            Ok(())
        }
        ProjectCommand::Common(c) => common::<Project>(cli, c),
    }
}

fn next(cli: &Cli, cmd: &NextCommand) -> Result<()> {
    match cmd {
        NextCommand::Add { title, kind, org } => {
            let mut vault = open(cli)?;
            let rec = PipelineItem {
                id: model::new_id(),
                kind: *kind,
                title: title.clone(),
                org: org.clone(),
                stage: Stage::Saved,
                stage_changed_on: api::today(),
                ..Default::default()
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        NextCommand::Move { id, stage, reason } => {
            let mut vault = open(cli)?;
            let mut item: PipelineItem = api::get(&vault, id)?;
            item.stage = *stage;
            item.stage_changed_on = api::today();
            if reason.is_some() {
                item.closed_reason = reason.clone();
            }
            api::save(&mut vault, item)?;
            Ok(())
        }
        NextCommand::FollowUps { json } => {
            let vault = open(cli)?;
            let today = api::today();
            let items: Vec<PipelineItem> = api::list::<PipelineItem>(&vault, usize::MAX >> 1)?
                .into_iter()
                .filter(|i| i.needs_follow_up(today))
                .collect();
            if *json {
                return print_json(&items);
            }
            for i in items {
                println!(
                    "{}  {:<10} {}",
                    i.id,
                    format!("{:?}", i.stage).to_lowercase(),
                    i.title
                );
            }
            Ok(())
        }
        NextCommand::Common(c) => common::<PipelineItem>(cli, c),
    }
}

/// A record as `field: value` lines (`--json` prints `api::get_json` instead).
fn show_record<R: Record>(rec: &R) -> Result<()> {
    let value = serde_json::to_value(rec).context("reading the record")?;
    if let Json::Object(fields) = value {
        for (k, v) in fields {
            let shown = match v {
                Json::String(s) => s,
                other => other.to_string(),
            };
            if !shown.is_empty() {
                println!("{k}: {shown}");
            }
        }
    }
    Ok(())
}

fn common<R: Record>(cli: &Cli, cmd: &Common) -> Result<()> {
    match cmd {
        Common::List { limit, json } => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::list_json(&vault, R::KIND, *limit, 0)?);
            }
            let records: Vec<R> = api::list(&vault, *limit)?;
            for r in &records {
                println!("{}  {}", r.id(), r.title());
            }
            Ok(())
        }
        Common::Show { id, json } => {
            let vault = open(cli)?;
            if *json {
                return print_json(&api::get_json(&vault, R::KIND, id)?);
            }
            let rec: R = api::get(&vault, id)?;
            show_record(&rec)
        }
        Common::Set { id, sets, version } => {
            let patch = sets_to_patch(sets)?;
            let mut vault = open(cli)?;
            api::patch::<R>(&mut vault, id, &patch, version.as_deref())?;
            Ok(())
        }
        Common::Delete { id } => {
            let mut vault = open(cli)?;
            api::delete::<R>(&mut vault, id)?;
            Ok(())
        }
    }
}

/// `a.b=3` → `{"a": {"b": 3}}`; a value that is not JSON is taken as text.
fn sets_to_patch(sets: &[String]) -> Result<Json> {
    let mut patch = serde_json::Map::new();
    for set in sets {
        let (path, raw) = set
            .split_once('=')
            .ok_or_else(|| anyhow!("--set {set}: write it as FIELD=VALUE"))?;
        let value = serde_json::from_str::<Json>(raw).unwrap_or_else(|_| Json::String(raw.into()));
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap_or_default();
        let mut node = &mut patch;
        for k in keys {
            let next = node
                .entry(k.to_string())
                .or_insert_with(|| Json::Object(Default::default()));
            node = next
                .as_object_mut()
                .ok_or_else(|| anyhow!("--set {set}: {k} is set twice"))?;
        }
        node.insert(last.to_string(), value);
    }
    Ok(Json::Object(patch))
}

fn dev(cli: &Cli, cmd: &DevCommand) -> Result<()> {
    use std::io::Write;
    match cmd {
        DevCommand::AddMany { count, prefix } => {
            let mut vault = open(cli)?;
            let mut out = std::io::stdout().lock();
            for i in 0..*count {
                let e = api::add_entry(
                    &mut vault,
                    NewEntry {
                        text: format!("{prefix} {i}"),
                        ..Default::default()
                    },
                )?;
                writeln!(out, "{}", e.id)?;
                out.flush()?;
            }
            Ok(())
        }
        DevCommand::Hardening => {
            hardening()?;
            // Hold on until the test has looked.
            std::io::copy(&mut std::io::stdin(), &mut std::io::sink())?;
            Ok(())
        }
        DevCommand::Generate { seed, fraction } => {
            let mut vault = open(cli)?;
            let plan = if (*fraction - 1.0).abs() < f64::EPSILON {
                comeback_core::sample::Plan::ten_years()
            } else {
                comeback_core::sample::Plan::scaled(*fraction)
            };
            let summary = comeback_core::sample::fill(&mut vault, &plan, *seed, |phase, n| {
                eprintln!("generate: {phase} {n}");
            })?;
            println!(
                "{} entries, {} records, {} commits, {} bytes of text",
                summary.entries, summary.records, summary.commits, summary.text_bytes
            );
            Ok(())
        }
    }
}

/// `comeback dev hardening`: what `harden::no_core_dumps` left, as the kernel says.
#[cfg(target_os = "linux")]
fn hardening() -> Result<()> {
    use rustix::process::{DumpableBehavior, Resource, dumpable_behavior, getrlimit};
    let limit = getrlimit(Resource::Core);
    let shown = |v: Option<u64>| v.map_or("unlimited".to_string(), |n| n.to_string());
    let dumpable = dumpable_behavior()? != DumpableBehavior::NotDumpable;
    println!(
        "core limit {} {}",
        shown(limit.current),
        shown(limit.maximum)
    );
    println!("dumpable {}", if dumpable { "yes" } else { "no" });
    std::io::Write::flush(&mut std::io::stdout())?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn hardening() -> Result<()> {
    Err(anyhow!("`dev hardening` reports on Linux only"))
}
