// Where a tapped reminder takes a person: the screen for its record, or for its kind
// when it names none (a list of people due, the worry inbox, a new check-in).

import type { OpenReminder } from '../ipc';

/** The route a reminder opens ("next/item1", "network"). */
export function reminderPath(open: OpenReminder): string {
  const r = open.record;
  if (r) {
    switch (r.kind) {
      case 'debrief':
        return `debrief/${r.id}`;
      case 'item':
        return `next/${r.id}`;
      case 'entry':
        return `journal/${r.id}`;
      case 'contact':
      case 'profile':
        return 'network';
    }
  }
  switch (open.kind) {
    case 'worry_time':
    case 'grief_window_end':
    case 'contact_due':
      return 'network';
    case 'follow_up':
      return 'next';
    case 'lesson_action':
    case 'debrief_block':
      return 'debrief';
    case 'check_in':
      return 'mojo';
  }
  return 'home';
}
