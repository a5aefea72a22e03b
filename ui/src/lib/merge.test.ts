import { describe, expect, it } from 'vitest';
import { merge3, same } from './merge';

describe('three-way merge of a record held by an editor', () => {
  it('takes their value for a field not changed here, and keeps ours for one changed here', () => {
    const base = { title: 'Let go', unload: 'It hurt.', step: 'unload' };
    const local = { ...base, step: 'intent' };
    const theirs = { ...base, title: 'Let go in March' };
    expect(merge3(base, local, theirs)).toEqual({ title: 'Let go in March', unload: 'It hurt.', step: 'intent' });
  });

  it('carries text typed here onto text changed there', () => {
    const base = { unload: 'It hurt.' };
    const local = { unload: 'It hurt. Still does.' };
    const theirs = { unload: 'Honestly, it hurt.' };
    expect(merge3(base, local, theirs)).toEqual({ unload: 'Honestly, it hurt. Still does.' });
  });

  it('merges lists of items by id: additions on both sides, edits inside items, deletions', () => {
    const a = { id: 'a', lesson: 'Ask early', action: '' };
    const b = { id: 'b', lesson: 'Sleep', action: '' };
    const base = [a, b];
    const local = [{ ...a, action: 'Ask on day one' }, { id: 'c', lesson: 'Mine', action: '' }];
    const theirs = [a, { ...b, lesson: 'Sleep more' }, { id: 'd', lesson: 'Theirs', action: '' }];
    // b was deleted here but changed there: the change survives.
    expect(merge3(base, local, theirs).map((x) => x.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(merge3(base, local, theirs)[0]).toEqual({ id: 'a', lesson: 'Ask early', action: 'Ask on day one' });
    const dropped = merge3(base, [a], [a, b]);
    expect(dropped).toEqual([a]);
  });

  it('leaves out fields that became absent', () => {
    expect(merge3({ due: '2024-03-05' }, { due: undefined }, { due: '2024-03-05' })).toEqual({ due: undefined });
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});
