import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../lib/app.svelte';
import { fakeBackend, seed } from '../test/backend';
import DebriefView from './DebriefView.svelte';
import { blankDebrief } from '../lib/debrief/blank';

function debrief(id: string, title: string) {
  return { ...blankDebrief(title, 'let_go', '2024-03-01'), id, step: 'timeline' };
}

describe('the debrief list', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('deletes a debrief after asking, and keeps it when the person says keep', async () => {
    const be = fakeBackend();
    seed(be, 'debrief', [debrief('d1', 'The March layoff'), debrief('d2', 'The reorg')]);
    render(DebriefView);
    await waitFor(() => expect(screen.getAllByTestId('debrief-item')).toHaveLength(2));

    await fireEvent.click(screen.getAllByTestId('debrief-delete')[0]);
    await fireEvent.click(await screen.findByTestId('debrief-delete-cancel'));
    expect(be.calls.some((c) => c.cmd === 'delete_record')).toBe(false);

    const first = screen.getAllByTestId('debrief-item')[0].textContent ?? '';
    const title = first.includes('March') ? 'The March layoff' : 'The reorg';
    const id = title === 'The March layoff' ? 'd1' : 'd2';
    await fireEvent.click(screen.getAllByTestId('debrief-delete')[0]);
    expect(document.body.textContent).toContain(`“${title}” will be deleted`);
    await fireEvent.click(await screen.findByTestId('debrief-delete-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('debrief-item')).toHaveLength(1));
    expect(be.calls.find((c) => c.cmd === 'delete_record')?.args).toEqual({ kind: 'debrief', id });
    expect(be.records.get('debrief')?.has(id)).toBe(false);
  });

  it('shows the core refusal when a delete fails, and keeps the debrief', async () => {
    const be = fakeBackend();
    seed(be, 'debrief', [debrief('d1', 'The March layoff')]);
    be.fixtures.delete_record = () => {
      throw { code: 'storage', message: 'the journal could not be written; check the disk has room, then try again' };
    };
    render(DebriefView);
    await fireEvent.click(await screen.findByTestId('debrief-delete'));
    await fireEvent.click(await screen.findByTestId('debrief-delete-confirm'));
    expect(await screen.findByText(/check the disk has room/)).toBeTruthy();
    expect(screen.getAllByTestId('debrief-item')).toHaveLength(1);
  });
});
