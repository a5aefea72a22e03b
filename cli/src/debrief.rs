//! Guided debriefs from the command line: start one (its probing questions seeded for the
//! kind of setback), add lessons turned into actions, complete it, export it as Markdown.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, Debrief};

use crate::args::{Cli, DebriefCommand};
use crate::open;
use crate::print::common;

pub fn debrief(cli: &Cli, cmd: &DebriefCommand) -> Result<()> {
    match cmd {
        DebriefCommand::New { title, setback } => {
            let mut vault = open(cli)?;
            let d = Debrief::new(title.clone(), *setback, model::new_id());
            println!("{}", api::add(&mut vault, d)?.id);
            Ok(())
        }
        DebriefCommand::Lesson {
            id,
            lesson,
            action,
            due,
            success_test,
        } => {
            let mut vault = open(cli)?;
            // RULE: debrief lesson — a lesson (new id) appended to the debrief, read and
            // written back without a version.
            let mut d: Debrief = api::get(&vault, id)?;
            d.lessons.push(model::Lesson {
                id: model::new_id(),
                lesson: lesson.clone(),
                action: action.clone(),
                due: *due,
                success_test: success_test.clone(),
            });
            api::save(&mut vault, d)?;
            Ok(())
        }
        DebriefCommand::Complete { id } => {
            let mut vault = open(cli)?;
            // RULE: debrief complete — `Debrief::complete` (a lesson with an action and a
            // due date), read and written back without a version.
            let mut d: Debrief = api::get(&vault, id)?;
            d.complete().map_err(comeback_core::Error::from)?;
            api::save(&mut vault, d)?;
            Ok(())
        }
        DebriefCommand::Export { id } => {
            let vault = open(cli)?;
            let d: Debrief = api::get(&vault, id)?;
            print!("{}", d.to_markdown());
            Ok(())
        }
        DebriefCommand::Common(c) => common::<Debrief>(cli, c),
    }
}
