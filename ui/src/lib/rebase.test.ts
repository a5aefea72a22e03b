import { describe, expect, it } from 'vitest';
import { mapPosition, mapSelection, rebase, splice } from './rebase';

describe('text rebasing', () => {
  it('reads a change as one replaced region between the common prefix and suffix', () => {
    expect(splice('Rough day.', 'Rough day, but fine.')).toEqual({ from: 9, oldTo: 9, inserted: ', but fine' });
    expect(splice('same', 'same')).toEqual({ from: 4, oldTo: 4, inserted: '' });
    expect(splice('a cat sat', 'a sat')).toEqual({ from: 2, oldTo: 6, inserted: '' });
  });

  it('never splits an emoji in two', () => {
    const s = splice('a😀b', 'a😁b');
    expect(s).toEqual({ from: 1, oldTo: 3, inserted: '😁' });
  });

  it('keeps a caret before a change in place and shifts one after it', () => {
    const before = 'I slept badly. Walked to the river.';
    const after = 'Monday. I slept badly. Walked to the river.';
    expect(mapPosition(before, after, 14)).toBe(22);
    const later = 'I slept badly. Walked to the river. Fog lifted.';
    expect(mapPosition(before, later, 14)).toBe(14);
  });

  it('puts a caret inside replaced text just after what replaced it', () => {
    expect(mapPosition('a cat sat', 'a dog sat', 4)).toBe(5);
    expect(mapSelection('a cat sat', 'a dog sat', 0, 9)).toEqual({ start: 0, end: 9 });
  });

  it('carries what was typed since the save over to the merged text', () => {
    const sent = 'Rough day.';
    const now = 'Rough day. Called Sam.';
    const merged = 'Really rough day.'; // the other device's edit
    expect(rebase(sent, now, merged)).toBe('Really rough day. Called Sam.');
  });

  it('keeps both edits when they are at opposite ends', () => {
    expect(rebase('middle', 'middle end', 'start middle')).toBe('start middle end');
    expect(rebase('middle', 'start middle', 'middle end')).toBe('start middle end');
  });

  it('puts our words first when both typed at the same place, and after words they replaced', () => {
    expect(rebase('ab', 'aXb', 'aYb')).toBe('aXYb');
    expect(rebase('a cat sat', 'a caXt sat', 'a dog sat')).toBe('a dogX sat');
  });

  it('changes nothing when only one side moved', () => {
    expect(rebase('same', 'same', 'merged')).toBe('merged');
    expect(rebase('same', 'typed more', 'same')).toBe('typed more');
  });

  it('applies a local deletion to the merged text', () => {
    expect(rebase('one two three', 'one three', 'one two three four')).toBe('one three four');
  });
});
