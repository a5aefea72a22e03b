//! A seeded ten-year journal, for benchmarks and tests.
//!
//! The same seed always gives the same vault contents (ids and actor aside): 3,650 days
//! of about 1.5 entries a day, each about 250 words of varied prose typed as a few
//! debounced edits (each edit one commit, as the editor would save after a pause), plus
//! the rest of the model at the sizes a long-time user reaches. Everything goes through
//! the real write path, so what is measured is what a user gets.

use chrono::Duration;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Result;
use crate::model::{
    self, BragCategory, Contact, Date, Debrief, Entry, EventKind, ItemKind, Lesson, MoodCheckIn,
    Outreach, PipelineItem, Project, SetbackKind, Stage, Tie, TimeLog, Win,
};
use crate::vault::Vault;

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub start: Date,
    pub days: u32,
    /// Average entries per day (each day gets 1 or 2).
    pub entries_per_day: f64,
    pub words_per_entry: usize,
    /// Saves per entry while it is being typed (the last one is the whole text).
    pub edits_per_entry: usize,
    pub contacts: usize,
    pub outreach: usize,
    pub pipeline_items: usize,
    pub projects: usize,
    pub time_logs: usize,
    pub debriefs: usize,
    pub wins: usize,
    pub mood_check_ins: usize,
}

impl Plan {
    /// The ten-year journal of the benchmarks.
    pub fn ten_years() -> Self {
        Self {
            start: Date::from_ymd_opt(2016, 1, 1).unwrap_or_default(),
            days: 3650,
            entries_per_day: 1.5,
            words_per_entry: 250,
            edits_per_entry: 3,
            contacts: 500,
            outreach: 2000,
            pipeline_items: 200,
            projects: 12,
            time_logs: 3000,
            debriefs: 20,
            wins: 300,
            mood_check_ins: 1000,
        }
    }

    /// The same shape at a fraction of the size, for tests.
    pub fn scaled(fraction: f64) -> Self {
        let t = Self::ten_years();
        let s = |n: usize| ((n as f64 * fraction).ceil() as usize).max(1);
        Self {
            days: s(t.days as usize) as u32,
            contacts: s(t.contacts),
            outreach: s(t.outreach),
            pipeline_items: s(t.pipeline_items),
            projects: s(t.projects),
            time_logs: s(t.time_logs),
            debriefs: s(t.debriefs),
            wins: s(t.wins),
            mood_check_ins: s(t.mood_check_ins),
            ..t
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub entries: usize,
    pub records: usize,
    pub commits: usize,
    /// Bytes of the human text written, as a plain-text dump would hold it.
    pub text_bytes: usize,
}

const OPENERS: &[&str] = &[
    "This morning",
    "Late tonight",
    "After the call",
    "On the bus",
    "Over coffee",
    "Between applications",
    "Walking the dog",
    "At the library",
    "Before lunch",
    "While the kettle boiled",
    "Out on a run",
    "In the quiet after dinner",
];
const SUBJECTS: &[&str] = &[
    "I",
    "my old manager",
    "a friend from the meetup",
    "the recruiter",
    "my sister",
    "the hiring panel",
    "a former colleague",
    "the mentor I met in March",
    "my partner",
    "someone at the workshop",
    "the founder I had coffee with",
    "my neighbour",
];
const VERBS: &[&str] = &[
    "thought about",
    "wrote down",
    "talked through",
    "kept coming back to",
    "finally admitted",
    "laughed about",
    "worried over",
    "made a plan for",
    "sketched out",
    "reread",
    "questioned",
    "celebrated",
];
const OBJECTS: &[&str] = &[
    "the way the project ended",
    "what I actually want from the next role",
    "the portfolio page",
    "the side project's first users",
    "the interview questions",
    "how much time I spent on email",
    "the goals I set in January",
    "the layoff letter",
    "my savings runway",
    "the course on data engineering",
    "the lessons from the debrief",
    "a list of people I have not called in years",
    "the offer that fell through",
    "the feedback from the design review",
    "the hours I logged this week",
];
const CLAUSES: &[&str] = &[
    "and it felt lighter than yesterday",
    "even though part of me still resists it",
    "which surprised me",
    "and I want to remember this",
    "but the doubt came back by noon",
    "and I noticed I slept better",
    "so I blocked two hours for it tomorrow",
    "because the evidence says otherwise",
    "and nobody seemed to mind",
    "while the rain kept on",
    "and I wrote the next step on a card",
    "though I am not sure it matters yet",
];
const REFLECTIONS: &[&str] = &[
    "Small steps still count.",
    "The harsh verdict from last week looks less true now.",
    "I am allowed to rest without earning it.",
    "Reaching out was easier than I feared.",
    "The numbers are better than the story I tell myself.",
    "Tomorrow I will send two messages before checking the news.",
    "Others have been here and found their way.",
    "I learned more than I lost.",
];
const TAGS: &[&str] = &[
    "job-search",
    "debrief",
    "network",
    "side-project",
    "health",
    "family",
    "money",
    "learning",
    "interview",
    "gratitude",
    "mood",
    "planning",
];
const NAMES: &[&str] = &[
    "Alex", "Sam", "Priya", "Jonas", "Maria", "Chen", "Fatima", "Lukas", "Aisha", "Tom", "Ines",
    "Kenji", "Olga", "Diego", "Mei", "Noah", "Sara", "Omar", "Lena", "Ravi",
];
const SURNAMES: &[&str] = &[
    "Berg", "Okafor", "Silva", "Nakamura", "Haddad", "Kowalski", "Moreau", "Singh", "Larsen",
    "Costa", "Novak", "Reyes", "Weber", "Ahmed", "Murphy", "Rossi",
];
const ORGS: &[&str] = &[
    "Northwind",
    "Acme Labs",
    "Blue Harbor",
    "Foxglove",
    "Tiller & Co",
    "Quanta",
    "Riverbank Health",
    "Lumen Studio",
    "Openfield",
    "Cobalt Systems",
];

/// Varied prose from a seeded generator.
pub struct Prose {
    rng: ChaCha8Rng,
}

impl Prose {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        list.choose(&mut self.rng).copied().unwrap_or("")
    }

    pub fn sentence(&mut self) -> String {
        if self.rng.random_bool(0.15) {
            return self.pick(REFLECTIONS).to_string();
        }
        let opener = self.pick(OPENERS);
        let subject = self.pick(SUBJECTS);
        let verb = self.pick(VERBS);
        let object = self.pick(OBJECTS);
        let clause = self.pick(CLAUSES);
        format!("{opener} {subject} {verb} {object}, {clause}.")
    }

    /// About `words` words in paragraphs of three to five sentences.
    pub fn text(&mut self, words: usize) -> String {
        let mut out = String::new();
        let mut count = 0;
        let mut in_paragraph = 0;
        let mut paragraph_len = self.rng.random_range(3..=5);
        while count < words {
            let s = self.sentence();
            count += s.split_whitespace().count();
            if !out.is_empty() {
                out.push_str(if in_paragraph == 0 { "\n\n" } else { " " });
            }
            out.push_str(&s);
            in_paragraph += 1;
            if in_paragraph == paragraph_len {
                in_paragraph = 0;
                paragraph_len = self.rng.random_range(3..=5);
            }
        }
        out
    }

    pub fn name(&mut self) -> String {
        format!("{} {}", self.pick(NAMES), self.pick(SURNAMES))
    }

    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }
}

/// Fills `vault` according to `plan`; `progress` hears a phase name and a count now and then.
pub fn fill(
    vault: &mut Vault,
    plan: &Plan,
    seed: u64,
    mut progress: impl FnMut(&str, usize),
) -> Result<Summary> {
    let mut p = Prose::new(seed);
    let mut sum = Summary::default();
    let mut created_ms: i64 = 1_451_606_400_000; // 2016-01-01, so stamps are reproducible

    // The journal: typed as debounced saves.
    for day in 0..plan.days {
        let date = plan.start + Duration::days(day as i64);
        let extra = plan.entries_per_day - 1.0;
        let n = 1 + usize::from(p.rng().random_bool(extra.clamp(0.0, 1.0)));
        for _ in 0..n {
            created_ms += 3_600_000;
            let text = p.text(plan.words_per_entry);
            let mood = p.rng().random_range(1..=5u8);
            let tags: Vec<String> = (0..p.rng().random_range(0..=3))
                .map(|_| p.pick(TAGS).to_string())
                .collect();
            let mut entry = Entry {
                id: model::new_id(),
                date,
                text: String::new(),
                mood: Some(mood),
                tags,
                created_ms,
                imported: Default::default(),
            };
            entry.normalise();
            let words: Vec<&str> = text.split(' ').collect();
            let edits = plan.edits_per_entry.max(1);
            for k in 1..=edits {
                let upto = words.len() * k / edits;
                entry.text = words[..upto.max(1)].join(" ");
                vault.put(&entry)?;
                sum.commits += 1;
            }
            sum.text_bytes += text.len();
            sum.entries += 1;
            sum.records += 1;
        }
        if day % 365 == 0 {
            progress("journal", sum.entries);
        }
    }

    for i in 0..plan.mood_check_ins {
        let date = plan.start
            + Duration::days((i as i64 * plan.days as i64) / plan.mood_check_ins.max(1) as i64);
        let note = p.sentence();
        sum.text_bytes += note.len();
        vault.put(&MoodCheckIn {
            id: model::new_id(),
            date,
            mood: p.rng().random_range(1..=5u8),
            note,
        })?;
        sum.records += 1;
        sum.commits += 1;
    }
    progress("moods", plan.mood_check_ins);

    let end = plan.start + Duration::days(plan.days as i64);
    let mut contacts = Vec::new();
    for _ in 0..plan.contacts {
        let tie = *[Tie::Often, Tie::Occasionally, Tie::Rarely]
            .choose(p.rng())
            .unwrap_or(&Tie::Rarely);
        let c = Contact {
            id: model::new_id(),
            name: p.name(),
            how_known: format!("worked together at {}", p.pick(ORGS)),
            tie,
            cadence_days: None,
            last_contact: None,
            notes: p.sentence(),
        };
        sum.text_bytes += c.name.len() + c.how_known.len() + c.notes.len();
        vault.put(&c)?;
        contacts.push(c.id);
        sum.records += 1;
        sum.commits += 1;
    }
    progress("contacts", plan.contacts);

    for i in 0..plan.outreach {
        let Some(contact_id) = contacts.choose(p.rng()).cloned() else {
            break;
        };
        let date = plan.start
            + Duration::days((i as i64 * plan.days as i64) / plan.outreach.max(1) as i64);
        let o = Outreach {
            id: model::new_id(),
            contact_id,
            date,
            message: p.sentence(),
            reply: if p.rng().random_bool(0.4) {
                p.sentence()
            } else {
                String::new()
            },
            lead: String::new(),
        };
        sum.text_bytes += o.message.len() + o.reply.len();
        vault.put(&o)?;
        sum.records += 1;
        sum.commits += 1;
    }
    progress("outreach", plan.outreach);

    let mut projects = Vec::new();
    for i in 0..plan.projects {
        let pr = Project {
            id: model::new_id(),
            name: format!("Side project {}", i + 1),
            weekly_target_hours: 20.0,
            notes: p.sentence(),
            started_on: plan.start,
            archived: false,
        };
        vault.put(&pr)?;
        projects.push(pr.id);
        sum.records += 1;
        sum.commits += 1;
    }
    for i in 0..plan.time_logs {
        let Some(project_id) = projects.choose(p.rng()).cloned() else {
            break;
        };
        let date = plan.start
            + Duration::days((i as i64 * plan.days as i64) / plan.time_logs.max(1) as i64);
        let t = TimeLog {
            id: model::new_id(),
            project_id,
            date,
            hours: f64::from(p.rng().random_range(1..=16u8)) / 2.0,
            note: p.sentence(),
        };
        sum.text_bytes += t.note.len();
        vault.put(&t)?;
        sum.records += 1;
        sum.commits += 1;
    }
    progress("time logs", plan.time_logs);

    let stages = [
        Stage::Saved,
        Stage::Applied,
        Stage::Screen,
        Stage::Interview,
        Stage::Offer,
        Stage::Closed,
    ];
    for i in 0..plan.pipeline_items {
        let stage = *stages.choose(p.rng()).unwrap_or(&Stage::Saved);
        let item = PipelineItem {
            id: model::new_id(),
            kind: *[ItemKind::Job, ItemKind::Freelance, ItemKind::Business]
                .choose(p.rng())
                .unwrap_or(&ItemKind::Job),
            title: format!("Role {} at {}", i + 1, p.pick(ORGS)),
            org: p.pick(ORGS).to_string(),
            stage,
            closed_reason: (stage == Stage::Closed).then(|| "took another path".to_string()),
            stage_changed_on: end - Duration::days(p.rng().random_range(0..400)),
            notes: p.text(60),
            premortem: p.text(40),
            ..Default::default()
        };
        sum.text_bytes += item.notes.len() + item.premortem.len();
        vault.put(&item)?;
        sum.records += 1;
        sum.commits += 1;
    }
    progress("pipeline", plan.pipeline_items);

    for i in 0..plan.wins {
        let w = Win {
            id: model::new_id(),
            date: plan.start
                + Duration::days((i as i64 * plan.days as i64) / plan.wins.max(1) as i64),
            title: format!("Win {}", i + 1),
            category: *[
                BragCategory::Projects,
                BragCategory::DesignWriting,
                BragCategory::CollaborationMentoring,
                BragCategory::OutsideJob,
            ]
            .choose(p.rng())
            .unwrap_or(&BragCategory::Projects),
            text: p.text(40),
        };
        sum.text_bytes += w.text.len();
        vault.put(&w)?;
        sum.records += 1;
        sum.commits += 1;
    }
    progress("wins", plan.wins);

    for i in 0..plan.debriefs {
        let mut d = Debrief::new(
            format!("Debrief {}", i + 1),
            SetbackKind::LetGo,
            model::new_id(),
        );
        d.started_on = plan.start
            + Duration::days((i as i64 * plan.days as i64) / plan.debriefs.max(1) as i64);
        // Saved after every step, as the guided flow does.
        d.unload = p.text(300);
        vault.put(&d)?;
        d.intent = p.text(80);
        d.success_measure = p.text(30);
        vault.put(&d)?;
        for q in d.questions.iter_mut() {
            q.rating = Some(p.rng().random_range(1..=5));
            q.evidence = p.text(30);
        }
        vault.put(&d)?;
        d.hot_thought.thought = "I'm unemployable".into();
        d.hot_thought.before = Some(90);
        d.hot_thought.after = Some(40);
        d.lessons.push(Lesson {
            id: model::new_id(),
            lesson: p.sentence(),
            action: p.sentence(),
            due: Some(d.started_on + Duration::days(30)),
            success_test: p.sentence(),
        });
        vault.put(&d)?;
        d.complete()?;
        vault.put(&d)?;
        sum.text_bytes += d.to_markdown().len();
        sum.records += 1;
        sum.commits += 5;
    }
    progress("debriefs", plan.debriefs);
    let _ = EventKind::Meetup;
    Ok(sum)
}
