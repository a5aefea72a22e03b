//! Taking everything out of Comeback and bringing a journal in: `comeback export DIR`
//! calls the core's `api::export` (which owns what the folder holds and refuses a folder
//! that is not empty), `comeback import PATH` the core's `api::import` (which recognises
//! what PATH is and writes all or nothing); each prints one line (and, for an import, a
//! line per thing skipped, with the reason), or the summary as JSON with `--json`. While it runs, a bar on standard error
//! says how far it has got, drawn only when standard error is a terminal, so scripts and
//! logs see nothing of it.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use comeback_core::api::{self, Progress};

use crate::args::Cli;
use crate::open;
use crate::print::print_json;

pub fn export(cli: &Cli, dir: &Path, json: bool) -> Result<()> {
    let vault = open(cli)?;
    let mut bar = Bar::new(std::io::stderr().is_terminal());
    let summary = api::export(&vault, dir, api::now(), &mut |p| bar.show(p))?;
    drop(bar);
    if json {
        return print_json(&summary);
    }
    println!(
        "Exported {} ({}) to {}",
        count(summary.records, "record", "records"),
        count(summary.entries, "entry", "entries"),
        summary.dir
    );
    Ok(())
}

pub fn import(cli: &Cli, path: &Path, json: bool) -> Result<()> {
    let mut vault = open(cli)?;
    let mut bar = Bar::new(std::io::stderr().is_terminal());
    let summary = api::import(&mut vault, path, &mut |p| bar.show(p))?;
    drop(bar);
    if json {
        return print_json(&summary);
    }
    let mut line = format!(
        "Imported from a {}: {} added, {} already there, {} skipped",
        summary.format,
        summary.added,
        summary.unchanged,
        summary.skipped.len()
    );
    if summary.attachments > 0 {
        line.push_str(&format!(
            ", {}",
            count(summary.attachments, "photo or file", "photos and files")
        ));
    }
    println!("{line}");
    for s in &summary.skipped {
        println!("  skipped {}: {}", s.source, s.reason);
    }
    Ok(())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line on standard error redrawn in place (`\r`), wiped when dropped (the export
/// done or failed), so the line printed after it, or the error, starts clean.
struct Bar {
    on: bool,
    /// How wide the line drawn last is, to wipe what a shorter one would leave.
    drawn: usize,
}

impl Bar {
    const WIDTH: u64 = 24;

    fn new(on: bool) -> Self {
        Self { on, drawn: 0 }
    }

    fn show(&mut self, p: &Progress) {
        if !self.on {
            return;
        }
        let label = match p.step.as_str() {
            "records" => "Writing records",
            "documents" => "Writing documents",
            "attachments" => "Copying photos and files",
            "entries" => "Reading entries",
            "reading" => "Reading the export",
            "saving" => "Saving",
            other => other,
        };
        // Nothing to do is all done.
        let filled = (p.done.min(p.total) * Self::WIDTH)
            .checked_div(p.total)
            .unwrap_or(Self::WIDTH);
        let line = format!(
            "{label} [{}{}] {}/{}",
            "#".repeat(filled as usize),
            "-".repeat((Self::WIDTH - filled) as usize),
            p.done,
            p.total
        );
        let wipe = " ".repeat(self.drawn.saturating_sub(line.len()));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}{wipe}");
        let _ = err.flush();
        self.drawn = line.len();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if self.drawn > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(self.drawn));
            let _ = err.flush();
        }
    }
}
