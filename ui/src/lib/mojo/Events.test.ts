import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import type { Event, Versioned } from '../types';
import Events from './Events.svelte';

const event: Versioned<Event> = {
  id: 'e1',
  date: '2024-02-20',
  title: 'Rust meetup',
  kind: 'meetup',
  contact_ids: ['c1'],
  notes: '',
  outcome: '',
  version: 'v9',
};
const contacts = [
  { id: 'c1', name: 'Priya' },
  { id: 'c2', name: 'Tom' },
] as never[];

describe('the events list', () => {
  it('adds an event from the Add button with add_event', async () => {
    const be = fakeBackend();
    render(Events, { props: { events: [], contacts, today: '2024-03-05' } });
    expect(screen.queryByTestId('event-title')).toBeNull();
    await fireEvent.click(screen.getByTestId('event-add'));
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Coffee with Tom' } });
    await fireEvent.click(screen.getByLabelText('Tom'));
    await fireEvent.click(screen.getByTestId('event-save'));
    await waitFor(() => expect(screen.queryByTestId('event-dialog')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'add_event')?.args.event).toMatchObject({
      id: '',
      title: 'Coffee with Tom',
      date: '2024-03-05',
      contact_ids: ['c2'],
    });
  });

  it('edits an event on the version it was loaded with, sending the changed field', async () => {
    const be = fakeBackend();
    render(Events, { props: { events: [{ ...event, contact_ids: [...event.contact_ids] }], contacts, today: '2024-03-05' } });
    await fireEvent.click(screen.getByTestId('event-edit'));
    expect((screen.getByTestId('event-title') as HTMLInputElement).value).toBe('Rust meetup');
    expect((screen.getByLabelText('Priya') as HTMLInputElement).checked).toBe(true);
    await fireEvent.input(screen.getByTestId('event-outcome'), { target: { value: 'An intro to Northwind' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    await waitFor(() => expect(screen.queryByTestId('event-dialog')).toBeNull());
    expect(be.calls.some((c) => c.cmd === 'add_event')).toBe(false);
    expect(be.calls.find((c) => c.cmd === 'save_record')?.args).toEqual({
      kind: 'event',
      record: { ...event, outcome: 'An intro to Northwind' },
    });
  });

  it('deletes an event only once the person confirms', async () => {
    const be = fakeBackend();
    render(Events, { props: { events: [{ ...event, contact_ids: [...event.contact_ids] }], contacts, today: '2024-03-05' } });
    await fireEvent.click(screen.getByTestId('event-delete'));
    expect(be.calls.some((c) => c.cmd === 'delete_record')).toBe(false);
    await fireEvent.click(screen.getByTestId('event-delete-confirm'));
    await waitFor(() => expect(be.calls.find((c) => c.cmd === 'delete_record')?.args).toEqual({ kind: 'event', id: 'e1' }));
  });

  it('does nothing when an edit or a delete is cancelled', async () => {
    const be = fakeBackend();
    render(Events, { props: { events: [{ ...event, contact_ids: [...event.contact_ids] }], contacts, today: '2024-03-05' } });
    await fireEvent.click(screen.getByTestId('event-edit'));
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Changed' } });
    await fireEvent.click(screen.getByTestId('event-cancel'));
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('event-delete-cancel'));
    expect(screen.queryByTestId('event-dialog')).toBeNull();
    expect(be.calls.filter((c) => ['save_record', 'delete_record', 'add_event'].includes(c.cmd))).toEqual([]);
  });
});
