//! Guided debriefs from the command line: start one (its probing questions seeded for the
//! kind of setback), add lessons turned into actions, complete it, export it as Markdown,
//! list the open actions and tick one done.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, Debrief};

use crate::args::{Cli, DebriefCommand};
use crate::open;
use crate::print::{common, print_json};

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
            let new = api::NewLesson {
                lesson: lesson.clone(),
                action: action.clone(),
                due: *due,
                success_test: success_test.clone(),
            };
            api::add_lesson(&mut vault, id, new, None)?;
            Ok(())
        }
        DebriefCommand::Complete { id } => {
            let mut vault = open(cli)?;
            api::complete_debrief(&mut vault, id, None)?;
            Ok(())
        }
        DebriefCommand::Export { id } => {
            let vault = open(cli)?;
            let d: Debrief = api::get(&vault, id)?;
            print!("{}", d.to_markdown());
            Ok(())
        }
        DebriefCommand::Tick {
            debrief,
            lesson,
            undo,
            date,
        } => {
            let mut vault = open(cli)?;
            let on = date.unwrap_or_else(api::today);
            api::tick_action(&mut vault, debrief, lesson, !*undo, on, None)?;
            Ok(())
        }
        DebriefCommand::Actions { json, date } => {
            let vault = open(cli)?;
            let actions = api::lesson_actions(&vault, date.unwrap_or_else(api::today))?;
            if *json {
                return print_json(&actions);
            }
            for a in &actions {
                let overdue = if a.overdue { "  overdue" } else { "" };
                println!(
                    "{} {}  due {}{overdue}  {}  ({})",
                    a.debrief_id, a.lesson_id, a.due, a.action, a.debrief_title
                );
            }
            Ok(())
        }
        DebriefCommand::Common(c) => common::<Debrief>(cli, c),
    }
}
