//! Home from the command line (`comeback home`): the core's one-call summary of the Home
//! screen (`api::home_summary`), printed as a few lines, or whole with `--json`; and
//! `comeback actions`, every next action where Home shows the first few; and
//! `comeback prompt`, the daily prompt of the first weeks (`api::daily_prompt`). Every
//! rule of what Home shows (which actions, which step is done, when the low-mood reminder
//! appears) is the core's; this module only words the lines.

use anyhow::Result;
use comeback_core::api::{self, DailyPrompt, HomeAction, HomeSummary, PromptScreen};
use comeback_core::model::Date;

use crate::args::Cli;
use crate::open;
use crate::print::print_json;

pub fn home(cli: &Cli, json: bool, date: Option<Date>) -> Result<()> {
    let vault = open(cli)?;
    let now = chrono::Local::now().time();
    let summary = api::home_summary(&vault, date.unwrap_or_else(api::today), now)?;
    if json {
        return print_json(&summary);
    }
    print_summary(&summary);
    Ok(())
}

pub fn actions(cli: &Cli, json: bool, date: Option<Date>) -> Result<()> {
    let vault = open(cli)?;
    let actions = api::next_actions(&vault, date.unwrap_or_else(api::today))?;
    if json {
        return print_json(&actions);
    }
    print_actions(&actions);
    Ok(())
}

/// "Next actions:" and a line for each, by due date, or "none".
fn print_actions(actions: &[HomeAction]) {
    if actions.is_empty() {
        println!("Next actions: none.");
        return;
    }
    println!("Next actions:");
    for a in actions {
        let due = a.due.map(|d| format!("due {d}  ")).unwrap_or_default();
        let overdue = if a.overdue { "overdue  " } else { "" };
        println!("  {due}{overdue}{} ({})", a.text, a.detail);
    }
}

pub fn prompt(cli: &Cli, json: bool, today: Option<Date>) -> Result<()> {
    let vault = open(cli)?;
    let prompt = api::daily_prompt(&vault, today.unwrap_or_else(api::today))?;
    if json {
        return print_json(&prompt);
    }
    match prompt {
        Some(p) => print_prompt(&p),
        None => println!(
            "No prompt today: the first weeks are behind you. Write whatever is on your mind with `comeback entry add --text`."
        ),
    }
    Ok(())
}

fn print_prompt(p: &DailyPrompt) {
    println!("Today's prompt (step {} of 4):", p.step);
    println!("  {}", p.text);
    match p.action.screen {
        PromptScreen::Journal => {
            println!("Write about it: comeback entry add --text \"{}\"", p.text);
        }
        PromptScreen::Debrief => {
            if let Some(r) = &p.action.record {
                println!("Carry on with it: comeback debrief show {}", r.id);
            }
        }
        PromptScreen::Network => println!("See who is due: comeback contact due"),
    }
}

fn print_summary(h: &HomeSummary) {
    println!("Home, {}", h.today);
    println!();
    if h.today_entries.is_empty() {
        println!("Today: no entry yet.");
    } else {
        println!("Today:");
        for e in &h.today_entries {
            let mood = e.mood.map(|m| format!("  (mood {m})")).unwrap_or_default();
            println!("  {}  {}{mood}", e.id, e.title);
        }
    }
    match (h.grief.ends_on, h.grief.days_left) {
        _ if h.grief.over => println!("Grief window: over; time to tell people."),
        (Some(end), Some(left)) => println!("Grief window: ends {end} ({left} days left)."),
        _ => {}
    }
    if let (Some(start), Some(end)) = (h.worry.starts_at, h.worry.ends_at) {
        let on = if h.worry.now { " (now)" } else { "" };
        println!(
            "Worry time: {}–{}{on}.",
            start.format("%H:%M"),
            end.format("%H:%M")
        );
    }
    println!();
    print_actions(&h.actions);
    if h.more_actions > 0 {
        println!(
            "  … and {} more: `comeback actions` lists them all.",
            h.more_actions
        );
    }
    println!();
    let s = &h.steps;
    for (n, name, done, status) in [
        (1, "Debrief", s.debrief.done, &s.debrief.status),
        (2, "Reach out", s.reach_out.done, &s.reach_out.status),
        (3, "Mojo", s.mojo.done, &s.mojo.status),
        (4, "Next move", s.next_move.done, &s.next_move.status),
    ] {
        let mark = if done { "x" } else { " " };
        println!("[{mark}] {n}. {name}: {status}");
    }
    if h.low_mood.show {
        println!();
        println!(
            "{} low days in a row. Remember these wins:",
            h.low_mood.days
        );
        for w in &h.low_mood.wins {
            println!("  {}  {}", w.date, w.title);
        }
    }
    for w in &h.anniversary_wins {
        println!("On this day, {}: {}", w.date, w.title);
    }
    if !h.on_this_day.is_empty() {
        println!(
            "On this day in earlier years: {} entries (`comeback entry on-this-day`).",
            h.on_this_day.len()
        );
    }
    if let Some(p) = &h.prompt {
        println!();
        print_prompt(p);
    }
}
