import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { seed } from '../../test/backend';
import NetworkView from '../../views/NetworkView.svelte';
import { app } from '../app.svelte';
import { callsOf, networkBackend } from './testing';

const worry = { id: 'w1', date: '2024-03-04', text: 'Will the money last?', resolved: false, version: 'v5' };

describe('the worry inbox', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('rewords a worry, saved with the version it was loaded with', async () => {
    const be = networkBackend();
    seed(be, 'worry', [{ ...worry }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('worry-edit'));
    const field = screen.getByTestId('worry-edit-text') as HTMLInputElement;
    expect(field.value).toBe('Will the money last?');
    await fireEvent.input(field, { target: { value: 'Will the savings last until June?' } });
    await fireEvent.click(screen.getByTestId('worry-save'));
    await waitFor(() => expect(screen.queryByTestId('worry-dialog')).toBeNull());
    expect(callsOf(be, 'save_record')).toEqual([
      { kind: 'worry', record: { ...worry, text: 'Will the savings last until June?' } },
    ]);
    await waitFor(() => expect(screen.getByTestId('worry-list').textContent).toContain('until June'));
  });

  it('cancelling a rewording saves nothing', async () => {
    const be = networkBackend();
    seed(be, 'worry', [{ ...worry }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('worry-edit'));
    await fireEvent.input(screen.getByTestId('worry-edit-text'), { target: { value: 'Something else' } });
    await fireEvent.click(screen.getByTestId('worry-cancel'));
    expect(screen.queryByTestId('worry-dialog')).toBeNull();
    expect(callsOf(be, 'save_record')).toHaveLength(0);
  });

  it('deletes a worry only after asking', async () => {
    const be = networkBackend();
    seed(be, 'worry', [{ ...worry }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('worry-delete'));
    expect(document.body.textContent).toContain('“Will the money last?” will be deleted');
    await fireEvent.click(screen.getByTestId('worry-delete-cancel'));
    expect(callsOf(be, 'delete_record')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('worry-delete'));
    await fireEvent.click(screen.getByTestId('worry-delete-confirm'));
    await waitFor(() => expect(callsOf(be, 'delete_record')).toEqual([{ kind: 'worry', id: 'w1' }]));
    await waitFor(() => expect(screen.queryByTestId('worry-list')).toBeNull());
  });

  it('"Dealt with" saves the worry on the version it was loaded with', async () => {
    const be = networkBackend();
    seed(be, 'worry', [{ ...worry }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('worry-resolve'));
    await waitFor(() => expect(callsOf(be, 'save_record')).toEqual([{ kind: 'worry', record: { ...worry, resolved: true } }]));
  });
});
