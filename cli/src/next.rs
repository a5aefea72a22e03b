//! What's next from the command line: the pipeline of jobs, freelance leads and business
//! ideas (`comeback next …`, with the follow-ups due) and interview stories.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, PipelineItem, Stage, Story};

use crate::args::{Cli, NextCommand, StoryCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn next(cli: &Cli, cmd: &NextCommand) -> Result<()> {
    match cmd {
        NextCommand::Add { title, kind, org } => {
            let mut vault = open(cli)?;
            // RULE: a new pipeline item starts at Saved, its stage changed today.
            let rec = PipelineItem {
                id: model::new_id(),
                kind: *kind,
                title: title.clone(),
                org: org.clone(),
                stage: Stage::Saved,
                stage_changed_on: api::today(),
                ..Default::default()
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        NextCommand::Move { id, stage, reason } => {
            let mut vault = open(cli)?;
            // RULE: next move — the stage changes today and --reason becomes the closed
            // reason (the model refuses closing without one); no version, so it overwrites.
            let mut item: PipelineItem = api::get(&vault, id)?;
            item.stage = *stage;
            item.stage_changed_on = api::today();
            if reason.is_some() {
                item.closed_reason = reason.clone();
            }
            api::save(&mut vault, item)?;
            Ok(())
        }
        NextCommand::FollowUps { json } => {
            let vault = open(cli)?;
            // RULE: follow-ups — every item read, kept if `needs_follow_up(today)`.
            let today = api::today();
            let items: Vec<PipelineItem> = api::list::<PipelineItem>(&vault, usize::MAX >> 1)?
                .into_iter()
                .filter(|i| i.needs_follow_up(today))
                .collect();
            if *json {
                return print_json(&items);
            }
            for i in items {
                println!(
                    "{}  {:<10} {}",
                    i.id,
                    format!("{:?}", i.stage).to_lowercase(),
                    i.title
                );
            }
            Ok(())
        }
        NextCommand::Common(c) => common::<PipelineItem>(cli, c),
    }
}

pub fn story(cli: &Cli, cmd: &StoryCommand) -> Result<()> {
    match cmd {
        StoryCommand::Add {
            title,
            situation,
            task,
            action,
            result,
        } => {
            let mut vault = open(cli)?;
            let rec = Story {
                id: model::new_id(),
                title: title.clone(),
                situation: situation.clone(),
                task: task.clone(),
                action: action.clone(),
                result: result.clone(),
                ..Default::default()
            };
            println!("{}", api::add(&mut vault, rec)?.id);
            Ok(())
        }
        StoryCommand::Common(c) => common::<Story>(cli, c),
    }
}
