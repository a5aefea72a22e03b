//! What's next from the command line: the pipeline of jobs, freelance leads and business
//! ideas (`comeback next …`, with the follow-ups due) and interview stories.

use anyhow::Result;
use comeback_core::api;
use comeback_core::model::{self, PipelineItem, Story};

use crate::args::{Cli, NextCommand, StoryCommand};
use crate::open;
use crate::print::{common, print_json};

pub fn next(cli: &Cli, cmd: &NextCommand) -> Result<()> {
    match cmd {
        NextCommand::Add { title, kind, org } => {
            let mut vault = open(cli)?;
            let item = PipelineItem {
                kind: *kind,
                title: title.clone(),
                org: org.clone(),
                ..Default::default()
            };
            println!("{}", api::add_item(&mut vault, item, api::today())?.id);
            Ok(())
        }
        NextCommand::Move { id, stage, reason } => {
            let mut vault = open(cli)?;
            api::move_item(&mut vault, id, *stage, reason.clone(), api::today(), None)?;
            Ok(())
        }
        NextCommand::FollowUps { json } => {
            let vault = open(cli)?;
            let due = api::follow_ups_due(&vault, api::today())?;
            if *json {
                return print_json(&due);
            }
            for f in due {
                println!(
                    "{}  {:<10} {}  ({})",
                    f.item.id,
                    format!("{:?}", f.item.stage).to_lowercase(),
                    f.item.title,
                    f.reason
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
