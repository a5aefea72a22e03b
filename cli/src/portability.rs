//! Taking everything out of Comeback: `comeback export DIR` calls the core's `api::export`
//! (which owns what the folder holds and refuses a folder that is not empty) and prints
//! one line, or the summary as JSON with `--json`. While it runs, a bar on standard error
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
            "records" => "Exporting records",
            "documents" => "Writing documents",
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
