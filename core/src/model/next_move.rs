//! Step 4, making your next move: the pipeline of jobs, freelance leads and business
//! ideas (with its premortem), and the story bank for interviews.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Date, Home, Invalid, Record, TITLE_CHARS, check_date, check_id, check_opt_date, first_line,
    join_text, require, ymd,
};

/// An open item whose stage has not moved for this many days asks for a follow-up.
pub const STALE_AFTER_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    #[default]
    Job,
    Freelance,
    Business,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [Self::Job, Self::Freelance, Self::Business];

    pub fn label(self) -> &'static str {
        match self {
            Self::Job => "Job",
            Self::Freelance => "Freelance",
            Self::Business => "Business idea",
        }
    }
}

/// Pipeline stages in board order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, TS,
)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[default]
    Saved,
    Applied,
    Screen,
    Interview,
    Offer,
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Self::Saved,
        Self::Applied,
        Self::Screen,
        Self::Interview,
        Self::Offer,
        Self::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Saved => "Saved",
            Self::Applied => "Applied",
            Self::Screen => "Screen",
            Self::Interview => "Interview",
            Self::Offer => "Offer",
            Self::Closed => "Closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct PipelineItem {
    pub id: String,
    pub kind: ItemKind,
    pub title: String,
    /// The company, client or market.
    pub org: String,
    pub stage: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    pub stage_changed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<Date>,
    pub notes: String,
    /// "A year from now this failed: why?"
    pub premortem: String,
}

impl PipelineItem {
    /// Moves the item to `stage`, remembering when, so stale items can be spotted.
    /// Moving to the stage it is already in changes nothing.
    pub fn set_stage(&mut self, stage: Stage, today: Date) {
        if stage != self.stage {
            self.stage = stage;
            self.stage_changed_on = today;
        }
    }

    /// Whether to nudge the user about this item today. A closed item never needs one.
    /// Otherwise: its follow-up date has come, or (offers excepted, which wait on the
    /// user rather than on others) its stage has sat still for `STALE_AFTER_DAYS` or more.
    pub fn needs_follow_up(&self, today: Date) -> bool {
        if self.stage == Stage::Closed {
            return false;
        }
        if self.follow_up_on.is_some_and(|f| f <= today) {
            return true;
        }
        self.stage != Stage::Offer && (today - self.stage_changed_on).num_days() >= STALE_AFTER_DAYS
    }
}

impl Record for PipelineItem {
    const KIND: &'static str = "item";
    const PROSE: &'static [&'static str] = &["notes", "premortem"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        require(
            "title",
            &self.title,
            "give it a title, like the role or the idea; add one",
        )?;
        if self.stage == Stage::Closed
            && self
                .closed_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(Invalid::new(
                "closed_reason",
                "say why this closed (for example 'no reply' or 'took another offer') so the pipeline stays honest",
            ));
        }
        check_date("stage_changed_on", self.stage_changed_on)?;
        check_opt_date("follow_up_on", self.follow_up_on)
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    fn sort_key(&self) -> String {
        ymd(self.stage_changed_on)
    }

    fn title(&self) -> String {
        let title = first_line(&self.title, TITLE_CHARS);
        let org = first_line(&self.org, TITLE_CHARS);
        if org.is_empty() {
            title
        } else {
            format!("{title}, {org}")
        }
    }

    fn search_text(&self) -> String {
        join_text([
            self.title.as_str(),
            &self.org,
            self.closed_reason.as_deref().unwrap_or(""),
            &self.notes,
            &self.premortem,
        ])
    }
}

/// An interview story in situation, task, action, result form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    /// Id of the debrief (for a lesson) or the win the story was suggested from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Marks the "what I learned" answer to "why did you leave?".
    pub why_i_left: bool,
}

impl Record for Story {
    const KIND: &'static str = "story";
    const PROSE: &'static [&'static str] = &["situation", "task", "action", "result"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        require(
            "title",
            &self.title,
            "a story needs a short name, like 'Rescuing the launch'; add one",
        )?;
        if self.source.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(Invalid::new(
                "source",
                "the story points to a blank source; pick the debrief or win it came from, or none",
            ));
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    /// Lower-cased title: stories have no date and are listed alphabetically.
    fn sort_key(&self) -> String {
        self.title.trim().to_lowercase()
    }

    fn title(&self) -> String {
        first_line(&self.title, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text([
            self.title.as_str(),
            &self.situation,
            &self.task,
            &self.action,
            &self.result,
        ])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    fn item(stage: Stage) -> PipelineItem {
        PipelineItem {
            id: "p".into(),
            title: "Backend engineer".into(),
            org: "Acme".into(),
            stage,
            stage_changed_on: d(2024, 3, 1),
            ..PipelineItem::default()
        }
    }

    #[test]
    fn closing_an_item_without_a_reason_is_refused() {
        let err = item(Stage::Closed).validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "closed_reason: say why this closed (for example 'no reply' or 'took another offer') so the pipeline stays honest"
        );
        let blank = PipelineItem {
            closed_reason: Some("  ".into()),
            ..item(Stage::Closed)
        };
        assert!(blank.validate().is_err());
        let ok = PipelineItem {
            closed_reason: Some("no reply".into()),
            ..item(Stage::Closed)
        };
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn an_item_without_a_title_is_refused() {
        let p = PipelineItem {
            title: String::new(),
            ..item(Stage::Saved)
        };
        assert_eq!(p.validate().unwrap_err().field, "title");
        assert_eq!(item(Stage::Applied).validate(), Ok(()));
    }

    #[test]
    fn an_item_still_for_fourteen_days_needs_a_follow_up() {
        let p = item(Stage::Applied);
        assert!(!p.needs_follow_up(d(2024, 3, 14)));
        assert!(p.needs_follow_up(d(2024, 3, 15)));
    }

    #[test]
    fn a_reached_follow_up_date_asks_for_a_follow_up_even_on_an_offer() {
        let p = PipelineItem {
            follow_up_on: Some(d(2024, 3, 5)),
            ..item(Stage::Offer)
        };
        assert!(!p.needs_follow_up(d(2024, 3, 4)));
        assert!(p.needs_follow_up(d(2024, 3, 5)));
        assert!(
            !item(Stage::Offer).needs_follow_up(d(2024, 6, 1)),
            "offers do not go stale"
        );
    }

    #[test]
    fn closed_items_never_need_a_follow_up() {
        let p = PipelineItem {
            closed_reason: Some("took another offer".into()),
            follow_up_on: Some(d(2024, 3, 2)),
            ..item(Stage::Closed)
        };
        assert!(!p.needs_follow_up(d(2024, 9, 1)));
    }

    #[test]
    fn moving_stage_records_the_day_and_restarts_the_clock() {
        let mut p = item(Stage::Applied);
        p.set_stage(Stage::Interview, d(2024, 4, 1));
        assert_eq!(p.stage_changed_on, d(2024, 4, 1));
        assert!(!p.needs_follow_up(d(2024, 4, 10)));
        p.set_stage(Stage::Interview, d(2024, 4, 9));
        assert_eq!(p.stage_changed_on, d(2024, 4, 1));
    }

    #[test]
    fn a_story_needs_a_title_and_a_real_source_if_any() {
        let s = Story {
            id: "s".into(),
            title: "Why I left".into(),
            why_i_left: true,
            ..Story::default()
        };
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(
            Story {
                title: " ".into(),
                ..s.clone()
            }
            .validate()
            .unwrap_err()
            .field,
            "title"
        );
        assert_eq!(
            Story {
                source: Some(String::new()),
                ..s
            }
            .validate()
            .unwrap_err()
            .field,
            "source"
        );
    }
}
