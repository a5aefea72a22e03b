//! The Home screen in one call: [`home_summary`] reads what Home shows (today's entries,
//! the grief window, the next actions, the four steps, wins after low days and on their
//! anniversary, on this day, worry time) and hands it over ready to render, so no rule of
//! Home lives in the front end. It reads the mirror with bounded queries: date ranges
//! through the sort-key index, counts in SQLite, and whole lists only of the kinds that
//! stay small (debriefs, projects, pipeline items).

use chrono::{Datelike, NaiveTime};
use serde::Serialize;
use ts_rs::TS;

use super::{
    DailyMood, DailyPrompt, WorryTime, follow_ups_of, open_actions, to_a_tenth, week_logs,
    worry_time,
};
use crate::error::Result;
use crate::model::{
    self, Date, Debrief, Entry, Kind, Outreach, PipelineItem, Profile, Project, Record, Stage, Win,
};
use crate::vault::Vault;

/// A record a Home line or a reminder opens.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct RecordRef {
    pub kind: Kind,
    pub id: String,
}

/// One of today's entries: its first line (up to 120 characters, "(empty)" when blank)
/// and its mood.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct TodayEntry {
    pub id: String,
    pub title: String,
    pub mood: Option<u8>,
}

/// What the grief-window card shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct GriefWindow {
    /// The chosen end of the grief window; `None`: not chosen yet (the card asks for one).
    pub ends_on: Option<Date>,
    /// Days from today to the end (0: the last day; negative: it is over).
    pub days_left: Option<i64>,
    /// Whether the window has ended (time to move on to telling people).
    pub over: bool,
    /// The daily worry time, "HH:MM", if set.
    pub worry_time: Option<String>,
    pub back_by: Option<Date>,
    /// Days from today to the back-on-your-feet date (negative: past).
    pub days_to_back_by: Option<i64>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// A debrief lesson's action.
    Lesson,
    /// A pipeline item that asks for a follow-up.
    FollowUp,
}

/// One line of "Next actions".
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct HomeAction {
    pub kind: ActionKind,
    pub text: String,
    pub detail: String,
    pub due: Option<Date>,
    pub overdue: bool,
    pub opens: RecordRef,
}

/// Step 1. Done once a debrief is completed (it has its lessons); started is not done.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct DebriefProgress {
    pub started: usize,
    pub completed: usize,
    pub done: bool,
    pub status: String,
}

/// Step 2. Done once the news is shared and someone is reached: the announcement is
/// drafted and at least one person has had a message.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct ReachOutProgress {
    pub people_reached: usize,
    pub announcement_written: bool,
    pub done: bool,
    pub status: String,
}

/// Step 3. Done for this week once the week's hours meet the weekly target of the active
/// projects (with no target set, once any hours are logged this week).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct MojoProgress {
    pub hours_this_week: f64,
    pub target_this_week: f64,
    pub done: bool,
    pub status: String,
}

/// Step 4. Done once an item reaches the offer stage (a next move in hand); open items
/// only mean the step is under way.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct NextMoveProgress {
    pub open_items: usize,
    pub offers: usize,
    pub done: bool,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct HomeSteps {
    pub debrief: DebriefProgress,
    pub reach_out: ReachOutProgress,
    pub mojo: MojoProgress,
    pub next_move: NextMoveProgress,
}

/// A run of low days, and the wins to show against it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct LowMood {
    /// Low days in a row, ending today or yesterday (see [`super::low_mood_run`]).
    pub days: u32,
    /// Whether to show the reminder: three low days or more, and wins to show.
    pub show: bool,
    /// Up to five most recent wins, leaving out those shown as anniversaries.
    pub wins: Vec<Win>,
}

/// Everything the Home screen shows.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct HomeSummary {
    pub today: Date,
    pub today_entries: Vec<TodayEntry>,
    pub grief: GriefWindow,
    /// The first [`HOME_ACTIONS`] of the open lesson actions and follow-ups, by due date
    /// (undated last); [`next_actions`] lists them all.
    pub actions: Vec<HomeAction>,
    /// How many open actions there are beyond those in `actions` (Home offers to show
    /// them all).
    pub more_actions: usize,
    pub steps: HomeSteps,
    pub low_mood: LowMood,
    /// Wins from this month and day in earlier years.
    pub anniversary_wins: Vec<Win>,
    /// Entries from this month and day in earlier years, newest first, as lines.
    pub on_this_day: Vec<super::EntryLine>,
    pub worry: WorryTime,
    /// Today's prompt in the first weeks (see [`super::daily_prompt`]).
    pub prompt: Option<DailyPrompt>,
}

const RECENT_WINS: usize = 5;
/// How many next actions Home shows before "Show all": a screenful on a phone, so Home's
/// answer stays the same size however many lessons and follow-ups a journal holds.
pub const HOME_ACTIONS: usize = 7;
const LOW_RUN_SHOWN_FROM: u32 = 3;

/// The grief window as Home and the Network screen show it (one count of the days left).
pub fn grief_window(vault: &Vault, today: Date) -> Result<GriefWindow> {
    let profile: Option<Profile> = vault.get(model::PROFILE_ID)?;
    Ok(grief_window_of(profile.as_ref(), today))
}

fn grief_window_of(profile: Option<&Profile>, today: Date) -> GriefWindow {
    let ends_on = profile.and_then(|p| p.grief_ends_on);
    let back_by = profile.and_then(|p| p.back_by);
    GriefWindow {
        ends_on,
        days_left: ends_on.map(|e| (e - today).num_days()),
        over: profile.is_some_and(|p| p.grief_window_over(today)),
        worry_time: profile.and_then(|p| p.worry_time.clone()),
        back_by,
        days_to_back_by: back_by.map(|b| (b - today).num_days()),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The low-day run ending today or yesterday, reading moods a window at a time (a month,
/// then twice as far back while the run reaches the window's start).
fn low_run(vault: &Vault, today: Date) -> Result<u32> {
    let mut days_back: u64 = 31;
    loop {
        let from = today
            .checked_sub_days(chrono::Days::new(days_back))
            .unwrap_or(Date::MIN);
        let moods: Vec<DailyMood> = super::moods_between(vault, from, today)?;
        let run = super::low_mood_run(&moods, today);
        if u64::from(run) + 1 < days_back || from == Date::MIN {
            return Ok(run);
        }
        days_back *= 2;
    }
}

/// Where the person stands in the four steps (Home's summary and the daily prompt both
/// ask it), from the profile, debriefs and pipeline items already read.
pub(crate) fn home_steps(
    vault: &Vault,
    today: Date,
    profile: Option<&Profile>,
    debriefs: &[Debrief],
    items: &[PipelineItem],
) -> Result<HomeSteps> {
    let hours: f64 = week_logs(vault, today)?
        .iter()
        .map(|l| l.hours)
        .sum::<f64>()
        + 0.0;
    let target: f64 = vault
        .list::<Project>(usize::MAX >> 1, 0)?
        .iter()
        .filter(|p| !p.archived)
        .map(|p| p.weekly_target_hours)
        .sum();
    let started = debriefs.len();
    let completed = debriefs.iter().filter(|d| d.completed).count();
    let reached = vault.store().count_distinct(Outreach::KIND, "contact_id")?;
    let announced = profile.is_some_and(|p| !p.announcement.trim().is_empty());
    let open_items = items.iter().filter(|i| i.stage != Stage::Closed).count();
    let offers = items.iter().filter(|i| i.stage == Stage::Offer).count();
    let hours_shown = to_a_tenth(hours);
    Ok(HomeSteps {
        debrief: DebriefProgress {
            started,
            completed,
            done: completed > 0,
            status: if completed > 0 {
                "Done: you have your lessons.".into()
            } else if started > 0 {
                "Started. Pick it up where you left off.".into()
            } else {
                "Not started yet.".into()
            },
        },
        reach_out: ReachOutProgress {
            people_reached: reached,
            announcement_written: announced,
            done: announced && reached > 0,
            status: match (reached, announced) {
                (0, false) => "Nobody reached yet.".into(),
                (0, true) => "Announcement drafted; nobody reached yet.".into(),
                (n, true) => format!("{} reached.", plural(n, "person", "people")),
                (n, false) => format!(
                    "{} reached; draft your announcement to share the news.",
                    plural(n, "person", "people")
                ),
            },
        },
        mojo: MojoProgress {
            hours_this_week: hours,
            target_this_week: target,
            done: if target > 0.0 {
                hours >= target
            } else {
                hours > 0.0
            },
            status: if target > 0.0 {
                format!("{hours_shown} h logged this week of {target} h.")
            } else {
                format!("{hours_shown} h logged this week.")
            },
        },
        next_move: NextMoveProgress {
            open_items,
            offers,
            done: offers > 0,
            status: match (open_items, offers) {
                (0, _) => "Nothing in your pipeline yet.".into(),
                (n, 0) => format!("{} in your pipeline.", plural(n, "open item", "open items")),
                (n, o) => format!(
                    "{} in your pipeline, {}.",
                    plural(n, "open item", "open items"),
                    plural(o, "offer", "offers")
                ),
            },
        },
    })
}

/// Every open next action for `today`, in Home's order (by due date, undated last): what
/// "Show all" on Home lists.
pub fn next_actions(vault: &Vault, today: Date) -> Result<Vec<HomeAction>> {
    let debriefs: Vec<Debrief> = vault.list(usize::MAX >> 1, 0)?;
    let items: Vec<PipelineItem> = vault.list(usize::MAX >> 1, 0)?;
    Ok(actions_of(&debriefs, &items, today))
}

/// Open lesson actions and follow-ups, by due date (undated last).
fn actions_of(debriefs: &[Debrief], items: &[PipelineItem], today: Date) -> Vec<HomeAction> {
    let mut actions: Vec<HomeAction> = open_actions(debriefs, today)
        .into_iter()
        .map(|a| HomeAction {
            kind: ActionKind::Lesson,
            detail: if a.success_test.is_empty() {
                format!("from “{}”", a.debrief_title)
            } else {
                format!("from “{}” · done when: {}", a.debrief_title, a.success_test)
            },
            text: a.action,
            due: Some(a.due),
            overdue: a.overdue,
            opens: RecordRef {
                kind: Kind::Debrief,
                id: a.debrief_id,
            },
        })
        .collect();
    actions.extend(follow_ups_of(items, today).into_iter().map(|f| {
        let i = f.item;
        HomeAction {
            kind: ActionKind::FollowUp,
            text: if i.org.is_empty() {
                format!("Follow up: {}", i.title)
            } else {
                format!("Follow up: {}, {}", i.title, i.org)
            },
            detail: f.reason,
            due: i.follow_up_on,
            overdue: i.follow_up_on.is_some_and(|d| d < today),
            opens: RecordRef {
                kind: Kind::PipelineItem,
                id: i.id,
            },
        }
    }));
    actions.sort_by_key(|a| (a.due.is_none(), a.due));
    actions
}

/// Everything Home shows for `today` at `now` (this device's local clock).
pub fn home_summary(vault: &Vault, today: Date, now: NaiveTime) -> Result<HomeSummary> {
    let profile: Option<Profile> = vault.get(model::PROFILE_ID)?;

    let mut todays: Vec<Entry> = vault.between(today, today)?;
    todays.reverse(); // Oldest first, as written.
    let today_entries = todays
        .into_iter()
        .map(|e| TodayEntry {
            title: super::entry_title(&e.text),
            id: e.id,
            mood: e.mood,
        })
        .collect();

    let debriefs: Vec<Debrief> = vault.list(usize::MAX >> 1, 0)?;
    let items: Vec<PipelineItem> = vault.list(usize::MAX >> 1, 0)?;
    let mut actions = actions_of(&debriefs, &items, today);
    let more_actions = actions.len().saturating_sub(HOME_ACTIONS);
    actions.truncate(HOME_ACTIONS);

    let steps = home_steps(vault, today, profile.as_ref(), &debriefs, &items)?;
    let prompt = super::prompt::prompt_of(vault, today, profile.as_ref(), &steps, &debriefs)?;

    let pattern = format!("%-{:02}-{:02}", today.month(), today.day());
    let anniversary_wins: Vec<Win> = vault
        .rows_like::<Win>(&pattern)?
        .into_iter()
        .filter(|w| w.date < today)
        .collect();
    let recent: Vec<Win> = vault
        .list::<Win>(RECENT_WINS + anniversary_wins.len(), 0)?
        .into_iter()
        .filter(|w| !anniversary_wins.iter().any(|a| a.id == w.id))
        .take(RECENT_WINS)
        .collect();
    let days = low_run(vault, today)?;

    let worry = match &profile {
        Some(p) => worry_time(p, today.and_time(now)),
        None => WorryTime {
            now: false,
            starts_at: None,
            ends_at: None,
            minutes: 0,
        },
    };

    Ok(HomeSummary {
        today,
        today_entries,
        grief: grief_window_of(profile.as_ref(), today),
        actions,
        more_actions,
        steps,
        low_mood: LowMood {
            days,
            show: days >= LOW_RUN_SHOWN_FROM && !recent.is_empty(),
            wins: recent,
        },
        anniversary_wins,
        on_this_day: super::on_this_day_lines(vault, today)?,
        worry,
        prompt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};
    use crate::model::{BragCategory, Lesson, MoodCheckIn, SetbackKind, TimeLog};

    fn noon() -> NaiveTime {
        NaiveTime::from_hms_opt(12, 0, 0).unwrap()
    }

    #[test]
    fn an_empty_vault_has_a_home_with_nothing_due_and_no_step_done() {
        let v = test_vault::new();
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        assert!(h.today_entries.is_empty() && h.actions.is_empty() && h.on_this_day.is_empty());
        assert_eq!(h.grief.ends_on, None);
        assert!(!h.steps.debrief.done && !h.steps.reach_out.done);
        assert!(!h.steps.mojo.done && !h.steps.next_move.done);
        assert_eq!(h.steps.debrief.status, "Not started yet.");
        assert_eq!(h.steps.next_move.status, "Nothing in your pipeline yet.");
        assert!(!h.low_mood.show && !h.worry.now);
    }

    #[test]
    fn home_lists_todays_entries_by_their_first_line_and_the_grief_days_left() {
        let mut v = test_vault::new();
        for (text, date) in [
            ("Walked\nthen more", "2026-11-30"),
            ("\nSecond line", "2026-11-30"),
            ("Yesterday", "2026-11-29"),
        ] {
            crate::api::add_entry(
                &mut v,
                crate::api::NewEntry {
                    text: text.into(),
                    mood: Some(2),
                    date: Some(day(date)),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let mut p = Profile::new(SetbackKind::LetGo, day("2026-11-01"));
        p.grief_ends_on = Some(day("2026-12-02"));
        p.worry_time = Some("11:55".into());
        crate::api::set_profile(&mut v, p, None).unwrap();
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        let titles: Vec<&str> = h.today_entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles.len(), 2);
        assert!(
            titles.contains(&"Walked") && titles.contains(&"(empty)"),
            "{titles:?}"
        );
        assert_eq!(h.grief.days_left, Some(2));
        assert!(!h.grief.over);
        assert!(h.worry.now);
    }

    #[test]
    fn on_this_day_comes_as_lines_of_earlier_years_without_the_whole_text() {
        let mut v = test_vault::new();
        let long = format!(
            "{}\n{}",
            "A".repeat(200),
            "the rest of a long day ".repeat(100)
        );
        for (text, date) in [
            (long.as_str(), "2024-11-30"),
            ("   \nOnly a second line", "2025-11-30"),
            ("Today, not an earlier year", "2026-11-30"),
            ("Another day", "2025-11-29"),
        ] {
            crate::api::add_entry(
                &mut v,
                crate::api::NewEntry {
                    text: text.into(),
                    mood: Some(3),
                    date: Some(day(date)),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        let lines: Vec<(String, &str)> = h
            .on_this_day
            .iter()
            .map(|l| (l.date.to_string(), l.title.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("2025-11-30".to_string(), "(empty)"),
                ("2024-11-30".to_string(), "A".repeat(120).as_str()),
            ],
            "newest first, the first line up to 120 characters"
        );
        assert_eq!(h.on_this_day[0].mood, Some(3));
        let whole = crate::api::on_this_day(&v, day("2026-11-30")).unwrap();
        assert_eq!(
            h.on_this_day.iter().map(|l| &l.id).collect::<Vec<_>>(),
            whole.iter().map(|e| &e.id).collect::<Vec<_>>(),
            "the same entries as the whole ones, to open by id"
        );
    }

    #[test]
    fn next_actions_mix_open_lessons_and_follow_ups_by_due_date_and_a_ticked_lesson_leaves() {
        let mut v = test_vault::new();
        let mut d = Debrief::new("Leaving Acme", SetbackKind::LetGo, model::new_id());
        d.started_on = day("2026-11-01");
        d.lessons = vec![Lesson {
            id: "l1".into(),
            lesson: "x".into(),
            action: "Save runway".into(),
            due: Some(day("2026-11-25")),
            success_test: "three months".into(),
        }];
        let d = crate::api::add(&mut v, d).unwrap();
        let mut item = PipelineItem {
            title: "Engineer".into(),
            org: "Beta".into(),
            follow_up_on: Some(day("2026-11-20")),
            ..Default::default()
        };
        item = crate::api::add_item(&mut v, item, day("2026-11-19")).unwrap();
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        let texts: Vec<&str> = h.actions.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["Follow up: Engineer, Beta", "Save runway"]);
        assert_eq!(h.actions[0].detail, "follow-up due 2026-11-20");
        assert_eq!(
            h.actions[0].opens,
            RecordRef {
                kind: Kind::PipelineItem,
                id: item.id
            }
        );
        assert_eq!(
            h.actions[1].detail,
            "from “Leaving Acme” · done when: three months"
        );
        assert!(h.actions[1].overdue);
        crate::api::tick_action(&mut v, &d.id, "l1", true, day("2026-11-30"), None).unwrap();
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        assert_eq!(
            h.actions.len(),
            1,
            "the ticked action is no longer overdue forever"
        );
    }

    #[test]
    fn home_shows_the_first_actions_and_counts_the_rest_which_next_actions_lists_in_the_same_order()
    {
        let mut v = test_vault::new();
        // Ten lessons due on ten days, written out of order over four debriefs (a debrief
        // keeps three at most), and one overdue follow-up.
        let lessons: Vec<Lesson> = (0..10)
            .map(|i| Lesson {
                id: format!("l{i}"),
                lesson: "x".into(),
                action: format!("Action due on the {}th", 20 - i),
                due: Some(day(&format!("2026-12-{:02}", 20 - i))),
                success_test: String::new(),
            })
            .collect();
        for three in lessons.chunks(3) {
            let mut d = Debrief::new("Leaving Acme", SetbackKind::LetGo, model::new_id());
            d.started_on = day("2026-11-01");
            d.lessons = three.to_vec();
            crate::api::add(&mut v, d).unwrap();
        }
        let item = PipelineItem {
            title: "Engineer".into(),
            org: "Beta".into(),
            follow_up_on: Some(day("2026-11-25")),
            ..Default::default()
        };
        crate::api::add_item(&mut v, item, day("2026-11-29")).unwrap();

        let all = next_actions(&v, day("2026-11-30")).unwrap();
        assert_eq!(all.len(), 11);
        let dues: Vec<Date> = all.iter().filter_map(|a| a.due).collect();
        assert!(
            dues.windows(2).all(|w| w[0] <= w[1]),
            "by due date: {dues:?}"
        );
        assert_eq!(all[0].text, "Follow up: Engineer, Beta");

        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        assert_eq!(h.actions.len(), HOME_ACTIONS);
        assert_eq!(
            h.actions[..],
            all[..HOME_ACTIONS],
            "Home shows the first of them"
        );
        assert_eq!(h.more_actions, 11 - HOME_ACTIONS);

        // With no more than Home shows, nothing is left over.
        let empty = test_vault::new();
        let h = home_summary(&empty, day("2026-11-30"), noon()).unwrap();
        assert_eq!((h.actions.len(), h.more_actions), (0, 0));
    }

    #[test]
    fn a_step_that_is_only_started_is_not_done() {
        let mut v = test_vault::new();
        let project = crate::api::add(
            &mut v,
            Project {
                id: model::new_id(),
                name: "Garden app".into(),
                weekly_target_hours: 10.0,
                started_on: day("2026-11-01"),
                ..Default::default()
            },
        )
        .unwrap();
        crate::api::log_hours(
            &mut v,
            TimeLog {
                project_id: project.id.clone(),
                date: day("2026-11-30"),
                hours: 4.0,
                ..Default::default()
            },
        )
        .unwrap();
        crate::api::add_item(
            &mut v,
            PipelineItem {
                title: "Engineer".into(),
                ..Default::default()
            },
            day("2026-11-30"),
        )
        .unwrap();
        crate::api::add(
            &mut v,
            Debrief::new("Acme", SetbackKind::LetGo, model::new_id()),
        )
        .unwrap();
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        assert_eq!(h.steps.mojo.hours_this_week, 4.0);
        assert!(!h.steps.mojo.done);
        assert_eq!(h.steps.mojo.status, "4 h logged this week of 10 h.");
        assert!(!h.steps.next_move.done);
        assert_eq!(h.steps.next_move.status, "1 open item in your pipeline.");
        assert!(!h.steps.debrief.done);
        assert_eq!(
            h.steps.debrief.status,
            "Started. Pick it up where you left off."
        );
    }

    #[test]
    fn after_three_low_days_recent_wins_show_but_not_those_shown_as_anniversaries() {
        let mut v = test_vault::new();
        for date in ["2026-11-28", "2026-11-29", "2026-11-30"] {
            crate::api::add(
                &mut v,
                MoodCheckIn {
                    id: model::new_id(),
                    date: day(date),
                    mood: 1,
                    note: String::new(),
                },
            )
            .unwrap();
        }
        for (title, date) in [("Old one", "2024-11-30"), ("Recent", "2026-11-10")] {
            crate::api::add(
                &mut v,
                Win {
                    id: model::new_id(),
                    date: day(date),
                    title: title.into(),
                    category: BragCategory::Projects,
                    text: String::new(),
                },
            )
            .unwrap();
        }
        let h = home_summary(&v, day("2026-11-30"), noon()).unwrap();
        assert_eq!(h.low_mood.days, 3);
        assert!(h.low_mood.show);
        let recent: Vec<&str> = h.low_mood.wins.iter().map(|w| w.title.as_str()).collect();
        assert_eq!(recent, ["Recent"]);
        let anniversaries: Vec<&str> = h
            .anniversary_wins
            .iter()
            .map(|w| w.title.as_str())
            .collect();
        assert_eq!(anniversaries, ["Old one"]);
    }

    #[test]
    fn the_grief_window_counts_the_days_left_and_says_when_it_is_over() {
        let mut v = test_vault::new();
        let none = grief_window(&v, day("2026-11-30")).unwrap();
        assert_eq!(
            (none.ends_on, none.days_left, none.over),
            (None, None, false)
        );
        crate::api::set_profile(
            &mut v,
            Profile {
                grief_ends_on: Some(day("2026-12-03")),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let left = grief_window(&v, day("2026-11-30")).unwrap();
        assert_eq!((left.days_left, left.over), (Some(3), false));
        let last = grief_window(&v, day("2026-12-03")).unwrap();
        assert_eq!((last.days_left, last.over), (Some(0), false));
        let over = grief_window(&v, day("2026-12-04")).unwrap();
        assert_eq!((over.days_left, over.over), (Some(-1), true));
        assert_eq!(
            home_summary(&v, day("2026-11-30"), noon()).unwrap().grief,
            left,
            "Home shows the same count"
        );
    }
}
