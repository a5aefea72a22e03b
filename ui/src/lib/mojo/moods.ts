// Mood over time, from check-ins and journal entries together.

import { addDays } from '../dates';
import type { Entry, MoodCheckIn } from '../types';

/** The average mood of each day that has one, oldest first. */
export function dailyMoods(
  moods: readonly MoodCheckIn[],
  entries: readonly Entry[] = [],
): { date: string; mood: number }[] {
  const days = new Map<string, number[]>();
  const add = (date: string, mood: number) => {
    const d = days.get(date);
    if (d) d.push(mood);
    else days.set(date, [mood]);
  };
  for (const m of moods) add(m.date, m.mood);
  for (const e of entries) if (e.mood) add(e.date, e.mood);
  return [...days]
    .map(([date, ms]) => ({ date, mood: ms.reduce((a, b) => a + b, 0) / ms.length }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * How many calendar days in a row, ending today or yesterday, had a low mood (≤ 2).
 * A day with no mood recorded breaks the run.
 */
export function lowMoodRun(days: readonly { date: string; mood: number }[], today: string): number {
  const byDate = new Map(days.map((d) => [d.date, d.mood]));
  let at = byDate.has(today) ? today : addDays(today, -1);
  let run = 0;
  while (byDate.has(at) && (byDate.get(at) ?? 5) <= 2) {
    run += 1;
    at = addDays(at, -1);
  }
  return run;
}
