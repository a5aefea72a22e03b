//! The guided debrief (step 1 of the method): its eight steps, the article's probing
//! questions adapted to the kind of setback, the why-tree, and the Markdown export.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Date, Home, Invalid, Record, SetbackKind, check_date, check_id, check_item_ids, check_opt_date,
    first_line, join_text, require, ymd,
};

mod markdown;

/// The article asks for one to three lessons; more would dilute them.
pub const MAX_LESSONS: usize = 3;

const BLOCK_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// The step the user is on, saved after every step so a debrief resumes where it stopped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, TS,
)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum DebriefStep {
    #[default]
    Unload,
    Intent,
    Timeline,
    Questions,
    WhyTree,
    HotThought,
    Lessons,
    Close,
    Done,
}

impl DebriefStep {
    pub const ALL: [DebriefStep; 9] = [
        Self::Unload,
        Self::Intent,
        Self::Timeline,
        Self::Questions,
        Self::WhyTree,
        Self::HotThought,
        Self::Lessons,
        Self::Close,
        Self::Done,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Unload => "Unload",
            Self::Intent => "Intent",
            Self::Timeline => "Timeline",
            Self::Questions => "Probing questions",
            Self::WhyTree => "Why-tree",
            Self::HotThought => "Hot thought",
            Self::Lessons => "Lessons",
            Self::Close => "Self-compassion close",
            Self::Done => "Done",
        }
    }

    /// The step after this one; `Done` stays `Done`.
    pub fn next(self) -> Self {
        let i = Self::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(Self::ALL.len() - 1);
        Self::ALL[(i + 1).min(Self::ALL.len() - 1)]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    Within,
    Outside,
    /// The default, so a cause the user has not judged yet claims neither blame nor
    /// helplessness.
    #[default]
    Partly,
}

impl Control {
    pub fn label(self) -> &'static str {
        match self {
            Self::Within => "within my control",
            Self::Outside => "outside my control",
            Self::Partly => "partly within my control",
        }
    }
}

/// The 2–3 hour distraction-free block the debrief is scheduled into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Block {
    /// Local start as "YYYY-MM-DDTHH:MM".
    pub start: String,
    pub minutes: u32,
}

impl Default for Block {
    fn default() -> Self {
        Self {
            start: String::new(),
            minutes: 120,
        }
    }
}

impl Block {
    pub fn start_time(&self) -> Option<chrono::NaiveDateTime> {
        // Exact length, so seconds or a zone suffix are refused rather than half-read.
        if self.start.len() != 16 {
            return None;
        }
        chrono::NaiveDateTime::parse_from_str(&self.start, BLOCK_FORMAT).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct TimelineEvent {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub fact: String,
    /// The journal entry this fact was taken from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
}

/// One probing question with the user's 1–5 rating and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Probe {
    pub id: String,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    pub evidence: String,
}

/// A cause in the why-tree. Several roots are normal: the tree is never forced down to
/// a single root cause.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct WhyNode {
    pub id: String,
    /// Id of the cause this one explains; `None` for a top-level cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub cause: String,
    pub control: Control,
    pub evidence: String,
}

/// The harshest verdict, and how strongly it is believed (0–100) before and after
/// looking at the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct HotThought {
    pub thought: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Lesson {
    pub id: String,
    pub lesson: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    pub success_test: String,
}

impl Lesson {
    /// A lesson counts towards finishing the debrief once it is something to do by a date.
    pub fn is_actionable(&self) -> bool {
        !self.action.trim().is_empty() && self.due.is_some()
    }
}

/// The self-compassion close: name the feeling, remember others, a kind word.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Close {
    pub feeling: String,
    pub others_too: String,
    pub kind_word: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Debrief {
    pub id: String,
    pub title: String,
    pub setback: SetbackKind,
    /// The day the debrief was begun; what lists sort by.
    pub started_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<Block>,
    pub step: DebriefStep,
    pub unload: String,
    pub intent: String,
    pub success_measure: String,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    #[serde(default)]
    pub questions: Vec<Probe>,
    #[serde(default)]
    pub why_tree: Vec<WhyNode>,
    pub hot_thought: HotThought,
    pub keep: String,
    pub change: String,
    #[serde(default)]
    pub lessons: Vec<Lesson>,
    pub close: Close,
    pub completed: bool,
    /// The day each lesson's action was done, by lesson id (a lesson not named here is
    /// open). A map beside the lessons rather than a field of `Lesson`, so two devices
    /// ticking different actions merge key by key, and `Lesson` keeps the fields its
    /// callers build it from. Added after the first release: see `api::tick_action` for
    /// what an older device does with it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub actions_done: std::collections::BTreeMap<String, Date>,
}

/// The article's probing questions (goals too high? time used well? poor leads? more
/// training? in over your head? a disagreement with a manager? maybe you don't love this
/// work?), worded for the kind of setback so each one can be answered honestly.
pub fn probing_questions(kind: SetbackKind) -> Vec<&'static str> {
    match kind {
        SetbackKind::LetGo => vec![
            "Were the goals set for the role, or by you, too high?",
            "Did you use your time at work on what mattered most?",
            "Were the leads, accounts or projects you were given poor?",
            "Did you need more training than you got, or asked for?",
            "Were you in over your head in the role?",
            "Was there a disagreement with your manager that shaped what happened?",
            "Maybe you don't love this work. Is that part of the story?",
        ],
        SetbackKind::BusinessFolded => vec![
            "Were your revenue or growth goals too high for the time and money you had?",
            "Did you spend your time on what brought in customers?",
            "Were your leads or your market poor?",
            "Did you need more training in selling, finance or running a business?",
            "Were you in over your head running the business?",
            "Was there a disagreement with a partner, investor or key client?",
            "Maybe you don't love running a business. Is that part of the story?",
        ],
        SetbackKind::ProjectRejected => vec![
            "Were the goals for the project too high for the time and resources you had?",
            "Did you use your time on what the people deciding cared about?",
            "Were your leads poor: did it reach the people it was meant for?",
            "Did you need more training or skills to make it land?",
            "Were you in over your head with this project?",
            "Was there a disagreement with a manager or stakeholder about it?",
            "Maybe you don't love this kind of work. Is that part of the story?",
        ],
        SetbackKind::Stalled => vec![
            "Were your goals for moving up too high, or never made clear?",
            "Did you use your time on work that gets noticed and counted?",
            "Were the opportunities and leads that came your way poor?",
            "Did you need more training or new skills to move up?",
            "Were you in over your head, or not stretched enough to grow?",
            "Was there a disagreement with your manager holding you back?",
            "Maybe you don't love this work any more. Is that part of the story?",
        ],
    }
}

impl Debrief {
    /// A new debrief, begun today, with the probing questions for `setback` seeded.
    /// Callers that know the date (imports, tests) overwrite `started_on`.
    pub fn new(title: impl Into<String>, setback: SetbackKind, id: impl Into<String>) -> Self {
        let id = id.into();
        let questions = probing_questions(setback)
            .into_iter()
            .enumerate()
            // Short fixed ids suffice: sub-ids only need to be unique inside this debrief.
            .map(|(i, q)| Probe {
                id: format!("q{}", i + 1),
                question: q.to_owned(),
                ..Probe::default()
            })
            .collect();
        Self {
            id,
            title: title.into(),
            setback,
            started_on: chrono::Local::now().date_naive(),
            questions,
            ..Self::default()
        }
    }

    pub fn can_complete(&self) -> bool {
        self.lessons.iter().any(Lesson::is_actionable)
    }

    /// Marks the debrief finished, or says what is still missing.
    pub fn complete(&mut self) -> Result<(), Invalid> {
        if !self.can_complete() {
            return Err(not_completable());
        }
        self.completed = true;
        self.step = DebriefStep::Done;
        Ok(())
    }

    fn validate_why_tree(&self) -> Result<(), Invalid> {
        check_item_ids("why_tree", self.why_tree.iter().map(|n| n.id.as_str()))?;
        let parent_of: HashMap<&str, Option<&str>> = self
            .why_tree
            .iter()
            .map(|n| (n.id.as_str(), n.parent.as_deref()))
            .collect();
        for (i, node) in self.why_tree.iter().enumerate() {
            let field = format!("why_tree[{i}].parent");
            let Some(parent) = node.parent.as_deref() else {
                continue;
            };
            if parent == node.id {
                return Err(Invalid::new(
                    field,
                    format!(
                        "cause {} is set as its own parent; pick another cause or none",
                        i + 1
                    ),
                ));
            }
            if !parent_of.contains_key(parent) {
                return Err(Invalid::new(
                    field,
                    format!(
                        "cause {} hangs under a cause that is not in this debrief; pick another cause or none",
                        i + 1
                    ),
                ));
            }
            // Walk up from this node; meeting it again means the parents loop. The step
            // bound keeps the walk finite even if the loop does not pass through `node`.
            let mut at = Some(parent);
            for _ in 0..self.why_tree.len() {
                let Some(current) = at else { break };
                if current == node.id {
                    return Err(Invalid::new(
                        field,
                        format!(
                            "cause {} ends up beneath itself through its parents; move it under a cause outside that loop, or to the top",
                            i + 1
                        ),
                    ));
                }
                at = parent_of.get(current).copied().flatten();
            }
        }
        Ok(())
    }
}

fn not_completable() -> Invalid {
    Invalid::new(
        "completed",
        "a debrief is finished once it has at least one lesson turned into an action with a due date; add one under Lessons",
    )
}

impl Record for Debrief {
    const KIND: &'static str = "debrief";
    const PROSE: &'static [&'static str] = &[
        "unload",
        "intent",
        "success_measure",
        "fact",
        "question",
        "evidence",
        "cause",
        "thought",
        "keep",
        "change",
        "lesson",
        "action",
        "success_test",
        "feeling",
        "others_too",
        "kind_word",
    ];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        require(
            "title",
            &self.title,
            "a debrief needs a short name, like 'Leaving Acme'; add one",
        )?;
        check_date("started_on", self.started_on)?;
        if let Some(block) = &self.scheduled {
            let Some(start) = block.start_time() else {
                return Err(Invalid::new(
                    "scheduled.start",
                    format!(
                        "\"{}\" is not a start time; write it as YYYY-MM-DDTHH:MM, for example 2024-03-09T09:30",
                        block.start
                    ),
                ));
            };
            check_date("scheduled.start", start.date())?;
            if !(60..=240).contains(&block.minutes) {
                return Err(Invalid::new(
                    "scheduled.minutes",
                    format!(
                        "{} minutes is outside 60 to 240; the debrief wants a 2 to 3 hour block, pick 120 to 180",
                        block.minutes
                    ),
                ));
            }
        }
        check_item_ids("timeline", self.timeline.iter().map(|e| e.id.as_str()))?;
        for (i, event) in self.timeline.iter().enumerate() {
            check_opt_date(&format!("timeline[{i}].date"), event.date)?;
            if event
                .entry_id
                .as_deref()
                .is_some_and(|e| e.trim().is_empty())
            {
                return Err(Invalid::new(
                    format!("timeline[{i}].entry_id"),
                    format!(
                        "fact {} links to a blank journal entry id; pick an entry or remove the link",
                        i + 1
                    ),
                ));
            }
        }
        check_item_ids("questions", self.questions.iter().map(|q| q.id.as_str()))?;
        for (i, probe) in self.questions.iter().enumerate() {
            if let Some(r) = probe.rating
                && !(1..=5).contains(&r)
            {
                return Err(Invalid::new(
                    format!("questions[{i}].rating"),
                    format!(
                        "{r} is not a rating between 1 (not at all) and 5 (very much); pick 1 to 5"
                    ),
                ));
            }
        }
        self.validate_why_tree()?;
        for (field, value) in [
            ("hot_thought.before", self.hot_thought.before),
            ("hot_thought.after", self.hot_thought.after),
        ] {
            if let Some(v) = value
                && v > 100
            {
                return Err(Invalid::new(
                    field,
                    format!("{v} is more than 100; rate how strongly you believe it from 0 to 100"),
                ));
            }
        }
        if self.lessons.len() > MAX_LESSONS {
            return Err(Invalid::new(
                "lessons",
                format!(
                    "{} lessons is more than {MAX_LESSONS}; keep the one to three that matter most",
                    self.lessons.len()
                ),
            ));
        }
        check_item_ids("lessons", self.lessons.iter().map(|l| l.id.as_str()))?;
        for (id, day) in &self.actions_done {
            check_date(&format!("actions_done.{id}"), *day)?;
        }
        for (i, lesson) in self.lessons.iter().enumerate() {
            check_opt_date(&format!("lessons[{i}].due"), lesson.due)?;
        }
        if self.completed && !self.can_complete() {
            return Err(not_completable());
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::of(self.started_on)
    }

    fn sort_key(&self) -> String {
        ymd(self.started_on)
    }

    fn title(&self) -> String {
        first_line(&self.title, super::TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![
            &self.title,
            &self.unload,
            &self.intent,
            &self.success_measure,
        ];
        parts.extend(self.timeline.iter().map(|e| e.fact.as_str()));
        for probe in &self.questions {
            parts.extend([probe.question.as_str(), &probe.evidence]);
        }
        for node in &self.why_tree {
            parts.extend([node.cause.as_str(), &node.evidence]);
        }
        parts.extend([self.hot_thought.thought.as_str(), &self.keep, &self.change]);
        for lesson in &self.lessons {
            parts.extend([lesson.lesson.as_str(), &lesson.action, &lesson.success_test]);
        }
        parts.extend([
            self.close.feeling.as_str(),
            &self.close.others_too,
            &self.close.kind_word,
        ]);
        join_text(parts)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    pub(super) fn debrief() -> Debrief {
        Debrief {
            started_on: d(2024, 3, 1),
            ..Debrief::new("Leaving Acme", SetbackKind::LetGo, "db1")
        }
    }

    pub(super) fn node(id: &str, parent: Option<&str>) -> WhyNode {
        WhyNode {
            id: id.into(),
            parent: parent.map(Into::into),
            cause: format!("cause {id}"),
            ..WhyNode::default()
        }
    }

    fn lesson(action: &str, due: Option<Date>) -> Lesson {
        Lesson {
            id: "l1".into(),
            lesson: "I quit my day job too soon".into(),
            action: action.into(),
            due,
            success_test: "three months of runway saved".into(),
        }
    }

    pub(super) fn full() -> Debrief {
        Debrief {
            scheduled: Some(Block {
                start: "2024-03-09T09:30".into(),
                minutes: 150,
            }),
            step: DebriefStep::Close,
            unload: "It all went so fast.".into(),
            intent: "Grow the shop to 100 orders a month.".into(),
            success_measure: "Orders per month.".into(),
            timeline: vec![
                TimelineEvent {
                    id: "t1".into(),
                    date: Some(d(2023, 6, 1)),
                    fact: "Quit my job".into(),
                    entry_id: Some("e9".into()),
                },
                TimelineEvent {
                    id: "t2".into(),
                    date: None,
                    fact: "Ran out of money".into(),
                    entry_id: None,
                },
            ],
            why_tree: vec![
                WhyNode {
                    control: Control::Within,
                    evidence: "Bank statements".into(),
                    ..node("a", None)
                },
                node("b", Some("a")),
                WhyNode {
                    control: Control::Outside,
                    ..node("c", None)
                },
                node("d", Some("b")),
            ],
            hot_thought: HotThought {
                thought: "I'm unemployable".into(),
                before: Some(90),
                after: Some(40),
            },
            keep: "Talking to customers early".into(),
            change: "Save before leaping".into(),
            lessons: vec![lesson("Save six months of expenses", Some(d(2024, 9, 1)))],
            close: Close {
                feeling: "Ashamed, and relieved".into(),
                others_too: "Most first businesses fail".into(),
                kind_word: "You tried something brave".into(),
            },
            ..debrief()
        }
    }

    #[test]
    fn a_new_debrief_is_seeded_with_the_probing_questions_for_its_kind() {
        let db = Debrief::new("x", SetbackKind::BusinessFolded, "id");
        let expected = probing_questions(SetbackKind::BusinessFolded);
        assert_eq!(db.questions.len(), expected.len());
        assert_eq!(db.questions[0].question, expected[0]);
        assert_eq!(db.step, DebriefStep::Unload);
        assert!(!db.completed);
        assert_eq!(db.validate(), Ok(()));
    }

    #[test]
    fn every_kind_gets_the_seven_article_questions_in_its_own_words() {
        let all: Vec<_> = SetbackKind::ALL
            .iter()
            .map(|k| probing_questions(*k))
            .collect();
        for qs in &all {
            assert_eq!(qs.len(), 7);
            assert!(qs[6].starts_with("Maybe you don't love"));
            assert!(qs[5].contains("disagreement"));
        }
        assert_ne!(all[0], all[1]);
    }

    #[test]
    fn a_debrief_cannot_be_completed_without_a_dated_action() {
        let mut db = debrief();
        db.completed = true;
        assert_eq!(
            db.validate().unwrap_err().to_string(),
            "completed: a debrief is finished once it has at least one lesson turned into an action with a due date; add one under Lessons"
        );
        db.lessons = vec![lesson("", Some(d(2024, 4, 1)))];
        assert!(db.validate().is_err(), "action missing");
        db.lessons = vec![lesson("Update CV", None)];
        assert!(db.validate().is_err(), "due date missing");
        db.lessons = vec![lesson("Update CV", Some(d(2024, 4, 1)))];
        assert_eq!(db.validate(), Ok(()));
    }

    #[test]
    fn complete_refuses_then_marks_done_once_a_lesson_is_actionable() {
        let mut db = debrief();
        assert!(db.complete().is_err());
        assert!(!db.completed);
        db.lessons.push(lesson("Update CV", Some(d(2024, 4, 1))));
        assert_eq!(db.complete(), Ok(()));
        assert!(db.completed);
        assert_eq!(db.step, DebriefStep::Done);
    }

    #[test]
    fn more_than_three_lessons_are_refused() {
        let mut db = debrief();
        db.lessons = (0..4)
            .map(|i| Lesson {
                id: format!("l{i}"),
                ..Lesson::default()
            })
            .collect();
        assert_eq!(db.validate().unwrap_err().field, "lessons");
        db.lessons.pop();
        assert_eq!(db.validate(), Ok(()));
    }

    #[test]
    fn a_why_tree_with_several_roots_is_accepted() {
        assert_eq!(full().validate(), Ok(()));
    }

    #[test]
    fn a_cause_that_is_its_own_parent_is_refused() {
        let db = Debrief {
            why_tree: vec![node("a", Some("a"))],
            ..debrief()
        };
        let err = db.validate().unwrap_err();
        assert_eq!(err.field, "why_tree[0].parent");
        assert!(err.message.contains("own parent"), "{err}");
    }

    #[test]
    fn a_loop_of_parents_in_the_why_tree_is_refused() {
        let db = Debrief {
            why_tree: vec![
                node("root", None),
                node("a", Some("c")),
                node("b", Some("a")),
                node("c", Some("b")),
            ],
            ..debrief()
        };
        let err = db.validate().unwrap_err();
        assert_eq!(err.field, "why_tree[1].parent");
        assert!(err.message.contains("beneath itself"), "{err}");
    }

    #[test]
    fn a_parent_outside_the_debrief_is_refused() {
        let db = Debrief {
            why_tree: vec![node("a", Some("elsewhere"))],
            ..debrief()
        };
        assert_eq!(db.validate().unwrap_err().field, "why_tree[0].parent");
    }

    #[test]
    fn repeated_sub_item_ids_are_refused_in_every_list() {
        let mut db = full();
        db.timeline[1].id = "t1".into();
        assert_eq!(db.validate().unwrap_err().field, "timeline[1].id");
        let mut db = full();
        db.questions[1].id = db.questions[0].id.clone();
        assert_eq!(db.validate().unwrap_err().field, "questions[1].id");
        let mut db = full();
        db.why_tree[2].id = "a".into();
        assert_eq!(db.validate().unwrap_err().field, "why_tree[2].id");
    }

    #[test]
    fn question_ratings_must_be_one_to_five() {
        let mut db = debrief();
        db.questions[2].rating = Some(6);
        assert_eq!(db.validate().unwrap_err().field, "questions[2].rating");
        db.questions[2].rating = Some(0);
        assert!(db.validate().is_err());
        db.questions[2].rating = Some(5);
        assert_eq!(db.validate(), Ok(()));
    }

    #[test]
    fn hot_thought_beliefs_above_one_hundred_are_refused() {
        let mut db = debrief();
        db.hot_thought.before = Some(101);
        assert_eq!(db.validate().unwrap_err().field, "hot_thought.before");
        db.hot_thought.before = Some(100);
        db.hot_thought.after = Some(0);
        assert_eq!(db.validate(), Ok(()));
        db.hot_thought.after = Some(200);
        assert_eq!(db.validate().unwrap_err().field, "hot_thought.after");
    }

    #[test]
    fn the_block_must_be_a_start_time_and_two_to_three_hours_or_so() {
        let with = |start: &str, minutes| Debrief {
            scheduled: Some(Block {
                start: start.into(),
                minutes,
            }),
            ..debrief()
        };
        assert_eq!(
            with("2024-03-09 09:30", 120).validate().unwrap_err().field,
            "scheduled.start"
        );
        assert_eq!(
            with("2024-03-09T09:30:00", 120)
                .validate()
                .unwrap_err()
                .field,
            "scheduled.start"
        );
        assert_eq!(
            with("2024-03-09T09:30", 59).validate().unwrap_err().field,
            "scheduled.minutes"
        );
        assert_eq!(
            with("2024-03-09T09:30", 241).validate().unwrap_err().field,
            "scheduled.minutes"
        );
        assert_eq!(with("2024-03-09T09:30", 60).validate(), Ok(()));
        assert_eq!(with("2024-03-09T09:30", 240).validate(), Ok(()));
    }

    #[test]
    fn a_debrief_without_a_title_is_refused() {
        let db = Debrief {
            title: "  ".into(),
            ..debrief()
        };
        assert_eq!(db.validate().unwrap_err().field, "title");
    }

    #[test]
    fn steps_advance_in_order_and_stop_at_done() {
        assert_eq!(DebriefStep::Unload.next(), DebriefStep::Intent);
        assert_eq!(DebriefStep::Close.next(), DebriefStep::Done);
        assert_eq!(DebriefStep::Done.next(), DebriefStep::Done);
    }
    #[test]
    fn a_full_debrief_survives_a_json_round_trip() {
        let db = full();
        let json = serde_json::to_string(&db).unwrap();
        let back: Debrief = serde_json::from_str(&json).unwrap();
        assert_eq!(back, db);
        assert!(json.contains(r#""step":"close""#), "{json}");
        assert!(json.contains(r#""control":"within""#), "{json}");
        assert!(json.contains(r#""setback":"let_go""#), "{json}");
        assert!(json.contains(r#""due":"2024-09-01""#), "{json}");
    }

    #[test]
    fn an_old_debrief_missing_later_fields_still_reads() {
        let db: Debrief =
            serde_json::from_str(r#"{"id":"x","title":"Old","setback":"stalled","started_on":"2020-01-01","unknown_future_field":1}"#)
                .unwrap();
        assert_eq!(db.step, DebriefStep::Unload);
        assert!(db.lessons.is_empty());
        assert_eq!(db.validate(), Ok(()));
    }

    #[test]
    fn search_text_holds_the_words_of_every_step() {
        let text = full().search_text();
        for w in [
            "Leaving Acme",
            "Quit my job",
            "cause d",
            "I'm unemployable",
            "Save six months",
            "brave",
        ] {
            assert!(text.contains(w), "{w}");
        }
    }
}
