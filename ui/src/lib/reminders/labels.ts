// What each kind of reminder is called in Settings, and what it does, in a sentence.

import type { ReminderKind } from '../types';

export const REMINDER_LABELS: Record<ReminderKind, { label: string; says: string }> = {
  worry_time: {
    label: 'Worry time',
    says: 'Each day at your worry time, to look at the worries you parked.',
  },
  grief_window_end: {
    label: 'End of the grief window',
    says: 'On the morning of its last day.',
  },
  contact_due: {
    label: 'People to get in touch with',
    says: 'In the morning, when someone is due a message.',
  },
  follow_up: {
    label: 'Follow-ups',
    says: 'In the morning, when an application or interview needs a follow-up.',
  },
  lesson_action: {
    label: 'Lesson actions',
    says: 'In the morning, from the day an action from a debrief is due until you tick it.',
  },
  debrief_block: {
    label: 'Debrief time',
    says: 'When the time you set aside for a debrief starts.',
  },
  check_in: {
    label: 'Daily check-in',
    says: 'Once a day, to note how you feel.',
  },
};
