//! The daily prompt for the first weeks: [`daily_prompt`] picks one short question a day,
//! drawn from the step of the method the person is on (the same progress Home shows,
//! [`HomeSteps`]), because a blank page is hardest in a rough week. Expressive writing
//! while there is no debrief yet or the grief window is still open, the question of the
//! debrief step an unfinished debrief is at, someone to reach out to (a contact from the
//! due list, weak ties first) once the news can be shared, wins and side projects for
//! the mojo, interview stories for the next move. It promises the same prompt all day
//! (the choice turns on the day's number, not on the launch), and none after the first
//! [`PROMPT_WEEKS`] weeks.

use serde::Serialize;
use ts_rs::TS;

use super::RecordRef;
use super::home::{HomeSteps, home_steps};
use crate::error::Result;
use crate::model::{self, Date, Debrief, DebriefStep, Entry, Kind, PipelineItem, Profile, Record};
use crate::vault::Vault;

/// How long the daily prompt is offered: the first six weeks.
pub const PROMPT_WEEKS: i64 = 6;

/// What sort of question a prompt is.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    /// Expressive writing: feelings and thoughts, unscored.
    Expressive,
    /// A question of the unfinished debrief's current step.
    Debrief,
    /// Someone to tell, or how to tell them.
    ReachOut,
    /// Wins, side projects, people to meet.
    Mojo,
    /// Stories for interviews, the premortem.
    Story,
}

/// The screen a prompt's action opens.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PromptScreen {
    Journal,
    Debrief,
    Network,
}

/// What tapping the prompt leads to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct PromptAction {
    pub screen: PromptScreen,
    /// The record the screen opens (the debrief to resume, the contact to write to).
    pub record: Option<RecordRef>,
    /// For the journal: the new entry's first line.
    pub first_line: Option<String>,
    /// The button's words.
    pub label: String,
}

/// Today's prompt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct DailyPrompt {
    /// The step of the method the person is on, 1 to 4.
    pub step: u8,
    pub kind: PromptKind,
    /// The question.
    pub text: String,
    pub action: PromptAction,
}

const EXPRESSIVE: &[&str] = &[
    "What happened, in your own words? Write for twenty minutes without stopping; nobody will grade it.",
    "What are you feeling about it today? Name it as plainly as you can.",
    "Which thought keeps coming back? Write it down, then write what you would tell a friend who had it.",
    "What did that work give you, beyond the pay? What do you miss, and what not at all?",
    "What are you afraid this says about you? What else could it say?",
];

const REACH_OUT: &[&str] = &[
    "Who are three people you see only now and then who might hear of something? Most leads come through people like them.",
    "How would you tell the news in two sentences: what you have moved on from, and what you are looking at next?",
    "Who helped you in your last role that you never properly thanked? A short note is a fine way back in.",
];

const MOJO: &[&str] = &[
    "What did you make, learn or finish this week that you are glad about? Note it as a win.",
    "What would you work on for twenty hours a week if nobody had to approve it?",
    "Who works somewhere you would love to work, and might have coffee with you?",
];

const STORY: &[&str] = &[
    "Pick one win and tell it as a story: the situation, what you had to do, what you did, what came of it.",
    "If someone asks why you left, what did you learn that you could say in a minute, calmly?",
    "A year from now this path did not work out. Why? What could you do now to head that off?",
];

/// The question for the step a debrief is at; `None` at the unload step (which is
/// expressive writing itself) and once it is done.
fn debrief_question(step: DebriefStep) -> Option<&'static str> {
    Some(match step {
        DebriefStep::Unload | DebriefStep::Done => return None,
        DebriefStep::Intent => {
            "Before hindsight gets to it: what was supposed to happen, and how would you have known it worked?"
        }
        DebriefStep::Timeline => {
            "What happened first, and then what? A few dated facts are enough to begin."
        }
        DebriefStep::Questions => {
            "Were the goals too high, or the time too short? What do the facts say?"
        }
        DebriefStep::WhyTree => {
            "What were the causes? Which were within your control, and which were not?"
        }
        DebriefStep::HotThought => {
            "What is the harshest verdict in your head, and how much of it does the evidence support?"
        }
        DebriefStep::Lessons => {
            "What would you keep doing, and what would you change? Turn one lesson into an action."
        }
        DebriefStep::Close => {
            "What would you say to a friend who had been through this? Say it to yourself."
        }
    })
}

/// The day the prompts' weeks are counted from: the later of the setback and the day the
/// person began writing here (the first entry), so someone who comes to the app years
/// after a stall still gets their first weeks; with neither, today.
fn first_day(vault: &Vault, profile: Option<&Profile>, today: Date) -> Result<Date> {
    let happened = profile
        .map(|p| p.happened_on)
        .filter(|d| *d != Date::default());
    let entries = vault
        .count_by_kind()?
        .get(Entry::KIND)
        .copied()
        .unwrap_or(0);
    let first_entry = if entries == 0 {
        None
    } else {
        vault
            .list::<Entry>(1, entries - 1)?
            .into_iter()
            .next()
            .map(|e| e.date)
    };
    Ok(match (happened, first_entry) {
        (Some(a), Some(b)) => a.max(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => today,
    })
}

fn rotate<'a>(list: &[&'a str], today: Date) -> &'a str {
    use chrono::Datelike;
    let n = usize::try_from(today.num_days_from_ce()).unwrap_or(0);
    list[n % list.len()]
}

fn journal(step: u8, kind: PromptKind, text: &str) -> DailyPrompt {
    DailyPrompt {
        step,
        kind,
        text: text.to_owned(),
        action: PromptAction {
            screen: PromptScreen::Journal,
            record: None,
            first_line: Some(text.to_owned()),
            label: "Write about it".into(),
        },
    }
}

/// Today's prompt from what Home has already read (so Home asks the vault once).
pub(crate) fn prompt_of(
    vault: &Vault,
    today: Date,
    profile: Option<&Profile>,
    steps: &HomeSteps,
    debriefs: &[Debrief],
) -> Result<Option<DailyPrompt>> {
    let day = (today - first_day(vault, profile, today)?).num_days();
    if day >= PROMPT_WEEKS * 7 {
        return Ok(None);
    }
    let step: u8 = if !steps.debrief.done {
        1
    } else if !steps.reach_out.done {
        2
    } else if !steps.mojo.done {
        3
    } else {
        4
    };
    let grieving = profile
        .and_then(|p| p.grief_ends_on)
        .is_some_and(|end| today <= end);
    Ok(Some(match step {
        1 => {
            // The newest unfinished debrief that has a question for where it stands.
            let open = debriefs
                .iter()
                .filter(|d| !d.completed)
                .find_map(|d| debrief_question(d.step).map(|q| (d, q)));
            match open {
                Some((d, question)) => DailyPrompt {
                    step,
                    kind: PromptKind::Debrief,
                    text: question.into(),
                    action: PromptAction {
                        screen: PromptScreen::Debrief,
                        record: Some(RecordRef {
                            kind: Kind::Debrief,
                            id: d.id.clone(),
                        }),
                        first_line: None,
                        label: "Open your debrief".into(),
                    },
                },
                None => journal(step, PromptKind::Expressive, rotate(EXPRESSIVE, today)),
            }
        }
        2 if grieving => journal(step, PromptKind::Expressive, rotate(EXPRESSIVE, today)),
        2 => match super::due_contacts(vault, today)?.into_iter().next() {
            Some(c) => DailyPrompt {
                step,
                kind: PromptKind::ReachOut,
                text: format!(
                    "{} is due a message. What could you tell them about where you are and what you are looking for?",
                    c.name
                ),
                action: PromptAction {
                    screen: PromptScreen::Network,
                    record: Some(RecordRef {
                        kind: Kind::Contact,
                        id: c.id,
                    }),
                    first_line: None,
                    label: format!("Reach out to {}", c.name),
                },
            },
            None => journal(step, PromptKind::ReachOut, rotate(REACH_OUT, today)),
        },
        3 => journal(step, PromptKind::Mojo, rotate(MOJO, today)),
        _ => journal(step, PromptKind::Story, rotate(STORY, today)),
    }))
}

/// Today's prompt, or `None` once the first weeks are over.
pub fn daily_prompt(vault: &Vault, today: Date) -> Result<Option<DailyPrompt>> {
    let profile: Option<Profile> = vault.get(model::PROFILE_ID)?;
    let debriefs: Vec<Debrief> = vault.list(usize::MAX >> 1, 0)?;
    let items: Vec<PipelineItem> = vault.list(usize::MAX >> 1, 0)?;
    let steps = home_steps(vault, today, profile.as_ref(), &debriefs, &items)?;
    prompt_of(vault, today, profile.as_ref(), &steps, &debriefs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};
    use crate::model::{Contact, Lesson, Outreach, SetbackKind, Tie};

    fn profile(v: &mut Vault, happened: &str, grief_ends: Option<&str>) {
        let mut p = Profile::new(SetbackKind::LetGo, day(happened));
        p.grief_ends_on = grief_ends.map(day);
        p.announcement = "I've moved on from Acme.".into();
        crate::api::set_profile(v, p, None).unwrap();
    }

    fn finish_debrief(v: &mut Vault) {
        let mut d = Debrief::new("Acme", SetbackKind::LetGo, model::new_id());
        d.lessons = vec![Lesson {
            id: "l1".into(),
            lesson: "x".into(),
            action: "y".into(),
            due: Some(day("2026-12-20")),
            success_test: String::new(),
        }];
        d.completed = true;
        d.step = DebriefStep::Done;
        crate::api::add(v, d).unwrap();
    }

    fn contact(v: &mut Vault, name: &str, tie: Tie) -> Contact {
        crate::api::add(
            v,
            Contact {
                id: model::new_id(),
                name: name.into(),
                tie,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn with_no_debrief_yet_the_prompt_is_expressive_writing_into_the_journal() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", None);
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (1, PromptKind::Expressive));
        assert!(EXPRESSIVE.contains(&p.text.as_str()));
        assert_eq!(p.action.screen, PromptScreen::Journal);
        assert_eq!(p.action.first_line.as_deref(), Some(p.text.as_str()));
    }

    #[test]
    fn an_unfinished_debrief_asks_the_question_of_its_step_and_opens_it() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", None);
        let mut d = Debrief::new("Acme", SetbackKind::LetGo, model::new_id());
        d.step = DebriefStep::HotThought;
        let d = crate::api::add(&mut v, d).unwrap();
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (1, PromptKind::Debrief));
        assert!(p.text.contains("harshest verdict"), "{}", p.text);
        assert_eq!(p.action.screen, PromptScreen::Debrief);
        assert_eq!(
            p.action.record,
            Some(RecordRef {
                kind: Kind::Debrief,
                id: d.id
            })
        );
    }

    #[test]
    fn the_reach_out_prompt_names_the_weakest_tie_due_a_message() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", Some("2026-11-25"));
        finish_debrief(&mut v);
        contact(&mut v, "Often Olga", Tie::Often);
        let rare = contact(&mut v, "Rarely Rui", Tie::Rarely);
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (2, PromptKind::ReachOut));
        assert!(
            p.text.starts_with("Rarely Rui is due a message."),
            "{}",
            p.text
        );
        assert_eq!(p.action.screen, PromptScreen::Network);
        assert_eq!(p.action.record.map(|r| r.id), Some(rare.id));
    }

    #[test]
    fn step_two_stays_with_expressive_writing_while_the_grief_window_is_open() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", Some("2026-12-05"));
        finish_debrief(&mut v);
        contact(&mut v, "Rarely Rui", Tie::Rarely);
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (2, PromptKind::Expressive));
        let p = daily_prompt(&v, day("2026-12-06")).unwrap().unwrap();
        assert_eq!(
            p.kind,
            PromptKind::ReachOut,
            "the window over, on to telling people"
        );
    }

    #[test]
    fn with_nobody_due_step_two_asks_who_to_tell() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", None);
        finish_debrief(&mut v);
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (2, PromptKind::ReachOut));
        assert!(REACH_OUT.contains(&p.text.as_str()));
        assert_eq!(p.action.screen, PromptScreen::Journal);
    }

    #[test]
    fn steps_three_and_four_ask_about_wins_then_interview_stories() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", None);
        finish_debrief(&mut v);
        let c = contact(&mut v, "Ada", Tie::Often);
        crate::api::log_outreach(
            &mut v,
            Outreach {
                id: model::new_id(),
                contact_id: c.id,
                date: day("2026-11-29"),
                message: "Hello".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (3, PromptKind::Mojo));
        assert!(MOJO.contains(&p.text.as_str()));

        let project = crate::api::add(
            &mut v,
            model::Project {
                id: model::new_id(),
                name: "Garden app".into(),
                weekly_target_hours: 2.0,
                started_on: day("2026-11-20"),
                ..Default::default()
            },
        )
        .unwrap();
        crate::api::log_hours(
            &mut v,
            model::TimeLog {
                project_id: project.id,
                date: day("2026-11-30"),
                hours: 2.0,
                ..Default::default()
            },
        )
        .unwrap();
        let p = daily_prompt(&v, day("2026-11-30")).unwrap().unwrap();
        assert_eq!((p.step, p.kind), (4, PromptKind::Story));
        assert!(STORY.contains(&p.text.as_str()));
    }

    #[test]
    fn the_prompt_stays_the_same_all_day_and_changes_with_the_day() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-11-20", None);
        let a = daily_prompt(&v, day("2026-11-30")).unwrap();
        assert_eq!(a, daily_prompt(&v, day("2026-11-30")).unwrap());
        let texts: std::collections::BTreeSet<String> = (0..EXPRESSIVE.len() as u64)
            .map(|n| {
                let d = day("2026-11-25") + chrono::Days::new(n);
                daily_prompt(&v, d).unwrap().unwrap().text
            })
            .collect();
        assert_eq!(
            texts.len(),
            EXPRESSIVE.len(),
            "each day of a run brings a new one"
        );
    }

    #[test]
    fn no_prompt_after_the_first_six_weeks() {
        let mut v = test_vault::new();
        profile(&mut v, "2026-10-01", None);
        assert!(daily_prompt(&v, day("2026-11-11")).unwrap().is_some());
        assert_eq!(daily_prompt(&v, day("2026-11-12")).unwrap(), None);
    }

    #[test]
    fn the_weeks_start_at_the_first_entry_when_the_setback_is_older_or_unknown() {
        let mut v = test_vault::new();
        assert!(
            daily_prompt(&v, day("2026-11-30")).unwrap().is_some(),
            "an empty vault is a first day"
        );
        crate::api::add_entry(
            &mut v,
            crate::api::NewEntry {
                text: "First".into(),
                date: Some(day("2026-11-01")),
                ..Default::default()
            },
        )
        .unwrap();
        crate::api::add_entry(
            &mut v,
            crate::api::NewEntry {
                text: "Later".into(),
                date: Some(day("2026-11-20")),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(daily_prompt(&v, day("2026-12-12")).unwrap().is_some());
        assert_eq!(daily_prompt(&v, day("2026-12-13")).unwrap(), None);
        profile(&mut v, "2020-01-01", None);
        assert_eq!(
            daily_prompt(&v, day("2026-12-13")).unwrap(),
            None,
            "an old setback does not restart the weeks"
        );
    }
}
