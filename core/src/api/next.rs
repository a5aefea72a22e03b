//! Step 4, the next move: adding and moving pipeline items (with the one rule for their
//! stage date and closing reason), the follow-ups due, and the story drafts suggested
//! from debrief lessons and wins.

use serde::Serialize;
use ts_rs::TS;

use super::read_for_edit;
use crate::error::Result;
use crate::model::{self, Date, Debrief, PipelineItem, Stage, Story, Win};
use crate::vault::Vault;

/// Adds a pipeline item (an empty id is made). Its stage date defaults to `today` when
/// it has none (the default date), so a new item is not born stale.
pub fn add_item(vault: &mut Vault, mut item: PipelineItem, today: Date) -> Result<PipelineItem> {
    if item.id.trim().is_empty() {
        item.id = model::new_id();
    }
    if item.stage_changed_on == Date::default() {
        item.stage_changed_on = today;
    }
    if item.stage != Stage::Closed {
        item.closed_reason = None;
    }
    super::add(vault, item)
}

/// Moves an item to `stage`. The rule, the same for every front:
/// - the stage date (`stage_changed_on`) becomes `today` only when the stage changes;
///   moving to the stage it is at keeps the date (a follow-up is measured from the last
///   real move);
/// - closing needs a reason (`closed_reason`, refused as `invalid` without one); closing
///   an item that is closed already just replaces the reason;
/// - moving to any stage but `closed` (reopening included) clears the closing reason, so
///   an open item never shows why it closed.
pub fn move_item(
    vault: &mut Vault,
    id: &str,
    stage: Stage,
    closed_reason: Option<String>,
    today: Date,
    version: Option<&str>,
) -> Result<PipelineItem> {
    let (mut item, base) = read_for_edit::<PipelineItem>(vault, id, version)?;
    item.set_stage(stage, today);
    item.closed_reason = if stage == Stage::Closed {
        closed_reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
    } else {
        None
    };
    vault.put_at(&item, base.as_ref())?;
    vault.require(id)
}

/// An item that asks for a follow-up today, with why, worded for the person.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct FollowUp {
    pub item: PipelineItem,
    /// "follow-up due 2026-11-30" or "no movement for 15 days".
    pub reason: String,
}

/// Why an item asks for a follow-up (see [`PipelineItem::needs_follow_up`]).
pub fn follow_up_reason(item: &PipelineItem, today: Date) -> String {
    match item.follow_up_on {
        Some(on) if on <= today => format!("follow-up due {on}"),
        _ => format!(
            "no movement for {} days",
            (today - item.stage_changed_on).num_days()
        ),
    }
}

/// The open items that ask for a follow-up today, soonest follow-up date first (items
/// with none after, stalest first).
pub fn follow_ups_due(vault: &Vault, today: Date) -> Result<Vec<FollowUp>> {
    let items: Vec<PipelineItem> = vault.list(usize::MAX >> 1, 0)?;
    Ok(follow_ups_of(&items, today))
}

pub(crate) fn follow_ups_of(items: &[PipelineItem], today: Date) -> Vec<FollowUp> {
    let mut due: Vec<FollowUp> = items
        .iter()
        .filter(|i| i.needs_follow_up(today))
        .map(|item| FollowUp {
            reason: follow_up_reason(item, today),
            item: item.clone(),
        })
        .collect();
    due.sort_by(|a, b| {
        let key = |f: &FollowUp| {
            (
                f.item.follow_up_on.is_none(),
                f.item.follow_up_on,
                f.item.stage_changed_on,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.item.id.cmp(&b.item.id))
    });
    due
}

/// A first draft of an interview story, suggested from a debrief lesson or a win.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
pub struct StorySuggestion {
    /// Stable while the source is: `lesson-<debrief>-<lesson>` or `win-<win>`.
    pub key: String,
    /// What the person picks from: "Lesson: … (from “…”)" or "Win: …".
    pub label: String,
    /// The story to start from (its `id` empty: saving it makes one).
    pub draft: Story,
}

/// Story drafts from every debrief lesson that says something (a lesson or an action)
/// and every win: a lesson becomes a "what I learned" answer to "why did you leave?"
/// (situation from the debrief's title and intent, task its success measure, action the
/// lesson's action), a win a story whose result is the win.
pub fn story_suggestions(vault: &Vault) -> Result<Vec<StorySuggestion>> {
    let debriefs: Vec<Debrief> = vault.list(usize::MAX >> 1, 0)?;
    let wins: Vec<Win> = vault.list(usize::MAX >> 1, 0)?;
    Ok(suggestions_of(&debriefs, &wins))
}

fn suggestions_of(debriefs: &[Debrief], wins: &[Win]) -> Vec<StorySuggestion> {
    let mut out = Vec::new();
    for d in debriefs {
        for l in &d.lessons {
            if l.lesson.trim().is_empty() && l.action.trim().is_empty() {
                continue;
            }
            let named = if l.lesson.is_empty() {
                &l.action
            } else {
                &l.lesson
            };
            let situation = [d.title.as_str(), d.intent.as_str()]
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(". ");
            let result = if l.success_test.is_empty() {
                format!("What I learned: {}.", l.lesson)
            } else {
                format!(
                    "What I learned: {}. I'll know it worked when {}.",
                    l.lesson, l.success_test
                )
            };
            out.push(StorySuggestion {
                key: format!("lesson-{}-{}", d.id, l.id),
                label: format!("Lesson: {named} (from “{}”)", d.title),
                draft: Story {
                    id: String::new(),
                    title: if l.lesson.is_empty() {
                        d.title.clone()
                    } else {
                        l.lesson.clone()
                    },
                    situation,
                    task: d.success_measure.clone(),
                    action: l.action.clone(),
                    result,
                    source: Some(d.id.clone()),
                    why_i_left: true,
                },
            });
        }
    }
    for w in wins {
        out.push(StorySuggestion {
            key: format!("win-{}", w.id),
            label: format!("Win: {}", w.title),
            draft: Story {
                id: String::new(),
                title: w.title.clone(),
                situation: String::new(),
                task: String::new(),
                action: String::new(),
                result: if w.text.is_empty() {
                    w.title.clone()
                } else {
                    w.text.clone()
                },
                source: Some(w.id.clone()),
                why_i_left: false,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault::{self, day};

    fn item(v: &mut Vault, on: &str) -> PipelineItem {
        add_item(
            v,
            PipelineItem {
                title: "Data engineer".into(),
                org: "Acme".into(),
                ..Default::default()
            },
            day(on),
        )
        .unwrap()
    }

    #[test]
    fn a_new_item_starts_its_stage_date_today() {
        let mut v = test_vault::new();
        let i = item(&mut v, "2026-11-01");
        assert_eq!(i.stage_changed_on, day("2026-11-01"));
        assert!(!i.id.is_empty());
    }

    #[test]
    fn moving_an_item_to_another_stage_dates_the_move() {
        let mut v = test_vault::new();
        let i = item(&mut v, "2026-11-01");
        let moved =
            move_item(&mut v, &i.id, Stage::Applied, None, day("2026-11-05"), None).unwrap();
        assert_eq!(
            (moved.stage, moved.stage_changed_on),
            (Stage::Applied, day("2026-11-05"))
        );
    }

    #[test]
    fn moving_an_item_to_the_stage_it_is_at_keeps_its_stage_date() {
        let mut v = test_vault::new();
        let i = item(&mut v, "2026-11-01");
        let same = move_item(&mut v, &i.id, Stage::Saved, None, day("2026-11-20"), None).unwrap();
        assert_eq!(same.stage_changed_on, day("2026-11-01"));
    }

    #[test]
    fn closing_an_item_without_a_reason_is_refused_and_nothing_changes() {
        let mut v = test_vault::new();
        let i = item(&mut v, "2026-11-01");
        let err = move_item(
            &mut v,
            &i.id,
            Stage::Closed,
            Some("  ".into()),
            day("2026-11-05"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(
            crate::api::get::<PipelineItem>(&v, &i.id).unwrap().stage,
            Stage::Saved
        );
    }

    #[test]
    fn reopening_a_closed_item_clears_its_closing_reason() {
        let mut v = test_vault::new();
        let i = item(&mut v, "2026-11-01");
        let closed = move_item(
            &mut v,
            &i.id,
            Stage::Closed,
            Some("no reply".into()),
            day("2026-11-05"),
            None,
        )
        .unwrap();
        assert_eq!(closed.closed_reason.as_deref(), Some("no reply"));
        let reopened = move_item(
            &mut v,
            &i.id,
            Stage::Interview,
            Some("ignored".into()),
            day("2026-11-07"),
            None,
        )
        .unwrap();
        assert_eq!(reopened.closed_reason, None);
        assert_eq!(reopened.stage_changed_on, day("2026-11-07"));
    }

    #[test]
    fn follow_ups_are_due_when_their_date_comes_or_the_stage_sat_still_for_two_weeks() {
        let mut v = test_vault::new();
        let stale = item(&mut v, "2026-11-01");
        let mut dated = item(&mut v, "2026-11-20");
        dated.follow_up_on = Some(day("2026-11-21"));
        crate::api::save(&mut v, dated.clone()).unwrap();
        let fresh = item(&mut v, "2026-11-20");
        let due = follow_ups_due(&v, day("2026-11-22")).unwrap();
        let ids: Vec<&str> = due.iter().map(|f| f.item.id.as_str()).collect();
        assert_eq!(ids, [dated.id.as_str(), stale.id.as_str()]);
        assert!(!ids.contains(&fresh.id.as_str()));
        assert_eq!(due[0].reason, "follow-up due 2026-11-21");
        assert_eq!(due[1].reason, "no movement for 21 days");
    }

    #[test]
    fn a_lesson_suggests_a_why_i_left_story_and_a_win_a_story_of_its_result() {
        let debrief = Debrief {
            id: "d1".into(),
            title: "Laid off".into(),
            intent: "Understand what happened".into(),
            success_measure: "Two lessons".into(),
            lessons: vec![
                model::Lesson {
                    id: "l1".into(),
                    lesson: "Ask for feedback early".into(),
                    action: "Book a monthly 1:1".into(),
                    due: None,
                    success_test: "I hear no surprises".into(),
                },
                model::Lesson {
                    id: "l2".into(),
                    lesson: " ".into(),
                    action: String::new(),
                    due: None,
                    success_test: String::new(),
                },
            ],
            ..Default::default()
        };
        let win = Win {
            id: "w1".into(),
            title: "Shipped the beta".into(),
            text: String::new(),
            ..Default::default()
        };
        let out = suggestions_of(&[debrief], &[win]);
        assert_eq!(out.len(), 2, "the empty lesson suggests nothing");
        assert_eq!(out[0].key, "lesson-d1-l1");
        assert_eq!(
            out[0].label,
            "Lesson: Ask for feedback early (from “Laid off”)"
        );
        assert_eq!(out[0].draft.situation, "Laid off. Understand what happened");
        assert_eq!(out[0].draft.task, "Two lessons");
        assert_eq!(out[0].draft.action, "Book a monthly 1:1");
        assert_eq!(
            out[0].draft.result,
            "What I learned: Ask for feedback early. I'll know it worked when I hear no surprises."
        );
        assert_eq!(out[0].draft.source.as_deref(), Some("d1"));
        assert!(out[0].draft.why_i_left);
        assert_eq!(out[1].key, "win-w1");
        assert_eq!(out[1].label, "Win: Shipped the beta");
        assert_eq!(
            out[1].draft.result, "Shipped the beta",
            "no text: the title"
        );
        assert!(!out[1].draft.why_i_left);
    }

    #[test]
    fn story_suggestions_read_the_vaults_debriefs_and_wins() {
        let mut v = test_vault::new();
        assert!(story_suggestions(&v).unwrap().is_empty());
        let win = Win {
            id: "w1".into(),
            date: day("2026-11-01"),
            title: "Gave a talk".into(),
            text: "Forty people came".into(),
            ..Default::default()
        };
        crate::api::add(&mut v, win).unwrap();
        let out = story_suggestions(&v).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].draft.result, "Forty people came");
    }
}
