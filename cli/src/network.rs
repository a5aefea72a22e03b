//! The network from the command line: worries parked for worry time, contacts and who
//! is due a message, outreach (messages sent, replies, leads) and introductions.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, Contact, Intro, IntroStatus, Outreach, Worry};

use crate::args::{Cli, ContactCommand, IntroCommand, OutreachCommand, WorryCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn worry(cli: &Cli, cmd: &WorryCommand) -> Result<()> {
    match cmd {
        WorryCommand::Add { text } => {
            let mut vault = open(cli)?;
            // RULE: a new worry is dated today and unresolved.
            let rec = Worry {
                id: model::new_id(),
                date: api::today(),
                text: text.clone(),
                resolved: false,
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
            // RULE: intro reference check — the contact asked (--via) must exist.
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
            let mut vault = open(cli)?;
            // RULE: intro made/met — made sets made_on; met sets met_on, and made_on if it
            // was never set; the date is today unless given; no version, so it overwrites.
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
        IntroCommand::Common(c) => common::<Intro>(cli, c),
    }
}
