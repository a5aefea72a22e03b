import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import NetworkView from '../../views/NetworkView.svelte';
import { app } from '../app.svelte';
import { callsOf, networkBackend, sam } from './testing';

const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

describe('your network', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('shows the list first and opens the form from "Add a contact"; after a save the dialog closes and the list shows the contact', async () => {
    const be = networkBackend();
    render(NetworkView);
    const list = await screen.findByTestId('contact-list');
    await waitFor(() => expect(list.textContent).toContain('Sam Lee'));
    expect(screen.queryByTestId('contact-form')).toBeNull();

    await fireEvent.click(screen.getByTestId('contact-add'));
    const dialog = await screen.findByTestId('contact-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Add a contact');
    await type('contact-name', 'Priya Raman');
    await type('contact-how', 'Old team at Acme');
    await fireEvent.click(screen.getByTestId('contact-save'));

    await waitFor(() => expect(screen.queryByTestId('contact-dialog')).toBeNull());
    const [save] = callsOf(be, 'save_record');
    expect(save.kind).toBe('contact');
    expect(save.record).toMatchObject({ name: 'Priya Raman', how_known: 'Old team at Acme', tie: 'occasionally' });
    expect((save.record as Record<string, unknown>).id).toBeUndefined();
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('Priya Raman'));
  });

  it('edits a contact in the same form, prefilled, saved with the version it was loaded with', async () => {
    const be = networkBackend();
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('Sam Lee'));

    await fireEvent.click(screen.getByTestId('contact-edit'));
    const dialog = await screen.findByTestId('contact-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Edit Sam Lee');
    expect((screen.getByTestId('contact-name') as HTMLInputElement).value).toBe('Sam Lee');
    expect((screen.getByTestId('contact-how') as HTMLInputElement).value).toBe('old team');
    expect((screen.getByTestId('contact-tie') as HTMLSelectElement).value).toBe('rarely');
    await type('contact-notes', 'Now at Northwind; likes long walks');
    await fireEvent.click(screen.getByTestId('contact-save'));

    await waitFor(() => expect(screen.queryByTestId('contact-dialog')).toBeNull());
    const saves = callsOf(be, 'save_record');
    expect(saves).toHaveLength(1);
    // The whole record as loaded, its version, and the one field changed; last_contact is kept.
    expect(saves[0]).toEqual({
      kind: 'contact',
      record: { ...sam, notes: 'Now at Northwind; likes long walks' },
    });
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('likes long walks'));
  });

  it('cancelling an edit saves nothing', async () => {
    const be = networkBackend();
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('Sam Lee'));
    await fireEvent.click(screen.getByTestId('contact-edit'));
    await type('contact-name', 'Somebody else');
    await fireEvent.click(screen.getByTestId('contact-cancel'));
    expect(screen.queryByTestId('contact-dialog')).toBeNull();
    expect(callsOf(be, 'save_record')).toHaveLength(0);
    expect(screen.getByTestId('contact-list').textContent).toContain('Sam Lee');
  });

  it('keeps the dialog open with the refusal when a save fails', async () => {
    const be = networkBackend();
    be.override.save_record = () => {
      throw { code: 'invalid', message: 'name: give the contact a name, so you can find them again' };
    };
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('Sam Lee'));
    await fireEvent.click(screen.getByTestId('contact-edit'));
    await fireEvent.click(screen.getByTestId('contact-save'));
    const dialog = screen.getByTestId('contact-dialog');
    expect((await within(dialog).findByRole('alert')).textContent).toContain('give the contact a name');
  });

  it('removes a contact only after asking, and keeps it when the person says keep', async () => {
    const be = networkBackend();
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('contact-list').textContent).toContain('Sam Lee'));

    await fireEvent.click(screen.getByTestId('contact-delete'));
    expect(document.body.textContent).toContain('Sam Lee will be removed from your network');
    expect(callsOf(be, 'delete_record')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('contact-remove-cancel'));
    expect(callsOf(be, 'delete_record')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('contact-delete'));
    await fireEvent.click(screen.getByTestId('contact-remove-confirm'));
    await waitFor(() => expect(callsOf(be, 'delete_record')).toEqual([{ kind: 'contact', id: 'c1' }]));
    await waitFor(() => expect(screen.queryByTestId('contact-list')).toBeNull());
    expect(screen.getByTestId('contacts').textContent).toContain('No contacts yet');
  });
});
