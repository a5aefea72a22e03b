//! Step 3, regaining your mojo: side projects with a weekly hours target and their time
//! logs, and the wins-and-praise vault.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Date, Home, Invalid, Record, TITLE_CHARS, check_date, check_id, check_ref, first_line,
    join_text, require, ymd,
};

/// The article's suggestion: a side project of about 20 hours a week.
const DEFAULT_WEEKLY_HOURS: f64 = 20.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub weekly_target_hours: f64,
    pub notes: String,
    pub started_on: Date,
    pub archived: bool,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            weekly_target_hours: DEFAULT_WEEKLY_HOURS,
            notes: String::new(),
            started_on: Date::default(),
            archived: false,
        }
    }
}

impl Record for Project {
    const KIND: &'static str = "project";
    const PROSE: &'static [&'static str] = &["notes"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        require("name", &self.name, "a project needs a name; add one")?;
        let h = self.weekly_target_hours;
        // Written as a negated range so NaN is refused too.
        if !(h > 0.0 && h <= 80.0) {
            return Err(Invalid::new(
                "weekly_target_hours",
                format!("{h} hours a week is not between 0 and 80; pick a target like 20"),
            ));
        }
        check_date("started_on", self.started_on)
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    fn sort_key(&self) -> String {
        ymd(self.started_on)
    }

    fn title(&self) -> String {
        first_line(&self.name, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text([self.name.as_str(), &self.notes])
    }
}

/// Hours spent on a project on one day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct TimeLog {
    pub id: String,
    pub project_id: String,
    pub date: Date,
    pub hours: f64,
    pub note: String,
}

impl Record for TimeLog {
    const KIND: &'static str = "timelog";

    fn references(&self) -> Vec<super::Reference<'_>> {
        vec![super::Reference {
            field: "project_id",
            kind: Project::KIND,
            id: &self.project_id,
        }]
    }
    const PROSE: &'static [&'static str] = &["note"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_ref("project_id", &self.project_id, "project")?;
        check_date("date", self.date)?;
        let h = self.hours;
        if !(h > 0.0 && h <= 24.0) {
            return Err(Invalid::new(
                "hours",
                format!("{h} is not a number of hours in one day; log more than 0 and at most 24"),
            ));
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    fn sort_key(&self) -> String {
        ymd(self.date)
    }

    fn title(&self) -> String {
        let note = first_line(&self.note, TITLE_CHARS);
        if note.is_empty() {
            format!("{} h", self.hours)
        } else {
            format!("{} h: {note}", self.hours)
        }
    }

    fn search_text(&self) -> String {
        join_text([self.note.as_str()])
    }
}

/// The Monday of the week `date` falls in (weeks run Monday to Sunday).
pub fn monday_of(date: Date) -> Date {
    let back = chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
    // Only the first days of the calendar have no Monday before them.
    date.checked_sub_days(back).unwrap_or(date)
}

/// Hours logged on `project_id`, per week (keyed by the week's Monday), oldest first.
/// Every week from the first logged to the last is present, empty ones as 0.0, so a
/// chart against the target shows the gaps honestly. Non-finite hours are ignored.
pub fn hours_per_week(logs: &[TimeLog], project_id: &str) -> Vec<(Date, f64)> {
    let mut weeks: BTreeMap<Date, f64> = BTreeMap::new();
    for log in logs
        .iter()
        .filter(|l| l.project_id == project_id && l.hours.is_finite())
    {
        *weeks.entry(monday_of(log.date)).or_default() += log.hours;
    }
    let (Some(&first), Some(&last)) = (weeks.keys().next(), weeks.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut week = first;
    while week <= last {
        out.push((week, weeks.get(&week).copied().unwrap_or(0.0)));
        match week.checked_add_days(chrono::Days::new(7)) {
            Some(next) => week = next,
            None => break,
        }
    }
    out
}

/// The brag-document sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BragCategory {
    #[default]
    Projects,
    DesignWriting,
    CollaborationMentoring,
    OutsideJob,
}

impl BragCategory {
    pub const ALL: [BragCategory; 4] = [
        Self::Projects,
        Self::DesignWriting,
        Self::CollaborationMentoring,
        Self::OutsideJob,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Projects => "Projects",
            Self::DesignWriting => "Design and writing",
            Self::CollaborationMentoring => "Collaboration and mentoring",
            Self::OutsideJob => "Outside the job",
        }
    }
}

/// A win or a piece of praise, for the vault.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Win {
    pub id: String,
    pub date: Date,
    pub title: String,
    pub category: BragCategory,
    pub text: String,
}

impl Record for Win {
    const KIND: &'static str = "win";
    const PROSE: &'static [&'static str] = &["text"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_date("date", self.date)?;
        require(
            "title",
            &self.title,
            "a win needs a short name, like 'Shipped the beta'; add one",
        )
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    fn sort_key(&self) -> String {
        ymd(self.date)
    }

    fn title(&self) -> String {
        first_line(&self.title, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text([self.title.as_str(), &self.text])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    fn log(project: &str, date: Date, hours: f64) -> TimeLog {
        TimeLog {
            id: format!("{project}{date}"),
            project_id: project.into(),
            date,
            hours,
            ..TimeLog::default()
        }
    }

    #[test]
    fn a_new_project_targets_twenty_hours_a_week() {
        let p = Project {
            id: "p".into(),
            name: "Shop".into(),
            started_on: d(2024, 1, 1),
            ..Project::default()
        };
        assert_eq!(p.weekly_target_hours, 20.0);
        assert_eq!(p.validate(), Ok(()));
        let old: Project =
            serde_json::from_str(r#"{"id":"p","name":"Old","started_on":"2024-01-01"}"#).unwrap();
        assert_eq!(old.weekly_target_hours, 20.0);
    }

    #[test]
    fn weekly_targets_outside_zero_to_eighty_hours_are_refused() {
        let p = Project {
            id: "p".into(),
            name: "Shop".into(),
            started_on: d(2024, 1, 1),
            ..Project::default()
        };
        for (h, ok) in [
            (0.0, false),
            (0.5, true),
            (80.0, true),
            (80.5, false),
            (f64::NAN, false),
            (-3.0, false),
        ] {
            let p = Project {
                weekly_target_hours: h,
                ..p.clone()
            };
            assert_eq!(p.validate().is_ok(), ok, "{h}");
        }
        assert_eq!(
            Project {
                name: " ".into(),
                ..p
            }
            .validate()
            .unwrap_err()
            .field,
            "name"
        );
    }

    #[test]
    fn logged_hours_must_be_more_than_zero_and_at_most_a_day() {
        for (h, ok) in [
            (0.0, false),
            (0.25, true),
            (24.0, true),
            (24.5, false),
            (f64::INFINITY, false),
            (f64::NAN, false),
        ] {
            assert_eq!(log("p", d(2024, 1, 1), h).validate().is_ok(), ok, "{h}");
        }
        let orphan = TimeLog {
            project_id: String::new(),
            ..log("p", d(2024, 1, 1), 2.0)
        };
        assert_eq!(orphan.validate().unwrap_err().field, "project_id");
    }

    #[test]
    fn hours_per_week_sums_by_monday_and_fills_empty_weeks() {
        let logs = vec![
            log("p", d(2024, 3, 6), 2.0),  // Wednesday, week of Mon 4 March
            log("p", d(2024, 3, 10), 3.5), // Sunday, same week
            log("p", d(2024, 3, 4), 1.0),  // that Monday
            log("other", d(2024, 3, 5), 9.0),
            log("p", d(2024, 3, 18), 4.0), // two weeks later
        ];
        assert_eq!(
            hours_per_week(&logs, "p"),
            vec![
                (d(2024, 3, 4), 6.5),
                (d(2024, 3, 11), 0.0),
                (d(2024, 3, 18), 4.0)
            ]
        );
        assert!(hours_per_week(&logs, "none").is_empty());
    }

    #[test]
    fn a_win_needs_a_title() {
        let w = Win {
            id: "w".into(),
            date: d(2024, 1, 1),
            title: "Shipped".into(),
            ..Win::default()
        };
        assert_eq!(w.validate(), Ok(()));
        assert_eq!(
            Win {
                title: String::new(),
                ..w
            }
            .validate()
            .unwrap_err()
            .field,
            "title"
        );
    }
}
