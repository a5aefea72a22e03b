// The time-off summary: a one-page, plain-text account of how the time was spent, made
// on the device from projects, hours, events and wins.

import { formatDay } from '../dates';
import { BRAG_OPTIONS, EVENT_OPTIONS, label } from '../labels';
import type { Contact, Event, Project, TimeLog, Win } from '../types';

export interface SummaryInput {
  projects: readonly Project[];
  logs: readonly TimeLog[];
  events: readonly Event[];
  wins: readonly Win[];
  contacts: readonly Contact[];
  since?: string;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export function timeOffSummary(input: SummaryInput): string {
  const { projects, logs, events, wins, contacts } = input;
  const lines: string[] = ['How I spent my time off', ''];
  const dates = [...logs.map((l) => l.date), ...events.map((e) => e.date), ...wins.map((w) => w.date)].sort();
  const from = input.since ?? dates[0];
  if (from && dates.length) {
    lines.push(`From ${formatDay(from)} to ${formatDay(dates[dates.length - 1])}.`, '');
  }

  lines.push('Projects');
  if (!projects.length) lines.push('- None recorded yet.');
  for (const p of projects) {
    const mine = logs.filter((l) => l.project_id === p.id);
    const total = mine.reduce((s, l) => s + l.hours, 0);
    const weeks = weekCount(mine.map((l) => l.date));
    const perWeek = weeks ? round(total / weeks) : 0;
    lines.push(
      `- ${p.name}: ${round(total)} hours${weeks ? ` over ${weeks} ${weeks === 1 ? 'week' : 'weeks'} (about ${perWeek} a week)` : ''}.`,
    );
    if (p.notes.trim()) lines.push(`  ${p.notes.trim()}`);
  }
  lines.push('');

  lines.push('Events and people');
  if (!events.length) lines.push('- None recorded yet.');
  const names = new Map(contacts.map((c) => [c.id, c.name]));
  for (const e of [...events].sort((a, b) => a.date.localeCompare(b.date))) {
    const met = e.contact_ids.map((id) => names.get(id)).filter(Boolean);
    let line = `- ${formatDay(e.date)}: ${e.title} (${label(EVENT_OPTIONS, e.kind).toLowerCase()})`;
    if (met.length) line += `, met ${met.join(', ')}`;
    if (e.outcome.trim()) line += `. Came of it: ${e.outcome.trim()}`;
    lines.push(line + '.');
  }
  lines.push('');

  lines.push('Wins');
  if (!wins.length) lines.push('- None recorded yet.');
  for (const o of BRAG_OPTIONS) {
    const list = wins.filter((w) => w.category === o.value);
    if (!list.length) continue;
    lines.push(`${label(BRAG_OPTIONS, o.value)}:`);
    for (const w of list) lines.push(`- ${w.title}${w.text.trim() ? `: ${w.text.trim()}` : ''}`);
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

/** Distinct Monday-starting weeks covered from the first to the last date. */
function weekCount(dates: string[]): number {
  if (!dates.length) return 0;
  const sorted = [...dates].sort();
  const first = Date.parse(sorted[0] + 'T00:00:00Z');
  const last = Date.parse(sorted[sorted.length - 1] + 'T00:00:00Z');
  const firstMonday = first - ((new Date(first).getUTCDay() + 6) % 7) * 86_400_000;
  return Math.floor((last - firstMonday) / (7 * 86_400_000)) + 1;
}
