// Calendar arithmetic on "YYYY-MM-DD" strings. Dates are whole days with no time zone,
// so everything here works in UTC to keep a day from slipping across midnight.

import type { IsoDate } from './types';

const DAY_MS = 86_400_000;

export function parseIso(d: IsoDate): Date {
  const [y, m, day] = d.split('-').map(Number);
  return new Date(Date.UTC(y, (m || 1) - 1, day || 1));
}

export function toIso(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

/** The calendar day it is where the person is (their local time zone). */
export function localDay(now: Date = new Date()): IsoDate {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(now.getFullYear()).padStart(4, '0')}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Milliseconds from `now` to the next local midnight (daylight-saving days included). */
export function msToNextLocalDay(now: Date = new Date()): number {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return next.getTime() - now.getTime();
}

export function isIso(s: string | undefined | null): s is IsoDate {
  return !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(parseIso(s).getTime());
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return toIso(new Date(parseIso(d).getTime() + n * DAY_MS));
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((parseIso(b).getTime() - parseIso(a).getTime()) / DAY_MS);
}

/** "Tue 5 Mar 2024" */
// One formatter, made on first use: `toLocaleDateString` with options builds a new one
// on every call, which costs the journal list most of its first draw.
let dayFormat: Intl.DateTimeFormat | undefined;

export function formatDay(d: IsoDate): string {
  if (!isIso(d)) return d;
  dayFormat ??= new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return dayFormat.format(parseIso(d));
}

/** "5 Mar" */
export function formatShort(d: IsoDate): string {
  if (!isIso(d)) return d;
  return parseIso(d).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** A moment (an RFC 3339 time) as the person reads it, in their locale: "Tue 9:30 pm". */
let momentFormat: Intl.DateTimeFormat | undefined;

export function formatMoment(at: string): string {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return at;
  momentFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
  return momentFormat.format(when);
}

/** An optional date field from a form: "" becomes absent. */
export function optDate(s: string | undefined | null): IsoDate | undefined {
  return isIso(s ?? '') ? (s as IsoDate) : undefined;
}

/** "in 3 days", "today", "2 days ago" */
export function relative(from: IsoDate, to: IsoDate): string {
  const n = daysBetween(from, to);
  if (n === 0) return 'today';
  if (n === 1) return 'tomorrow';
  if (n === -1) return 'yesterday';
  return n > 0 ? `in ${n} days` : `${-n} days ago`;
}
