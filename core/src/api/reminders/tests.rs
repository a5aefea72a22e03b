use chrono::DateTime;
use serde_json::json;

use super::*;
use crate::api::test_vault::{self, day};
use crate::model::{Block, Lesson, SetbackKind, Stage, Tie};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// The reminders from `from` to `to` in `tz`, as (kind, moment in RFC 3339) pairs.
fn due(v: &Vault, from: &str, to: &str, tz: &str) -> Vec<(ReminderKind, String)> {
    reminders(v, at(from), at(to), tz)
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.at.to_rfc3339()))
        .collect()
}

fn with_profile(v: &mut Vault, edit: impl FnOnce(&mut Profile)) {
    let mut p = Profile::new(SetbackKind::LetGo, day("2026-01-15"));
    edit(&mut p);
    crate::api::set_profile(v, p, None).unwrap();
}

/// Only the kinds named on: each test looks at the reminders it is about.
fn only(v: &Vault, kinds: &[ReminderKind]) {
    let mut s = reminder_settings(v).unwrap();
    for k in ReminderKind::ALL {
        s.set(k, kinds.contains(&k));
    }
    set_reminder_settings(v, s).unwrap();
}

fn contact(v: &mut Vault, name: &str, tie: Tie, last: Option<&str>) -> String {
    let c = Contact {
        id: model::new_id(),
        name: name.into(),
        tie,
        last_contact: last.map(day),
        ..Default::default()
    };
    crate::api::add(v, c).unwrap().id
}

fn debrief(v: &mut Vault, title: &str, edit: impl FnOnce(&mut Debrief)) -> Debrief {
    let mut d = Debrief::new(title, SetbackKind::LetGo, model::new_id());
    d.started_on = day("2026-06-01");
    edit(&mut d);
    crate::api::add(v, d).unwrap()
}

#[test]
fn worry_time_fires_every_day_at_the_profiles_time_in_the_persons_zone() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("18:30".into()));
    only(&v, &[ReminderKind::WorryTime]);
    let all = reminders(
        &v,
        at("2026-06-01T00:00:00+02:00"),
        at("2026-06-03T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&all).unwrap(),
        json!([
            {"kind": "worry_time", "title": "Worry time: 15 minutes for the worries you parked",
             "at": "2026-06-01T18:30:00+02:00", "record": null},
            {"kind": "worry_time", "title": "Worry time: 15 minutes for the worries you parked",
             "at": "2026-06-02T18:30:00+02:00", "record": null},
        ])
    );
    // The same wall-clock time in another zone is another moment.
    assert_eq!(
        due(
            &v,
            "2026-06-01T00:00:00Z",
            "2026-06-02T00:00:00Z",
            "America/New_York"
        ),
        [(ReminderKind::WorryTime, "2026-06-01T18:30:00-04:00".into())]
    );
}

#[test]
fn the_grief_window_end_reminds_on_the_morning_of_its_last_day_and_opens_the_profile() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.grief_ends_on = Some(day("2026-06-10")));
    only(&v, &[ReminderKind::GriefWindowEnd]);
    let all = reminders(
        &v,
        at("2026-06-08T00:00:00+02:00"),
        at("2026-06-13T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].at, at("2026-06-10T09:00:00+02:00"));
    assert_eq!(
        all[0].record,
        Some(RecordRef {
            kind: Kind::Profile,
            id: "profile".into()
        })
    );
    assert_eq!(
        all[0].title,
        "Your grief window ends today: time to tell people"
    );
}

#[test]
fn contacts_remind_each_morning_from_the_day_their_cadence_runs_out() {
    let mut v = test_vault::new();
    only(&v, &[ReminderKind::ContactDue]);
    // Seen often, last on 1 June: due after 14 days, on the 15th.
    let ada = contact(&mut v, "Ada", Tie::Often, Some("2026-06-01"));
    let all = reminders(
        &v,
        at("2026-06-13T00:00:00+02:00"),
        at("2026-06-17T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    let moments: Vec<_> = all.iter().map(|r| r.at.to_rfc3339()).collect();
    assert_eq!(
        moments,
        ["2026-06-15T09:00:00+02:00", "2026-06-16T09:00:00+02:00"]
    );
    assert_eq!(all[0].title, "Someone is due a message from you");
    assert_eq!(
        all[0].record,
        Some(RecordRef {
            kind: Kind::Contact,
            id: ada
        })
    );
    // A second person due makes one reminder about the list, not two.
    contact(&mut v, "Bo", Tie::Rarely, None);
    let all = reminders(
        &v,
        at("2026-06-15T00:00:00+02:00"),
        at("2026-06-16T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].title, "2 people are due a message from you");
    assert_eq!(all[0].record, None);
}

#[test]
fn a_pipeline_follow_up_reminds_on_its_date_and_a_closed_item_never() {
    let mut v = test_vault::new();
    only(&v, &[ReminderKind::FollowUp]);
    let item = crate::api::add_item(
        &mut v,
        PipelineItem {
            title: "Designer at Acme".into(),
            follow_up_on: Some(day("2026-06-12")),
            ..Default::default()
        },
        day("2026-06-10"),
    )
    .unwrap();
    let all = reminders(
        &v,
        at("2026-06-10T00:00:00+02:00"),
        at("2026-06-13T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].at, at("2026-06-12T09:00:00+02:00"));
    assert_eq!(
        all[0].title,
        "A pipeline item is waiting for your follow-up"
    );
    assert_eq!(
        all[0].record,
        Some(RecordRef {
            kind: Kind::PipelineItem,
            id: item.id.clone()
        })
    );
    crate::api::move_item(
        &mut v,
        &item.id,
        Stage::Closed,
        Some("filled".into()),
        day("2026-06-11"),
        None,
    )
    .unwrap();
    assert!(
        due(
            &v,
            "2026-06-10T00:00:00+02:00",
            "2026-06-20T00:00:00+02:00",
            "Europe/Berlin"
        )
        .is_empty()
    );
}

#[test]
fn a_lesson_action_reminds_from_its_due_date_until_it_is_ticked_done() {
    let mut v = test_vault::new();
    only(&v, &[ReminderKind::LessonAction]);
    let d = debrief(&mut v, "Leaving Acme", |d| {
        d.lessons = vec![Lesson {
            id: "l1".into(),
            lesson: "Runway matters".into(),
            action: "Save three months".into(),
            due: Some(day("2026-06-12")),
            success_test: String::new(),
        }];
    });
    let window = (
        "2026-06-10T00:00:00+02:00",
        "2026-06-14T00:00:00+02:00",
        "Europe/Berlin",
    );
    let all = reminders(&v, at(window.0), at(window.1), window.2).unwrap();
    let moments: Vec<_> = all.iter().map(|r| r.at.to_rfc3339()).collect();
    assert_eq!(
        moments,
        ["2026-06-12T09:00:00+02:00", "2026-06-13T09:00:00+02:00"]
    );
    assert_eq!(all[0].title, "A lesson action is due");
    assert_eq!(
        all[0].record,
        Some(RecordRef {
            kind: Kind::Debrief,
            id: d.id.clone()
        })
    );
    crate::api::tick_action(&mut v, &d.id, "l1", true, day("2026-06-12"), None).unwrap();
    assert!(due(&v, window.0, window.1, window.2).is_empty());
}

#[test]
fn a_scheduled_debrief_block_reminds_at_its_start_until_the_debrief_is_complete() {
    let mut v = test_vault::new();
    only(&v, &[ReminderKind::DebriefBlock]);
    let d = debrief(&mut v, "Leaving Acme", |d| {
        d.scheduled = Some(Block {
            start: "2026-06-12T14:00".into(),
            minutes: 150,
        });
    });
    debrief(&mut v, "Done already", |d| {
        d.scheduled = Some(Block {
            start: "2026-06-12T10:00".into(),
            minutes: 120,
        });
        d.lessons = vec![Lesson {
            id: "l1".into(),
            action: "Save three months".into(),
            due: Some(day("2026-07-01")),
            ..Default::default()
        }];
        d.completed = true;
    });
    let all = reminders(
        &v,
        at("2026-06-12T00:00:00+02:00"),
        at("2026-06-13T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].at, at("2026-06-12T14:00:00+02:00"));
    assert_eq!(all[0].title, "Your debrief block starts now");
    assert_eq!(
        all[0].record,
        Some(RecordRef {
            kind: Kind::Debrief,
            id: d.id
        })
    );
}

#[test]
fn the_check_in_is_off_until_turned_on_and_then_daily_at_its_time() {
    let v = test_vault::new();
    let window = (
        "2026-06-12T00:00:00+02:00",
        "2026-06-13T00:00:00+02:00",
        "Europe/Berlin",
    );
    assert!(!reminder_settings(&v).unwrap().is_on(ReminderKind::CheckIn));
    assert!(due(&v, window.0, window.1, window.2).is_empty());
    let mut s = reminder_settings(&v).unwrap();
    s.set(ReminderKind::CheckIn, true);
    s.check_in_time = "21:15".into();
    set_reminder_settings(&v, s).unwrap();
    let all = reminders(&v, at(window.0), at(window.1), window.2).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].kind, ReminderKind::CheckIn);
    assert_eq!(all[0].at, at("2026-06-12T21:15:00+02:00"));
    assert_eq!(all[0].record, None);
}

#[test]
fn no_title_carries_a_name_or_anything_a_person_wrote() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| {
        p.worry_time = Some("18:00".into());
        p.grief_ends_on = Some(day("2026-06-12"));
        p.what_happened = "Secret reorg".into();
    });
    let mut s = reminder_settings(&v).unwrap();
    s.set(ReminderKind::CheckIn, true);
    set_reminder_settings(&v, s).unwrap();
    contact(&mut v, "Secret Ada", Tie::Often, None);
    crate::api::add_item(
        &mut v,
        PipelineItem {
            title: "Secret job".into(),
            org: "Secret Co".into(),
            follow_up_on: Some(day("2026-06-12")),
            ..Default::default()
        },
        day("2026-06-10"),
    )
    .unwrap();
    debrief(&mut v, "Secret debrief", |d| {
        d.scheduled = Some(Block {
            start: "2026-06-12T14:00".into(),
            minutes: 120,
        });
        d.lessons = vec![Lesson {
            id: "l1".into(),
            lesson: "Secret lesson".into(),
            action: "Secret action".into(),
            due: Some(day("2026-06-12")),
            success_test: "Secret test".into(),
        }];
    });
    let all = reminders(
        &v,
        at("2026-06-12T00:00:00+02:00"),
        at("2026-06-13T00:00:00+02:00"),
        "Europe/Berlin",
    )
    .unwrap();
    let kinds: Vec<_> = all.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            ReminderKind::GriefWindowEnd,
            ReminderKind::ContactDue,
            ReminderKind::FollowUp,
            ReminderKind::LessonAction,
            ReminderKind::DebriefBlock,
            ReminderKind::WorryTime,
            ReminderKind::CheckIn,
        ],
        "every kind, in time order (kinds at one time in the settings' order)"
    );
    for r in &all {
        assert!(!r.title.to_lowercase().contains("secret"), "{}", r.title);
    }
}

#[test]
fn quiet_hours_move_a_reminder_inside_them_to_their_end() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("23:00".into()));
    contact(&mut v, "Ada", Tie::Often, None);
    let mut s = reminder_settings(&v).unwrap();
    for k in ReminderKind::ALL {
        s.set(k, false);
    }
    s.set(ReminderKind::WorryTime, true);
    s.set(ReminderKind::ContactDue, true);
    s.set(ReminderKind::CheckIn, true);
    s.check_in_time = "20:00".into();
    s.quiet_hours = Some(QuietHours {
        start: "22:00".into(),
        end: "09:30".into(),
    });
    set_reminder_settings(&v, s).unwrap();
    assert_eq!(
        due(
            &v,
            "2026-06-12T00:00:00+02:00",
            "2026-06-13T00:00:00+02:00",
            "Europe/Berlin"
        ),
        [
            // The 11th's worry time (23:00), moved over midnight.
            (ReminderKind::WorryTime, "2026-06-12T09:30:00+02:00".into()),
            // The morning's due list (09:00), moved to the end.
            (ReminderKind::ContactDue, "2026-06-12T09:30:00+02:00".into()),
            // Outside quiet hours: as set.
            (ReminderKind::CheckIn, "2026-06-12T20:00:00+02:00".into()),
        ]
    );
}

#[test]
fn back_to_back_windows_give_each_reminder_once() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("23:30".into()));
    contact(&mut v, "Ada", Tie::Often, None);
    let mut s = reminder_settings(&v).unwrap();
    s.quiet_hours = Some(QuietHours {
        start: "23:00".into(),
        end: "08:00".into(),
    });
    set_reminder_settings(&v, s).unwrap();
    let tz = "Europe/Berlin";
    let whole = due(
        &v,
        "2026-06-10T00:00:00+02:00",
        "2026-06-14T00:00:00+02:00",
        tz,
    );
    let mut pieces = Vec::new();
    for (a, b) in [
        ("2026-06-10T00:00:00+02:00", "2026-06-11T08:00:00+02:00"),
        ("2026-06-11T08:00:00+02:00", "2026-06-12T13:17:00+02:00"),
        ("2026-06-12T13:17:00+02:00", "2026-06-14T00:00:00+02:00"),
    ] {
        pieces.extend(due(&v, a, b, tz));
    }
    assert_eq!(pieces, whole);
    assert_eq!(whole.len(), 8, "{whole:?}");
}

#[test]
fn a_time_the_clocks_skip_in_new_york_fires_at_the_first_valid_time_after() {
    // 2026-03-08: 02:00 EST becomes 03:00 EDT.
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("02:30".into()));
    only(&v, &[ReminderKind::WorryTime, ReminderKind::ContactDue]);
    contact(&mut v, "Ada", Tie::Often, None);
    assert_eq!(
        due(
            &v,
            "2026-03-07T00:00:00-05:00",
            "2026-03-10T00:00:00-04:00",
            "America/New_York"
        ),
        [
            (ReminderKind::WorryTime, "2026-03-07T02:30:00-05:00".into()),
            (ReminderKind::ContactDue, "2026-03-07T09:00:00-05:00".into()),
            (ReminderKind::WorryTime, "2026-03-08T03:00:00-04:00".into()),
            (ReminderKind::ContactDue, "2026-03-08T09:00:00-04:00".into()),
            (ReminderKind::WorryTime, "2026-03-09T02:30:00-04:00".into()),
            (ReminderKind::ContactDue, "2026-03-09T09:00:00-04:00".into()),
        ]
    );
}

#[test]
fn a_time_that_happens_twice_in_new_york_fires_once_the_first_time() {
    // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00 to 01:59 happen twice.
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("01:30".into()));
    only(&v, &[ReminderKind::WorryTime]);
    assert_eq!(
        due(
            &v,
            "2026-10-31T00:00:00-04:00",
            "2026-11-03T00:00:00-05:00",
            "America/New_York"
        ),
        [
            (ReminderKind::WorryTime, "2026-10-31T01:30:00-04:00".into()),
            (ReminderKind::WorryTime, "2026-11-01T01:30:00-04:00".into()),
            (ReminderKind::WorryTime, "2026-11-02T01:30:00-05:00".into()),
        ]
    );
    // A window that holds only the second 01:30 has nothing: it fired the first time.
    assert!(
        due(
            &v,
            "2026-11-01T01:00:00-05:00",
            "2026-11-01T02:00:00-05:00",
            "America/New_York"
        )
        .is_empty()
    );
}

#[test]
fn berlins_changes_move_a_skipped_time_forward_and_fire_a_doubled_one_once() {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST; 2026-10-25: 03:00 CEST becomes 02:00 CET.
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("02:15".into()));
    only(&v, &[ReminderKind::WorryTime]);
    assert_eq!(
        due(
            &v,
            "2026-03-29T00:00:00+01:00",
            "2026-03-30T00:00:00+02:00",
            "Europe/Berlin"
        ),
        [(ReminderKind::WorryTime, "2026-03-29T03:00:00+02:00".into())]
    );
    assert_eq!(
        due(
            &v,
            "2026-10-25T00:00:00+02:00",
            "2026-10-26T00:00:00+01:00",
            "Europe/Berlin"
        ),
        [(ReminderKind::WorryTime, "2026-10-25T02:15:00+02:00".into())]
    );
}

#[test]
fn quiet_hours_that_end_in_a_skipped_hour_end_at_the_first_valid_time() {
    let mut v = test_vault::new();
    with_profile(&mut v, |p| p.worry_time = Some("23:00".into()));
    only(&v, &[ReminderKind::WorryTime]);
    let mut s = reminder_settings(&v).unwrap();
    s.quiet_hours = Some(QuietHours {
        start: "22:00".into(),
        end: "02:30".into(),
    });
    set_reminder_settings(&v, s).unwrap();
    let moments = due(
        &v,
        "2026-03-08T00:00:00-05:00",
        "2026-03-09T00:00:00-04:00",
        "America/New_York",
    );
    assert_eq!(
        moments,
        [(ReminderKind::WorryTime, "2026-03-08T03:00:00-04:00".into())]
    );
}

#[test]
fn a_window_that_is_backwards_too_long_or_in_an_unknown_zone_is_refused() {
    let v = test_vault::new();
    let a = at("2026-06-12T00:00:00+02:00");
    let b = at("2026-06-13T00:00:00+02:00");
    let err = reminders(&v, b, a, "Europe/Berlin").unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("before it starts"), "{err}");
    let err = reminders(&v, a, at("2027-06-14T00:00:00+02:00"), "Europe/Berlin").unwrap_err();
    assert!(err.to_string().contains("at most 366 days"), "{err}");
    let err = reminders(&v, a, b, "Mars/Olympus").unwrap_err();
    assert_eq!(
        err.to_string(),
        "tz: 'Mars/Olympus' is not a time zone this version knows; name it as the IANA time zone database does, for example Europe/Berlin or America/New_York"
    );
    assert!(reminders(&v, a, b, ":Europe/Berlin").is_ok());
}

#[test]
fn settings_that_cannot_be_scheduled_are_refused_with_what_to_write() {
    let v = test_vault::new();
    let base = reminder_settings(&v).unwrap();
    let refused = |edit: &dyn Fn(&mut ReminderSettings)| {
        let mut s = base.clone();
        edit(&mut s);
        set_reminder_settings(&v, s).unwrap_err().to_string()
    };
    assert_eq!(
        refused(&|s| s.check_in_time = "8pm".into()),
        "check_in_time: the check-in time '8pm' is not a time; write it as HH:MM on a 24-hour clock, for example 07:30 or 22:00"
    );
    assert!(
        refused(&|s| s.quiet_hours = Some(QuietHours {
            start: "22:00".into(),
            end: "22:00".into()
        }))
        .contains("cover no time; choose an end different from the start")
    );
    assert!(
        refused(&|s| s.quiet_hours = Some(QuietHours {
            start: "25:00".into(),
            end: "07:00".into()
        }))
        .starts_with("quiet_hours.start: the start of quiet hours '25:00' is not a time")
    );
    assert!(
        refused(&|s| s.kinds.push(KindSetting {
            kind: ReminderKind::FollowUp,
            on: false
        }))
        .contains("follow_up is listed twice")
    );
    assert_eq!(reminder_settings(&v).unwrap(), base, "nothing was saved");
    assert_eq!(
        ReminderKind::parse("debrief-block").unwrap(),
        ReminderKind::DebriefBlock
    );
    assert!(
        ReminderKind::parse("nap")
            .unwrap_err()
            .to_string()
            .contains("pick one of worry_time, grief_window_end")
    );
}

#[test]
fn settings_are_kept_on_this_device_every_kind_once_in_order() {
    let v = test_vault::new();
    assert_eq!(
        serde_json::to_value(reminder_settings(&v).unwrap()).unwrap(),
        json!({
            "kinds": [
                {"kind": "worry_time", "on": true},
                {"kind": "grief_window_end", "on": true},
                {"kind": "contact_due", "on": true},
                {"kind": "follow_up", "on": true},
                {"kind": "lesson_action", "on": true},
                {"kind": "debrief_block", "on": true},
                {"kind": "check_in", "on": false},
            ],
            "quiet_hours": null,
            "check_in_time": "20:00",
        })
    );
    // A save that names only some kinds keeps the others as they were by default.
    let kept = set_reminder_settings(
        &v,
        ReminderSettings {
            kinds: vec![KindSetting {
                kind: ReminderKind::WorryTime,
                on: false,
            }],
            quiet_hours: Some(QuietHours {
                start: " 22:00".into(),
                end: "07:00 ".into(),
            }),
            check_in_time: "19:45".into(),
        },
    )
    .unwrap();
    assert_eq!(kept, reminder_settings(&v).unwrap());
    assert_eq!(kept.kinds.len(), ReminderKind::ALL.len());
    assert!(!kept.is_on(ReminderKind::WorryTime) && kept.is_on(ReminderKind::FollowUp));
    assert_eq!(
        kept.quiet_hours,
        Some(QuietHours {
            start: "22:00".into(),
            end: "07:00".into()
        })
    );
    // Local: no record was written, so nothing of it syncs.
    assert_eq!(v.count_by_kind().unwrap().values().sum::<usize>(), 0);
}

#[test]
fn a_local_time_resolves_to_one_moment_in_its_zone() {
    let ny: Tz = time_zone("America/New_York").unwrap();
    let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    assert_eq!(
        local_moment(ny, t("2026-03-08T02:00")).to_rfc3339(),
        "2026-03-08T03:00:00-04:00"
    );
    assert_eq!(
        local_moment(ny, t("2026-11-01T01:59")).to_rfc3339(),
        "2026-11-01T01:59:00-04:00"
    );
    assert_eq!(
        local_moment(ny, t("2026-11-01T02:00")).to_rfc3339(),
        "2026-11-01T02:00:00-05:00"
    );
}
