// The article's probing questions worded for each kind of setback; a copy of
// `probing_questions` in core/src/model/debrief.rs, so a new debrief is seeded the same
// way from the app as from the command line.

import type { Probe, SetbackKind } from '../types';

export const PROBING_QUESTIONS: Record<SetbackKind, readonly string[]> = {
  let_go: [
    'Were the goals set for the role, or by you, too high?',
    'Did you use your time at work on what mattered most?',
    'Were the leads, accounts or projects you were given poor?',
    'Did you need more training than you got, or asked for?',
    'Were you in over your head in the role?',
    'Was there a disagreement with your manager that shaped what happened?',
    "Maybe you don't love this work. Is that part of the story?",
  ],
  business_folded: [
    'Were your revenue or growth goals too high for the time and money you had?',
    'Did you spend your time on what brought in customers?',
    'Were your leads or your market poor?',
    'Did you need more training in selling, finance or running a business?',
    'Were you in over your head running the business?',
    'Was there a disagreement with a partner, investor or key client?',
    "Maybe you don't love running a business. Is that part of the story?",
  ],
  project_rejected: [
    'Were the goals for the project too high for the time and resources you had?',
    'Did you use your time on what the people deciding cared about?',
    'Were your leads poor: did it reach the people it was meant for?',
    'Did you need more training or skills to make it land?',
    'Were you in over your head with this project?',
    'Was there a disagreement with a manager or stakeholder about it?',
    "Maybe you don't love this kind of work. Is that part of the story?",
  ],
  stalled: [
    'Were your goals for moving up too high, or never made clear?',
    'Did you use your time on work that gets noticed and counted?',
    'Were the opportunities and leads that came your way poor?',
    'Did you need more training or new skills to move up?',
    'Were you in over your head, or not stretched enough to grow?',
    'Was there a disagreement with your manager holding you back?',
    "Maybe you don't love this work any more. Is that part of the story?",
  ],
};

/** The seeded probes, with the same short ids (q1…q7) the backend gives them. */
export function seedQuestions(kind: SetbackKind): Probe[] {
  return PROBING_QUESTIONS[kind].map((question, i) => ({
    id: `q${i + 1}`,
    question,
    evidence: '',
  }));
}
