//! The vault itself from the command line: `init` (and its recovery key, shown once),
//! full-text `search`, the `doctor`, and the setback `profile` (a singleton). `unlock`
//! has its own module, since it handles the recovery key.

use anyhow::{Result, anyhow};
use comeback_core::api;
use comeback_core::model::{Profile, Record};

use crate::args::{Cli, ProfileCommand};
use crate::print::{print_json, show_record};
use crate::{key_source, open, vault_dir};

pub fn init(cli: &Cli) -> Result<()> {
    let dir = vault_dir(cli)?;
    let (_vault, recovery) = api::init(&dir, &key_source(cli)?)?;
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

pub fn search(cli: &Cli, query: &str, limit: usize, json: bool) -> Result<()> {
    let vault = open(cli)?;
    let hits = api::search(&vault, query, limit)?;
    if json {
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

pub fn doctor(
    cli: &Cli,
    rebuild: bool,
    forget_damaged: bool,
    drop_set_aside: bool,
    json: bool,
) -> Result<()> {
    let mut vault = open(cli)?;
    if drop_set_aside {
        let n = api::drop_set_aside(&mut vault)?;
        if !json {
            println!("Deleted {n} record(s) that broke the rules.");
        }
    }
    if forget_damaged {
        let n = api::forget_damaged(&mut vault)?;
        if !json {
            println!("Let go of {n} damaged chunk(s).");
        }
    }
    let report = api::doctor(&mut vault, rebuild)?;
    if json {
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

pub fn profile(cli: &Cli, cmd: &ProfileCommand) -> Result<()> {
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
            // The fields given replace the profile's; a first profile needs the date.
            let existing = api::get_profile(&vault)?;
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
            api::set_profile(&mut vault, p, None)?;
            Ok(())
        }
        ProfileCommand::Show { json } => {
            let vault = open(cli)?;
            let p = api::get_profile(&vault)?.ok_or_else(|| {
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
