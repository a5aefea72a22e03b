// A debrief about to be created, at its first step with every answer empty: the one
// shape the Debrief screen's "New debrief" and first run's debrief block both save.

import type { Block, Debrief, Draft, SetbackKind } from '../types';

export function blankDebrief(
  title: string,
  setback: SetbackKind,
  startedOn: string,
  scheduled?: Block,
): Draft<Debrief> {
  return {
    title,
    setback,
    started_on: startedOn,
    ...(scheduled ? { scheduled } : {}),
    step: 'unload',
    unload: '',
    intent: '',
    success_measure: '',
    timeline: [],
    // The core seeds the probing questions for this kind of setback.
    questions: [],
    why_tree: [],
    hot_thought: { thought: '' },
    keep: '',
    change: '',
    lessons: [],
    close: { feeling: '', others_too: '', kind_word: '' },
    completed: false,
    actions_done: {},
  };
}
