//! Every argument `comeback` takes: the top-level `Cli` and `Command`, each area's
//! subcommands, the verbs every kind shares (`Common`) and the value parsers that turn a
//! malformed date or choice into a usage error (exit 2). Types only: what a command does
//! lives in its area's module (`journal`, `debrief`, `network`, `mojo`, `next`, `home`,
//! `vault`, `portability`, `companion`, `dev`, `devices`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use comeback_core::api::ReminderKind;
use comeback_core::model::{
    BragCategory, Date, EventKind, IntroStatus, ItemKind, SetbackKind, Stage, Tie,
};
use serde_json::Value as Json;

#[derive(Parser)]
#[command(
    name = "comeback",
    version,
    about = "Comeback: a private, local-first journal and plan, from the command line"
)]
pub struct Cli {
    /// The vault folder (default: the platform's data folder).
    #[arg(long, env = "COMEBACK_VAULT", global = true)]
    pub vault: Option<PathBuf>,
    /// Keep the database key in this file (mode 0600) instead of the OS keychain: for a
    /// headless home box with no Secret Service.
    #[arg(long, env = "COMEBACK_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Regaining your mojo as a whole: the time-off summary.
    #[command(subcommand)]
    Mojo(MojoCommand),
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
    /// What the Home screen shows: today's entries, the grief window, the next actions,
    /// the four steps.
    Home {
        /// Print the whole summary as JSON.
        #[arg(long)]
        json: bool,
        /// The day to look at (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Every open next action (debrief lessons and pipeline follow-ups), by due date:
    /// all of them, where `comeback home` shows the first few.
    Actions {
        /// Print the actions as JSON.
        #[arg(long)]
        json: bool,
        /// The day to look at (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Today's prompt for the first weeks: one question drawn from the step you are on,
    /// to write about when a blank page is too much.
    Prompt {
        /// Print the prompt as JSON (`null` once the first weeks are over).
        #[arg(long)]
        json: bool,
        /// The day to ask for (default: today), as YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Write everything you wrote into DIR, a new or empty folder, as files that read
    /// without Comeback: comeback.json (every record, for a later import), one Markdown
    /// file per journal entry, each debrief, the time-off summary and the story bank.
    Export {
        dir: PathBuf,
        /// Print what was written as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Bring a journal in: a Comeback export (its folder or comeback.json), a Day One
    /// export (its folder or .zip), a jrnl JSON export (`jrnl --export json`), or a
    /// folder of daily notes named YYYY-MM-DD.md. All or nothing; importing the same
    /// thing twice adds nothing the second time.
    Import {
        path: PathBuf,
        /// Print what was done as JSON: {"added", "unchanged", "skipped": [{"source",
        /// "reason"}], "attachments"}.
        #[arg(long)]
        json: bool,
    },
    /// The reminders that fall due (worry time, the grief window's end, people due a
    /// message, follow-ups, lesson actions, the debrief block, the check-in), from now
    /// to 24 hours ahead unless told: for a home box's scheduler. `reminders settings`
    /// and `reminders set` show and change this device's reminder settings.
    Reminders(RemindersArgs),
    /// The app lock on this device: a passcode the app asks for on start and after an
    /// idle time. The passcode is read from standard input, or at a prompt that does not
    /// show it.
    #[command(subcommand)]
    Lock(LockCommand),
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
    #[cfg(feature = "dev")]
    #[command(subcommand, hide = true)]
    Dev(DevCommand),
    /// A build without the `dev` feature has no dev tools: says how to get them.
    #[cfg(not(feature = "dev"))]
    #[command(hide = true)]
    Dev {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[cfg(feature = "dev")]
#[derive(Subcommand)]
pub enum DevCommand {
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
    /// Marks the mirror as an older release's, so the next open rebuilds it.
    OutdateMirror,
    /// Prints what each document's stored chunks weigh: its snapshot's bytes, and the
    /// number and bytes of the changes stored after it. Biggest first.
    Footprints,
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
pub enum Common {
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
pub enum EntryCommand {
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
    /// Add a photo or file to an entry (up to 50 MB); prints the file's id.
    Attach {
        id: String,
        file: std::path::PathBuf,
        /// Its media type (image/jpeg…); by default from the file name's extension.
        #[arg(long)]
        media_type: Option<String>,
    },
    /// Remove a file from its entry (the id `show` lists under files).
    Detach { file_id: String },
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
pub enum ProfileCommand {
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
pub enum MoodCommand {
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
pub enum DebriefCommand {
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
    /// Tick a lesson's action done (the ids `debrief actions` prints); --undo opens it
    /// again.
    Tick {
        debrief: String,
        lesson: String,
        #[arg(long)]
        undo: bool,
        /// The day it was done (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// The open actions of every debrief's lessons, soonest due first.
    Actions {
        #[arg(long)]
        json: bool,
        /// The day to count overdue from (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
pub enum WorryCommand {
    Add {
        #[arg(long)]
        text: String,
    },
    #[command(flatten)]
    Common(Common),
}

#[derive(Subcommand)]
pub enum ContactCommand {
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
pub enum OutreachCommand {
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
pub enum IntroCommand {
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
pub enum ProjectCommand {
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
pub enum MojoCommand {
    /// The time-off summary: a one-page account of projects, events and wins.
    #[command(alias = "time-off-summary")]
    Summary {
        /// The first day it names (default: the profile's date it happened).
        #[arg(long, value_parser = parse_date)]
        since: Option<Date>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum EventCommand {
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
pub enum WinCommand {
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
pub enum NextCommand {
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
pub enum StoryCommand {
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

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RemindersArgs {
    #[command(subcommand)]
    pub command: Option<RemindersCommand>,
    /// Print them as JSON: [{"kind", "title", "at", "record"}].
    #[arg(long)]
    pub json: bool,
    /// Start of the window (default: now): 2026-03-08T09:00:00-05:00, or a local time in
    /// --tz, 2026-03-08T09:00 or 2026-03-08 (midnight).
    #[arg(long, value_name = "ISO", value_parser = parse_moment)]
    pub from: Option<Moment>,
    /// End of the window, not included (default: 24 hours after the start).
    #[arg(long, value_name = "ISO", value_parser = parse_moment)]
    pub to: Option<Moment>,
    /// The time zone the reminders' times are in, an IANA name such as Europe/Berlin
    /// (default: TZ when it names one, else this system's).
    #[arg(long, value_name = "ZONE", value_parser = parse_tz)]
    pub tz: Option<String>,
}

#[derive(Subcommand)]
pub enum RemindersCommand {
    /// This device's reminder settings: each kind on or off, quiet hours, the check-in time.
    Settings {
        #[arg(long)]
        json: bool,
    },
    /// Change this device's reminder settings; prints them as they are then.
    Set {
        /// The kind of reminder to turn on or off (worry_time, grief_window_end,
        /// contact_due, follow_up, lesson_action, debrief_block, check_in).
        #[arg(long, value_name = "KIND", value_parser = parse_reminder_kind, requires = "switch")]
        kind: Option<ReminderKind>,
        /// Turn KIND on.
        #[arg(long, group = "switch", requires = "kind")]
        on: bool,
        /// Turn KIND off.
        #[arg(long, group = "switch", requires = "kind")]
        off: bool,
        /// Quiet hours, START-END on a 24-hour clock (22:00-07:00): reminders inside them
        /// wait until END. `off` for none.
        #[arg(long, value_name = "START-END|off")]
        quiet: Option<String>,
        /// The time of the daily check-in, HH:MM (turn it on with --kind check_in --on).
        #[arg(long, value_name = "HH:MM")]
        check_in: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// A moment as given on the command line: with its offset, or a wall-clock time to read
/// in the reminders' time zone.
#[derive(Clone, Copy, Debug)]
pub enum Moment {
    At(chrono::DateTime<chrono::FixedOffset>),
    Local(chrono::NaiveDateTime),
}

pub fn parse_moment(s: &str) -> Result<Moment, String> {
    let t = s.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(Moment::At(at));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = chrono::NaiveDateTime::parse_from_str(t, format) {
            return Ok(Moment::Local(local));
        }
    }
    if let Ok(day) = Date::parse_from_str(t, "%Y-%m-%d") {
        return Ok(Moment::Local(day.and_time(chrono::NaiveTime::MIN)));
    }
    Err(format!(
        "'{s}' is not a moment; write it as 2026-03-08T09:00:00-05:00, or as a local time in --tz: 2026-03-08T09:00 or 2026-03-08"
    ))
}

/// A time zone the core knows, else a usage error saying how to name one.
pub fn parse_tz(s: &str) -> Result<String, String> {
    comeback_core::api::time_zone(s)
        .map(|_| s.trim().trim_start_matches(':').to_string())
        .map_err(|e| match e {
            comeback_core::Error::Invalid(i) => i.message,
            other => other.to_string(),
        })
}

pub fn parse_reminder_kind(s: &str) -> Result<ReminderKind, String> {
    ReminderKind::parse(s).map_err(|e| match e {
        comeback_core::Error::Invalid(i) => i.message,
        other => other.to_string(),
    })
}

#[derive(Subcommand)]
pub enum LockCommand {
    /// Set a passcode (at least 4 digits or characters) on this device.
    Set,
    /// Turn the lock off (asks for the passcode).
    Off,
    /// Whether a lock is set, its idle time, and any wait before the next try.
    Status {
        /// Print {"on", "idle_minutes", "retry_after_s"}.
        #[arg(long)]
        json: bool,
    },
    /// How many minutes without use lock the app again (1 to 1440).
    Idle { minutes: u32 },
    /// Forgot the passcode: turn the lock off with the vault's recovery key (typed at a
    /// prompt that shows nothing, or piped in: `comeback lock reset < key.txt`).
    Reset,
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date; write it as YYYY-MM-DD, for example 2026-03-14"))
}

/// Parses a snake_case enum value through its serde form, listing the choices on error.
pub fn parse_enum<
    T: serde::de::DeserializeOwned + serde::Serialize + Clone + Send + Sync + 'static,
>(
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

/// Where and how this device listens; shared by every command that goes on the network.
#[derive(Args, Clone, Debug, Default)]
pub struct NetArgs {
    /// Listen on this port instead of the one this vault remembers (not remembered).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Listen on 127.0.0.1 only (tests): tickets then carry 127.0.0.1.
    #[arg(long, hide = true)]
    pub loopback: bool,
    /// Do not look for devices on the local network by mDNS (tests).
    #[arg(long, hide = true)]
    pub no_mdns: bool,
}

/// This device's name as the devices it pairs with will list it.
#[derive(Args, Clone, Debug, Default)]
pub struct NameArg {
    /// This device's name in the other devices' lists (default: the host name).
    #[arg(long, env = "COMEBACK_DEVICE_NAME")]
    pub name: Option<String>,
}

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// Show a one-time ticket, wait for one device to join with it, compare the check
    /// code, pair, and run the first sync.
    Invite {
        /// One JSON object per line: the ticket (first line), the join request, the result.
        #[arg(long)]
        json: bool,
        /// Do not ask whether the codes match (compare them yourself).
        #[arg(long)]
        yes: bool,
        /// Seconds to wait for a device to join; the ticket expires then too.
        #[arg(long, value_name = "S", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        #[command(flatten)]
        name: NameArg,
        #[command(flatten)]
        net: NetArgs,
    },
    /// Join the vault of the device that shows TICKET (from `comeback devices invite`);
    /// this vault and that one are merged by the first sync. Shows the check code and
    /// what joining shares, and asks before anything is shared.
    Join {
        #[arg(value_parser = parse_ticket)]
        ticket: String,
        /// Do not ask whether the codes match and to share this vault (needed when stdin
        /// is not a terminal).
        #[arg(long)]
        yes: bool,
        /// Print the first sync's report as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        name: NameArg,
        #[command(flatten)]
        net: NetArgs,
    },
    /// The vault's devices, this one marked, removed ones included.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a device for good: no device of the vault syncs with it again. ID is the
    /// full id or a unique prefix of at least 8 characters.
    Revoke { id: String },
    /// Show or set the optional relay, for devices that cannot reach each other directly
    /// (off by default). The relay sees only encrypted traffic. VALUE: `off`, `n0` (n0's
    /// public relays) or the URL of your own iroh-relay.
    Relay { value: Option<String> },
}

/// A pasted ticket is checked before anything else happens; garbage is a usage error.
pub fn parse_ticket(s: &str) -> Result<String, String> {
    comeback_net::Ticket::decode(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}
