import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { defaultReminderSettings, fakeBackend } from '../../test/backend';
import Reminders from './Reminders.svelte';

const calls = (be: ReturnType<typeof fakeBackend>, cmd: string) =>
  be.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

const box = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('Settings → Reminders', () => {
  it('shows each kind as the core has it, with what it does', async () => {
    fakeBackend();
    render(Reminders);
    await waitFor(() => expect(box('reminder-kind-worry_time').checked).toBe(true));
    expect(box('reminder-kind-check_in').checked).toBe(false);
    expect(screen.getByTestId('reminders-settings').textContent).toContain(
      'Each day at your worry time, to look at the worries you parked.',
    );
    expect(box('reminders-check-in').value).toBe('20:00');
    // Quiet hours are off: their times are not asked for.
    expect(box('reminders-quiet-on').checked).toBe(false);
    expect(screen.queryByTestId('reminders-quiet-start')).toBeNull();
  });

  it('saves every kind, the quiet hours and the check-in time through the core', async () => {
    const be = fakeBackend();
    render(Reminders);
    await waitFor(() => screen.getByTestId('reminder-kind-check_in'));
    await fireEvent.click(box('reminder-kind-check_in'));
    await fireEvent.click(box('reminder-kind-contact_due'));
    await fireEvent.click(box('reminders-quiet-on'));
    await fireEvent.input(box('reminders-quiet-start'), { target: { value: '21:30' } });
    await fireEvent.input(box('reminders-check-in'), { target: { value: '19:15' } });
    await fireEvent.click(screen.getByTestId('reminders-save'));

    await waitFor(() => expect(calls(be, 'set_reminder_settings')).toHaveLength(1));
    const { settings } = calls(be, 'set_reminder_settings')[0] as { settings: Record<string, unknown> };
    const on = Object.fromEntries(
      (settings.kinds as { kind: string; on: boolean }[]).map((k) => [k.kind, k.on]),
    );
    expect(on).toEqual({
      worry_time: true,
      grief_window_end: true,
      contact_due: false,
      follow_up: true,
      lesson_action: true,
      debrief_block: true,
      check_in: true,
    });
    expect(settings.quiet_hours).toEqual({ start: '21:30', end: '07:00' });
    expect(settings.check_in_time).toBe('19:15');
    await waitFor(() => screen.getByTestId('reminders-saved'));
  });

  it("shows the core's message when it refuses, and keeps what the person typed", async () => {
    const be = fakeBackend();
    be.fixtures.set_reminder_settings = () => {
      throw {
        code: 'invalid',
        message: 'quiet hours from 22:00 to 22:00 cover no time; choose an end different from the start',
      };
    };
    be.fixtures.reminder_settings = { ...defaultReminderSettings(), quiet_hours: { start: '22:00', end: '07:00' } };
    render(Reminders);
    await waitFor(() => screen.getByTestId('reminders-quiet-end'));
    await fireEvent.input(box('reminders-quiet-end'), { target: { value: '22:00' } });
    await fireEvent.click(screen.getByTestId('reminders-save'));
    await waitFor(() =>
      expect(screen.getByTestId('reminders-error').textContent).toContain('cover no time'),
    );
    expect(box('reminders-quiet-end').value).toBe('22:00');
    expect(screen.queryByTestId('reminders-saved')).toBeNull();
  });

  it('lists what comes up in the next day, as the core answers', async () => {
    const be = fakeBackend();
    be.fixtures.reminders = [
      { kind: 'worry_time', title: 'Worry time', at: '2024-03-05T17:30:00+00:00', record: null },
      { kind: 'follow_up', title: 'A follow-up is due', at: '2024-03-06T09:00:00+00:00', record: { kind: 'item', id: 'i1' } },
    ];
    render(Reminders);
    await waitFor(() => expect(screen.getAllByTestId('reminder-upcoming')).toHaveLength(2));
    expect(screen.getAllByTestId('reminder-upcoming')[1].textContent).toContain('A follow-up is due');
    const asked = calls(be, 'reminders')[0] as { from: string; to: string };
    expect(Date.parse(asked.to) - Date.parse(asked.from)).toBe(24 * 60 * 60 * 1000);
  });

  it('says when nothing is coming up', async () => {
    fakeBackend();
    render(Reminders);
    await waitFor(() => screen.getByTestId('reminders-coming-up-none'));
  });
});
