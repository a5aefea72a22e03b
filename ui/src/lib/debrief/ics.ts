// The scheduled debrief block as an iCalendar (.ics) event, built here so nothing
// leaves the device. Times are "floating" (local wall-clock time), as the user chose them.

import type { Block } from '../types';

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** "2024-03-09T09:30" plus `minutes` → "20240309T093000" for both ends. */
export function blockTimes(block: Block): { start: string; end: string } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(block.start);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number);
  const start = new Date(Date.UTC(y, mo - 1, d, h, mi));
  const end = new Date(start.getTime() + block.minutes * 60_000);
  const fmt = (t: Date) => t.toISOString().slice(0, 19).replace(/[-:]/g, '');
  return { start: fmt(start), end: fmt(end) };
}

/** Folds a content line at 75 octets (here: characters, which is stricter for ASCII). */
function fold(line: string): string {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > 75) {
    parts.push(rest.slice(0, 75));
    rest = ' ' + rest.slice(75);
  }
  parts.push(rest);
  return parts.join('\r\n');
}

export function debriefIcs(id: string, title: string, block: Block, now = new Date()): string | null {
  const t = blockTimes(block);
  if (!t) return null;
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Comeback//Debrief//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:debrief-${id}@comeback.app`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${t.start}`,
    `DTEND:${t.end}`,
    `SUMMARY:${escape(`Debrief: ${title}`)}`,
    `DESCRIPTION:${escape(
      'Distraction-free time to debrief with yourself in Comeback: write out what happened, ask the hard questions, find the lesson.',
    )}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
