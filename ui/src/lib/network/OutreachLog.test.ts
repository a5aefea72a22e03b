import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { seed } from '../../test/backend';
import NetworkView from '../../views/NetworkView.svelte';
import { app } from '../app.svelte';
import { callsOf, networkBackend } from './testing';

const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

const message = {
  id: 'o1',
  contact_id: 'c1',
  date: '2024-02-01',
  message: 'Hi Sam, I have left Acme. Coffee?',
  reply: '',
  lead: '',
  version: 'v3',
};

describe('the outreach log', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('"I reached out" opens the message form with that contact chosen, and logging closes it', async () => {
    const be = networkBackend();
    be.override.due_contacts = () => [...(be.records.get('contact')?.values() ?? [])];
    render(NetworkView);
    expect(screen.queryByTestId('outreach-form')).toBeNull();
    await fireEvent.click(await screen.findByTestId('due-reach'));
    await screen.findByTestId('outreach-dialog');
    expect((screen.getByTestId('outreach-contact') as HTMLSelectElement).value).toBe('c1');
    await type('outreach-message', 'Hi Sam, coffee next week?');
    await fireEvent.click(screen.getByTestId('outreach-save'));
    await waitFor(() => expect(screen.queryByTestId('outreach-dialog')).toBeNull());
    expect(callsOf(be, 'log_outreach')).toEqual([
      {
        outreach: expect.objectContaining({ contact_id: 'c1', date: '2024-03-05', message: 'Hi Sam, coffee next week?' }),
      },
    ]);
    await waitFor(() => expect(screen.getByTestId('outreach-list').textContent).toContain('coffee next week?'));
  });

  it('edits a message in a dialog, prefilled, saved with the version it was loaded with', async () => {
    const be = networkBackend();
    seed(be, 'outreach', [{ ...message }]);
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('outreach-list').textContent).toContain('Sam Lee'));

    await fireEvent.click(screen.getByTestId('outreach-edit'));
    const dialog = await screen.findByTestId('outreach-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Message to Sam Lee');
    expect((screen.getByTestId('outreach-message') as HTMLTextAreaElement).value).toBe(message.message);
    await type('outreach-reply', 'Gladly, Thursday?');
    await fireEvent.click(screen.getByTestId('outreach-save'));

    await waitFor(() => expect(screen.queryByTestId('outreach-dialog')).toBeNull());
    expect(callsOf(be, 'save_record')).toEqual([{ kind: 'outreach', record: { ...message, reply: 'Gladly, Thursday?' } }]);
    expect(callsOf(be, 'log_outreach')).toHaveLength(0);
    await waitFor(() => expect(screen.getByTestId('outreach-list').textContent).toContain('Gladly, Thursday?'));
  });

  it('cancelling an edit saves nothing', async () => {
    const be = networkBackend();
    seed(be, 'outreach', [{ ...message }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('outreach-edit'));
    await type('outreach-lead', 'A role at Northwind');
    await fireEvent.click(screen.getByTestId('outreach-cancel'));
    expect(screen.queryByTestId('outreach-dialog')).toBeNull();
    expect(callsOf(be, 'save_record')).toHaveLength(0);
    expect(screen.getByTestId('outreach-list').textContent).not.toContain('Northwind');
  });

  it('deletes a message only after asking, and keeps it when the person says keep', async () => {
    const be = networkBackend();
    seed(be, 'outreach', [{ ...message }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('outreach-delete'));
    expect(document.body.textContent).toContain('The message to Sam Lee on');
    await fireEvent.click(screen.getByTestId('outreach-delete-cancel'));
    expect(callsOf(be, 'delete_record')).toHaveLength(0);
    expect(screen.getAllByTestId('outreach-item')).toHaveLength(1);

    await fireEvent.click(screen.getByTestId('outreach-delete'));
    await fireEvent.click(screen.getByTestId('outreach-delete-confirm'));
    await waitFor(() => expect(callsOf(be, 'delete_record')).toEqual([{ kind: 'outreach', id: 'o1' }]));
    await waitFor(() => expect(screen.queryByTestId('outreach-list')).toBeNull());
  });
});
