//! Step 3, regaining your mojo: logging hours on a project, events and who was met,
//! mood over time (and a run of low days), and the time-off summary.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::{
    self, BragCategory, Contact, Date, Debrief, Entry, Event, MoodCheckIn, Project, Record, Story,
    TimeLog, Win,
};
use crate::vault::Vault;

/// Everything of a kind (the mirror's whole list; these kinds stay small).
fn all<R: model::Record>(vault: &Vault) -> Result<Vec<R>> {
    vault.list(usize::MAX >> 1, 0)
}

/// Hours logged on a project per week (keyed by the week's Monday), oldest first.
pub fn hours_per_week(vault: &Vault, project_id: &str) -> Result<Vec<(Date, f64)>> {
    let logs: Vec<TimeLog> = all(vault)?;
    Ok(model::hours_per_week(&logs, project_id))
}

/// One project's week so far, as the project list shows it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct ProjectWeek {
    pub project_id: String,
    /// Hours logged from this week's Monday to today, to a tenth of an hour.
    pub hours: f64,
    /// The project's weekly target.
    pub target: f64,
}

/// The time logs of the week `today` is in, from its Monday to `today`.
pub(crate) fn week_logs(vault: &Vault, today: Date) -> Result<Vec<TimeLog>> {
    vault.between(model::monday_of(today), today)
}

/// Hours as shown: to a tenth of an hour, written the shortest way ("12", "2.5").
pub(crate) fn to_a_tenth(hours: f64) -> f64 {
    // `+ 0.0` turns the -0 of an empty sum into 0, as JavaScript prints it.
    (hours * 10.0).round() / 10.0 + 0.0
}

/// Every project (archived ones too) with the hours logged on it this week and its
/// weekly target, in the order the mirror lists projects.
pub fn project_weeks(vault: &Vault, today: Date) -> Result<Vec<ProjectWeek>> {
    let logs = week_logs(vault, today)?;
    let projects: Vec<Project> = all(vault)?;
    Ok(projects
        .into_iter()
        .map(|p| ProjectWeek {
            hours: to_a_tenth(
                logs.iter()
                    .filter(|l| l.project_id == p.id && l.hours.is_finite())
                    .map(|l| l.hours)
                    .sum(),
            ),
            target: p.weekly_target_hours,
            project_id: p.id,
        })
        .collect())
}

/// Logs hours on a project (an empty id is made). The project must exist: otherwise
/// "no project with id …", nothing written.
pub fn log_hours(vault: &mut Vault, mut log: TimeLog) -> Result<TimeLog> {
    if log.id.trim().is_empty() {
        log.id = model::new_id();
    }
    super::add(vault, log)
}

/// Deletes a project with every hour logged on it, in one write (all or nothing): hours
/// of a project that is gone would still count in the summary with nowhere to show them.
/// Archiving keeps both. "no project with id …" if there is none.
pub fn delete_project(vault: &mut Vault, id: &str) -> Result<()> {
    vault.require::<Project>(id)?;
    let logs: Vec<TimeLog> = all::<TimeLog>(vault)?
        .into_iter()
        .filter(|l| l.project_id == id)
        .collect();
    vault.batch(|vault| {
        for l in &logs {
            vault.delete(TimeLog::KIND, &l.id)?;
        }
        vault.delete(Project::KIND, id)
    })
}

/// Records an event (an empty id is made). Every contact it names must exist.
pub fn add_event(vault: &mut Vault, mut event: Event) -> Result<Event> {
    if event.id.trim().is_empty() {
        event.id = model::new_id();
    }
    super::add(vault, event)
}

/// The average mood of one day.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct DailyMood {
    pub date: Date,
    pub mood: f64,
}

/// The average mood of each day that has one, from check-ins and journal entries
/// together, oldest first.
pub fn daily_moods(moods: &[MoodCheckIn], entries: &[Entry]) -> Vec<DailyMood> {
    let mut days: BTreeMap<Date, (f64, u32)> = BTreeMap::new();
    let all = moods.iter().map(|m| (m.date, m.mood)).chain(
        entries
            .iter()
            .filter_map(|e| e.mood.filter(|&m| m > 0).map(|m| (e.date, m))),
    );
    for (date, mood) in all {
        let d = days.entry(date).or_default();
        d.0 += f64::from(mood);
        d.1 += 1;
    }
    days.into_iter()
        .map(|(date, (sum, n))| DailyMood {
            date,
            mood: sum / f64::from(n),
        })
        .collect()
}

/// How many calendar days in a row, ending today or yesterday, had a low mood (2 or
/// less on average). A day with no mood recorded breaks the run.
pub fn low_mood_run(days: &[DailyMood], today: Date) -> u32 {
    let by_date: BTreeMap<Date, f64> = days.iter().map(|d| (d.date, d.mood)).collect();
    let mut at = if by_date.contains_key(&today) {
        Some(today)
    } else {
        today.pred_opt()
    };
    let mut run = 0;
    while let Some(day) = at {
        match by_date.get(&day) {
            Some(&mood) if mood <= 2.0 => {
                run += 1;
                at = day.pred_opt();
            }
            _ => break,
        }
    }
    run
}

/// The daily moods from `from` to `to` (both included), read as a date range.
pub fn moods_between(vault: &Vault, from: Date, to: Date) -> Result<Vec<DailyMood>> {
    let moods: Vec<MoodCheckIn> = vault.between(from, to)?;
    let entries: Vec<Entry> = vault.between(from, to)?;
    Ok(daily_moods(&moods, &entries))
}

/// The time-off summary: a one-page, plain-text account of how the time was spent.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct TimeOffSummary {
    /// The page, ready to copy (ends with one newline).
    pub text: String,
    /// The first day it covers (`since`, else the earliest log, event or win).
    pub from: Option<Date>,
    /// The last log, event or win.
    pub to: Option<Date>,
}

/// A day as the summary writes it: "Mon, Mar 4, 2024" (the app's `formatDay` in its
/// default English locale).
pub fn format_day(date: Date) -> String {
    date.format("%a, %b %-d, %Y").to_string()
}

/// Distinct Monday-starting weeks covered from the first to the last date.
fn week_count(dates: &[Date]) -> i64 {
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return 0;
    };
    (*last - model::monday_of(*first)).num_days().div_euclid(7) + 1
}

/// What the time-off summary is made of, each in the mirror's order (newest first).
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeOffParts<'a> {
    pub projects: &'a [Project],
    pub logs: &'a [TimeLog],
    pub events: &'a [Event],
    pub wins: &'a [Win],
    /// To name who was met at events.
    pub contacts: &'a [Contact],
    /// Their lessons are what was learnt.
    pub debriefs: &'a [Debrief],
    pub stories: &'a [Story],
}

/// "1 week", "3 weeks".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Builds the summary from its parts, as something to say in an interview: the time
/// since the setback only (`since`, normally the profile's `happened_on`; what came
/// before it is left out), hours a week over the weeks off, the events and the people
/// met, what was learnt (the debriefs' lessons), the stories ready to tell, and the wins.
pub fn time_off_text(parts: TimeOffParts<'_>, since: Option<Date>) -> TimeOffSummary {
    let after = |d: Date| since.is_none_or(|s| d >= s);
    let logs: Vec<&TimeLog> = parts.logs.iter().filter(|l| after(l.date)).collect();
    let events: Vec<&Event> = parts.events.iter().filter(|e| after(e.date)).collect();
    let wins: Vec<&Win> = parts.wins.iter().filter(|w| after(w.date)).collect();
    let mut lines: Vec<String> = vec!["How I spent my time off".into(), String::new()];
    let mut dates: Vec<Date> = logs
        .iter()
        .map(|l| l.date)
        .chain(events.iter().map(|e| e.date))
        .chain(wins.iter().map(|w| w.date))
        .collect();
    dates.sort();
    let from = since.or(dates.first().copied());
    let to = dates.last().copied();
    // The weeks off: from the first day to the last thing recorded.
    let weeks_off = match (from, to) {
        (Some(from), Some(to)) if to >= from => week_count(&[from, to]),
        _ => 0,
    };
    let names: BTreeMap<&str, &str> = parts
        .contacts
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let mut met: Vec<&str> = events
        .iter()
        .flat_map(|e| e.contact_ids.iter())
        .filter_map(|id| names.get(id.as_str()).copied())
        .filter(|n| !n.is_empty())
        .collect();
    met.sort_unstable();
    met.dedup();
    let lessons: Vec<&str> = parts
        .debriefs
        .iter()
        .flat_map(|d| d.lessons.iter())
        .map(|l| l.lesson.trim())
        .filter(|l| !l.is_empty())
        .collect();
    // Projects worked on in the time off, and those not started yet (no hours at all).
    let projects: Vec<(&Project, Vec<&TimeLog>)> = parts
        .projects
        .iter()
        .map(|p| {
            (
                p,
                logs.iter()
                    .copied()
                    .filter(|l| l.project_id == p.id)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(p, mine)| !mine.is_empty() || !parts.logs.iter().any(|l| l.project_id == p.id))
        .collect();
    let total: f64 = logs.iter().map(|l| l.hours).sum();

    if let (Some(from), Some(to)) = (from, to) {
        lines.push(format!("From {} to {}.", format_day(from), format_day(to)));
        let mut said = Vec::new();
        if total > 0.0 {
            let worked = projects.iter().filter(|(_, m)| !m.is_empty()).count();
            said.push(format!(
                "I put {} hours into {} (about {} a week over {})",
                to_a_tenth(total),
                plural(worked, "project", "projects"),
                to_a_tenth(total / weeks_off.max(1) as f64),
                plural(weeks_off.max(1) as usize, "week", "weeks"),
            ));
        }
        if !events.is_empty() {
            let mut went = format!("went to {}", plural(events.len(), "event", "events"));
            if !met.is_empty() {
                went += &format!(" and met {}", plural(met.len(), "person", "people"));
            }
            said.push(went);
        }
        if !lessons.is_empty() {
            said.push(format!(
                "took {} from what happened",
                plural(lessons.len(), "lesson", "lessons")
            ));
        }
        if !said.is_empty() {
            let last = said.pop().unwrap_or_default();
            let joined = if said.is_empty() {
                last
            } else {
                format!("{}, and {last}", said.join(", "))
            };
            lines.push(format!("In that time {joined}."));
        }
        lines.push(String::new());
    }

    lines.push("Projects".into());
    if projects.is_empty() {
        lines.push("- None recorded yet.".into());
    }
    for (p, mine) in &projects {
        let hours: f64 = mine.iter().map(|l| l.hours).sum();
        let over = if weeks_off > 0 && hours > 0.0 {
            let per_week = to_a_tenth(hours / weeks_off as f64);
            format!(
                " over {} (about {per_week} a week)",
                plural(weeks_off as usize, "week", "weeks")
            )
        } else {
            String::new()
        };
        lines.push(format!("- {}: {} hours{over}.", p.name, to_a_tenth(hours)));
        if !p.notes.trim().is_empty() {
            lines.push(format!("  {}", p.notes.trim()));
        }
    }
    lines.push(String::new());

    lines.push("Events and people".into());
    if events.is_empty() {
        lines.push("- None recorded yet.".into());
    }
    let mut sorted = events.clone();
    sorted.sort_by_key(|e| e.date);
    for e in sorted {
        let met: Vec<&str> = e
            .contact_ids
            .iter()
            .filter_map(|id| names.get(id.as_str()).copied())
            .filter(|n| !n.is_empty())
            .collect();
        let mut line = format!(
            "- {}: {} ({})",
            format_day(e.date),
            e.title,
            e.kind.label().to_lowercase()
        );
        if !met.is_empty() {
            line += &format!(", met {}", met.join(", "));
        }
        if !e.outcome.trim().is_empty() {
            line += &format!(". Came of it: {}", e.outcome.trim());
        }
        lines.push(line + ".");
    }
    if !met.is_empty() {
        lines.push(format!("People I met: {}.", met.join(", ")));
    }
    lines.push(String::new());

    if !lessons.is_empty() {
        lines.push("What I learnt".into());
        for l in &lessons {
            lines.push(format!("- {l}"));
        }
        lines.push(String::new());
    }

    let stories: Vec<&str> = parts
        .stories
        .iter()
        .map(|s| s.title.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !stories.is_empty() {
        lines.push("Stories I can tell".into());
        for t in &stories {
            lines.push(format!("- {t}"));
        }
        lines.push(String::new());
    }

    lines.push("Wins".into());
    if wins.is_empty() {
        lines.push("- None recorded yet.".into());
    }
    for category in BragCategory::ALL {
        let list: Vec<&Win> = wins
            .iter()
            .copied()
            .filter(|w| w.category == category)
            .collect();
        if list.is_empty() {
            continue;
        }
        lines.push(format!("{}:", category.label()));
        for w in list {
            let text = w.text.trim();
            lines.push(if text.is_empty() {
                format!("- {}", w.title)
            } else {
                format!("- {}: {text}", w.title)
            });
        }
    }
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    TimeOffSummary {
        text: format!("{}\n", text.trim()),
        from,
        to,
    }
}

/// The time-off summary; `since` (normally the profile's `happened_on`) is the first
/// day it covers: what came before is left out.
pub fn time_off_summary(vault: &Vault, since: Option<Date>) -> Result<TimeOffSummary> {
    Ok(time_off_text(
        TimeOffParts {
            projects: &all::<Project>(vault)?,
            logs: &all::<TimeLog>(vault)?,
            events: &all::<Event>(vault)?,
            wins: &all::<Win>(vault)?,
            contacts: &all::<Contact>(vault)?,
            debriefs: &all::<Debrief>(vault)?,
            stories: &all::<Story>(vault)?,
        },
        since,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};
    use crate::model::EventKind;

    fn m(date: &str, mood: u8) -> MoodCheckIn {
        MoodCheckIn {
            id: format!("{date}{mood}"),
            date: day(date),
            mood,
            note: String::new(),
        }
    }

    #[test]
    fn a_low_mood_run_counts_consecutive_low_days_ending_today_or_yesterday() {
        let days = daily_moods(
            &[m("2024-03-02", 2), m("2024-03-03", 1), m("2024-03-04", 2)],
            &[],
        );
        assert_eq!(low_mood_run(&days, day("2024-03-05")), 3);
        assert_eq!(low_mood_run(&days, day("2024-03-04")), 3);
        assert_eq!(low_mood_run(&days, day("2024-03-07")), 0);
    }

    #[test]
    fn a_low_mood_run_is_broken_by_a_good_day_or_a_day_without_a_mood() {
        let good = daily_moods(
            &[m("2024-03-02", 1), m("2024-03-03", 4), m("2024-03-04", 2)],
            &[],
        );
        assert_eq!(low_mood_run(&good, day("2024-03-04")), 1);
        let gap = daily_moods(
            &[m("2024-03-01", 1), m("2024-03-03", 2), m("2024-03-04", 2)],
            &[],
        );
        assert_eq!(low_mood_run(&gap, day("2024-03-04")), 2);
    }

    #[test]
    fn check_ins_and_journal_moods_on_the_same_day_are_averaged() {
        let entry = Entry {
            id: "e".into(),
            date: day("2024-03-04"),
            text: "x".into(),
            mood: Some(4),
            tags: vec![],
            created_ms: 1,
            imported: Default::default(),
        };
        assert_eq!(
            daily_moods(&[m("2024-03-04", 2)], &[entry]),
            [DailyMood {
                date: day("2024-03-04"),
                mood: 3.0
            }]
        );
    }

    #[test]
    fn hours_on_a_project_that_does_not_exist_are_refused_with_what_to_do() {
        let mut v = test_vault::new();
        let err = log_hours(
            &mut v,
            TimeLog {
                project_id: "gone".into(),
                date: day("2026-11-01"),
                hours: 2.0,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(err.to_string().contains("no project with id gone"), "{err}");
        assert!(crate::api::list::<TimeLog>(&v, 10).unwrap().is_empty());
    }

    #[test]
    fn an_event_naming_a_contact_that_does_not_exist_is_refused() {
        let mut v = test_vault::new();
        let err = add_event(
            &mut v,
            Event {
                title: "Meetup".into(),
                date: day("2026-11-01"),
                contact_ids: vec!["ghost".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("no contact with id ghost"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_summary_says_none_recorded_for_each_part() {
        let s = time_off_text(TimeOffParts::default(), None);
        assert_eq!(
            s.text,
            "How I spent my time off\n\nProjects\n- None recorded yet.\n\nEvents and people\n- None recorded yet.\n\nWins\n- None recorded yet.\n"
        );
        assert_eq!((s.from, s.to), (None, None));
    }

    #[test]
    fn the_summary_totals_hours_per_project_names_who_was_met_and_groups_wins() {
        let project = Project {
            id: "p".into(),
            name: "Garden app".into(),
            notes: " A side project. ".into(),
            ..Default::default()
        };
        let log = |date: &str, hours: f64| TimeLog {
            id: date.into(),
            project_id: "p".into(),
            date: day(date),
            hours,
            note: String::new(),
        };
        // Wed 4 Nov to Mon 16 Nov 2026: three Monday weeks.
        let logs = [
            log("2026-11-04", 2.5),
            log("2026-11-10", 3.0),
            log("2026-11-16", 1.0),
        ];
        let ada = Contact {
            id: "a".into(),
            name: "Ada".into(),
            ..Default::default()
        };
        let event = Event {
            id: "e".into(),
            date: day("2026-11-12"),
            title: "Rust meetup".into(),
            kind: EventKind::Meetup,
            contact_ids: vec!["a".into(), "gone".into()],
            notes: String::new(),
            outcome: "a lead".into(),
        };
        let win = Win {
            id: "w".into(),
            date: day("2026-11-20"),
            title: "Shipped v1".into(),
            category: BragCategory::Projects,
            text: "on time".into(),
        };
        let s = time_off_text(
            TimeOffParts {
                projects: &[project],
                logs: &logs,
                events: &[event],
                wins: &[win],
                contacts: &[ada],
                ..TimeOffParts::default()
            },
            Some(day("2026-11-01")),
        );
        assert_eq!(
            s.text,
            "How I spent my time off\n\n\
             From Sun, Nov 1, 2026 to Fri, Nov 20, 2026.\n\
             In that time I put 6.5 hours into 1 project (about 1.6 a week over 4 weeks), and went to 1 event and met 1 person.\n\n\
             Projects\n\
             - Garden app: 6.5 hours over 4 weeks (about 1.6 a week).\n  A side project.\n\n\
             Events and people\n\
             - Thu, Nov 12, 2026: Rust meetup (meetup), met Ada. Came of it: a lead.\n\
             People I met: Ada.\n\n\
             Wins\n\
             Projects:\n\
             - Shipped v1: on time\n"
        );
        assert_eq!(s.from, Some(day("2026-11-01")));
        assert_eq!(s.to, Some(day("2026-11-20")));
    }

    #[test]
    fn the_summary_covers_the_time_since_the_setback_with_lessons_and_stories() {
        let project = Project {
            id: "p".into(),
            name: "Garden app".into(),
            ..Default::default()
        };
        let old_project = Project {
            id: "old".into(),
            name: "Work from before".into(),
            ..Default::default()
        };
        let log = |id: &str, project: &str, date: &str, hours: f64| TimeLog {
            id: id.into(),
            project_id: project.into(),
            date: day(date),
            hours,
            note: String::new(),
        };
        let logs = [
            log("l1", "p", "2026-10-05", 4.0),
            log("l2", "p", "2026-10-14", 4.0),
            log("l3", "old", "2026-08-01", 9.0),
            log("l4", "p", "2026-08-02", 7.0),
        ];
        let event = |id: &str, date: &str, title: &str| Event {
            id: id.into(),
            date: day(date),
            title: title.into(),
            ..Default::default()
        };
        let win = |date: &str, title: &str| Win {
            id: title.into(),
            date: day(date),
            title: title.into(),
            ..Default::default()
        };
        let mut debrief = Debrief::new("Leaving Acme", model::SetbackKind::LetGo, "d");
        debrief.lessons = vec![model::Lesson {
            id: "l".into(),
            lesson: "Ask for feedback before the review".into(),
            ..Default::default()
        }];
        let story = Story {
            id: "s".into(),
            title: "Rescuing the launch".into(),
            ..Default::default()
        };
        let s = time_off_text(
            TimeOffParts {
                projects: &[project, old_project],
                logs: &logs,
                events: &[
                    event("e1", "2026-10-07", "Rust meetup"),
                    event("e0", "2026-08-20", "Office party"),
                ],
                wins: &[
                    win("2026-10-20", "Shipped v1"),
                    win("2026-07-01", "Promotion"),
                ],
                debriefs: &[debrief],
                stories: &[story],
                ..TimeOffParts::default()
            },
            Some(day("2026-10-01")),
        );
        let text = &s.text;
        // Before the setback: left out.
        for before in [
            "Office party",
            "Promotion",
            "Work from before",
            "9 hours",
            "15 hours",
        ] {
            assert!(!text.contains(before), "{before} in: {text}");
        }
        // Thu 1 Oct to Tue 20 Oct 2026: four Monday weeks, 8 hours.
        assert!(
            text.contains("- Garden app: 8 hours over 4 weeks (about 2 a week)."),
            "{text}"
        );
        assert!(
            text.contains("I put 8 hours into 1 project (about 2 a week over 4 weeks)"),
            "{text}"
        );
        assert!(text.contains("took 1 lesson from what happened."), "{text}");
        assert!(
            text.contains("What I learnt\n- Ask for feedback before the review\n"),
            "{text}"
        );
        assert!(
            text.contains("Stories I can tell\n- Rescuing the launch\n"),
            "{text}"
        );
        assert!(text.contains("- Shipped v1"), "{text}");
        assert_eq!(
            (s.from, s.to),
            (Some(day("2026-10-01")), Some(day("2026-10-20")))
        );
    }

    #[test]
    fn a_project_with_no_hours_says_zero_without_weeks() {
        let project = Project {
            id: "p".into(),
            name: "Idea".into(),
            ..Default::default()
        };
        let s = time_off_text(
            TimeOffParts {
                projects: &[project],
                ..TimeOffParts::default()
            },
            None,
        );
        assert!(s.text.contains("- Idea: 0 hours.\n"), "{}", s.text);
    }

    #[test]
    fn a_projects_week_sums_the_hours_from_monday_to_today_against_its_target() {
        let mut v = test_vault::new();
        let p = crate::api::add(
            &mut v,
            Project {
                id: "p1".into(),
                name: "Garden app".into(),
                weekly_target_hours: 10.0,
                started_on: day("2026-11-01"),
                ..Default::default()
            },
        )
        .unwrap();
        // Monday 30 November 2026 starts the week of Wednesday 2 December.
        for (date, hours) in [
            ("2026-11-29", 5.0),
            ("2026-11-30", 1.25),
            ("2026-12-02", 2.0),
        ] {
            log_hours(
                &mut v,
                TimeLog {
                    project_id: p.id.clone(),
                    date: day(date),
                    hours,
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let weeks = project_weeks(&v, day("2026-12-02")).unwrap();
        assert_eq!(
            weeks,
            [ProjectWeek {
                project_id: "p1".into(),
                hours: 3.3,
                target: 10.0,
            }]
        );
        assert_eq!(project_weeks(&v, day("2026-11-29")).unwrap()[0].hours, 5.0);
    }

    #[test]
    fn deleting_a_project_deletes_its_hours_and_no_other_projects() {
        let mut v = test_vault::new();
        let mut project = |name: &str| {
            crate::api::add(
                &mut v,
                Project {
                    id: model::new_id(),
                    name: name.into(),
                    started_on: day("2026-10-01"),
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let (garden, site) = (project("Garden"), project("Site"));
        for (p, date) in [
            (&garden, "2026-11-02"),
            (&garden, "2026-11-03"),
            (&site, "2026-11-03"),
        ] {
            log_hours(
                &mut v,
                TimeLog {
                    project_id: p.id.clone(),
                    date: day(date),
                    hours: 2.0,
                    ..Default::default()
                },
            )
            .unwrap();
        }
        // Through the generic verb every front uses.
        crate::api::delete_json(&mut v, "project", &garden.id).unwrap();
        let left: Vec<TimeLog> = crate::api::list(&v, 10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].project_id, site.id);
        assert!(v.get::<Project>(&garden.id).unwrap().is_none());
        assert!(v.get::<Project>(&site.id).unwrap().is_some());
        let err = delete_project(&mut v, &garden.id).unwrap_err();
        assert_eq!(err.code(), "not_found");
    }
}
