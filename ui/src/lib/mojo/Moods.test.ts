import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import Moods from './Moods.svelte';

const checkIn = (id: string, date: string, mood: number, version = `v-${id}`) => ({ id, date, mood, note: '', version });

describe('the mood check-ins', () => {
  it('checks in from the button, on today', async () => {
    const be = fakeBackend();
    render(Moods, { days: [], checkIns: [], today: '2024-03-05' });
    expect(screen.queryByTestId('mood-pick')).toBeNull();
    await fireEvent.click(screen.getByTestId('mood-add'));
    await fireEvent.click(screen.getByLabelText('4'));
    await fireEvent.click(screen.getByTestId('mood-save'));
    await waitFor(() => expect(screen.queryByTestId('mood-dialog')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'save_record')?.args).toEqual({
      kind: 'mood',
      record: { date: '2024-03-05', mood: 4, note: '' },
    });
  });

  it('lists the newest first, a few, and all on asking', async () => {
    fakeBackend();
    const all = Array.from({ length: 7 }, (_, i) => checkIn(`m${i}`, `2024-03-0${i + 1}`, 3));
    render(Moods, { days: [], checkIns: all, today: '2024-03-08' });
    expect(screen.getAllByTestId('mood-item')).toHaveLength(5);
    expect(screen.getAllByTestId('mood-item')[0].textContent).toContain('7');
    await fireEvent.click(screen.getByTestId('mood-show-all'));
    expect(screen.getAllByTestId('mood-item')).toHaveLength(7);
  });

  it('corrects a check-in on the version it was loaded with', async () => {
    const be = fakeBackend();
    render(Moods, { days: [], checkIns: [checkIn('m1', '2024-03-04', 2, 'v5')], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('mood-edit'));
    expect((screen.getByTestId('mood-date') as HTMLInputElement).value).toBe('2024-03-04');
    await fireEvent.click(screen.getByLabelText('3'));
    await fireEvent.click(screen.getByTestId('mood-save'));
    await waitFor(() => expect(screen.queryByTestId('mood-dialog')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'save_record')?.args).toEqual({
      kind: 'mood',
      record: { id: 'm1', date: '2024-03-04', mood: 3, note: '', version: 'v5' },
    });
  });

  it('deletes a check-in only once the person confirms, and cancelling does nothing', async () => {
    const be = fakeBackend();
    render(Moods, { days: [], checkIns: [checkIn('m1', '2024-03-04', 2)], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('mood-edit'));
    await fireEvent.click(screen.getByTestId('mood-cancel'));
    await fireEvent.click(screen.getByTestId('mood-delete'));
    await fireEvent.click(screen.getByTestId('mood-delete-cancel'));
    expect(be.calls.filter((c) => c.cmd === 'save_record' || c.cmd === 'delete_record')).toEqual([]);

    await fireEvent.click(screen.getByTestId('mood-delete'));
    await fireEvent.click(screen.getByTestId('mood-delete-confirm'));
    await waitFor(() => expect(be.calls.find((c) => c.cmd === 'delete_record')?.args).toEqual({ kind: 'mood', id: 'm1' }));
  });
});
