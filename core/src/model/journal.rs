//! The setback profile and the journal underneath the four steps: entries, mood
//! check-ins and the worries parked for worry time.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Date, Home, Invalid, Record, TITLE_CHARS, check_date, check_id, check_mood, check_order,
    first_line, join_text, require, ymd,
};

/// The profile is a singleton: every device must write the same record, not its own.
pub const PROFILE_ID: &str = "profile";

pub const MAX_TAG_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SetbackKind {
    #[default]
    LetGo,
    BusinessFolded,
    ProjectRejected,
    Stalled,
}

impl SetbackKind {
    pub const ALL: [SetbackKind; 4] = [
        Self::LetGo,
        Self::BusinessFolded,
        Self::ProjectRejected,
        Self::Stalled,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::LetGo => "Let go",
            Self::BusinessFolded => "Business folded",
            Self::ProjectRejected => "Project rejected",
            Self::Stalled => "Stalled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Profile {
    pub id: String,
    pub setback: SetbackKind,
    pub happened_on: Date,
    /// The date the user wants to be "back on their feet" by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_by: Option<Date>,
    pub what_happened: String,
    /// End of the grief window; after it the app moves the user on to reaching out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grief_ends_on: Option<Date>,
    /// Daily worry time as "HH:MM" (24-hour, local).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worry_time: Option<String>,
    pub worry_minutes: u32,
    /// The "I've moved on from X and I'm looking at Y" draft.
    pub announcement: String,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            id: PROFILE_ID.to_owned(),
            setback: SetbackKind::default(),
            happened_on: Date::default(),
            back_by: None,
            what_happened: String::new(),
            grief_ends_on: None,
            worry_time: None,
            worry_minutes: 15,
            announcement: String::new(),
        }
    }
}

impl Profile {
    pub fn new(setback: SetbackKind, happened_on: Date) -> Self {
        Self {
            setback,
            happened_on,
            ..Self::default()
        }
    }

    /// Whether the chosen grief window has ended by `today` (false when none is chosen).
    pub fn grief_window_over(&self, today: Date) -> bool {
        self.grief_ends_on.is_some_and(|end| today > end)
    }

    /// The worry time as a clock time, if set and well formed.
    pub fn worry_time_of_day(&self) -> Option<chrono::NaiveTime> {
        self.worry_time.as_deref().and_then(parse_hh_mm)
    }
}

/// A clock time written "HH:MM" (24-hour), as the profile's worry time and the reminder
/// settings keep it; anything else (`9:5`, `09:05:00`, `25:00`) is `None`.
pub fn parse_hh_mm(s: &str) -> Option<chrono::NaiveTime> {
    // Exactly five characters, so "9:5" or "09:05:00" are not silently accepted.
    if s.len() != 5 {
        return None;
    }
    chrono::NaiveTime::parse_from_str(s, "%H:%M").ok()
}

impl Record for Profile {
    const KIND: &'static str = "profile";
    const PROSE: &'static [&'static str] = &["what_happened", "announcement"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        if self.id != PROFILE_ID {
            return Err(Invalid::new(
                "id",
                format!("the profile is a single record whose id is \"{PROFILE_ID}\"; use that id"),
            ));
        }
        check_date("happened_on", self.happened_on)?;
        if let Some(back_by) = self.back_by {
            check_date("back_by", back_by)?;
            check_order("back_by", back_by, "happened_on", self.happened_on)?;
        }
        if let Some(end) = self.grief_ends_on {
            check_date("grief_ends_on", end)?;
            check_order("grief_ends_on", end, "happened_on", self.happened_on)?;
        }
        if let Some(t) = &self.worry_time
            && parse_hh_mm(t).is_none()
        {
            return Err(Invalid::new(
                "worry_time",
                format!("\"{t}\" is not a time of day; write it as HH:MM, for example 18:30"),
            ));
        }
        if !(5..=60).contains(&self.worry_minutes) {
            return Err(Invalid::new(
                "worry_minutes",
                format!(
                    "{} minutes is outside 5 to 60; worry time works best short, pick 5 to 60",
                    self.worry_minutes
                ),
            ));
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    fn sort_key(&self) -> String {
        ymd(self.happened_on)
    }

    fn title(&self) -> String {
        format!("{} on {}", self.setback.label(), ymd(self.happened_on))
    }

    fn search_text(&self) -> String {
        join_text([self.what_happened.as_str(), &self.announcement])
    }
}

/// A journal entry; there may be several a day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Entry {
    pub id: String,
    pub date: Date,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mood: Option<u8>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// When it was written (unix millis); orders several entries on one day.
    #[ts(type = "number")]
    pub created_ms: i64,
    /// What the journal this entry was imported from recorded that Comeback has no field
    /// for (Day One's starred flag, location, weather, time zone…), by that journal's
    /// name: kept, never dropped, and written back by an export.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[ts(type = "Record<string, unknown>")]
    pub imported: serde_json::Map<String, serde_json::Value>,
}

/// Tags as the user types them ("#Job Search ") become one canonical form ("job-search"),
/// so the same tag typed on two devices is one tag.
pub fn normalise_tag(tag: &str) -> String {
    let tag = tag.trim();
    let tag = tag.strip_prefix('#').unwrap_or(tag);
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

impl Entry {
    /// Normalises every tag and drops blanks and repeats, keeping the first-seen order.
    /// Call before `validate`; the text itself is left exactly as written.
    pub fn normalise(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.tags = std::mem::take(&mut self.tags)
            .iter()
            .map(|t| normalise_tag(t))
            .filter(|t| !t.is_empty() && seen.insert(t.clone()))
            .collect();
    }
}

impl Record for Entry {
    const KIND: &'static str = "entry";
    const PROSE: &'static [&'static str] = &["text"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_date("date", self.date)?;
        require(
            "text",
            &self.text,
            "an entry needs some words; write at least one",
        )?;
        if let Some(mood) = self.mood {
            check_mood("mood", mood)?;
        }
        for tag in &self.tags {
            if tag.trim().is_empty() {
                return Err(Invalid::new("tags", "one tag is blank; remove it"));
            }
            if tag.chars().any(char::is_whitespace) {
                return Err(Invalid::new(
                    "tags",
                    format!("\"{tag}\" has a space in it; use a dash instead, like job-search"),
                ));
            }
            if tag.chars().count() > MAX_TAG_CHARS {
                return Err(Invalid::new(
                    "tags",
                    format!("\"{tag}\" is longer than {MAX_TAG_CHARS} characters; shorten it"),
                ));
            }
            if *tag != normalise_tag(tag) {
                return Err(Invalid::new(
                    "tags",
                    format!(
                        "\"{tag}\" is not how tags are kept (lower case, no #); write it as \"{}\"",
                        normalise_tag(tag)
                    ),
                ));
            }
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    /// "YYYY-MM-DD" then "T" and the zero-padded `created_ms`, so entries of one day keep
    /// the order they were written in; the date prefix alone still sorts and filters by day.
    fn sort_key(&self) -> String {
        format!("{}T{:016}", ymd(self.date), self.created_ms.max(0))
    }

    fn title(&self) -> String {
        first_line(&self.text, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text(std::iter::once(self.text.as_str()).chain(self.tags.iter().map(String::as_str)))
    }
}

/// A quick 1–5 mood rating, for the trend chart and the low-mood nudge.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct MoodCheckIn {
    pub id: String,
    pub date: Date,
    pub mood: u8,
    pub note: String,
}

impl Record for MoodCheckIn {
    const KIND: &'static str = "mood";
    const PROSE: &'static [&'static str] = &["note"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_date("date", self.date)?;
        check_mood("mood", self.mood)
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
            format!("Mood {}/5", self.mood)
        } else {
            format!("Mood {}/5: {note}", self.mood)
        }
    }

    fn search_text(&self) -> String {
        join_text([self.note.as_str()])
    }
}

/// A worry captured outside worry time, waiting in the inbox until then.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Worry {
    pub id: String,
    pub date: Date,
    pub text: String,
    pub resolved: bool,
}

impl Record for Worry {
    const KIND: &'static str = "worry";
    const PROSE: &'static [&'static str] = &["text"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_date("date", self.date)?;
        require(
            "text",
            &self.text,
            "a worry needs some words; write what is on your mind",
        )
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    fn sort_key(&self) -> String {
        ymd(self.date)
    }

    fn title(&self) -> String {
        first_line(&self.text, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text([self.text.as_str()])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    fn entry(text: &str) -> Entry {
        Entry {
            id: "e1".into(),
            date: d(2024, 3, 5),
            text: text.into(),
            ..Entry::default()
        }
    }

    #[test]
    fn a_mood_of_nine_is_refused_with_a_message() {
        let e = Entry {
            mood: Some(9),
            ..entry("ok")
        };
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "mood: 9 is not a mood between 1 (low) and 5 (good); pick 1 to 5"
        );
        assert!(
            Entry {
                mood: Some(0),
                ..entry("ok")
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn moods_one_to_five_and_no_mood_are_accepted() {
        for m in 1..=5 {
            assert_eq!(
                Entry {
                    mood: Some(m),
                    ..entry("ok")
                }
                .validate(),
                Ok(())
            );
        }
        assert_eq!(entry("ok").validate(), Ok(()));
    }

    #[test]
    fn an_entry_of_only_spaces_is_refused() {
        assert_eq!(
            entry("  \n ").validate().unwrap_err().to_string(),
            "text: an entry needs some words; write at least one"
        );
    }

    #[test]
    fn an_entry_without_an_id_is_refused() {
        let e = Entry {
            id: " ".into(),
            ..entry("ok")
        };
        assert_eq!(e.validate().unwrap_err().field, "id");
    }

    #[test]
    fn normalise_turns_typed_tags_into_one_lowercase_form_without_repeats() {
        let mut e = entry("ok");
        e.tags = vec![
            "#Job Search ".into(),
            "job-search".into(),
            "  ".into(),
            "Grief".into(),
        ];
        e.normalise();
        assert_eq!(e.tags, vec!["job-search", "grief"]);
        assert_eq!(e.validate(), Ok(()));
    }

    #[test]
    fn tags_with_spaces_capitals_or_too_many_characters_are_refused() {
        for bad in ["job search", "Grief", "", &"x".repeat(41)] {
            let e = Entry {
                tags: vec![bad.to_owned()],
                ..entry("ok")
            };
            assert_eq!(e.validate().unwrap_err().field, "tags", "{bad:?}");
        }
        let ok = Entry {
            tags: vec!["x".repeat(40)],
            ..entry("ok")
        };
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn entries_live_in_the_month_document_of_their_date() {
        assert_eq!(entry("ok").home().doc_id(), "journal-2024-03");
        let m = MoodCheckIn {
            id: "m".into(),
            date: d(2023, 12, 31),
            mood: 3,
            note: String::new(),
        };
        assert_eq!(m.home().doc_id(), "journal-2023-12");
    }

    #[test]
    fn entries_of_one_day_sort_in_the_order_they_were_written() {
        let early = Entry {
            created_ms: 9_000,
            ..entry("a")
        };
        let late = Entry {
            created_ms: 10_000,
            ..entry("b")
        };
        assert!(early.sort_key() < late.sort_key());
        assert!(early.sort_key().starts_with("2024-03-05"));
        let next_day = Entry {
            date: d(2024, 3, 6),
            created_ms: 0,
            ..entry("c")
        };
        assert!(late.sort_key() < next_day.sort_key());
    }

    #[test]
    fn an_entry_title_is_its_first_line_and_search_sees_text_and_tags() {
        let e = Entry {
            tags: vec!["grief".into()],
            ..entry("\nFirst line\nsecond")
        };
        assert_eq!(e.title(), "First line");
        assert_eq!(e.search_text(), "First line\nsecond\ngrief");
    }

    #[test]
    fn a_mood_check_in_needs_a_mood_from_one_to_five() {
        let m = MoodCheckIn {
            id: "m".into(),
            date: d(2024, 1, 1),
            mood: 0,
            note: String::new(),
        };
        assert_eq!(m.validate().unwrap_err().field, "mood");
        assert_eq!(
            MoodCheckIn {
                mood: 5,
                ..m.clone()
            }
            .validate(),
            Ok(())
        );
        assert_eq!(
            MoodCheckIn {
                mood: 4,
                note: "tired".into(),
                ..m
            }
            .title(),
            "Mood 4/5: tired"
        );
    }

    #[test]
    fn a_blank_worry_is_refused_and_a_written_one_accepted() {
        let w = Worry {
            id: "w".into(),
            date: d(2024, 1, 1),
            text: " ".into(),
            resolved: false,
        };
        assert_eq!(w.validate().unwrap_err().field, "text");
        assert_eq!(
            Worry {
                text: "money".into(),
                ..w
            }
            .validate(),
            Ok(())
        );
    }

    fn profile() -> Profile {
        Profile::new(SetbackKind::LetGo, d(2024, 2, 1))
    }

    #[test]
    fn a_fresh_profile_is_valid_with_fifteen_worry_minutes() {
        let p = profile();
        assert_eq!(p.id, "profile");
        assert_eq!(p.worry_minutes, 15);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn a_profile_with_another_id_is_refused() {
        let p = Profile {
            id: "abc".into(),
            ..profile()
        };
        assert_eq!(p.validate().unwrap_err().field, "id");
    }

    #[test]
    fn a_back_by_date_before_the_setback_is_refused() {
        let p = Profile {
            back_by: Some(d(2024, 1, 31)),
            ..profile()
        };
        let err = p.validate().unwrap_err();
        assert_eq!(err.field, "back_by");
        assert!(err.message.contains("2024-02-01"), "{err}");
        assert_eq!(
            Profile {
                back_by: Some(d(2024, 2, 1)),
                ..profile()
            }
            .validate(),
            Ok(())
        );
    }

    #[test]
    fn a_grief_window_ending_before_the_setback_is_refused() {
        let p = Profile {
            grief_ends_on: Some(d(2024, 1, 1)),
            ..profile()
        };
        assert_eq!(p.validate().unwrap_err().field, "grief_ends_on");
    }

    #[test]
    fn the_grief_window_is_over_only_after_its_end_date() {
        let p = Profile {
            grief_ends_on: Some(d(2024, 2, 14)),
            ..profile()
        };
        assert!(!p.grief_window_over(d(2024, 2, 14)));
        assert!(p.grief_window_over(d(2024, 2, 15)));
        assert!(!profile().grief_window_over(d(2030, 1, 1)));
    }

    #[test]
    fn worry_time_must_be_hh_mm() {
        for bad in ["9:30", "24:00", "18:60", "18:30:00", "evening"] {
            let p = Profile {
                worry_time: Some(bad.into()),
                ..profile()
            };
            assert_eq!(p.validate().unwrap_err().field, "worry_time", "{bad}");
        }
        let p = Profile {
            worry_time: Some("18:30".into()),
            ..profile()
        };
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(
            p.worry_time_of_day(),
            chrono::NaiveTime::from_hms_opt(18, 30, 0)
        );
    }

    #[test]
    fn worry_minutes_outside_five_to_sixty_are_refused() {
        for (m, ok) in [(4, false), (5, true), (60, true), (61, false)] {
            let p = Profile {
                worry_minutes: m,
                ..profile()
            };
            assert_eq!(p.validate().is_ok(), ok, "{m}");
        }
    }

    #[test]
    fn an_old_profile_without_worry_minutes_reads_as_fifteen() {
        let p: Profile = serde_json::from_str(
            r#"{"id":"profile","setback":"stalled","happened_on":"2024-01-02"}"#,
        )
        .unwrap();
        assert_eq!(p.worry_minutes, 15);
        assert_eq!(p.setback, SetbackKind::Stalled);
        assert_eq!(p.validate(), Ok(()));
    }
}
