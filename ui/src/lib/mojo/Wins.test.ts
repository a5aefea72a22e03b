import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import { fakeBackend, seed } from '../../test/backend';
import MojoView from '../../views/MojoView.svelte';
import Wins from './Wins.svelte';

const win = { id: 'w1', date: '2024-02-01', title: 'Shipped the beta', category: 'projects', text: '', version: 'v4' } as const;

describe("a form's date", () => {
  it('moves with today unless another day was picked', async () => {
    fakeBackend();
    const view = render(Wins, { wins: [], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('win-add'));
    const input = screen.getByTestId('win-date') as HTMLInputElement;
    expect(input.value).toBe('2024-03-05');
    await view.rerender({ today: '2024-03-06' });
    expect(input.value).toBe('2024-03-06');

    await fireEvent.input(input, { target: { value: '2024-02-14' } });
    await view.rerender({ today: '2024-03-07' });
    expect(input.value).toBe('2024-02-14');
  });
});

describe('the wins list', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('adds a win from the Add button: the dialog closes and the list shows it', async () => {
    const be = fakeBackend();
    render(MojoView);
    expect(screen.queryByTestId('win-title')).toBeNull();
    await fireEvent.click(screen.getByTestId('win-add'));
    await fireEvent.input(screen.getByTestId('win-title'), { target: { value: 'Gave a talk' } });
    await fireEvent.click(screen.getByTestId('win-save'));
    const item = await screen.findByTestId('win-item');
    expect(item.textContent).toContain('Gave a talk');
    expect(screen.queryByTestId('win-dialog')).toBeNull();
    expect(be.calls.find((c) => c.cmd === 'save_record')?.args).toMatchObject({
      kind: 'win',
      record: { title: 'Gave a talk', date: '2024-03-05', category: 'projects' },
    });
  });

  it('edits a win on the version it was loaded with, sending the changed field', async () => {
    const be = fakeBackend();
    render(Wins, { wins: [{ ...win }], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('win-edit'));
    const title = screen.getByTestId('win-title') as HTMLInputElement;
    expect(title.value).toBe('Shipped the beta');
    await fireEvent.input(title, { target: { value: 'Shipped the beta to 40 users' } });
    await fireEvent.click(screen.getByTestId('win-save'));
    await waitFor(() => expect(screen.queryByTestId('win-dialog')).toBeNull());
    const saves = be.calls.filter((c) => c.cmd === 'save_record');
    expect(saves).toHaveLength(1);
    expect(saves[0].args).toEqual({
      kind: 'win',
      record: { ...win, title: 'Shipped the beta to 40 users' },
    });
  });

  it('shows the core refusing an edit and keeps the dialog open', async () => {
    const be = fakeBackend();
    be.override.save_record = () => {
      throw { code: 'invalid', message: 'date: pick a day that has happened' };
    };
    render(Wins, { wins: [{ ...win }], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('win-edit'));
    await fireEvent.click(screen.getByTestId('win-save'));
    const dialog = screen.getByTestId('win-dialog');
    expect((await within(dialog).findByTestId('error')).textContent).toContain('pick a day that has happened');
  });

  it('deletes a win only once the person confirms', async () => {
    const be = fakeBackend();
    seed(be, 'win', [{ ...win }]);
    render(Wins, { wins: [{ ...win }], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('win-delete'));
    expect(screen.getByTestId('win-delete-dialog').textContent).toContain('Shipped the beta');
    expect(be.calls.some((c) => c.cmd === 'delete_record')).toBe(false);
    await fireEvent.click(screen.getByTestId('win-delete-confirm'));
    await waitFor(() => expect(be.calls.find((c) => c.cmd === 'delete_record')?.args).toEqual({ kind: 'win', id: 'w1' }));
    expect(screen.queryByTestId('win-delete-dialog')).toBeNull();
  });

  it('does nothing when an edit or a delete is cancelled', async () => {
    const be = fakeBackend();
    render(Wins, { wins: [{ ...win }], today: '2024-03-05' });
    await fireEvent.click(screen.getByTestId('win-edit'));
    await fireEvent.input(screen.getByTestId('win-title'), { target: { value: 'Something else' } });
    await fireEvent.click(screen.getByTestId('win-cancel'));
    await fireEvent.click(screen.getByTestId('win-delete'));
    await fireEvent.click(screen.getByTestId('win-delete-cancel'));
    expect(screen.queryByTestId('win-dialog')).toBeNull();
    expect(screen.queryByTestId('win-delete-dialog')).toBeNull();
    expect(be.calls.filter((c) => c.cmd === 'save_record' || c.cmd === 'delete_record')).toEqual([]);
  });
});
