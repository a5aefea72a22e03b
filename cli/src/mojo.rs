//! Mojo from the command line: side projects and the hours logged on them (time logs),
//! events (meetups, coffee chats), the wins and praise vault, and the time-off summary
//! (`comeback mojo summary`).

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, Event, Project, TimeLog, Win};
use serde_json::Value as Json;

use crate::args::{Cli, EventCommand, MojoCommand, ProjectCommand, WinCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn project(cli: &Cli, cmd: &ProjectCommand) -> Result<()> {
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
            let rec = TimeLog {
                project_id: project.clone(),
                date: date.unwrap_or_else(api::today),
                hours: *hours,
                note: note.clone(),
                ..Default::default()
            };
            println!("{}", api::log_hours(&mut vault, rec)?.id);
            Ok(())
        }
        ProjectCommand::Hours { project, json } => {
            let vault = open(cli)?;
            let p: Project = api::get(&vault, project)?;
            // Each week's hours as the core sums them, printed beside the weekly target.
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

pub fn event(cli: &Cli, cmd: &EventCommand) -> Result<()> {
    match cmd {
        EventCommand::Add {
            title,
            kind,
            contacts,
            date,
        } => {
            let mut vault = open(cli)?;
            let rec = Event {
                date: date.unwrap_or_else(api::today),
                title: title.clone(),
                kind: *kind,
                contact_ids: contacts.clone(),
                ..Default::default()
            };
            println!("{}", api::add_event(&mut vault, rec)?.id);
            Ok(())
        }
        EventCommand::Common(c) => common::<Event>(cli, c),
    }
}

pub fn win(cli: &Cli, cmd: &WinCommand) -> Result<()> {
    match cmd {
        WinCommand::Add {
            title,
            category,
            text,
            date,
        } => {
            let mut vault = open(cli)?;
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
        WinCommand::Common(c) => common::<Win>(cli, c),
    }
}

pub fn mojo(cli: &Cli, cmd: &MojoCommand) -> Result<()> {
    match cmd {
        MojoCommand::Summary { since, json } => {
            let vault = open(cli)?;
            // Without --since the summary starts where the profile says the time off began.
            let since = match since {
                Some(d) => Some(*d),
                None => api::get_profile(&vault)?.map(|p| p.happened_on),
            };
            let summary = api::time_off_summary(&vault, since)?;
            if *json {
                return print_json(&summary);
            }
            print!("{}", summary.text);
            Ok(())
        }
    }
}
