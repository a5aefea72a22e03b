//! The network from the command line: worries parked for worry time, contacts and who
//! is due a message, outreach (messages sent, replies, leads) and introductions.

use anyhow::Result;
use comeback_core::Vault;
use comeback_core::api;
use comeback_core::api::ContactSchedule;
use comeback_core::model::{self, Contact, Intro, Outreach, Worry};
use serde_json::Value as Json;

use crate::args::{Cli, ContactCommand, IntroCommand, OutreachCommand, WorryCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn worry(cli: &Cli, cmd: &WorryCommand) -> Result<()> {
    match cmd {
        WorryCommand::Add { text } => {
            let mut vault = open(cli)?;
            let rec = Worry {
                id: model::new_id(),
                date: api::today(),
                text: text.clone(),
                ..Default::default()
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        WorryCommand::Common(c) => common::<Worry>(cli, c),
    }
}

pub fn contact(cli: &Cli, cmd: &ContactCommand) -> Result<()> {
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
            let due = api::due_contact_schedule(&vault, api::today())?;
            if *json {
                return print_json(&due_json(&vault, &due)?);
            }
            for s in &due {
                let c = &s.contact;
                let last = c
                    .last_contact
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "never".into());
                let next = s
                    .next_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "now".into());
                println!(
                    "{}  {:<24} {:<12} last: {:<10}  next: {}",
                    c.id,
                    c.name,
                    c.tie.label(),
                    last,
                    next
                );
            }
            Ok(())
        }
        ContactCommand::Common(c) => common::<Contact>(cli, c),
    }
}

pub fn outreach(cli: &Cli, cmd: &OutreachCommand) -> Result<()> {
    match cmd {
        OutreachCommand::Add {
            contact,
            message,
            reply,
            lead,
            date,
        } => {
            let mut vault = open(cli)?;
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
        OutreachCommand::Common(c) => common::<Outreach>(cli, c),
    }
}

pub fn intro(cli: &Cli, cmd: &IntroCommand) -> Result<()> {
    match cmd {
        IntroCommand::Add { via, to, date } => {
            let mut vault = open(cli)?;
            let rec = Intro {
                via_contact_id: via.clone(),
                to_name: to.clone(),
                requested_on: date.unwrap_or_else(api::today),
                ..Default::default()
            };
            println!("{}", api::add_intro(&mut vault, rec)?.id);
            Ok(())
        }
        IntroCommand::Move { id, status, date } => {
            let mut vault = open(cli)?;
            let on = date.unwrap_or_else(api::today);
            api::move_intro(&mut vault, id, *status, on, None)?;
            Ok(())
        }
        IntroCommand::Common(c) => common::<Intro>(cli, c),
    }
}

/// `contact due --json`: each due contact as `contact show --json` prints it (with its
/// `version`), plus the schedule the core worked out for it (`next_on`, `cadence_days`,
/// `default_cadence`), so scripts reading the contact's fields keep working.
fn due_json(vault: &Vault, due: &[ContactSchedule]) -> Result<Vec<Json>> {
    let contacts: Vec<Contact> = due.iter().map(|s| s.contact.clone()).collect();
    let mut rows = api::versioned(vault, &contacts)?;
    for (row, s) in rows.iter_mut().zip(due) {
        if let Json::Object(fields) = row {
            fields.insert("next_on".into(), serde_json::to_value(s.next_on)?);
            fields.insert("cadence_days".into(), s.cadence_days.into());
            fields.insert("default_cadence".into(), s.default_cadence.into());
        }
    }
    Ok(rows)
}
