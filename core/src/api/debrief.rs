//! Step 1, the debrief: ticking a lesson's action done (or open again), and the open
//! actions with their due dates, as Home lists them.
//!
//! Compatibility of the tick (`Debrief::actions_done`, new in this release): an older
//! release reads a debrief carrying it (serde ignores fields it does not know). From this
//! release on, a save keeps every key it does not know (`doc::put_record` writes an
//! existing record as an edit of what this version reads of it), so later fields survive
//! a device that does not know them. Releases before this one did not: their save
//! rewrote the record from their own struct and deleted the key. That is safe, and the
//! test
//! `an_older_device_resaving_a_debrief_reopens_its_ticked_actions_and_loses_nothing_else`
//! pins why: the record stays valid on every release, no lesson text or other field is
//! touched, and the only loss is the tick itself: the action shows as open again, the
//! state it had before this release, to be ticked again once both devices are updated.

use serde::Serialize;
use ts_rs::TS;

use super::read_for_edit;
use crate::error::{Error, Result};
use crate::model::{Date, Debrief};
use crate::vault::Vault;

/// Ticks a lesson's action done on `on` (or, with `done: false`, opens it again).
/// A lesson with no action to do is refused (`precondition`), nothing written.
pub fn tick_action(
    vault: &mut Vault,
    debrief_id: &str,
    lesson_id: &str,
    done: bool,
    on: Date,
    version: Option<&str>,
) -> Result<Debrief> {
    let (mut debrief, base) = read_for_edit::<Debrief>(vault, debrief_id, version)?;
    let lesson = debrief
        .lessons
        .iter()
        .find(|l| l.id == lesson_id)
        .ok_or_else(|| Error::NotFound {
            kind: "lesson".into(),
            id: lesson_id.into(),
        })?;
    if lesson.action.trim().is_empty() {
        return Err(Error::Precondition(
            "this lesson has no action to tick yet; write what you will do first".into(),
        ));
    }
    if done {
        debrief.actions_done.insert(lesson_id.into(), on);
    } else {
        debrief.actions_done.remove(lesson_id);
    }
    vault.put_at(&debrief, base.as_ref())?;
    vault.require(debrief_id)
}

/// A lesson learnt, turned into an action (see [`add_lesson`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewLesson {
    pub lesson: String,
    pub action: String,
    pub due: Option<Date>,
    pub success_test: String,
}

/// Appends a lesson (with a new id) to a debrief, as an edit at `version` so what another
/// device wrote meanwhile is kept. Returns the debrief as stored.
pub fn add_lesson(
    vault: &mut Vault,
    debrief_id: &str,
    new: NewLesson,
    version: Option<&str>,
) -> Result<Debrief> {
    let (mut debrief, base) = read_for_edit::<Debrief>(vault, debrief_id, version)?;
    debrief.lessons.push(crate::model::Lesson {
        id: crate::model::new_id(),
        lesson: new.lesson,
        action: new.action,
        due: new.due,
        success_test: new.success_test,
    });
    vault.put_at(&debrief, base.as_ref())?;
    vault.require(debrief_id)
}

/// Marks a debrief complete: it needs a lesson turned into an action with a due date
/// (`Debrief::complete`), else it is refused with what is missing, nothing written.
pub fn complete_debrief(vault: &mut Vault, id: &str, version: Option<&str>) -> Result<Debrief> {
    let (mut debrief, base) = read_for_edit::<Debrief>(vault, id, version)?;
    debrief.complete()?;
    vault.put_at(&debrief, base.as_ref())?;
    vault.require(id)
}

/// An open action a debrief's lesson turned into.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
#[ts(export)]
pub struct LessonAction {
    pub debrief_id: String,
    pub debrief_title: String,
    pub lesson_id: String,
    pub action: String,
    pub due: Date,
    pub success_test: String,
    /// Due before the day asked about.
    pub overdue: bool,
}

/// The open actions of these debriefs: every lesson with an action and a due date that
/// is not ticked done, soonest first.
pub fn open_actions(debriefs: &[Debrief], today: Date) -> Vec<LessonAction> {
    let mut out: Vec<LessonAction> = debriefs
        .iter()
        .flat_map(|d| {
            d.lessons.iter().filter_map(move |l| {
                let due = l.due?;
                if l.action.trim().is_empty() || d.actions_done.contains_key(&l.id) {
                    return None;
                }
                Some(LessonAction {
                    debrief_id: d.id.clone(),
                    debrief_title: d.title.clone(),
                    lesson_id: l.id.clone(),
                    action: l.action.clone(),
                    due,
                    success_test: l.success_test.clone(),
                    overdue: due < today,
                })
            })
        })
        .collect();
    out.sort_by_key(|a| a.due);
    out
}

/// The open lesson actions of every debrief, soonest first (see [`open_actions`]).
pub fn lesson_actions(vault: &Vault, today: Date) -> Result<Vec<LessonAction>> {
    let debriefs: Vec<Debrief> = vault.list(usize::MAX >> 1, 0)?;
    Ok(open_actions(&debriefs, today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};
    use crate::model::Record;
    use crate::model::{Lesson, SetbackKind};

    #[test]
    fn a_lesson_added_at_an_old_version_keeps_a_title_changed_since_and_completes_the_debrief() {
        let mut v = test_vault::new();
        let d = Debrief::new("Leaving Acme", SetbackKind::LetGo, crate::model::new_id());
        let d = crate::api::add(&mut v, d).unwrap();
        let err = complete_debrief(&mut v, &d.id, None).unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        let read_at = crate::api::get_json(&v, Debrief::KIND, &d.id).unwrap()["version"]
            .as_str()
            .unwrap()
            .to_string();
        let mut renamed: Debrief = v.require(&d.id).unwrap();
        renamed.title = "Leaving Acme, a year on".into();
        crate::api::save(&mut v, renamed).unwrap();
        let new = NewLesson {
            lesson: "Runway matters".into(),
            action: "Save three months".into(),
            due: Some(day("2026-12-01")),
            success_test: String::new(),
        };
        let after = add_lesson(&mut v, &d.id, new, Some(&read_at)).unwrap();
        assert_eq!(after.title, "Leaving Acme, a year on");
        assert_eq!(after.lessons.len(), 1);
        assert!(complete_debrief(&mut v, &d.id, None).unwrap().completed);
    }

    fn debrief_with_lessons(v: &mut Vault) -> Debrief {
        let mut d = Debrief::new("Leaving Acme", SetbackKind::LetGo, crate::model::new_id());
        d.started_on = day("2026-11-01");
        d.lessons = vec![
            Lesson {
                id: "l1".into(),
                lesson: "Runway matters".into(),
                action: "Save three months".into(),
                due: Some(day("2026-12-01")),
                success_test: "the account says so".into(),
            },
            Lesson {
                id: "l2".into(),
                lesson: "Ask early".into(),
                action: "Book a mentor call".into(),
                due: Some(day("2026-11-10")),
                success_test: String::new(),
            },
            Lesson {
                id: "l3".into(),
                lesson: "No action yet".into(),
                ..Default::default()
            },
        ];
        crate::api::add(v, d).unwrap()
    }

    #[test]
    fn open_actions_are_listed_soonest_first_with_overdue_marked() {
        let mut v = test_vault::new();
        let d = debrief_with_lessons(&mut v);
        let open = lesson_actions(&v, day("2026-11-20")).unwrap();
        let ids: Vec<&str> = open.iter().map(|a| a.lesson_id.as_str()).collect();
        assert_eq!(ids, ["l2", "l1"]);
        assert!(open[0].overdue && !open[1].overdue);
        assert_eq!(open[0].debrief_id, d.id);
        assert_eq!(open[0].debrief_title, "Leaving Acme");
    }

    #[test]
    fn a_ticked_action_leaves_the_list_and_comes_back_when_unticked() {
        let mut v = test_vault::new();
        let d = debrief_with_lessons(&mut v);
        let ticked = tick_action(&mut v, &d.id, "l2", true, day("2026-11-20"), None).unwrap();
        assert_eq!(ticked.actions_done.get("l2"), Some(&day("2026-11-20")));
        let open = lesson_actions(&v, day("2026-11-20")).unwrap();
        assert_eq!(
            open.iter()
                .map(|a| a.lesson_id.as_str())
                .collect::<Vec<_>>(),
            ["l1"]
        );
        tick_action(&mut v, &d.id, "l2", false, day("2026-11-21"), None).unwrap();
        assert_eq!(lesson_actions(&v, day("2026-11-21")).unwrap().len(), 2);
    }

    #[test]
    fn ticking_a_lesson_without_an_action_is_refused_as_a_precondition() {
        let mut v = test_vault::new();
        let d = debrief_with_lessons(&mut v);
        let err = tick_action(&mut v, &d.id, "l3", true, day("2026-11-20"), None).unwrap_err();
        assert_eq!(err.code(), "precondition");
        let err = tick_action(&mut v, &d.id, "nope", true, day("2026-11-20"), None).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(
            crate::api::get::<Debrief>(&v, &d.id)
                .unwrap()
                .actions_done
                .is_empty()
        );
    }

    /// What a release from before `actions_done` reads a debrief as.
    #[derive(serde::Deserialize, serde::Serialize, Debug, Clone, PartialEq)]
    struct OlderDebrief {
        id: String,
        title: String,
        lessons: Vec<serde_json::Value>,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, serde_json::Value>,
    }

    #[test]
    fn an_older_device_resaving_a_debrief_reopens_its_ticked_actions_and_loses_nothing_else() {
        let mut v = test_vault::new();
        let d = debrief_with_lessons(&mut v);
        let ticked = tick_action(&mut v, &d.id, "l1", true, day("2026-11-20"), None).unwrap();
        // An older release reads the record: the unknown field does not stop it.
        let json = crate::api::get_json(&v, "debrief", &d.id).unwrap();
        assert_eq!(json["actions_done"]["l1"], "2026-11-20");
        let older: OlderDebrief = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(older.title, "Leaving Acme");
        // It saves the debrief from its own struct, which has no `actions_done`: the same
        // bytes this release writes for a debrief with no ticks, through the same path.
        let mut resaved = ticked.clone();
        resaved.actions_done.clear();
        resaved.keep = "Asking for help".into();
        let version = json["version"].as_str().unwrap();
        v.put_at(
            &resaved,
            Some(&crate::api::parse_version("debrief", &d.id, version).unwrap()),
        )
        .unwrap();
        let now: Debrief = crate::api::get(&v, &d.id).unwrap();
        assert!(
            now.actions_done.is_empty(),
            "the tick is the one thing lost"
        );
        assert_eq!(
            now.lessons, ticked.lessons,
            "every lesson is kept as it was"
        );
        assert_eq!(now.keep, "Asking for help");
        assert_eq!(now.validate(), Ok(()));
        assert_eq!(lesson_actions(&v, day("2026-11-20")).unwrap().len(), 2);
    }
}
