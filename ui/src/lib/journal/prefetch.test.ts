import { render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBackend, seed } from '../../test/backend';
import JournalView from '../../views/JournalView.svelte';
import { firstPage, forgetFirstPage, prefetchFirstPage } from './prefetch';

function entry(id: string, date: string, text: string) {
  return { id, date, text, mood: null, tags: [], created_ms: 0, photos: [] };
}

describe('the Journal first page fetched ahead', () => {
  beforeEach(() => forgetFirstPage());

  it('keeps the newest entries, up to the size asked for', async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry('e1', '2024-03-01', 'one'), entry('e2', '2024-03-02', 'two')]);
    await prefetchFirstPage(15);
    expect(firstPage(15)?.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    expect(firstPage(1)).toHaveLength(1);
    // Home asks each time it draws; with a page kept, nothing goes to the core.
    const asked = () => be.calls.filter((c) => c.cmd === 'list_records').length;
    const before = asked();
    await prefetchFirstPage(15);
    expect(asked()).toBe(before);
    // A bigger first page than was fetched is not made up from a smaller one.
    forgetFirstPage();
    await prefetchFirstPage(1);
    expect(firstPage(15)).toBeNull();
  });

  it('throws the copy away when an entry changes, even one asked for before it', async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry('e1', '2024-03-01', 'one')]);
    await prefetchFirstPage(15);
    expect(firstPage(15)).not.toBeNull();
    await emit('vault-changed', { kinds: ['entry'], records: [] });
    await waitFor(() => expect(firstPage(15)).toBeNull());

    // A change that lands while the question is out: the answer is not kept.
    let release = () => {};
    be.override.list_records = () =>
      new Promise((resolve) => {
        release = () => resolve([]);
      });
    const asked = prefetchFirstPage(15);
    await emit('vault-changed', { kinds: ['entry'], records: [] });
    release();
    await asked;
    expect(firstPage(15)).toBeNull();
  });

  it('keeps the copy when another kind changes', async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry('e1', '2024-03-01', 'one')]);
    await prefetchFirstPage(15);
    await emit('vault-changed', { kinds: ['contact'], records: [] });
    expect(firstPage(15)).not.toBeNull();
  });

  it('is what the Journal shows in its first frame, then it asks the core again', async () => {
    const be = fakeBackend();
    seed(be, 'entry', [entry('e1', '2024-03-01', 'Fetched ahead')]);
    await prefetchFirstPage(15);
    const asked = () => be.calls.filter((c) => c.cmd === 'list_records').length;
    const before = asked();
    render(JournalView);
    // In the page at once, before any answer could have come back.
    expect(screen.getByText('Fetched ahead')).toBeTruthy();
    await waitFor(() => expect(asked()).toBeGreaterThan(before));
  });
});
