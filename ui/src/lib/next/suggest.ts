// Story suggestions: a debrief lesson or a win, turned into a first draft of a
// situation–task–action–result story.

import type { Debrief, Story, Win } from '../types';

export interface Suggestion {
  key: string;
  label: string;
  draft: Omit<Story, 'id'>;
}

export function suggestions(debriefs: readonly Debrief[], wins: readonly Win[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const d of debriefs) {
    for (const l of d.lessons ?? []) {
      if (!l.lesson.trim() && !l.action.trim()) continue;
      out.push({
        key: `lesson-${d.id}-${l.id}`,
        label: `Lesson: ${l.lesson || l.action} (from “${d.title}”)`,
        draft: {
          title: l.lesson || d.title,
          situation: [d.title, d.intent].filter((s) => s.trim()).join('. '),
          task: d.success_measure,
          action: l.action,
          result: l.success_test ? `What I learned: ${l.lesson}. I'll know it worked when ${l.success_test}.` : `What I learned: ${l.lesson}.`,
          source: d.id,
          why_i_left: true,
        },
      });
    }
  }
  for (const w of wins) {
    out.push({
      key: `win-${w.id}`,
      label: `Win: ${w.title}`,
      draft: {
        title: w.title,
        situation: '',
        task: '',
        action: '',
        result: w.text || w.title,
        source: w.id,
        why_i_left: false,
      },
    });
  }
  return out;
}
