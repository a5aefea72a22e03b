//! The reminder scheduler: turns the reminders the core says are due into OS
//! notifications, while the app runs. It decides nothing about what is due (that is
//! `api::reminders`, by this device's settings and time zone); it only asks, for the time
//! since it last asked, and shows each answer once.
//!
//! It starts after the first screen has drawn (with the network node), then checks at
//! each minute's turn and at once when the settings are saved or the vault changes. Each
//! check asks the core for the reminders from the last check up to now (at most
//! [`CATCH_UP`] back: a reminder missed while the app was closed for longer is not worth
//! a late ping), shows those not shown yet, and keeps the last check and what it showed in
//! the vault's local settings, so a restart does not repeat a notification.
//!
//! A notification carries the reminder's title only (lock-screen safe; the core never puts
//! journal text in it) and, as extras, its kind and record. A tap on it, where the
//! platform reports one (phones; Linux servers that send `ActionInvoked`; Windows while
//! the toast is on screen), raises the window and emits `open-reminder` with
//! `{kind, record}`: the UI opens the screen for it.
//!
//! A phone cannot count on the app running when a reminder falls due: the OS suspends it.
//! There the scheduler hands the OS the reminders of the next [`AHEAD`] instead (at most
//! [`MOST_AHEAD`], under iOS's 64 pending per app), each under an id derived from what it
//! is, and hands them again whenever the answer changes (settings saved, a record edited,
//! a new day in the window): the OS fires them while the app sleeps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use comeback_core::api::{self, Reminder};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::{NotificationExt, PermissionState};

use crate::AppState;

/// The local setting the last check and the reminders it showed are kept under.
const SHOWN_SETTING: &str = "reminders_shown";

/// How far back a check looks at most: a reminder due while the app was closed is shown
/// when the app starts within this time, never later.
pub const CATCH_UP: Duration = Duration::hours(1);

/// What the scheduler has done so far, kept across restarts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shown {
    /// The end of the last window asked for.
    pub last_check: Option<DateTime<FixedOffset>>,
    /// The reminders shown that are still inside the catch-up window.
    pub shown: Vec<ShownReminder>,
}

/// One reminder shown: enough to know it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownReminder {
    pub key: String,
    pub at: DateTime<FixedOffset>,
}

/// A reminder's identity: its kind, moment and record.
fn key(r: &Reminder) -> String {
    format!(
        "{}@{}#{}",
        r.kind,
        r.at.with_timezone(&Utc).to_rfc3339(),
        r.record.as_ref().map(|r| r.id.as_str()).unwrap_or("")
    )
}

/// The window to ask the core for at `now`: from the last check (or [`CATCH_UP`] ago,
/// whichever is later) up to now; `None` when there is no time to ask about (a check in
/// the same instant).
pub fn window(
    shown: &Shown,
    now: DateTime<FixedOffset>,
) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let earliest = now - CATCH_UP;
    let from = match shown.last_check {
        // A clock set back: look over the catch-up window again; what was shown is known.
        Some(last) if last > now => earliest,
        Some(last) => last.max(earliest),
        None => earliest,
    };
    (from < now).then_some((from, now))
}

/// Which of `due` (the core's answer for `window(shown, now)`) to show now, and what to
/// keep afterwards: each reminder once, however often its window is asked about.
pub fn decide(
    due: Vec<Reminder>,
    shown: &Shown,
    now: DateTime<FixedOffset>,
) -> (Vec<Reminder>, Shown) {
    let earliest = now - CATCH_UP;
    let mut kept: Vec<ShownReminder> = shown
        .shown
        .iter()
        .filter(|s| s.at >= earliest && s.at <= now)
        .cloned()
        .collect();
    let mut to_show = Vec::new();
    for r in due {
        let k = key(&r);
        if r.at > now || r.at < earliest || kept.iter().any(|s| s.key == k) {
            continue;
        }
        kept.push(ShownReminder { key: k, at: r.at });
        to_show.push(r);
    }
    (
        to_show,
        Shown {
            last_check: Some(now),
            shown: kept,
        },
    )
}

/// The local setting the reminders handed to a phone's OS are kept under.
const PLANNED_SETTING: &str = "reminders_planned";

/// How far ahead a phone hands its reminders to the OS.
pub const AHEAD: Duration = Duration::days(7);

/// The most reminders a phone hands to the OS at once (iOS keeps 64 per app).
pub const MOST_AHEAD: usize = 60;

/// A reminder handed to a phone's OS, under the notification id it fires with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub id: i32,
    pub key: String,
}

/// The id a reminder is handed to the OS under: the same for the same reminder in every
/// plan (FNV-1a of its key, positive), so handing the same plan again changes nothing.
fn stable_id(key: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    // Positive and never 0 (Android treats 0 as "no id" in places).
    ((hash & 0x7fff_ffff) as i32).max(1)
}

/// What a phone hands the OS at `now`, from the core's answer for `now..now + AHEAD`:
/// the reminders still to come, soonest first, at most [`MOST_AHEAD`], each with an id no
/// other reminder of the plan has.
pub fn plan_ahead(due: Vec<Reminder>, now: DateTime<FixedOffset>) -> Vec<(Planned, Reminder)> {
    let mut due: Vec<Reminder> = due.into_iter().filter(|r| r.at > now).collect();
    due.sort_by_key(|r| r.at);
    let mut plan: Vec<(Planned, Reminder)> = Vec::new();
    for r in due {
        let k = key(&r);
        if plan.iter().any(|(p, _)| p.key == k) {
            continue;
        }
        if plan.len() == MOST_AHEAD {
            break;
        }
        let mut id = stable_id(&k);
        while plan.iter().any(|(p, _)| p.id == id) {
            id = id.wrapping_add(1).max(1);
        }
        plan.push((Planned { id, key: k }, r));
    }
    plan
}

/// The notifications shown in this run, by id: what a tap on one opens.
type Opened = Arc<Mutex<HashMap<i32, Json>>>;

/// Starts the scheduler (once per app; a later call does nothing).
pub fn start(app: &AppHandle) {
    static STARTED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if STARTED.set(()).is_err() {
        return;
    }
    let opened: Opened = Arc::default();
    let notification = app.notification();
    // Phones ask the person once; desktops answer "granted" without asking.
    if matches!(
        notification.permission_state(),
        Ok(PermissionState::Prompt | PermissionState::PromptWithRationale)
    ) {
        let _ = notification.request_permission();
    }
    {
        let app = app.clone();
        let opened = opened.clone();
        let _ = notification.on_action(move |action| {
            let from_extra = action.notification().and_then(|n| {
                let extra = n.extra();
                extra.get("kind").map(|kind| {
                    json!({ "kind": kind, "record": extra.get("record").cloned().unwrap_or(Json::Null) })
                })
            });
            let from_run = action
                .notification()
                .and_then(|n| opened.lock().ok()?.get(&n.id()).cloned());
            let Some(payload) = from_extra.or(from_run) else {
                return;
            };
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
            let _ = app.emit("open-reminder", payload);
        });
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let wake = app.state::<AppState>().reminders_wake.clone();
        let mut next_id: i32 = 1;
        loop {
            let handle = app.clone();
            if cfg!(mobile) {
                // The OS fires them, even while the app is suspended.
                let _ = tauri::async_runtime::spawn_blocking(move || hand_ahead(&handle)).await;
            } else {
                let due = tauri::async_runtime::spawn_blocking(move || check(&handle))
                    .await
                    .unwrap_or_default();
                for r in due {
                    show(&app, &opened, next_id, &r);
                    next_id = next_id.wrapping_add(1).max(1);
                }
            }
            // Until the next minute's turn (on a phone, an hour: the OS holds the week's
            // plan, which changes by itself only as days pass), or a wake (settings saved,
            // the vault changed).
            let now = Utc::now();
            let into_minute = now.timestamp() % 60;
            let until = if cfg!(mobile) {
                std::time::Duration::from_secs(3600)
            } else {
                std::time::Duration::from_secs((60 - into_minute).max(1) as u64)
            };
            tokio::select! {
                _ = tokio::time::sleep(until) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// One check: the reminders to show now (recorded as shown), or none when the vault is
/// closed or the core refuses (the next check asks again).
fn check<R: Runtime>(app: &AppHandle<R>) -> Vec<Reminder> {
    let state = app.state::<AppState>();
    let Ok(guard) = state.slot() else {
        return Vec::new();
    };
    let Some(vault) = guard.as_ref() else {
        return Vec::new();
    };
    let now = Utc::now().fixed_offset();
    let shown = vault
        .setting(SHOWN_SETTING)
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str::<Shown>(&json).ok())
        .unwrap_or_default();
    let Some((from, to)) = window(&shown, now) else {
        return Vec::new();
    };
    let Ok(due) = api::reminders(vault, from, to, &api::device_time_zone()) else {
        return Vec::new();
    };
    let (to_show, kept) = decide(due, &shown, now);
    if let Ok(json) = serde_json::to_string(&kept) {
        // Not kept: the next check may show them again, which beats never showing them.
        let _ = vault.set_setting(SHOWN_SETTING, Some(&json));
    }
    if !to_show.is_empty() {
        crate::mark("reminders shown");
    }
    to_show
}

/// On a phone: hands the OS the reminders of the next [`AHEAD`], replacing what it was
/// handed before, when the plan changed. Does nothing while the vault is closed.
fn hand_ahead<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(guard) = state.slot() else {
        return;
    };
    let Some(vault) = guard.as_ref() else {
        return;
    };
    let now = Utc::now().fixed_offset();
    let Ok(due) = api::reminders(vault, now, now + AHEAD, &api::device_time_zone()) else {
        return;
    };
    let plan = plan_ahead(due, now);
    let before: Vec<Planned> = vault
        .setting(PLANNED_SETTING)
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let planned: Vec<Planned> = plan.iter().map(|(p, _)| p.clone()).collect();
    if planned == before {
        return;
    }
    let notification = app.notification();
    #[cfg(mobile)]
    {
        let _ = notification.cancel(before.iter().map(|p| p.id).collect());
    }
    for (p, r) in &plan {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp(r.at.timestamp()) else {
            continue;
        };
        let record = serde_json::to_value(&r.record).unwrap_or(Json::Null);
        let _ = notification
            .builder()
            .id(p.id)
            .title(&r.title)
            .extra("kind", r.kind)
            .extra("record", record)
            .schedule(tauri_plugin_notification::Schedule::At {
                date: at,
                repeating: false,
                allow_while_idle: true,
            })
            .show();
    }
    if let Ok(json) = serde_json::to_string(&planned) {
        let _ = vault.set_setting(PLANNED_SETTING, Some(&json));
    }
}

/// Shows `r` as a notification: its title only, and what a tap opens as extras.
fn show(app: &AppHandle, opened: &Opened, id: i32, r: &Reminder) {
    let record = serde_json::to_value(&r.record).unwrap_or(Json::Null);
    if let Ok(mut map) = opened.lock() {
        map.insert(id, json!({ "kind": r.kind, "record": record }));
    }
    let _ = app
        .notification()
        .builder()
        .id(id)
        .title(&r.title)
        .extra("kind", r.kind)
        .extra("record", record)
        .show();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use comeback_core::api::{RecordRef, ReminderKind};
    use comeback_core::model::Kind;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn worry(when: &str) -> Reminder {
        Reminder {
            kind: ReminderKind::WorryTime,
            title: "Worry time".into(),
            at: at(when),
            record: None,
        }
    }

    fn follow_up(when: &str, id: &str) -> Reminder {
        Reminder {
            kind: ReminderKind::FollowUp,
            title: "A follow-up is due".into(),
            at: at(when),
            record: Some(RecordRef {
                kind: Kind::parse("item").unwrap(),
                id: id.into(),
            }),
        }
    }

    #[test]
    fn the_first_check_looks_back_an_hour_at_most() {
        let now = at("2026-11-30T17:00:30+00:00");
        let (from, to) = window(&Shown::default(), now).unwrap();
        assert_eq!((from, to), (now - CATCH_UP, now));
    }

    #[test]
    fn a_check_asks_from_the_last_one_up_to_now() {
        let now = at("2026-11-30T17:01:00+00:00");
        let shown = Shown {
            last_check: Some(at("2026-11-30T17:00:00+00:00")),
            shown: vec![],
        };
        assert_eq!(
            window(&shown, now),
            Some((at("2026-11-30T17:00:00+00:00"), now))
        );
        // A check in the same instant has nothing to ask.
        let same = Shown {
            last_check: Some(now),
            shown: vec![],
        };
        assert_eq!(window(&same, now), None);
    }

    #[test]
    fn after_a_long_break_only_the_last_hour_is_caught_up() {
        let now = at("2026-11-30T17:00:00+00:00");
        let shown = Shown {
            last_check: Some(at("2026-11-28T09:00:00+00:00")),
            shown: vec![],
        };
        assert_eq!(window(&shown, now).unwrap().0, now - CATCH_UP);
    }

    #[test]
    fn a_clock_set_back_asks_again_but_shows_nothing_twice() {
        let now = at("2026-11-30T16:30:00+00:00");
        let first = Shown::default();
        let (shown_now, kept) = decide(
            vec![worry("2026-11-30T16:00:00+00:00")],
            &first,
            at("2026-11-30T16:45:00+00:00"),
        );
        assert_eq!(shown_now.len(), 1);
        // The clock goes back a quarter of an hour.
        let (from, _) = window(&kept, now).unwrap();
        assert_eq!(from, now - CATCH_UP);
        let (again, _) = decide(vec![worry("2026-11-30T16:00:00+00:00")], &kept, now);
        assert!(again.is_empty());
    }

    #[test]
    fn each_due_reminder_is_shown_once_even_after_a_restart() {
        let now = at("2026-11-30T09:00:30+00:00");
        let due = vec![
            follow_up("2026-11-30T09:00:00+00:00", "item1"),
            follow_up("2026-11-30T09:00:00+00:00", "item2"),
            worry("2026-11-30T08:30:00+00:00"),
        ];
        let (shown_now, kept) = decide(due.clone(), &Shown::default(), now);
        assert_eq!(shown_now, due);
        assert_eq!(kept.last_check, Some(now));
        // The same answer again (the app restarted before the next check, say): nothing.
        let (again, kept2) = decide(due, &kept, at("2026-11-30T09:01:00+00:00"));
        assert!(again.is_empty());
        assert_eq!(kept2.shown.len(), 3);
    }

    #[test]
    fn reminders_outside_the_catch_up_or_in_the_future_are_not_shown() {
        let now = at("2026-11-30T12:00:00+00:00");
        let (shown_now, kept) = decide(
            vec![
                worry("2026-11-30T10:00:00+00:00"),
                worry("2026-11-30T12:00:01+00:00"),
                worry("2026-11-30T11:59:00+00:00"),
            ],
            &Shown::default(),
            now,
        );
        assert_eq!(shown_now, vec![worry("2026-11-30T11:59:00+00:00")]);
        assert_eq!(kept.shown.len(), 1);
    }

    #[test]
    fn what_was_shown_is_forgotten_once_it_is_older_than_the_catch_up() {
        let shown = Shown {
            last_check: Some(at("2026-11-30T08:00:00+00:00")),
            shown: vec![ShownReminder {
                key: key(&worry("2026-11-30T07:30:00+00:00")),
                at: at("2026-11-30T07:30:00+00:00"),
            }],
        };
        let (_, kept) = decide(vec![], &shown, at("2026-11-30T09:00:00+00:00"));
        assert!(kept.shown.is_empty());
    }

    #[test]
    fn a_phone_hands_the_os_what_is_still_to_come_soonest_first() {
        let now = at("2026-11-30T09:00:00+00:00");
        let plan = plan_ahead(
            vec![
                follow_up("2026-12-02T09:00:00+00:00", "item1"),
                worry("2026-11-30T08:59:59+00:00"),
                worry("2026-12-01T17:00:00+00:00"),
                follow_up("2026-12-02T09:00:00+00:00", "item1"),
            ],
            now,
        );
        let at_times: Vec<_> = plan.iter().map(|(_, r)| r.at).collect();
        assert_eq!(
            at_times,
            vec![
                at("2026-12-01T17:00:00+00:00"),
                at("2026-12-02T09:00:00+00:00")
            ]
        );
        assert!(plan.iter().all(|(p, _)| p.id > 0));
        assert_ne!(plan[0].0.id, plan[1].0.id);
    }

    #[test]
    fn the_same_reminder_gets_the_same_id_in_every_plan() {
        let first = plan_ahead(
            vec![follow_up("2026-12-02T09:00:00+00:00", "item1")],
            at("2026-11-30T09:00:00+00:00"),
        );
        let later = plan_ahead(
            vec![
                worry("2026-12-01T17:00:00+00:00"),
                follow_up("2026-12-02T09:00:00+00:00", "item1"),
            ],
            at("2026-11-30T10:00:00+00:00"),
        );
        assert_eq!(first[0].0, later[1].0);
        // Another record at the same moment is another reminder, with another id.
        let other = plan_ahead(
            vec![follow_up("2026-12-02T09:00:00+00:00", "item2")],
            at("2026-11-30T09:00:00+00:00"),
        );
        assert_ne!(first[0].0.id, other[0].0.id);
    }

    #[test]
    fn a_phone_hands_the_os_at_most_sixty() {
        let now = at("2026-11-30T00:00:00+00:00");
        let due: Vec<Reminder> = (0..100)
            .map(|i| follow_up("2026-12-01T09:00:00+00:00", &format!("item{i}")))
            .collect();
        let plan = plan_ahead(due, now);
        assert_eq!(plan.len(), MOST_AHEAD);
        let mut ids: Vec<i32> = plan.iter().map(|(p, _)| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MOST_AHEAD, "every id in a plan is its own");
    }

    #[test]
    fn a_reminder_moved_by_quiet_hours_is_a_new_one() {
        let now = at("2026-11-30T07:00:30+00:00");
        let earlier = Shown {
            last_check: Some(at("2026-11-30T06:59:00+00:00")),
            shown: vec![ShownReminder {
                key: key(&worry("2026-11-30T06:30:00+00:00")),
                at: at("2026-11-30T06:30:00+00:00"),
            }],
        };
        let (shown_now, _) = decide(vec![worry("2026-11-30T07:00:00+00:00")], &earlier, now);
        assert_eq!(shown_now.len(), 1);
    }
}
