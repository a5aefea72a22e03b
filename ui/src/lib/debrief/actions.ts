// The actions debrief lessons turned into, for the home screen's "next actions".

import type { Debrief } from '../types';

export interface LessonAction {
  debriefId: string;
  debriefTitle: string;
  lessonId: string;
  action: string;
  due: string;
  successTest: string;
}

/** Every lesson with an action and a due date, soonest first. */
export function lessonActions(debriefs: readonly Debrief[]): LessonAction[] {
  const out: LessonAction[] = [];
  for (const d of debriefs) {
    for (const l of d.lessons ?? []) {
      if (l.action.trim() && l.due) {
        out.push({
          debriefId: d.id,
          debriefTitle: d.title,
          lessonId: l.id,
          action: l.action,
          due: l.due,
          successTest: l.success_test,
        });
      }
    }
  }
  return out.sort((a, b) => a.due.localeCompare(b.due));
}
