import { describe, expect, it } from 'vitest';
import { blockTimes, debriefIcs } from './ics';

describe('the debrief calendar file', () => {
  it('runs from the chosen start for the chosen minutes, in local time', () => {
    expect(blockTimes({ start: '2024-03-09T22:30', minutes: 150 })).toEqual({
      start: '20240309T223000',
      end: '20240310T010000',
    });
    expect(blockTimes({ start: '2024-03-09', minutes: 120 })).toBeNull();
  });

  it('is a valid VCALENDAR with escaped text and CRLF lines', () => {
    const ics = debriefIcs('d1', 'Acme; the end, finally', { start: '2024-03-09T09:30', minutes: 120 }, new Date(Date.UTC(2024, 2, 1)));
    expect(ics).not.toBeNull();
    const lines = (ics ?? '').split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('DTSTART:20240309T093000');
    expect(lines).toContain('DTEND:20240309T113000');
    expect(lines).toContain('DTSTAMP:20240301T000000Z');
    expect(lines).toContain('SUMMARY:Debrief: Acme\\; the end\\, finally');
    expect(lines.every((l) => l.length <= 75)).toBe(true);
    expect(ics?.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });
});
