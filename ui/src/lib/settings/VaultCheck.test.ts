import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import VaultCheck from './VaultCheck.svelte';

const aside = {
  doc: 'journal-2026-03',
  kind: 'entry',
  id: 'moodtoohigh2',
  reason: 'mood: 200 is not a mood between 1 (low) and 5 (good); pick 1 to 5',
};

describe('the vault check', () => {
  it('says plainly when records from another device were set aside, and deletes them on request', async () => {
    const be = fakeBackend();
    let held = [aside];
    const reply = () => ({
      healthy: held.length === 0,
      documents: 3,
      records: 10,
      problems: held.length ? ['1 record(s) received from another device break this version\u2019s rules'] : [],
      damaged_chunks: [],
      set_aside: held,
      rebuilt: false,
    });
    be.override.doctor = reply;
    be.override.drop_set_aside = () => {
      held = [];
      return reply();
    };
    render(VaultCheck);
    await fireEvent.click(screen.getByTestId('doctor'));
    const note = await screen.findByTestId('set-aside');
    expect(note.textContent).toContain('1 record that came from another device');
    expect(note.textContent).not.toContain('(s)');
    expect(note.textContent).toContain('not affected');
    expect(be.calls.some((c) => c.cmd === 'drop_set_aside')).toBe(false);
    await fireEvent.click(screen.getByTestId('drop-set-aside'));
    await waitFor(() => expect(screen.queryByTestId('set-aside')).toBeNull());
    expect(be.calls.filter((c) => c.cmd === 'drop_set_aside')).toHaveLength(1);
    expect(screen.getByTestId('doctor-result').textContent).toContain('All good.');
  });

  it('rebuilds what the screens show from the window, without sending anyone to the command line', async () => {
    const be = fakeBackend();
    be.override.doctor = () => ({
      healthy: false,
      documents: 3,
      records: 10,
      problems: ['the screens show 9 records, the documents hold 10'],
      damaged_chunks: [],
      set_aside: [],
      rebuilt: false,
    });
    be.override.rebuild_screens = () => ({
      healthy: true,
      documents: 3,
      records: 10,
      problems: [],
      damaged_chunks: [],
      set_aside: [],
      rebuilt: true,
    });
    render(VaultCheck);
    await fireEvent.click(screen.getByTestId('doctor'));
    await screen.findByTestId('rebuild-screens');
    expect(document.body.textContent).not.toContain('comeback doctor');
    await fireEvent.click(screen.getByTestId('rebuild-screens'));
    await waitFor(() => expect(screen.getByTestId('doctor-result').textContent).toContain('All good.'));
    expect(be.calls.filter((c) => c.cmd === 'rebuild_screens')).toHaveLength(1);
  });
});
