import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import { fakeBackend, seed } from '../../test/backend';
import NextView from '../../views/NextView.svelte';

describe('a pipeline item', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it("shows the backend's message when closed without a reason", async () => {
    const be = fakeBackend();
    seed(be, 'item', [
      {
        id: 'p1',
        kind: 'job',
        title: 'Data engineer',
        org: 'Northwind',
        stage: 'interview',
        stage_changed_on: '2024-03-01',
        notes: '',
        premortem: '',
      },
    ]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-closed'));
    await fireEvent.click(await screen.findByTestId('close-confirm'));
    const msg = await screen.findByTestId('close-error');
    expect(msg.textContent).toContain('say why this closed');
    expect(be.records.get('item')?.get('p1')?.stage).toBe('interview');

    await fireEvent.input(screen.getByTestId('close-reason'), { target: { value: 'took another offer' } });
    await fireEvent.click(screen.getByTestId('close-confirm'));
    await screen.findByText(/took another offer/);
    expect(be.records.get('item')?.get('p1')).toMatchObject({
      stage: 'closed',
      closed_reason: 'took another offer',
      stage_changed_on: '2024-03-05',
    });
  });

  it('moves between stages with the move buttons', async () => {
    const be = fakeBackend();
    seed(be, 'item', [
      { id: 'p1', kind: 'job', title: 'Role', org: '', stage: 'saved', stage_changed_on: '2024-01-01', notes: '', premortem: '' },
    ]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-applied'));
    await screen.findByTestId('move-saved');
    expect(be.records.get('item')?.get('p1')).toMatchObject({ stage: 'applied', stage_changed_on: '2024-03-05' });
  });
});

describe('a pipeline item edited on two devices', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  const p1 = {
    id: 'p1',
    kind: 'job',
    title: 'Role',
    org: '',
    stage: 'applied',
    stage_changed_on: '2024-03-01',
    notes: 'Met Ana.',
    premortem: '',
    version: 'v3',
  };
  const changedP1 = { kinds: ['item'], records: [{ kind: 'item', id: 'p1' }] };

  it('follows the item while the form holds no edits', async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...p1 }]);
    render(NextView, { params: ['p1'] });
    const notes = (await screen.findByTestId('item-notes')) as HTMLTextAreaElement;
    seed(be, 'item', [{ ...p1, notes: 'Met Ana. She will refer me.', version: 'v4' }]);
    await emit('vault-changed', changedP1);
    await waitFor(() => expect(notes.value).toBe('Met Ana. She will refer me.'));
  });

  it('saves its edits on the version they were typed on, even after a newer one arrived', async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...p1 }]);
    render(NextView, { params: ['p1'] });
    const notes = (await screen.findByTestId('item-notes')) as HTMLTextAreaElement;
    await fireEvent.input(notes, { target: { value: 'Met Ana. Follow up Friday.' } });

    // Another device moved the item meanwhile; the form keeps its text.
    seed(be, 'item', [{ ...p1, stage: 'interview', version: 'v4' }]);
    await emit('vault-changed', changedP1);
    await screen.findByTestId('move-applied');
    expect(notes.value).toBe('Met Ana. Follow up Friday.');

    await fireEvent.click(screen.getByTestId('item-save'));
    await waitFor(() => expect(be.calls.some((c) => c.cmd === 'save_record')).toBe(true));
    const sent = be.calls.find((c) => c.cmd === 'save_record')?.args.record;
    expect(sent).toMatchObject({ notes: 'Met Ana. Follow up Friday.', version: 'v3', stage: 'applied' });
  });
});
