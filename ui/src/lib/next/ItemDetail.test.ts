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

  const interview = {
    id: 'p1',
    kind: 'job',
    title: 'Data engineer',
    org: 'Northwind',
    stage: 'interview',
    stage_changed_on: '2024-03-01',
    notes: '',
    premortem: '',
    version: 'v7',
  };

  it("shows the core's refusal when closed without a reason, then closes with one", async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...interview }]);
    // The core's answers: a refusal without a reason, the closed item with one.
    be.fixtures.move_item = (args: Record<string, unknown>) => {
      if (!args.closedReason) {
        throw { code: 'invalid', message: 'closed_reason: say why this closed' };
      }
      return { ...interview, stage: 'closed', closed_reason: args.closedReason, stage_changed_on: '2024-03-05' };
    };
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-closed'));
    await fireEvent.click(await screen.findByTestId('close-confirm'));
    const msg = await screen.findByTestId('close-error');
    expect(msg.textContent).toContain('say why this closed');
    expect(be.records.get('item')?.get('p1')?.stage).toBe('interview');

    await fireEvent.input(screen.getByTestId('close-reason'), { target: { value: 'took another offer' } });
    await fireEvent.click(screen.getByTestId('close-confirm'));
    await screen.findByText(/took another offer/);
    const moves = be.calls.filter((c) => c.cmd === 'move_item').map((c) => c.args);
    expect(moves[moves.length - 1]).toMatchObject({ id: 'p1', stage: 'closed', closedReason: 'took another offer', version: 'v7' });
  });

  it('moves with move_item on the version it holds and shows what the core answered', async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...interview, stage: 'saved' }]);
    be.fixtures.move_item = { ...interview, stage: 'applied', stage_changed_on: '2024-03-05' };
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-applied'));
    await screen.findByTestId('move-saved');
    expect(be.calls.find((c) => c.cmd === 'move_item')?.args).toMatchObject({
      id: 'p1',
      stage: 'applied',
      version: 'v7',
    });
    expect(screen.getByTestId('item-detail').textContent).toContain('Applied');
  });

  it("shows why the core says it needs a follow-up", async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...interview }]);
    be.fixtures.follow_ups_due = [{ item: interview, reason: 'no movement for 21 days' }];
    render(NextView, { params: ['p1'] });
    expect((await screen.findAllByText(/no movement for 21 days/)).length).toBeGreaterThan(0);
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

describe('a pipeline item edited or deleted', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  const p1 = {
    id: 'p1',
    kind: 'job',
    title: 'Role',
    org: 'Northwind',
    stage: 'applied',
    stage_changed_on: '2024-03-01',
    notes: 'Met Ana.',
    premortem: '',
    version: 'v3',
  };
  const writes = (be: ReturnType<typeof fakeBackend>) =>
    be.calls.filter((c) => ['save_record', 'delete_record', 'add_item', 'move_item'].includes(c.cmd));

  it('adds an item from the Add button: the dialog closes and the board shows it', async () => {
    const be = fakeBackend();
    render(NextView, {});
    expect(screen.queryByTestId('item-title')).toBeNull();
    await fireEvent.click(screen.getByTestId('item-add'));
    await fireEvent.input(screen.getByTestId('item-title'), { target: { value: 'Data engineer' } });
    await fireEvent.input(screen.getByTestId('item-org'), { target: { value: 'Northwind' } });
    await fireEvent.click(screen.getByTestId('item-form-save'));
    await waitFor(() => expect(screen.getByTestId('column-saved').textContent).toContain('Data engineer'));
    expect(screen.queryByTestId('item-dialog')).toBeNull();
    expect(writes(be)[0].args.item).toMatchObject({ id: '', title: 'Data engineer', org: 'Northwind', stage: 'saved' });
  });

  it('edits the title on the version it was loaded with, leaving the stage to moves', async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...p1 }]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('item-edit'));
    const title = screen.getByTestId('item-title') as HTMLInputElement;
    expect(title.value).toBe('Role');
    await fireEvent.input(title, { target: { value: 'Senior data engineer' } });
    await fireEvent.click(screen.getByTestId('item-form-save'));
    await waitFor(() => expect(screen.getByTestId('item-detail').textContent).toContain('Senior data engineer, Northwind'));
    expect(screen.queryByTestId('item-edit-dialog')).toBeNull();
    expect(writes(be).map((c) => c.args)).toEqual([
      { kind: 'item', record: { ...p1, title: 'Senior data engineer' } },
    ]);
  });

  it('deletes the item only once the person confirms, and cancelling does nothing', async () => {
    const be = fakeBackend();
    seed(be, 'item', [{ ...p1 }]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('item-edit'));
    await fireEvent.click(screen.getByTestId('item-cancel'));
    await fireEvent.click(screen.getByTestId('item-delete'));
    await fireEvent.click(screen.getByTestId('item-delete-cancel'));
    expect(writes(be)).toEqual([]);
    expect(screen.queryByTestId('item-delete-dialog')).toBeNull();

    await fireEvent.click(screen.getByTestId('item-delete'));
    await fireEvent.click(screen.getByTestId('item-delete-confirm'));
    await waitFor(() => expect(writes(be).map((c) => c.args)).toEqual([{ kind: 'item', id: 'p1' }]));
  });
});
