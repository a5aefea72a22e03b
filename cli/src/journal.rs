//! The journal from the command line: entries (`comeback entry …`, with `on-this-day`)
//! and mood check-ins (`comeback mood …`).

use anyhow::{Context, Result};
use comeback_core::api::{self, EntryEdit, NewEntry};
use comeback_core::model::{self, Entry, MoodCheckIn, Record};

use crate::args::{Cli, Common, EntryCommand, MoodCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn entry(cli: &Cli, cmd: &EntryCommand) -> Result<()> {
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
        EntryCommand::Attach {
            id,
            file,
            media_type,
        } => {
            let mut reader = std::fs::File::open(file)
                .with_context(|| format!("could not open {}", file.display()))?;
            let mut vault = open(cli)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let a = api::attach(&mut vault, id, &name, media_type.as_deref(), &mut reader)?;
            println!("{}", a.id);
            Ok(())
        }
        EntryCommand::Detach { file_id } => {
            let mut vault = open(cli)?;
            api::detach(&mut vault, file_id)?;
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
            let files = api::attachments_of(&vault, id)?;
            if *json {
                let mut entry = api::get_json(&vault, Entry::KIND, id)?;
                entry["attachments"] = serde_json::to_value(&files)?;
                return print_json(&entry);
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
            if !files.is_empty() {
                println!();
                println!("files:");
                for f in &files {
                    let a = &f.attachment;
                    let note = if f.present {
                        ""
                    } else {
                        " (not on this device yet)"
                    };
                    println!(
                        "  {}  {} ({}, {}){note}",
                        a.id,
                        a.name,
                        a.media_type,
                        size_text(a.size)
                    );
                }
            }
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

pub fn mood(cli: &Cli, cmd: &MoodCommand) -> Result<()> {
    match cmd {
        MoodCommand::Add { mood, note, date } => {
            let mut vault = open(cli)?;
            let rec = MoodCheckIn {
                id: model::new_id(),
                date: date.unwrap_or_else(api::today),
                mood: *mood,
                note: note.clone(),
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        MoodCommand::Common(c) => common::<MoodCheckIn>(cli, c),
    }
}

/// A file size as a person reads it: "2.1 MB", "840 KB", "12 bytes".
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} bytes"),
    }
}
