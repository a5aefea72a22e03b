//! The daily companion from the command line: `comeback reminders` (what falls due in a
//! window, for a home box's scheduler, and this device's reminder settings) and
//! `comeback lock` (this device's app lock). What is due, when, and how a passcode is
//! kept and checked are the core's (`api::reminders`, `api::lock`); this module reads the
//! arguments and the passcode, calls, and prints.

use anyhow::{Result, anyhow};
use comeback_core::api::{self, LockStatus, QuietHours, Reminder, ReminderSettings};
use zeroize::Zeroizing;

use crate::args::{Cli, LockCommand, Moment, RemindersArgs, RemindersCommand};
use crate::open;
use crate::print::print_json;
use crate::unlock::{Ask, at_terminal, read_secret};

pub fn reminders(cli: &Cli, args: &RemindersArgs) -> Result<()> {
    match &args.command {
        Some(RemindersCommand::Settings { json }) => {
            let vault = open(cli)?;
            print_settings(&api::reminder_settings(&vault)?, *json)
        }
        Some(RemindersCommand::Set {
            kind,
            on,
            off: _,
            quiet,
            check_in,
            json,
        }) => {
            if kind.is_none() && quiet.is_none() && check_in.is_none() {
                return Err(anyhow!(
                    "nothing to change; give --kind KIND --on or --off, --quiet 22:00-07:00 (or off), or --check-in HH:MM"
                ));
            }
            let vault = open(cli)?;
            let mut settings = api::reminder_settings(&vault)?;
            if let Some(kind) = kind {
                settings.set(*kind, *on);
            }
            if let Some(quiet) = quiet {
                settings.quiet_hours = quiet_hours(quiet)?;
            }
            if let Some(time) = check_in {
                settings.check_in_time = time.clone();
            }
            print_settings(&api::set_reminder_settings(&vault, settings)?, *json)
        }
        None => due(cli, args),
    }
}

/// `22:00-07:00` as the two times (checked by the core); `off` for none.
fn quiet_hours(text: &str) -> Result<Option<QuietHours>> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let (start, end) = text.split_once('-').ok_or_else(|| {
        anyhow!("--quiet {text}: write it as START-END on a 24-hour clock (22:00-07:00), or off")
    })?;
    Ok(Some(QuietHours {
        start: start.trim().into(),
        end: end.trim().into(),
    }))
}

fn due(cli: &Cli, args: &RemindersArgs) -> Result<()> {
    let tz_name = args.tz.clone().unwrap_or_else(api::device_time_zone);
    let tz = api::time_zone(&tz_name)?;
    let moment = |m: Moment| match m {
        Moment::At(at) => at,
        Moment::Local(local) => api::local_moment(tz, local).fixed_offset(),
    };
    let from = args.from.map_or_else(api::now, moment);
    let to = args
        .to
        .map_or_else(|| from + chrono::Duration::hours(24), moment);
    let vault = open(cli)?;
    let due = api::reminders(&vault, from, to, &tz_name)?;
    if args.json {
        return print_json(&due);
    }
    if due.is_empty() {
        println!(
            "No reminders from {} to {} ({tz_name}).",
            from.to_rfc3339(),
            to.to_rfc3339()
        );
    }
    for r in &due {
        println!("{}", reminder_line(r));
    }
    Ok(())
}

fn reminder_line(r: &Reminder) -> String {
    let record = r
        .record
        .as_ref()
        .map(|rec| format!("  ({} {})", rec.kind, rec.id))
        .unwrap_or_default();
    format!(
        "{}  {:<16}  {}{record}",
        r.at.to_rfc3339(),
        r.kind.as_str(),
        r.title
    )
}

fn print_settings(s: &ReminderSettings, json: bool) -> Result<()> {
    if json {
        return print_json(s);
    }
    for k in &s.kinds {
        let state = if k.on { "on" } else { "off" };
        let when = match k.kind {
            api::ReminderKind::CheckIn => format!(" (at {})", s.check_in_time),
            _ => String::new(),
        };
        println!("{:<16}  {state}{when}", k.kind.as_str());
    }
    match &s.quiet_hours {
        Some(q) => println!("{:<16}  {}-{}", "quiet hours", q.start, q.end),
        None => println!("{:<16}  off", "quiet hours"),
    }
    Ok(())
}

const PASSCODE: Ask = Ask {
    prompt: "Passcode (what you type is not shown): ",
    name: "passcode",
    how: "type it at the prompt, or pipe it: `comeback lock set < passcode.txt`",
    max_len: 512,
};

const PASSCODE_AGAIN: Ask = Ask {
    prompt: "The same passcode again: ",
    ..PASSCODE
};

/// The passcode as text, borrowed from the wiped buffer it was read into.
fn as_text(line: &Zeroizing<Vec<u8>>) -> Result<&str> {
    std::str::from_utf8(line)
        .map_err(|_| anyhow!("that passcode is not valid text (UTF-8); type it again"))
}

/// The recovery key, asked for by `comeback lock reset` as `comeback unlock` asks for it.
const RECOVERY_KEY_FOR_RESET: Ask = Ask {
    prompt: "Recovery key (what you type is not shown): ",
    name: "recovery key",
    how: "type it at the prompt, or pipe it: `comeback lock reset < key.txt`",
    max_len: 256,
};

pub fn lock(cli: &Cli, cmd: &LockCommand) -> Result<()> {
    match cmd {
        LockCommand::Set => {
            let vault = open(cli)?;
            let line = read_secret(&PASSCODE)?;
            if at_terminal() {
                // A typo at a prompt that shows nothing would lock the person out.
                let again = read_secret(&PASSCODE_AGAIN)?;
                if *again != *line {
                    return Err(anyhow!(
                        "the two passcodes differ; nothing was changed, run `comeback lock set` again"
                    ));
                }
            }
            let status = api::lock_set(&vault, as_text(&line)?)?;
            println!("The app lock is on.");
            print_status(&status, false)
        }
        LockCommand::Off => {
            let vault = open(cli)?;
            // Say "there is none" before asking for one.
            if !api::lock_status(&vault)?.on {
                return Err(anyhow!("this device has no app lock; nothing to turn off"));
            }
            let line = read_secret(&PASSCODE)?;
            api::lock_off(&vault, as_text(&line)?)?;
            println!("The app lock is off on this device.");
            Ok(())
        }
        LockCommand::Status { json } => {
            let vault = open(cli)?;
            print_status(&api::lock_status(&vault)?, *json)
        }
        LockCommand::Reset => {
            let vault = open(cli)?;
            if !api::lock_status(&vault)?.on {
                return Err(anyhow!("this device has no app lock; nothing to reset"));
            }
            let line = read_secret(&RECOVERY_KEY_FOR_RESET)?;
            let text = std::str::from_utf8(line.trim_ascii()).map_err(|_| {
                anyhow!("that recovery key has characters outside A–Z and 2–7; type it again")
            })?;
            api::lock_reset(&vault, text)?;
            println!(
                "The app lock is off on this device; set a new passcode with `comeback lock set`."
            );
            Ok(())
        }
        LockCommand::Idle { minutes } => {
            let vault = open(cli)?;
            print_status(&api::set_lock_idle(&vault, *minutes)?, false)
        }
    }
}

fn print_status(s: &LockStatus, json: bool) -> Result<()> {
    if json {
        return print_json(s);
    }
    if s.on {
        println!(
            "The app asks for its passcode when it starts and after {} minutes without use.",
            s.idle_minutes
        );
    } else {
        println!(
            "No app lock on this device (set one with `comeback lock set`); it would lock after {} minutes without use.",
            s.idle_minutes
        );
    }
    if s.retry_after_s > 0 {
        println!(
            "Too many wrong passcodes: the next try in {}.",
            api::wait_text(s.retry_after_s)
        );
    }
    Ok(())
}
