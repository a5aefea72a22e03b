import { describe, expect, it } from 'vitest';
import { reminderPath } from './open';

describe('a tapped reminder', () => {
  it('opens the screen of its record', () => {
    expect(reminderPath({ kind: 'follow_up', record: { kind: 'item', id: 'i1' } })).toBe('next/i1');
    expect(reminderPath({ kind: 'debrief_block', record: { kind: 'debrief', id: 'd1' } })).toBe('debrief/d1');
    expect(reminderPath({ kind: 'contact_due', record: { kind: 'contact', id: 'c1' } })).toBe('network');
  });

  it('opens the screen of its kind when it names no record', () => {
    expect(reminderPath({ kind: 'worry_time', record: null })).toBe('network');
    expect(reminderPath({ kind: 'contact_due', record: null })).toBe('network');
    expect(reminderPath({ kind: 'check_in', record: null })).toBe('mojo');
  });
});
