//! Step 2, reaching out: outreach, introductions (with the one rule for their dates),
//! the chain of who introduced whom, the keep-in-touch schedule and its default cadences,
//! and worry time.

use chrono::NaiveDateTime;
use serde::Serialize;
use ts_rs::TS;

use super::{check_references, read_for_edit};
use crate::error::Result;
use crate::model::{self, Contact, Date, Intro, IntroStatus, Profile, Record, Tie};
use crate::vault::Vault;

/// Logs a message sent to a contact and marks the contact as reached that day, as one
/// action: both are written or neither is.
pub fn log_outreach(vault: &mut Vault, outreach: model::Outreach) -> Result<model::Outreach> {
    let mut contact: Contact = vault.require(&outreach.contact_id)?;
    if contact.last_contact.is_none_or(|d| d < outreach.date) {
        contact.last_contact = Some(outreach.date);
    }
    vault.put_pair(&outreach, &contact)?;
    Ok(outreach)
}

/// Deletes a logged message. When it was the contact's latest, the contact's last
/// contact goes back to the latest message left (or to none), as one write: a message
/// logged by mistake must not keep the person off the due list. A contact's date later
/// than the message (set by hand or by a later message) stays.
pub fn delete_outreach(vault: &mut Vault, id: &str) -> Result<()> {
    let outreach: model::Outreach = vault.require(id)?;
    let contact: Option<Contact> = vault.get(&outreach.contact_id)?;
    let contact = contact.filter(|c| c.last_contact == Some(outreach.date));
    let Some(mut contact) = contact else {
        return vault.delete(model::Outreach::KIND, id);
    };
    let all: Vec<model::Outreach> = vault.list(usize::MAX >> 1, 0)?;
    contact.last_contact = all
        .iter()
        .filter(|o| o.contact_id == contact.id && o.id != id)
        .map(|o| o.date)
        .max();
    vault.batch(|vault| {
        vault.delete(model::Outreach::KIND, id)?;
        vault.put(&contact)
    })
}

/// Contacts due a message, weak ties first (see [`model::due_contacts`]). The screens
/// use [`due_contact_schedule`], which also says when and by which cadence.
pub fn due_contacts(vault: &Vault, today: Date) -> Result<Vec<Contact>> {
    let all: Vec<Contact> = vault.list(usize::MAX >> 1, 0)?;
    Ok(model::due_contacts(&all, today)
        .into_iter()
        .cloned()
        .collect())
}

/// A tie's keep-in-touch cadence when a contact has none of its own.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct TieCadence {
    pub tie: Tie,
    pub days: u32,
}

/// The default cadence of every tie, in the order the form lists ties (the contact
/// form's "leave empty for the default: N days" hint reads this).
pub fn tie_cadences() -> Vec<TieCadence> {
    Tie::ALL
        .iter()
        .map(|&tie| TieCadence {
            tie,
            days: tie.default_cadence_days(),
        })
        .collect()
}

/// One contact on the keep-in-touch schedule.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct ContactSchedule {
    pub contact: Contact,
    /// The day a message is next due; `None`: never contacted, due now.
    pub next_on: Option<Date>,
    /// The cadence used, in days: the contact's own, or its tie's default.
    pub cadence_days: u32,
    /// Whether `cadence_days` is the tie's default (the contact has none of its own).
    pub default_cadence: bool,
    /// Whether a message is due by the day asked about.
    pub due: bool,
}

fn schedule(contact: Contact, today: Date) -> ContactSchedule {
    ContactSchedule {
        next_on: contact.due_on(),
        cadence_days: contact.effective_cadence_days(),
        default_cadence: contact.cadence_days.is_none(),
        due: contact.is_due(today),
        contact,
    }
}

/// Every contact, in name order, with the day each is next due and the cadence used
/// (what the contact list shows as "next around DATE").
pub fn contact_schedule(vault: &Vault, today: Date) -> Result<Vec<ContactSchedule>> {
    let mut all: Vec<Contact> = vault.list(usize::MAX >> 1, 0)?;
    all.reverse(); // The mirror lists newest sort key first; names read A to Z.
    Ok(all.into_iter().map(|c| schedule(c, today)).collect())
}

/// The contacts due a message by `today`, in [`model::due_contacts`]' order (weak ties
/// first, most overdue first), each with its next date and cadence.
pub fn due_contact_schedule(vault: &Vault, today: Date) -> Result<Vec<ContactSchedule>> {
    let all: Vec<Contact> = vault.list(usize::MAX >> 1, 0)?;
    Ok(due_schedule_of(&all, today))
}

/// [`due_contact_schedule`] over contacts already read (the reminders ask it for every
/// day of a window without reading the contacts again).
pub(crate) fn due_schedule_of(contacts: &[Contact], today: Date) -> Vec<ContactSchedule> {
    model::due_contacts(contacts, today)
        .into_iter()
        .map(|c| schedule(c.clone(), today))
        .collect()
}

/// Asks a contact for an introduction. The contact making it (and, if set, the person
/// introduced to) must exist; an empty id is made. Starts where the intro says (normally
/// `requested`, with its dates checked by `Intro::validate`).
pub fn add_intro(vault: &mut Vault, mut intro: Intro) -> Result<Intro> {
    if intro.id.trim().is_empty() {
        intro.id = model::new_id();
    }
    super::add(vault, intro)
}

/// Moves an introduction to `status` on the day `on`. One rule for both fronts:
/// - a status's date is set the first time the intro reaches it (moving to `met`
///   straight from `requested` sets both dates to `on`), and kept if it was set already;
/// - moving back clears the dates after the new status (back to `requested` clears
///   `made_on` and `met_on`; back to `made` clears `met_on`), so the dates never claim a
///   step the intro is no longer at;
/// - moving to the status it is at changes nothing.
///
/// A date before the earlier step's is refused (`invalid`), nothing written.
pub fn move_intro(
    vault: &mut Vault,
    id: &str,
    status: IntroStatus,
    on: Date,
    version: Option<&str>,
) -> Result<Intro> {
    let (mut intro, base) = read_for_edit::<Intro>(vault, id, version)?;
    if intro.status == status {
        return vault.require(id);
    }
    intro.status = status;
    match status {
        IntroStatus::Requested => {
            intro.made_on = None;
            intro.met_on = None;
        }
        IntroStatus::Made => {
            intro.made_on.get_or_insert(on);
            intro.met_on = None;
        }
        IntroStatus::Met => {
            intro.made_on.get_or_insert(on);
            intro.met_on.get_or_insert(on);
        }
    }
    check_references(vault, &intro)?;
    vault.put_at(&intro, base.as_ref())?;
    vault.require(id)
}

/// The chain of people an introduction goes through, from you to the person it leads to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct IntroChain {
    pub intro_id: String,
    /// E.g. `["Ann", "Bo at Acme"]`, or `["Cy", "Ann", "Bo at Acme"]` when Ann was
    /// herself introduced by Cy (an introduction made or met, not only requested).
    pub names: Vec<String>,
}

/// The chain of every introduction: the person it leads to, preceded by who makes it,
/// preceded by whoever introduced that contact, and so on (a contact no longer in the
/// vault reads "someone"; a loop stops where it would repeat).
pub fn intro_chains(vault: &Vault) -> Result<Vec<IntroChain>> {
    let intros: Vec<Intro> = vault.list(usize::MAX >> 1, 0)?;
    let contacts: Vec<Contact> = vault.list(usize::MAX >> 1, 0)?;
    Ok(intros
        .iter()
        .map(|i| IntroChain {
            intro_id: i.id.clone(),
            names: chain_of(i, &intros, &contacts),
        })
        .collect())
}

fn chain_of(intro: &Intro, intros: &[Intro], contacts: &[Contact]) -> Vec<String> {
    let name = |id: &str| {
        contacts
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| "someone".to_string(), |c| c.name.clone())
    };
    let mut chain = vec![intro.to_name.clone()];
    let mut seen = std::collections::HashSet::new();
    let mut via = intro.via_contact_id.clone();
    while !via.is_empty() && seen.insert(via.clone()) {
        chain.push(name(&via));
        via = intros
            .iter()
            .find(|i| {
                i.to_contact_id.as_deref() == Some(via.as_str())
                    && i.status != IntroStatus::Requested
            })
            .map(|i| i.via_contact_id.clone())
            .unwrap_or_default();
    }
    chain.reverse();
    chain
}

/// Worry time as the screens need it: whether it is on now, and today's window.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct WorryTime {
    /// Whether `now` falls in the window (start included, end excluded).
    pub now: bool,
    /// When today's window starts and ends; `None` when no worry time is set (or it is
    /// not a valid "HH:MM").
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub minutes: u32,
}

/// Whether it is worry time at `now` (local clock), by the profile's "HH:MM" and length.
/// The window is today's; one that runs past midnight ends at midnight, as the app
/// always counted it.
pub fn worry_time(profile: &Profile, now: NaiveDateTime) -> WorryTime {
    let minutes = profile.worry_minutes;
    let Some(start) = profile.worry_time_of_day() else {
        return WorryTime {
            now: false,
            starts_at: None,
            ends_at: None,
            minutes,
        };
    };
    let starts_at = now.date().and_time(start);
    let ends_at = starts_at + chrono::Duration::minutes(i64::from(minutes));
    let midnight = now
        .date()
        .succ_opt()
        .map_or(NaiveDateTime::MAX, |d| d.and_time(chrono::NaiveTime::MIN));
    let on = now >= starts_at && now < ends_at.min(midnight);
    WorryTime {
        now: on,
        starts_at: Some(starts_at),
        ends_at: Some(ends_at),
        minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};

    fn contact(v: &mut Vault, name: &str) -> String {
        let c = Contact {
            id: model::new_id(),
            name: name.into(),
            ..Default::default()
        };
        crate::api::add(v, c).unwrap().id
    }

    fn intro(v: &mut Vault, via: &str) -> Intro {
        add_intro(
            v,
            Intro {
                via_contact_id: via.into(),
                to_name: "Bo".into(),
                requested_on: day("2026-11-01"),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn an_intro_via_a_contact_that_does_not_exist_is_refused_and_nothing_is_written() {
        let mut v = test_vault::new();
        let err = add_intro(
            &mut v,
            Intro {
                via_contact_id: "ghost".into(),
                to_name: "Bo".into(),
                requested_on: day("2026-11-01"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(crate::api::list::<Intro>(&v, 10).unwrap().is_empty());
    }

    #[test]
    fn an_intro_to_a_contact_that_does_not_exist_is_refused() {
        let mut v = test_vault::new();
        let via = contact(&mut v, "Ada");
        let err = add_intro(
            &mut v,
            Intro {
                via_contact_id: via,
                to_name: "Bo".into(),
                to_contact_id: Some("ghost".into()),
                requested_on: day("2026-11-01"),
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
    fn an_intro_made_then_met_keeps_the_day_it_was_made() {
        let mut v = test_vault::new();
        let via = contact(&mut v, "Ada");
        let i = intro(&mut v, &via);
        let made = move_intro(&mut v, &i.id, IntroStatus::Made, day("2026-11-05"), None).unwrap();
        assert_eq!(made.made_on, Some(day("2026-11-05")));
        let met = move_intro(&mut v, &i.id, IntroStatus::Met, day("2026-11-09"), None).unwrap();
        assert_eq!(met.made_on, Some(day("2026-11-05")));
        assert_eq!(met.met_on, Some(day("2026-11-09")));
    }

    #[test]
    fn an_intro_met_straight_from_requested_gets_both_dates() {
        let mut v = test_vault::new();
        let via = contact(&mut v, "Ada");
        let i = intro(&mut v, &via);
        let met = move_intro(&mut v, &i.id, IntroStatus::Met, day("2026-11-09"), None).unwrap();
        assert_eq!(met.made_on, Some(day("2026-11-09")));
        assert_eq!(met.met_on, Some(day("2026-11-09")));
    }

    #[test]
    fn moving_an_intro_back_clears_the_dates_after_its_new_status() {
        let mut v = test_vault::new();
        let via = contact(&mut v, "Ada");
        let i = intro(&mut v, &via);
        move_intro(&mut v, &i.id, IntroStatus::Met, day("2026-11-09"), None).unwrap();
        let made = move_intro(&mut v, &i.id, IntroStatus::Made, day("2026-11-10"), None).unwrap();
        assert_eq!(made.made_on, Some(day("2026-11-09")));
        assert_eq!(made.met_on, None);
        let back = move_intro(
            &mut v,
            &i.id,
            IntroStatus::Requested,
            day("2026-11-10"),
            None,
        )
        .unwrap();
        assert_eq!((back.made_on, back.met_on), (None, None));
    }

    #[test]
    fn an_intro_made_before_it_was_requested_is_refused() {
        let mut v = test_vault::new();
        let via = contact(&mut v, "Ada");
        let i = intro(&mut v, &via);
        let err =
            move_intro(&mut v, &i.id, IntroStatus::Made, day("2026-10-01"), None).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(
            crate::api::get::<Intro>(&v, &i.id).unwrap().status,
            IntroStatus::Requested
        );
    }

    #[test]
    fn the_schedule_gives_each_contact_its_next_date_and_the_cadence_used() {
        let mut v = test_vault::new();
        let mut ada = Contact {
            id: model::new_id(),
            name: "Ada".into(),
            tie: Tie::Often,
            last_contact: Some(day("2026-11-01")),
            ..Default::default()
        };
        crate::api::add(&mut v, ada.clone()).unwrap();
        ada.id = model::new_id();
        ada.name = "Bo".into();
        ada.cadence_days = Some(3);
        crate::api::add(&mut v, ada).unwrap();
        let all = contact_schedule(&v, day("2026-11-10")).unwrap();
        let names: Vec<&str> = all.iter().map(|s| s.contact.name.as_str()).collect();
        assert_eq!(names, ["Ada", "Bo"]);
        assert_eq!(all[0].next_on, Some(day("2026-11-15")));
        assert_eq!(
            (all[0].cadence_days, all[0].default_cadence, all[0].due),
            (14, true, false)
        );
        assert_eq!(all[1].next_on, Some(day("2026-11-04")));
        assert_eq!(
            (all[1].cadence_days, all[1].default_cadence, all[1].due),
            (3, false, true)
        );
        let due = due_contact_schedule(&v, day("2026-11-10")).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].contact.name, "Bo");
    }

    #[test]
    fn the_default_cadences_are_the_ties_own() {
        let c = tie_cadences();
        assert_eq!(
            c.iter().map(|t| (t.tie, t.days)).collect::<Vec<_>>(),
            [(Tie::Often, 14), (Tie::Occasionally, 45), (Tie::Rarely, 90)]
        );
    }

    #[test]
    fn it_is_worry_time_from_its_start_until_just_before_its_end() {
        let p = Profile {
            worry_time: Some("18:00".into()),
            worry_minutes: 15,
            ..Default::default()
        };
        let at = |s: &str| {
            NaiveDateTime::parse_from_str(&format!("2026-11-30 {s}"), "%Y-%m-%d %H:%M").unwrap()
        };
        assert!(!worry_time(&p, at("17:59")).now);
        assert!(worry_time(&p, at("18:00")).now);
        assert!(worry_time(&p, at("18:14")).now);
        let w = worry_time(&p, at("18:15"));
        assert!(!w.now);
        assert_eq!(w.starts_at, Some(at("18:00")));
        assert_eq!(w.ends_at, Some(at("18:15")));
    }

    #[test]
    fn without_a_valid_worry_time_it_is_never_worry_time() {
        let mut p = Profile::default();
        let noon = day("2026-11-30").and_hms_opt(12, 0, 0).unwrap();
        assert_eq!(worry_time(&p, noon).starts_at, None);
        p.worry_time = Some("9:5".into());
        assert!(!worry_time(&p, noon).now);
    }

    #[test]
    fn an_intro_chain_reaches_back_through_whoever_introduced_the_contact() {
        let c = |id: &str, name: &str| Contact {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        };
        let intro = |id: &str, via: &str, to: &str, to_contact: Option<&str>, status| Intro {
            id: id.into(),
            via_contact_id: via.into(),
            to_name: to.into(),
            to_contact_id: to_contact.map(Into::into),
            status,
            ..Default::default()
        };
        let contacts = [c("cy", "Cy"), c("ann", "Ann")];
        let intros = [
            intro("i1", "cy", "Ann", Some("ann"), IntroStatus::Made),
            intro("i2", "ann", "Bo at Acme", None, IntroStatus::Requested),
            intro("i3", "gone", "Di", None, IntroStatus::Requested),
            // Only asked for: Ann was not introduced by Eve (yet).
            intro("i4", "eve", "Ann", Some("ann"), IntroStatus::Requested),
            // A loop stops where it would repeat.
            intro("i5", "ann", "Cy", Some("cy"), IntroStatus::Met),
        ];
        assert_eq!(
            chain_of(&intros[1], &intros, &contacts),
            ["Cy", "Ann", "Bo at Acme"]
        );
        assert_eq!(
            chain_of(&intros[0], &intros, &contacts),
            ["Ann", "Cy", "Ann"]
        );
        assert_eq!(chain_of(&intros[2], &intros, &contacts), ["someone", "Di"]);
    }

    #[test]
    fn intro_chains_name_every_introduction_in_the_vault() {
        let mut v = test_vault::new();
        let ann = contact(&mut v, "Ann");
        let added = add_intro(
            &mut v,
            Intro {
                via_contact_id: ann,
                to_name: "Bo at Acme".into(),
                requested_on: day("2026-11-01"),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            intro_chains(&v).unwrap(),
            [IntroChain {
                intro_id: added.id,
                names: vec!["Ann".into(), "Bo at Acme".into()],
            }]
        );
    }

    fn message(v: &mut Vault, contact_id: &str, date: &str) -> model::Outreach {
        log_outreach(
            v,
            model::Outreach {
                id: model::new_id(),
                contact_id: contact_id.into(),
                date: day(date),
                message: "Coffee?".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn deleting_the_latest_message_puts_the_last_contact_back_to_the_one_before() {
        let mut v = test_vault::new();
        let priya = contact(&mut v, "Priya");
        let first = message(&mut v, &priya, "2026-11-02");
        let latest = message(&mut v, &priya, "2026-11-20");
        let last = |v: &Vault| v.get::<Contact>(&priya).unwrap().unwrap().last_contact;
        assert_eq!(last(&v), Some(day("2026-11-20")));
        // Through the generic verb every front uses.
        crate::api::delete_json(&mut v, "outreach", &latest.id).unwrap();
        assert_eq!(last(&v), Some(day("2026-11-02")));
        crate::api::delete_json(&mut v, "outreach", &first.id).unwrap();
        assert_eq!(last(&v), None, "no message left: never contacted");
        assert!(
            crate::api::list::<model::Outreach>(&v, 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn deleting_an_older_message_leaves_a_later_last_contact_alone() {
        let mut v = test_vault::new();
        let priya = contact(&mut v, "Priya");
        let older = message(&mut v, &priya, "2026-11-02");
        message(&mut v, &priya, "2026-11-20");
        delete_outreach(&mut v, &older.id).unwrap();
        let c: Contact = v.get(&priya).unwrap().unwrap();
        assert_eq!(c.last_contact, Some(day("2026-11-20")));
        assert_eq!(
            delete_outreach(&mut v, &older.id).unwrap_err().code(),
            "not_found"
        );
    }
}
