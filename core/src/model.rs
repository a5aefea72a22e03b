//! The domain model: every record Comeback keeps (profile, journal, debrief, network,
//! projects, pipeline, stories) as plain serde types, and the rules a record must meet
//! before it is written. It owns no storage: it promises only that `validate` refuses
//! anything another device or a later version could not make sense of, with a message
//! that names the field and says what to do, and that every record says where it lives
//! (`Home`), how screens sort it, and what text search should see. Nothing here does
//! IO; the one impure call is `new_id`, which asks the OS for randomness.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

mod attachment;
mod debrief;
mod device;
mod journal;
mod mojo;
mod network;
mod next_move;

pub use attachment::{
    Attachment, MAX_ATTACHMENT_BYTES, MAX_FILE_NAME_CHARS, check_attachment_size, is_sha256_hex,
    media_type_of,
};
pub use debrief::{
    Block, Close, Control, Debrief, DebriefStep, HotThought, Lesson, MAX_LESSONS, Probe,
    TimelineEvent, WhyNode, probing_questions,
};
pub use device::{Device, MAX_DEVICE_NAME_CHARS, is_device_id, vouch_holds, vouch_message};
pub use journal::{
    Entry, MAX_TAG_CHARS, MoodCheckIn, PROFILE_ID, Profile, SetbackKind, Worry, normalise_tag,
    parse_hh_mm,
};
pub use mojo::{BragCategory, Project, TimeLog, Win, hours_per_week, monday_of};
pub use network::{Contact, Event, EventKind, Intro, IntroStatus, Outreach, Tie, due_contacts};
pub use next_move::{ItemKind, PipelineItem, STALE_AFTER_DAYS, Stage, Story};

pub type Date = chrono::NaiveDate;

/// A refused write: which field, and a message that says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Which Automerge document a record lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Home {
    /// One of [`CORE_SHARDS`] documents for undated, long-lived records, chosen by id.
    Core {
        shard: u8,
    },
    Month {
        year: i32,
        month: u32,
    },
    /// The small document holding the vault's device list (who may sync).
    Devices,
}

/// Undated records (profile, contacts, introductions, projects, pipeline, stories) are
/// spread over this many documents by a hash of their id, so that no single document
/// grows past what loads in well under 200 ms on a phone.
pub const CORE_SHARDS: u8 = 8;

/// The id of the device-list document.
pub const DEVICES_DOC: &str = "devices";

impl Home {
    /// The core shard an undated record lives in: FNV-1a of its id, so every device
    /// agrees without asking anyone.
    pub fn core_for(id: &str) -> Self {
        let mut hash: u32 = 0x811c_9dc5;
        for b in id.bytes() {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
        Home::Core {
            shard: (hash % u32::from(CORE_SHARDS)) as u8,
        }
    }

    /// The month document a dated journal record belongs to. Journal text is split by
    /// month so that opening the app never loads ten years of entries at once.
    pub fn of(date: Date) -> Self {
        use chrono::Datelike;
        Home::Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// "core-3" or "journal-2024-03".
    pub fn doc_id(&self) -> String {
        match self {
            Home::Core { shard } => format!("core-{shard}"),
            Home::Month { year, month } => format!("journal-{year:04}-{month:02}"),
            Home::Devices => DEVICES_DOC.to_string(),
        }
    }

    /// The inverse of `doc_id`. Only the exact spelling `doc_id` produces is accepted, so
    /// two spellings can never name two documents for the same month.
    pub fn from_doc_id(s: &str) -> Option<Home> {
        if s == DEVICES_DOC {
            return Some(Home::Devices);
        }
        if let Some(n) = s.strip_prefix("core-") {
            let shard: u8 = n.parse().ok()?;
            let home = Home::Core { shard };
            return (shard < CORE_SHARDS && home.doc_id() == s).then_some(home);
        }
        let (year, month) = s.strip_prefix("journal-")?.rsplit_once('-')?;
        let home = Home::Month {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
        };
        let Home::Month { year, month } = home else {
            return None;
        };
        // Only the years a record's date may have (`check_date`): a peer naming
        // `journal-99999-01` or `journal--001-01` names nothing this vault can hold.
        ((1000..=9999).contains(&year) && (1..=12).contains(&month) && home.doc_id() == s)
            .then_some(home)
    }
}

pub trait Record:
    serde::Serialize
    + serde::de::DeserializeOwned
    + Clone
    + std::fmt::Debug
    + PartialEq
    + Send
    + 'static
{
    /// Collection name, e.g. "entry". Used as the Automerge map key and the mirror's kind column.
    const KIND: &'static str;
    /// Field names (at any nesting depth) whose string values are prose that two devices may edit at
    /// once; they are stored as Automerge text. Everything else is a scalar.
    const PROSE: &'static [&'static str];
    fn id(&self) -> &str;
    fn validate(&self) -> Result<(), Invalid>;
    /// Dated records (entries, moods, worries, outreach, time logs, events, wins, debriefs):
    /// `Home::Month` of their date; undated ones: `Home::core_for(id)`.
    fn home(&self) -> Home;
    /// What screens sort by, oldest first; the caller breaks ties by id. Dated records
    /// start with "YYYY-MM-DD" (see each type for what follows, if anything).
    fn sort_key(&self) -> String;
    /// One short line for lists and search results.
    fn title(&self) -> String;
    /// All the human text of the record, joined by newlines, for full-text search.
    fn search_text(&self) -> String;
    /// The other records this one names (an introduction's contacts, a time log's
    /// project…). A local save checks they exist (`api::check_references`); a record
    /// received from another device is not checked, since that device may have deleted
    /// one meanwhile and the link is simply shown as gone.
    fn references(&self) -> Vec<Reference<'_>> {
        Vec::new()
    }
}

/// One record naming another: the field that names it, its kind and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub field: &'static str,
    pub kind: &'static str,
    pub id: &'a str,
}

/// The kinds every document's first genesis change creates a map for, in the order that
/// change lays them down (`doc::new_document`). Frozen: these bytes are part of every
/// document already written, so this list never changes. A kind added later gets a
/// genesis change of its own (`doc::kind_genesis`), laid down by any version that knows it.
pub const GENESIS_KINDS: [&str; 14] = [
    Profile::KIND,
    Entry::KIND,
    MoodCheckIn::KIND,
    Debrief::KIND,
    Worry::KIND,
    Contact::KIND,
    Outreach::KIND,
    Intro::KIND,
    Project::KIND,
    TimeLog::KIND,
    Event::KIND,
    Win::KIND,
    PipelineItem::KIND,
    Story::KIND,
];

/// Something to do with a record type chosen at run time by its [`Kind`]: the one place
/// that turns a kind's name into its Rust type (saves, the mirror's projection).
pub trait KindVisitor {
    type Out;
    fn visit<R: Record>(self) -> Self::Out;
}

/// Declares the registry of record kinds: the `Kind` enum (exported to TypeScript as the
/// union of kind names), its names, and the dispatch from a kind to its type.
macro_rules! kinds {
    ($( $variant:ident = $name:literal => $ty:ty ),* $(,)?) => {
        /// Every kind of record Comeback keeps: the single registry from which the list of
        /// kinds, every dispatch by kind and the UI's `Kind` type come.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, ts_rs::TS,
        )]
        #[ts(export)]
        pub enum Kind {
            $( #[serde(rename = $name)] $variant, )*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kind's name: its `Record::KIND`, the Automerge map key and mirror column.
            pub fn as_str(self) -> &'static str {
                match self { $( Kind::$variant => $name, )* }
            }

            /// The kind named `name`, if this version knows it.
            pub fn parse(name: &str) -> Option<Kind> {
                match name { $( $name => Some(Kind::$variant), )* _ => None }
            }

            /// Calls `visitor` with this kind's record type.
            pub fn visit<V: KindVisitor>(self, visitor: V) -> V::Out {
                match self { $( Kind::$variant => visitor.visit::<$ty>(), )* }
            }
        }
    };
}

kinds! {
    Profile = "profile" => Profile,
    Entry = "entry" => Entry,
    MoodCheckIn = "mood" => MoodCheckIn,
    Debrief = "debrief" => Debrief,
    Worry = "worry" => Worry,
    Contact = "contact" => Contact,
    Outreach = "outreach" => Outreach,
    Intro = "intro" => Intro,
    Project = "project" => Project,
    TimeLog = "timelog" => TimeLog,
    Event = "event" => Event,
    Win = "win" => Win,
    PipelineItem = "item" => PipelineItem,
    Story = "story" => Story,
    Device = "device" => Device,
    Attachment = "attachment" => Attachment,
}

impl Kind {
    /// The kinds a person writes (every kind but the device list, which only pairing and
    /// removal change).
    pub fn user_kinds() -> impl Iterator<Item = Kind> {
        Kind::ALL.iter().copied().filter(|k| *k != Kind::Device)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

const ID_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const ID_LEN: usize = 12;

/// A fresh opaque id: 12 characters from `[a-z2-7]` (60 bits), enough that two offline
/// devices creating records at once will not collide.
pub fn new_id() -> String {
    let mut bytes = [0u8; ID_LEN];
    if getrandom::fill(&mut bytes).is_err() {
        // Creating a record must not fail because the OS randomness source hiccupped;
        // a clock-and-counter mix is weaker but still unique on this device.
        fallback_bytes(&mut bytes);
    }
    id_from_bytes(&bytes)
}

/// An id spelt from the first 12 of `bytes` (random ones for a fresh id, a hash for an
/// id made from where a record came from).
pub(crate) fn id_from_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(ID_LEN)
        .map(|b| char::from(ID_ALPHABET[usize::from(b & 31)]))
        .collect()
}

fn fallback_bytes(out: &mut [u8]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = nanos ^ COUNTER.fetch_add(1, Ordering::Relaxed).rotate_left(32);
    for chunk in out.chunks_mut(8) {
        // splitmix64: spreads nearby clock readings across all output bits.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let bytes = z.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

// ---- shared rules, used by every record module ----

fn check_id(field: &str, id: &str) -> Result<(), Invalid> {
    if id.trim().is_empty() {
        return Err(Invalid::new(
            field,
            "the id is empty; give the record an id from new_id()",
        ));
    }
    Ok(())
}

/// A reference to another record (contact, project…) must be filled in.
fn check_ref(field: &str, id: &str, what: &str) -> Result<(), Invalid> {
    if id.trim().is_empty() {
        return Err(Invalid::new(
            field,
            format!("no {what} is chosen; pick one"),
        ));
    }
    Ok(())
}

fn require(field: &str, value: &str, message: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err(Invalid::new(field, message));
    }
    Ok(())
}

/// Sort keys, month documents and exports all assume four-digit years, and a date outside
/// them is a typo rather than a memory.
fn check_date(field: &str, date: Date) -> Result<(), Invalid> {
    use chrono::Datelike;
    if !(1000..=9999).contains(&date.year()) {
        return Err(Invalid::new(
            field,
            format!("{date} is outside the years 1000 to 9999; check the year"),
        ));
    }
    Ok(())
}

fn check_opt_date(field: &str, date: Option<Date>) -> Result<(), Invalid> {
    date.map_or(Ok(()), |d| check_date(field, d))
}

fn check_mood(field: &str, mood: u8) -> Result<(), Invalid> {
    if !(1..=5).contains(&mood) {
        return Err(Invalid::new(
            field,
            format!("{mood} is not a mood between 1 (low) and 5 (good); pick 1 to 5"),
        ));
    }
    Ok(())
}

/// `later` must not come before `earlier`.
fn check_order(
    field: &str,
    later: Date,
    earlier_field: &str,
    earlier: Date,
) -> Result<(), Invalid> {
    if later < earlier {
        return Err(Invalid::new(
            field,
            format!(
                "{later} is before {earlier_field} ({earlier}); pick {earlier} or a later date"
            ),
        ));
    }
    Ok(())
}

/// Sub-objects are stored keyed by id, so a blank or repeated id would silently merge
/// two of them into one.
fn check_item_ids<'a>(list: &str, ids: impl IntoIterator<Item = &'a str>) -> Result<(), Invalid> {
    let mut seen = HashSet::new();
    for (i, id) in ids.into_iter().enumerate() {
        let field = format!("{list}[{i}].id");
        check_id(&field, id)?;
        if !seen.insert(id) {
            return Err(Invalid::new(
                field,
                format!(
                    "item {} repeats the id \"{id}\"; give it a fresh id from new_id()",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Lists and reference lists of plain ids: no blanks, no repeats.
fn check_id_list(field: &str, ids: &[String], what: &str) -> Result<(), Invalid> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            return Err(Invalid::new(
                field,
                format!("one {what} is blank; remove it"),
            ));
        }
        if !seen.insert(id.as_str()) {
            return Err(Invalid::new(
                field,
                format!("{what} \"{id}\" is listed twice; remove one"),
            ));
        }
    }
    Ok(())
}

fn ymd(date: Date) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The first non-blank line, cut to `max` characters with an ellipsis, for list titles.
fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= max {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Joins the non-blank parts with newlines, so search never indexes empty lines.
fn join_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

const TITLE_CHARS: usize = 80;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_invalid_displays_as_field_then_message() {
        let e = Invalid::new("mood", "pick 1 to 5");
        assert_eq!(e.to_string(), "mood: pick 1 to 5");
    }

    #[test]
    fn core_and_month_doc_ids_round_trip() {
        for home in [
            Home::Core { shard: 0 },
            Home::Core { shard: 7 },
            Home::Month {
                year: 2024,
                month: 3,
            },
            Home::Month {
                year: 1999,
                month: 12,
            },
            Home::of(d(2025, 1, 31)),
        ] {
            assert_eq!(Home::from_doc_id(&home.doc_id()), Some(home));
        }
        assert_eq!(
            Home::Month {
                year: 2024,
                month: 3
            }
            .doc_id(),
            "journal-2024-03"
        );
        assert_eq!(Home::Core { shard: 3 }.doc_id(), "core-3");
        assert_eq!(Home::from_doc_id("core-8"), None);
        assert_eq!(Home::from_doc_id("core-03"), None);
    }

    #[test]
    fn doc_ids_in_another_spelling_or_with_a_bad_month_are_not_parsed() {
        for s in [
            "journal-2024-3",
            "journal-2024-13",
            "journal-2024-00",
            "journal-24-03",
            "journal-+2024-03",
            "Core",
            "journal-2024",
            "entry-2024-03",
            "journal-99999-01",
            "journal--001-01",
            "journal-0999-12",
            "journal-10000-01",
            "",
        ] {
            assert_eq!(Home::from_doc_id(s), None, "{s}");
        }
    }

    #[test]
    fn new_ids_are_twelve_base32_characters_and_differ() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 12);
        assert!(a.bytes().all(|c| ID_ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_fallback_id_source_still_gives_different_bytes_each_call() {
        let mut a = [0u8; ID_LEN];
        let mut b = [0u8; ID_LEN];
        fallback_bytes(&mut a);
        fallback_bytes(&mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn every_kind_is_listed_once_under_its_record_name() {
        let set: HashSet<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(set.len(), Kind::ALL.len());
        struct Name;
        impl KindVisitor for Name {
            type Out = &'static str;
            fn visit<R: Record>(self) -> &'static str {
                R::KIND
            }
        }
        for kind in Kind::ALL {
            assert_eq!(kind.visit(Name), kind.as_str());
            assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::json!(kind.as_str()));
        }
        // The genesis kinds are exactly the first fourteen user kinds, in their order.
        let user: Vec<&str> = Kind::user_kinds().map(Kind::as_str).collect();
        assert_eq!(&user[..GENESIS_KINDS.len()], &GENESIS_KINDS[..]);
    }

    #[test]
    fn a_date_outside_four_digit_years_is_refused() {
        assert!(check_date("date", d(999, 1, 1)).is_err());
        assert!(check_date("date", d(10000, 1, 1)).is_err());
        assert!(check_date("date", d(2024, 2, 29)).is_ok());
    }

    #[test]
    fn long_first_lines_are_cut_with_an_ellipsis() {
        assert_eq!(first_line("\n  hello  \nworld", 80), "hello");
        let cut = first_line(&"word ".repeat(40), 20);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= 20);
    }

    /// Collects, for every key at any depth, whether each of its values was a string.
    fn keys(v: &serde_json::Value, out: &mut Vec<(String, bool)>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push((k.clone(), v.is_string()));
                    keys(v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    fn check_record<R: Record>(r: &R, home: Home) {
        assert_eq!(r.validate(), Ok(()), "{} sample should be valid", R::KIND);
        let home = match home {
            // `Home::Core { .. }` in these samples means "its id's core shard".
            Home::Core { .. } => Home::core_for(r.id()),
            month => month,
        };
        assert_eq!(r.home(), home, "{}", R::KIND);
        assert!(Kind::parse(R::KIND).is_some());
        assert!(!r.title().is_empty(), "{} title", R::KIND);
        assert!(!r.search_text().is_empty(), "{} search text", R::KIND);
        let json = serde_json::to_value(r).unwrap();
        let mut found = Vec::new();
        keys(&json, &mut found);
        for prose in R::PROSE {
            let uses: Vec<_> = found.iter().filter(|(k, _)| k == prose).collect();
            assert!(
                !uses.is_empty(),
                "{}: prose field {prose} never appears",
                R::KIND
            );
            assert!(
                uses.iter().all(|(_, s)| *s),
                "{}: {prose} is not always a string",
                R::KIND
            );
        }
        assert!(json.get("id").is_some_and(serde_json::Value::is_string));
        let back: R = serde_json::from_value(json).unwrap();
        assert_eq!(&back, r, "{} round trip", R::KIND);
    }

    #[test]
    fn every_record_kind_round_trips_and_its_prose_fields_are_strings() {
        let day = d(2024, 3, 5);
        let month = Home::of(day);
        let text = |s: &str| s.to_owned();
        check_record(
            &Profile {
                what_happened: text("Let go in a reorg"),
                announcement: text("I've moved on from Acme"),
                ..Profile::new(SetbackKind::LetGo, day)
            },
            Home::Core { shard: 0 },
        );
        check_record(
            &Entry {
                id: text("e"),
                date: day,
                text: text("Slept badly"),
                mood: Some(2),
                tags: vec![text("sleep")],
                created_ms: 1,
                imported: Default::default(),
            },
            month,
        );
        check_record(
            &MoodCheckIn {
                id: text("m"),
                date: day,
                mood: 3,
                note: text("ok"),
            },
            month,
        );
        let mut debrief = Debrief {
            started_on: day,
            ..Debrief::new("Acme", SetbackKind::LetGo, "db")
        };
        debrief.unload = text("u");
        debrief.intent = text("i");
        debrief.success_measure = text("s");
        debrief.timeline.push(TimelineEvent {
            id: text("t"),
            fact: text("f"),
            ..TimelineEvent::default()
        });
        debrief.questions[0].evidence = text("e");
        debrief.why_tree.push(WhyNode {
            id: text("w"),
            cause: text("c"),
            evidence: text("e"),
            ..WhyNode::default()
        });
        debrief.hot_thought.thought = text("t");
        debrief.keep = text("k");
        debrief.change = text("c");
        debrief.lessons.push(Lesson {
            id: text("l"),
            lesson: text("l"),
            action: text("a"),
            due: Some(day),
            success_test: text("s"),
        });
        debrief.close = Close {
            feeling: text("f"),
            others_too: text("o"),
            kind_word: text("k"),
        };
        debrief.completed = true;
        check_record(&debrief, month);
        check_record(
            &Worry {
                id: text("w"),
                date: day,
                text: text("rent"),
                resolved: false,
            },
            month,
        );
        check_record(
            &Contact {
                id: text("c"),
                name: text("Ann"),
                how_known: text("uni"),
                notes: text("n"),
                ..Contact::default()
            },
            Home::Core { shard: 0 },
        );
        check_record(
            &Outreach {
                id: text("o"),
                contact_id: text("c"),
                date: day,
                message: text("hi"),
                reply: text("r"),
                lead: text("l"),
            },
            month,
        );
        check_record(
            &Intro {
                id: text("i"),
                via_contact_id: text("c"),
                to_name: text("Bo"),
                requested_on: day,
                notes: text("n"),
                ..Intro::default()
            },
            Home::Core { shard: 0 },
        );
        check_record(
            &Project {
                id: text("p"),
                name: text("Shop"),
                notes: text("n"),
                started_on: day,
                ..Project::default()
            },
            Home::Core { shard: 0 },
        );
        check_record(
            &TimeLog {
                id: text("t"),
                project_id: text("p"),
                date: day,
                hours: 1.5,
                note: text("n"),
            },
            month,
        );
        check_record(
            &Event {
                id: text("e"),
                date: day,
                title: text("Meetup"),
                contact_ids: vec![text("c")],
                notes: text("n"),
                outcome: text("o"),
                ..Event::default()
            },
            month,
        );
        check_record(
            &Win {
                id: text("w"),
                date: day,
                title: text("Shipped"),
                text: text("t"),
                ..Win::default()
            },
            month,
        );
        check_record(
            &PipelineItem {
                id: text("p"),
                title: text("Role"),
                stage_changed_on: day,
                notes: text("n"),
                premortem: text("p"),
                ..PipelineItem::default()
            },
            Home::Core { shard: 0 },
        );
        check_record(
            &Story {
                id: text("s"),
                title: text("T"),
                situation: text("s"),
                task: text("t"),
                action: text("a"),
                result: text("r"),
                ..Story::default()
            },
            Home::Core { shard: 0 },
        );
    }

    #[test]
    fn repeated_sub_item_ids_are_refused() {
        let err = check_item_ids("lessons", ["a", "b", "a"]).unwrap_err();
        assert_eq!(err.field, "lessons[2].id");
        assert!(check_item_ids("lessons", ["a", ""]).is_err());
        assert!(check_item_ids("lessons", ["a", "b"]).is_ok());
    }
}
