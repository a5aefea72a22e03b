//! Mojo from the command line: side projects and the hours logged on them (time logs),
//! events (meetups, coffee chats) and the wins and praise vault.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, Contact, Event, Project, TimeLog, Win};
use serde_json::Value as Json;

use crate::args::{Cli, EventCommand, ProjectCommand, WinCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn project(cli: &Cli, cmd: &ProjectCommand) -> Result<()> {
    match cmd {
        ProjectCommand::Add { name, target_hours } => {
            let mut vault = open(cli)?;
            // RULE: a new project starts today.
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
            // RULE: time log reference check — the project must exist.
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
            // RULE: project hours — each week's hours set against the project's weekly
            // target here, not by the core.
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
            // RULE: event reference check — every --contact must exist.
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
