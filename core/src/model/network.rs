//! Step 2, reaching out: contacts and the keep-in-touch "due" list, the outreach log,
//! introductions, and events where people are met.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    Date, Home, Invalid, Record, TITLE_CHARS, check_date, check_id, check_id_list, check_opt_date,
    check_order, check_ref, first_line, join_text, require, ymd,
};

/// How often the user sees someone, in Granovetter's three bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Tie {
    /// Twice a week or more.
    Often,
    /// More than once a year but less than twice a week.
    #[default]
    Occasionally,
    /// Once a year or less.
    Rarely,
}

impl Tie {
    pub const ALL: [Tie; 3] = [Self::Often, Self::Occasionally, Self::Rarely];

    pub fn label(self) -> &'static str {
        match self {
            Self::Often => "Often",
            Self::Occasionally => "Occasionally",
            Self::Rarely => "Rarely",
        }
    }

    /// Keep-in-touch cadence when the user has not chosen one.
    pub fn default_cadence_days(self) -> u32 {
        match self {
            Self::Often => 14,
            Self::Occasionally => 45,
            Self::Rarely => 90,
        }
    }

    /// Weak ties first: they are where most job leads come from.
    fn weakness_rank(self) -> u8 {
        match self {
            Self::Rarely => 0,
            Self::Occasionally => 1,
            Self::Often => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub how_known: String,
    pub tie: Tie,
    /// Days between reaching out; `None` uses the tie's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<Date>,
    pub notes: String,
}

impl Contact {
    pub fn effective_cadence_days(&self) -> u32 {
        self.cadence_days
            .unwrap_or_else(|| self.tie.default_cadence_days())
    }

    /// The day this contact becomes due; `None` if never contacted (due already).
    pub fn due_on(&self) -> Option<Date> {
        let last = self.last_contact?;
        // Past the end of the calendar counts as never due rather than as a panic.
        Some(
            last.checked_add_days(chrono::Days::new(u64::from(self.effective_cadence_days())))
                .unwrap_or(Date::MAX),
        )
    }

    /// Whether to reach out by `today`: never contacted, or the cadence has run out.
    pub fn is_due(&self, today: Date) -> bool {
        self.due_on().is_none_or(|due| today >= due)
    }
}

/// Contacts to reach out to by `today`: those never contacted and those past their
/// keep-in-touch cadence (default by tie: often 14, occasionally 45, rarely 90 days).
///
/// Ordered weak ties first (rarely, then occasionally, then often), then the most overdue
/// first (never contacted counts as most overdue), then by name. The weighting follows
/// Granovetter's *Getting a Job*: of people who found jobs through contacts, 16.7% saw
/// that contact often, 55.6% occasionally and 27.8% rarely, so 83% came through people
/// they saw less than twice a week.
pub fn due_contacts(contacts: &[Contact], today: Date) -> Vec<&Contact> {
    let mut due: Vec<&Contact> = contacts.iter().filter(|c| c.is_due(today)).collect();
    due.sort_by(|a, b| {
        // `None` (never contacted) sorts before any date: most overdue.
        a.tie
            .weakness_rank()
            .cmp(&b.tie.weakness_rank())
            .then_with(|| a.due_on().cmp(&b.due_on()))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });
    due
}

impl Record for Contact {
    const KIND: &'static str = "contact";
    const PROSE: &'static [&'static str] = &["how_known", "notes"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        require(
            "name",
            &self.name,
            "a contact needs a name; write how you'd address them",
        )?;
        if let Some(days) = self.cadence_days
            && !(1..=730).contains(&days)
        {
            return Err(Invalid::new(
                "cadence_days",
                format!(
                    "every {days} days is outside 1 to 730 (two years); pick a cadence in that range or leave it to the default"
                ),
            ));
        }
        check_opt_date("last_contact", self.last_contact)
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    /// Lower-cased name: contacts have no date of their own and are listed alphabetically.
    fn sort_key(&self) -> String {
        self.name.trim().to_lowercase()
    }

    fn title(&self) -> String {
        first_line(&self.name, TITLE_CHARS)
    }

    fn search_text(&self) -> String {
        join_text([self.name.as_str(), &self.how_known, &self.notes])
    }
}

/// A message sent to a contact, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Outreach {
    pub id: String,
    pub contact_id: String,
    pub date: Date,
    pub message: String,
    /// Empty while no reply has come.
    pub reply: String,
    pub lead: String,
}

impl Outreach {
    pub fn has_reply(&self) -> bool {
        !self.reply.trim().is_empty()
    }
}

impl Record for Outreach {
    const KIND: &'static str = "outreach";

    fn references(&self) -> Vec<super::Reference<'_>> {
        vec![super::Reference {
            field: "contact_id",
            kind: Contact::KIND,
            id: &self.contact_id,
        }]
    }
    const PROSE: &'static [&'static str] = &["message", "reply", "lead"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_ref("contact_id", &self.contact_id, "contact")?;
        check_date("date", self.date)
    }

    fn home(&self) -> Home {
        Home::of(self.date)
    }

    fn sort_key(&self) -> String {
        ymd(self.date)
    }

    fn title(&self) -> String {
        let line = first_line(&self.message, TITLE_CHARS);
        if line.is_empty() {
            format!("Outreach on {}", ymd(self.date))
        } else {
            line
        }
    }

    fn search_text(&self) -> String {
        join_text([self.message.as_str(), &self.reply, &self.lead])
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, TS,
)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum IntroStatus {
    #[default]
    Requested,
    Made,
    Met,
}

impl IntroStatus {
    pub const ALL: [IntroStatus; 3] = [Self::Requested, Self::Made, Self::Met];

    pub fn label(self) -> &'static str {
        match self {
            Self::Requested => "Requested",
            Self::Made => "Made",
            Self::Met => "Met",
        }
    }
}

/// An introduction asked of one contact to someone else, followed from requested to met,
/// so the chain of who introduced whom stays visible.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Intro {
    pub id: String,
    /// The contact who makes the introduction.
    pub via_contact_id: String,
    pub to_name: String,
    /// Set once the person introduced to is a contact too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_contact_id: Option<String>,
    pub status: IntroStatus,
    pub requested_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_on: Option<Date>,
    pub notes: String,
}

impl Record for Intro {
    const KIND: &'static str = "intro";

    fn references(&self) -> Vec<super::Reference<'_>> {
        let via = super::Reference {
            field: "via_contact_id",
            kind: Contact::KIND,
            id: &self.via_contact_id,
        };
        let to = self.to_contact_id.as_deref().map(|id| super::Reference {
            field: "to_contact_id",
            kind: Contact::KIND,
            id,
        });
        std::iter::once(via).chain(to).collect()
    }
    const PROSE: &'static [&'static str] = &["notes"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_ref(
            "via_contact_id",
            &self.via_contact_id,
            "contact making the introduction",
        )?;
        require(
            "to_name",
            &self.to_name,
            "say who you are being introduced to",
        )?;
        if let Some(to) = &self.to_contact_id {
            check_ref("to_contact_id", to, "contact")?;
            if *to == self.via_contact_id {
                return Err(Invalid::new(
                    "to_contact_id",
                    "this is the same contact who makes the introduction; pick the person they introduce you to",
                ));
            }
        }
        check_date("requested_on", self.requested_on)?;
        check_opt_date("made_on", self.made_on)?;
        check_opt_date("met_on", self.met_on)?;
        if self.status >= IntroStatus::Made && self.made_on.is_none() {
            return Err(Invalid::new(
                "made_on",
                "the introduction is marked made but has no date; add the day it was made",
            ));
        }
        if self.status == IntroStatus::Met && self.met_on.is_none() {
            return Err(Invalid::new(
                "met_on",
                "you are marked as met but there is no date; add the day you met",
            ));
        }
        if let Some(made) = self.made_on {
            check_order("made_on", made, "requested_on", self.requested_on)?;
        }
        if let Some(met) = self.met_on {
            match self.made_on {
                Some(made) => check_order("met_on", met, "made_on", made)?,
                None => check_order("met_on", met, "requested_on", self.requested_on)?,
            }
        }
        Ok(())
    }

    fn home(&self) -> Home {
        Home::core_for(&self.id)
    }

    fn sort_key(&self) -> String {
        ymd(self.requested_on)
    }

    fn title(&self) -> String {
        format!("Introduction to {}", first_line(&self.to_name, TITLE_CHARS))
    }

    fn search_text(&self) -> String {
        join_text([self.to_name.as_str(), &self.notes])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Meetup,
    Networking,
    Coffee,
    #[default]
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [Self::Meetup, Self::Networking, Self::Coffee, Self::Other];

    pub fn label(self) -> &'static str {
        match self {
            Self::Meetup => "Meetup",
            Self::Networking => "Networking event",
            Self::Coffee => "Coffee chat",
            Self::Other => "Other",
        }
    }
}

/// A meetup, networking event or coffee chat, with the contacts met there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, optional_fields)]
#[serde(default)]
pub struct Event {
    pub id: String,
    pub date: Date,
    pub title: String,
    pub kind: EventKind,
    #[serde(default)]
    pub contact_ids: Vec<String>,
    pub notes: String,
    pub outcome: String,
}

impl Record for Event {
    const KIND: &'static str = "event";

    fn references(&self) -> Vec<super::Reference<'_>> {
        self.contact_ids
            .iter()
            .map(|id| super::Reference {
                field: "contact_ids",
                kind: Contact::KIND,
                id,
            })
            .collect()
    }
    const PROSE: &'static [&'static str] = &["notes", "outcome"];

    fn id(&self) -> &str {
        &self.id
    }

    fn validate(&self) -> Result<(), Invalid> {
        check_id("id", &self.id)?;
        check_date("date", self.date)?;
        require(
            "title",
            &self.title,
            "an event needs a name, like 'Rust meetup'; add one",
        )?;
        check_id_list("contact_ids", &self.contact_ids, "contact")
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
        join_text([self.title.as_str(), &self.notes, &self.outcome])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    fn contact(id: &str, tie: Tie, last: Option<Date>) -> Contact {
        Contact {
            id: id.into(),
            name: id.to_uppercase(),
            tie,
            last_contact: last,
            ..Contact::default()
        }
    }

    #[test]
    fn a_contact_without_a_name_is_refused() {
        let c = Contact {
            name: " ".into(),
            ..contact("a", Tie::Often, None)
        };
        assert_eq!(c.validate().unwrap_err().field, "name");
        assert_eq!(contact("a", Tie::Often, None).validate(), Ok(()));
    }

    #[test]
    fn a_cadence_outside_one_to_730_days_is_refused() {
        for (days, ok) in [(0, false), (1, true), (730, true), (731, false)] {
            let c = Contact {
                cadence_days: Some(days),
                ..contact("a", Tie::Often, None)
            };
            assert_eq!(c.validate().is_ok(), ok, "{days}");
        }
    }

    #[test]
    fn due_contacts_puts_weak_ties_first_then_the_most_overdue() {
        let today = d(2024, 6, 1);
        let contacts = vec![
            contact("often_never", Tie::Often, None),
            contact("often_recent", Tie::Often, Some(d(2024, 5, 25))), // 7 days: not due
            contact("often_due", Tie::Often, Some(d(2024, 5, 1))),
            contact("occ_due", Tie::Occasionally, Some(d(2024, 4, 1))),
            contact("occ_recent", Tie::Occasionally, Some(d(2024, 5, 1))), // 31 days: not due
            contact("rare_a_bit", Tie::Rarely, Some(d(2024, 2, 1))),
            contact("rare_very", Tie::Rarely, Some(d(2023, 1, 1))),
            contact("rare_never", Tie::Rarely, None),
        ];
        let ids: Vec<_> = due_contacts(&contacts, today)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "rare_never",
                "rare_very",
                "rare_a_bit",
                "occ_due",
                "often_never",
                "often_due"
            ]
        );
    }

    #[test]
    fn a_contact_is_due_on_the_day_its_cadence_runs_out() {
        let c = Contact {
            cadence_days: Some(10),
            ..contact("a", Tie::Often, Some(d(2024, 1, 1)))
        };
        assert!(!c.is_due(d(2024, 1, 10)));
        assert!(c.is_due(d(2024, 1, 11)));
        assert_eq!(c.due_on(), Some(d(2024, 1, 11)));
    }

    #[test]
    fn outreach_needs_a_contact() {
        let o = Outreach {
            id: "o".into(),
            date: d(2024, 1, 1),
            ..Outreach::default()
        };
        assert_eq!(o.validate().unwrap_err().field, "contact_id");
        let o = Outreach {
            contact_id: "c".into(),
            ..o
        };
        assert_eq!(o.validate(), Ok(()));
        assert!(!o.has_reply());
        assert_eq!(o.title(), "Outreach on 2024-01-01");
    }

    fn intro() -> Intro {
        Intro {
            id: "i".into(),
            via_contact_id: "ann".into(),
            to_name: "Bo at Acme".into(),
            requested_on: d(2024, 1, 10),
            ..Intro::default()
        }
    }

    #[test]
    fn an_intro_needs_who_introduces_and_to_whom() {
        assert_eq!(intro().validate(), Ok(()));
        let no_via = Intro {
            via_contact_id: String::new(),
            ..intro()
        };
        assert_eq!(no_via.validate().unwrap_err().field, "via_contact_id");
        let no_to = Intro {
            to_name: " ".into(),
            ..intro()
        };
        assert_eq!(no_to.validate().unwrap_err().field, "to_name");
        let to_self = Intro {
            to_contact_id: Some("ann".into()),
            ..intro()
        };
        assert_eq!(to_self.validate().unwrap_err().field, "to_contact_id");
    }

    #[test]
    fn a_made_intro_needs_a_made_date_and_a_met_one_a_met_date() {
        let made = Intro {
            status: IntroStatus::Made,
            ..intro()
        };
        assert_eq!(made.validate().unwrap_err().field, "made_on");
        let made = Intro {
            made_on: Some(d(2024, 1, 12)),
            ..made
        };
        assert_eq!(made.validate(), Ok(()));
        let met = Intro {
            status: IntroStatus::Met,
            ..made
        };
        assert_eq!(met.validate().unwrap_err().field, "met_on");
        let met = Intro {
            met_on: Some(d(2024, 1, 20)),
            ..met
        };
        assert_eq!(met.validate(), Ok(()));
    }

    #[test]
    fn intro_dates_going_backwards_are_refused() {
        let made_early = Intro {
            status: IntroStatus::Made,
            made_on: Some(d(2024, 1, 9)),
            ..intro()
        };
        assert_eq!(made_early.validate().unwrap_err().field, "made_on");
        let met_early = Intro {
            status: IntroStatus::Met,
            made_on: Some(d(2024, 1, 12)),
            met_on: Some(d(2024, 1, 11)),
            ..intro()
        };
        assert_eq!(met_early.validate().unwrap_err().field, "met_on");
    }

    #[test]
    fn an_event_needs_a_title_and_distinct_contacts() {
        let e = Event {
            id: "e".into(),
            date: d(2024, 1, 1),
            title: "Rust meetup".into(),
            ..Event::default()
        };
        assert_eq!(e.validate(), Ok(()));
        assert_eq!(
            Event {
                title: String::new(),
                ..e.clone()
            }
            .validate()
            .unwrap_err()
            .field,
            "title"
        );
        let twice = Event {
            contact_ids: vec!["a".into(), "a".into()],
            ..e.clone()
        };
        assert_eq!(twice.validate().unwrap_err().field, "contact_ids");
        let blank = Event {
            contact_ids: vec![String::new()],
            ..e
        };
        assert_eq!(blank.validate().unwrap_err().field, "contact_ids");
    }
}
