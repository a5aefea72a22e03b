import { describe, expect, it } from 'vitest';
import { dailyMoods, lowMoodRun } from './moods';

const m = (date: string, mood: number) => ({ id: date + mood, date, mood, note: '' });

describe('low-mood runs', () => {
  it('counts consecutive low days ending today or yesterday', () => {
    const days = dailyMoods([m('2024-03-02', 2), m('2024-03-03', 1), m('2024-03-04', 2)]);
    expect(lowMoodRun(days, '2024-03-05')).toBe(3);
    expect(lowMoodRun(days, '2024-03-04')).toBe(3);
    expect(lowMoodRun(days, '2024-03-07')).toBe(0);
  });

  it('is broken by a good day or a day without a mood', () => {
    expect(lowMoodRun(dailyMoods([m('2024-03-02', 1), m('2024-03-03', 4), m('2024-03-04', 2)]), '2024-03-04')).toBe(1);
    expect(lowMoodRun(dailyMoods([m('2024-03-01', 1), m('2024-03-03', 2), m('2024-03-04', 2)]), '2024-03-04')).toBe(2);
  });

  it('averages check-ins and journal moods on the same day', () => {
    const entries = [{ id: 'e', date: '2024-03-04', text: 'x', mood: 4, tags: [], created_ms: 1 }];
    expect(dailyMoods([m('2024-03-04', 2)], entries)).toEqual([{ date: '2024-03-04', mood: 3 }]);
  });
});
