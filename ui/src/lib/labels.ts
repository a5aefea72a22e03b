// Plain-word labels for the backend's enum values, in display order.

import type {
  BragCategory,
  Control,
  DebriefStep,
  EventKind,
  IntroStatus,
  ItemKind,
  SetbackKind,
  Stage,
  Tie,
} from './types';

type Options<T extends string> = readonly { value: T; label: string }[];

export const SETBACK_OPTIONS: Options<SetbackKind> = [
  { value: 'let_go', label: 'I was let go' },
  { value: 'business_folded', label: 'My business folded' },
  { value: 'project_rejected', label: 'A project of mine was rejected' },
  { value: 'stalled', label: 'I have stalled in the same job' },
];

export const TIE_OPTIONS: Options<Tie> = [
  { value: 'often', label: 'Often (twice a week or more)' },
  { value: 'occasionally', label: 'Occasionally (more than once a year)' },
  { value: 'rarely', label: 'Rarely (once a year or less)' },
];

export const TIE_LABEL: Record<Tie, string> = {
  often: 'Often',
  occasionally: 'Occasionally',
  rarely: 'Rarely',
};

export const INTRO_LABEL: Record<IntroStatus, string> = {
  requested: 'Requested',
  made: 'Made',
  met: 'Met',
};

export const EVENT_OPTIONS: Options<EventKind> = [
  { value: 'meetup', label: 'Meetup' },
  { value: 'networking', label: 'Networking event' },
  { value: 'coffee', label: 'Coffee chat' },
  { value: 'other', label: 'Other' },
];

export const BRAG_OPTIONS: Options<BragCategory> = [
  { value: 'projects', label: 'Projects' },
  { value: 'design_writing', label: 'Design and writing' },
  { value: 'collaboration_mentoring', label: 'Collaboration and mentoring' },
  { value: 'outside_job', label: 'Outside the job' },
];

export const ITEM_KIND_OPTIONS: Options<ItemKind> = [
  { value: 'job', label: 'Job' },
  { value: 'freelance', label: 'Freelance' },
  { value: 'business', label: 'Business idea' },
];

/** The method's four steps, in order (step n is `FOUR_STEPS[n - 1]`). */
export const FOUR_STEPS = ['Debrief with yourself', 'Share it, and reach out', 'Regain your mojo', 'Make your next move'] as const;

export const STAGES: readonly Stage[] = ['saved', 'applied', 'screen', 'interview', 'offer', 'closed'];

export const STAGE_LABEL: Record<Stage, string> = {
  saved: 'Saved',
  applied: 'Applied',
  screen: 'Screen',
  interview: 'Interview',
  offer: 'Offer',
  closed: 'Closed',
};

export const CONTROL_OPTIONS: Options<Control> = [
  { value: 'within', label: 'Within my control' },
  { value: 'partly', label: 'Partly within my control' },
  { value: 'outside', label: 'Outside my control' },
];

export const DEBRIEF_STEPS: readonly DebriefStep[] = [
  'unload',
  'intent',
  'timeline',
  'questions',
  'why_tree',
  'hot_thought',
  'lessons',
  'close',
  'done',
];

export const STEP_LABEL: Record<DebriefStep, string> = {
  unload: 'Unload',
  intent: 'Intent',
  timeline: 'Timeline',
  questions: 'Probing questions',
  why_tree: 'Why-tree',
  hot_thought: 'Hot thought',
  lessons: 'Lessons',
  close: 'Self-compassion close',
  done: 'Done',
};

export function label<T extends string>(options: Options<T>, value: T): string {
  return options.find((o) => o.value === value)?.label ?? value;
}

/** "1 entry", "3 entries". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a long action (an export, an import) is doing, by the core's `Progress.step`. */
export const PROGRESS_STEP_LABEL: Record<string, string> = {
  reading: 'Reading the export',
  entries: 'Reading entries',
  records: 'Writing records',
  attachments: 'Copying photos and files',
  documents: 'Writing documents',
  saving: 'Saving',
};
