//! Reminders, the rhythm of the method: which ones fall due in a window of time, at what
//! moment in the person's time zone, and this device's reminder settings (each kind on or
//! off, quiet hours, the time of the daily check-in).
//!
//! What is due is never decided here afresh: worry time and the grief window's end come
//! from the profile, the people due a message from the keep-in-touch schedule
//! ([`super::due_contact_schedule`]'s rule), the follow-ups from [`super::follow_ups_due`]'s,
//! the lesson actions from [`super::lesson_actions`]' (open ones only), the debrief block
//! from a debrief's `scheduled` block. This module only turns them into moments.
//!
//! The moments are wall-clock times in an IANA time zone (`chrono-tz`): a reminder set for
//! 02:30 on a day the clocks spring forward past it fires at the first valid time after
//! (03:00); on a day they fall back, a time that happens twice fires once, the first
//! time. Quiet hours move a reminder that falls inside them to their end.
//!
//! Titles are shown on a locked screen, so they say what kind of reminder it is and at
//! most how many things are due: never a name, a title or a word a person wrote (no
//! journal, debrief, pipeline or contact text). The record a reminder points to is for the
//! app to open once it is unlocked.
//!
//! The settings are this device's own (a phone and a laptop remind differently): they are
//! kept in the vault's local settings, which never sync.

use chrono::TimeZone;
use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::RecordRef;
use crate::error::{Error, Result};
use crate::model::{
    self, Contact, Date, Debrief, Invalid, Kind, PipelineItem, Profile, parse_hh_mm,
};
use crate::vault::Vault;

/// The local setting the reminder settings are kept under (as JSON).
const SETTING: &str = "reminders";

/// When the reminders of a day that have no time of their own fire: the grief window's
/// last day, the people due a message, follow-ups and lesson actions.
pub const MORNING: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// The longest window [`reminders`] answers for at once (a scheduler asks for a day or a
/// week ahead; a year bounds the work a front can ask for).
pub const MAX_WINDOW_DAYS: i64 = 366;

/// The check-in time until the person picks one.
pub const DEFAULT_CHECK_IN: &str = "20:00";

/// What a reminder is about; also what the app opens when it is tapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Daily, at the profile's worry time: the worries parked in the inbox.
    WorryTime,
    /// The morning of the grief window's last day.
    GriefWindowEnd,
    /// Each morning while someone is due a message by their keep-in-touch cadence.
    ContactDue,
    /// Each morning while a pipeline item asks for a follow-up.
    FollowUp,
    /// Each morning from a lesson action's due date until it is ticked done.
    LessonAction,
    /// At the start of an unfinished debrief's scheduled focus block.
    DebriefBlock,
    /// Daily at the chosen check-in time (off until turned on).
    CheckIn,
}

impl ReminderKind {
    /// Every kind, in the order the settings list them.
    pub const ALL: [ReminderKind; 7] = [
        Self::WorryTime,
        Self::GriefWindowEnd,
        Self::ContactDue,
        Self::FollowUp,
        Self::LessonAction,
        Self::DebriefBlock,
        Self::CheckIn,
    ];

    /// The kind's name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorryTime => "worry_time",
            Self::GriefWindowEnd => "grief_window_end",
            Self::ContactDue => "contact_due",
            Self::FollowUp => "follow_up",
            Self::LessonAction => "lesson_action",
            Self::DebriefBlock => "debrief_block",
            Self::CheckIn => "check_in",
        }
    }

    /// The kind named `name` (`-` read as `_`), or a message listing the kinds.
    pub fn parse(name: &str) -> Result<ReminderKind> {
        let name = name.trim().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                invalid(
                    "kind",
                    format!(
                        "'{name}' is not a kind of reminder; pick one of {}",
                        Self::ALL.map(Self::as_str).join(", ")
                    ),
                )
            })
    }

    /// On or off until the person says otherwise: every step of the method reminds; the
    /// daily check-in is an extra the person asks for.
    fn on_by_default(self) -> bool {
        self != Self::CheckIn
    }
}

impl std::fmt::Display for ReminderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reminder, due at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Reminder {
    pub kind: ReminderKind,
    /// Safe for a locked screen: the kind of reminder and at most a count, never a name
    /// or anything a person wrote.
    pub title: String,
    /// The moment it fires, RFC 3339 with the zone's offset at that moment
    /// ("2026-03-08T09:00:00-04:00").
    #[ts(type = "string")]
    pub at: DateTime<FixedOffset>,
    /// What a tap opens: the contact, pipeline item or debrief when exactly one is due,
    /// the profile for the grief window's end; `null` when the reminder is about a list
    /// (several people due: the due list) or has no record (worry time: the worry inbox;
    /// check-in: a new check-in).
    pub record: Option<RecordRef>,
}

/// One kind of reminder, on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KindSetting {
    pub kind: ReminderKind,
    pub on: bool,
}

/// Quiet hours, local wall-clock times "HH:MM". A reminder from `start` up to (not
/// including) `end` fires at `end` instead; a `start` after `end` runs over midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuietHours {
    pub start: String,
    pub end: String,
}

/// This device's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ReminderSettings {
    /// Every kind with whether it is on, in [`ReminderKind::ALL`]'s order (a kind left out
    /// of a save keeps its default).
    pub kinds: Vec<KindSetting>,
    /// `null`: no quiet hours.
    pub quiet_hours: Option<QuietHours>,
    /// The daily check-in's time, "HH:MM" (used when `check_in` is on).
    pub check_in_time: String,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            kinds: ReminderKind::ALL
                .map(|kind| KindSetting {
                    kind,
                    on: kind.on_by_default(),
                })
                .to_vec(),
            quiet_hours: None,
            check_in_time: DEFAULT_CHECK_IN.into(),
        }
    }
}

impl ReminderSettings {
    /// Whether reminders of `kind` are on (a kind not listed: its default).
    pub fn is_on(&self, kind: ReminderKind) -> bool {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map_or(kind.on_by_default(), |k| k.on)
    }

    /// Turns one kind on or off.
    pub fn set(&mut self, kind: ReminderKind, on: bool) {
        match self.kinds.iter_mut().find(|k| k.kind == kind) {
            Some(k) => k.on = on,
            None => self.kinds.push(KindSetting { kind, on }),
        }
    }

    /// Every kind once, in order, each with its setting or its default.
    fn normalised(&self) -> Self {
        Self {
            kinds: ReminderKind::ALL
                .map(|kind| KindSetting {
                    kind,
                    on: self.is_on(kind),
                })
                .to_vec(),
            ..self.clone()
        }
    }

    /// Refuses what cannot be scheduled, saying what to write instead.
    pub fn validate(&self) -> Result<()> {
        for (i, k) in self.kinds.iter().enumerate() {
            if self.kinds[..i].iter().any(|e| e.kind == k.kind) {
                return Err(invalid(
                    "kinds",
                    format!(
                        "{} is listed twice; list each kind of reminder once, on or off",
                        k.kind
                    ),
                ));
            }
        }
        clock_time("check_in_time", "the check-in time", &self.check_in_time)?;
        if let Some(q) = &self.quiet_hours {
            quiet_bounds(q)?;
        }
        Ok(())
    }

    fn quiet(&self) -> Option<(NaiveTime, NaiveTime)> {
        self.quiet_hours.as_ref().and_then(|q| quiet_bounds(q).ok())
    }
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Invalid(Invalid::new(field, message))
}

fn clock_time(field: &str, what: &str, text: &str) -> Result<NaiveTime> {
    parse_hh_mm(text.trim()).ok_or_else(|| {
        invalid(
            field,
            format!(
                "{what} '{text}' is not a time; write it as HH:MM on a 24-hour clock, for example 07:30 or 22:00"
            ),
        )
    })
}

fn quiet_bounds(q: &QuietHours) -> Result<(NaiveTime, NaiveTime)> {
    let start = clock_time("quiet_hours.start", "the start of quiet hours", &q.start)?;
    let end = clock_time("quiet_hours.end", "the end of quiet hours", &q.end)?;
    if start == end {
        return Err(invalid(
            "quiet_hours",
            format!(
                "quiet hours from {} to {} cover no time; choose an end different from the start (22:00 to 07:00, say), or turn quiet hours off",
                q.start.trim(),
                q.end.trim()
            ),
        ));
    }
    Ok((start, end))
}

/// This device's reminder settings (the defaults until any are saved: every kind on but
/// the check-in, no quiet hours, check-in at 20:00).
pub fn reminder_settings(vault: &Vault) -> Result<ReminderSettings> {
    let stored = vault.setting(SETTING)?;
    let settings = match stored {
        // Settings that no longer read (written by a later release, say) are not a reason
        // to stop reminding: the defaults stand in until they are saved again.
        Some(json) => serde_json::from_str::<ReminderSettings>(&json)
            .ok()
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default(),
        None => ReminderSettings::default(),
    };
    Ok(settings.normalised())
}

/// Saves this device's reminder settings, after [`ReminderSettings::validate`] (nothing is
/// saved when it refuses). Returns them as kept: every kind once, in order, times trimmed.
pub fn set_reminder_settings(
    vault: &Vault,
    settings: ReminderSettings,
) -> Result<ReminderSettings> {
    settings.validate()?;
    let mut kept = settings.normalised();
    kept.check_in_time = kept.check_in_time.trim().to_string();
    if let Some(q) = &mut kept.quiet_hours {
        q.start = q.start.trim().to_string();
        q.end = q.end.trim().to_string();
    }
    let json = serde_json::to_string(&kept).map_err(|e| Error::Internal(e.to_string()))?;
    vault.set_setting(SETTING, Some(&json))?;
    Ok(kept)
}

/// The time zone named `name` (IANA, "Europe/Berlin"), or a message saying how to name one.
pub fn time_zone(name: &str) -> Result<Tz> {
    let name = name.trim();
    name.trim_start_matches(':').parse::<Tz>().map_err(|_| {
        invalid(
            "tz",
            format!(
                "'{name}' is not a time zone this version knows; name it as the IANA time zone database does, for example Europe/Berlin or America/New_York"
            ),
        )
    })
}

/// This device's time zone, as an IANA name: `TZ` when it names one ("Europe/Berlin" or
/// ":Europe/Berlin"), else the system's setting, else "UTC". The fronts ask for
/// reminders in it unless the person names another.
pub fn device_time_zone() -> String {
    std::env::var("TZ")
        .ok()
        .filter(|tz| time_zone(tz).is_ok())
        .map(|tz| tz.trim().trim_start_matches(':').to_string())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .filter(|tz| time_zone(tz).is_ok())
        })
        .unwrap_or_else(|| "UTC".into())
}

/// The moment a local wall-clock time names in `tz`: a time the clocks skip (spring
/// forward) becomes the first valid time after it; a time that happens twice (fall back)
/// is its first occurrence.
pub fn local_moment(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    let mut at = local;
    // Real gaps are an hour or less; a zone that skipped a whole day (Samoa, 2011) is
    // still inside this bound.
    for _ in 0..=(48 * 60) {
        match tz.from_local_datetime(&at) {
            LocalResult::Single(t) => return t,
            LocalResult::Ambiguous(first, _) => return first,
            LocalResult::None => at += Duration::minutes(1),
        }
    }
    tz.from_utc_datetime(&local)
}

/// A local time moved out of quiet hours: `None` when it is not inside them, else the end
/// of these quiet hours (the same day, or the next when they run over midnight and it
/// falls before midnight).
fn out_of_quiet(quiet: (NaiveTime, NaiveTime), local: NaiveDateTime) -> Option<NaiveDateTime> {
    let (start, end) = quiet;
    let t = local.time();
    let day = local.date();
    if start < end {
        (start <= t && t < end).then(|| day.and_time(end))
    } else if t >= start {
        day.succ_opt().map(|next| next.and_time(end))
    } else if t < end {
        Some(day.and_time(end))
    } else {
        None
    }
}

/// The moment a reminder set for `local` fires: resolved in `tz`, then moved to the end
/// of quiet hours if it falls inside them.
fn fire_at(tz: Tz, quiet: Option<(NaiveTime, NaiveTime)>, local: NaiveDateTime) -> DateTime<Tz> {
    let at = local_moment(tz, local);
    match quiet.and_then(|q| out_of_quiet(q, at.naive_local())) {
        Some(moved) => local_moment(tz, moved),
        None => at,
    }
}

fn count_title(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        many.replace("{n}", &n.to_string())
    }
}

/// The record of the one thing a list reminder is about; none when it is about several.
fn only_one<T>(items: &[T], to_ref: impl Fn(&T) -> RecordRef) -> Option<RecordRef> {
    match items {
        [one] => Some(to_ref(one)),
        _ => None,
    }
}

/// What [`reminders`] reads from the vault once, whatever the window's length.
struct Sources {
    profile: Option<Profile>,
    contacts: Vec<Contact>,
    items: Vec<PipelineItem>,
    debriefs: Vec<Debrief>,
}

impl Sources {
    fn read(vault: &Vault, settings: &ReminderSettings) -> Result<Self> {
        let on = |k| settings.is_on(k);
        let all = usize::MAX >> 1;
        Ok(Self {
            profile: if on(ReminderKind::WorryTime) || on(ReminderKind::GriefWindowEnd) {
                vault.get(model::PROFILE_ID)?
            } else {
                None
            },
            contacts: if on(ReminderKind::ContactDue) {
                vault.list(all, 0)?
            } else {
                Vec::new()
            },
            items: if on(ReminderKind::FollowUp) {
                vault.list(all, 0)?
            } else {
                Vec::new()
            },
            debriefs: if on(ReminderKind::LessonAction) || on(ReminderKind::DebriefBlock) {
                vault.list(all, 0)?
            } else {
                Vec::new()
            },
        })
    }
}

/// A reminder before it is placed in time: its kind, the local time it is set for.
struct Candidate {
    kind: ReminderKind,
    local: NaiveDateTime,
    title: String,
    record: Option<RecordRef>,
}

/// The reminders of one local day, for the kinds that are on.
fn day_candidates(day: Date, settings: &ReminderSettings, src: &Sources, out: &mut Vec<Candidate>) {
    let on = |k| settings.is_on(k);
    let morning = day.and_time(MORNING);
    if on(ReminderKind::WorryTime)
        && let Some(p) = &src.profile
        && let Some(start) = p.worry_time_of_day()
    {
        out.push(Candidate {
            kind: ReminderKind::WorryTime,
            local: day.and_time(start),
            title: format!(
                "Worry time: {} minutes for the worries you parked",
                p.worry_minutes
            ),
            record: None,
        });
    }
    if on(ReminderKind::GriefWindowEnd)
        && let Some(p) = &src.profile
        && p.grief_ends_on == Some(day)
    {
        out.push(Candidate {
            kind: ReminderKind::GriefWindowEnd,
            local: morning,
            title: "Your grief window ends today: time to tell people".into(),
            record: Some(RecordRef {
                kind: Kind::Profile,
                id: model::PROFILE_ID.into(),
            }),
        });
    }
    if on(ReminderKind::ContactDue) {
        let due = super::network::due_schedule_of(&src.contacts, day);
        if !due.is_empty() {
            out.push(Candidate {
                kind: ReminderKind::ContactDue,
                local: morning,
                title: count_title(
                    due.len(),
                    "Someone is due a message from you",
                    "{n} people are due a message from you",
                ),
                record: only_one(&due, |s| RecordRef {
                    kind: Kind::Contact,
                    id: s.contact.id.clone(),
                }),
            });
        }
    }
    if on(ReminderKind::FollowUp) {
        let due = super::next::follow_ups_of(&src.items, day);
        if !due.is_empty() {
            out.push(Candidate {
                kind: ReminderKind::FollowUp,
                local: morning,
                title: count_title(
                    due.len(),
                    "A pipeline item is waiting for your follow-up",
                    "{n} pipeline items are waiting for your follow-up",
                ),
                record: only_one(&due, |f| RecordRef {
                    kind: Kind::PipelineItem,
                    id: f.item.id.clone(),
                }),
            });
        }
    }
    if on(ReminderKind::LessonAction) {
        let due: Vec<_> = super::debrief::open_actions(&src.debriefs, day)
            .into_iter()
            .filter(|a| a.due <= day)
            .collect();
        if !due.is_empty() {
            out.push(Candidate {
                kind: ReminderKind::LessonAction,
                local: morning,
                title: count_title(
                    due.len(),
                    "A lesson action is due",
                    "{n} lesson actions are due",
                ),
                record: only_one(&due, |a| RecordRef {
                    kind: Kind::Debrief,
                    id: a.debrief_id.clone(),
                }),
            });
        }
    }
    if on(ReminderKind::DebriefBlock) {
        for d in &src.debriefs {
            let Some(start) = d.scheduled.as_ref().and_then(|b| b.start_time()) else {
                continue;
            };
            if d.completed || start.date() != day {
                continue;
            }
            out.push(Candidate {
                kind: ReminderKind::DebriefBlock,
                local: start,
                title: "Your debrief block starts now".into(),
                record: Some(RecordRef {
                    kind: Kind::Debrief,
                    id: d.id.clone(),
                }),
            });
        }
    }
    if on(ReminderKind::CheckIn)
        && let Some(at) = parse_hh_mm(settings.check_in_time.trim())
    {
        out.push(Candidate {
            kind: ReminderKind::CheckIn,
            local: day.and_time(at),
            title: "How are you today? Time for a check-in".into(),
            record: None,
        });
    }
}

/// The reminders that fire from `from` (included) to `to` (excluded), in time order,
/// by this device's settings, with local times read in the time zone `tz` (an IANA name;
/// see [`device_time_zone`]). A window that ends before it starts, or spans more than
/// [`MAX_WINDOW_DAYS`], is refused. A scheduler that asks for back-to-back windows gets
/// each reminder once.
///
/// What is due on a future day is what the vault says now (a contact reached tomorrow
/// stops being due once that is logged; ask again after a change).
pub fn reminders(
    vault: &Vault,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    tz: &str,
) -> Result<Vec<Reminder>> {
    let tz = time_zone(tz)?;
    if to <= from {
        return Err(invalid(
            "to",
            format!(
                "the window ends ({to}) before it starts ({from}); give an end after the start"
            ),
        ));
    }
    if to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(invalid(
            "to",
            format!("ask for at most {MAX_WINDOW_DAYS} days of reminders at a time"),
        ));
    }
    let settings = reminder_settings(vault)?;
    let src = Sources::read(vault, &settings)?;
    Ok(reminders_of(&settings, &src, from, to, tz))
}

fn reminders_of(
    settings: &ReminderSettings,
    src: &Sources,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
    tz: Tz,
) -> Vec<Reminder> {
    // A reminder set on one day can fire on a later one (quiet hours over midnight, a
    // skipped hour), never an earlier one: start two days before the window's first day.
    let first: NaiveDate = from.with_timezone(&tz).date_naive() - Duration::days(2);
    let last: NaiveDate = to.with_timezone(&tz).date_naive();
    let mut candidates = Vec::new();
    for day in first.iter_days().take_while(|d| *d <= last) {
        day_candidates(day, settings, src, &mut candidates);
    }
    let quiet = settings.quiet();
    let mut out: Vec<Reminder> = candidates
        .into_iter()
        .map(|c| Reminder {
            kind: c.kind,
            title: c.title,
            at: fire_at(tz, quiet, c.local).fixed_offset(),
            record: c.record,
        })
        .filter(|r| r.at >= from && r.at < to)
        .collect();
    out.sort_by(|a, b| {
        (a.at, a.kind).cmp(&(b.at, b.kind)).then_with(|| {
            a.record
                .as_ref()
                .map(|r| &r.id)
                .cmp(&b.record.as_ref().map(|r| &r.id))
        })
    });
    out
}

#[cfg(test)]
mod tests;
