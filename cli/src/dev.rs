//! `comeback dev` (hidden): tools for tests and benchmarks, not a stable surface. Adding
//! entries one by one, reporting the process's core dump settings, marking the mirror as
//! an older release's, weighing each document's stored chunks, and filling a vault with
//! the seeded ten-year journal.

use anyhow::Result;
#[cfg(not(target_os = "linux"))]
use anyhow::anyhow;
use comeback_core::api::{self, NewEntry};

use crate::args::{Cli, DevCommand};
use crate::open;

pub fn dev(cli: &Cli, cmd: &DevCommand) -> Result<()> {
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
        DevCommand::OutdateMirror => {
            comeback_core::testing::outdate_mirror(&open(cli)?)?;
            Ok(())
        }
        DevCommand::Footprints => {
            let mut docs = comeback_core::testing::footprints(&open(cli)?)?;
            docs.sort_by_key(|(_, f)| std::cmp::Reverse(f.snapshot_bytes + f.change_bytes));
            let mut out = std::io::stdout().lock();
            writeln!(out, "document\tsnapshot bytes\tchanges\tchange bytes")?;
            for (doc, f) in docs {
                writeln!(
                    out,
                    "{doc}\t{}\t{}\t{}",
                    f.snapshot_bytes, f.changes, f.change_bytes
                )?;
            }
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
