import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { fakeBackend } from '../test/backend';
import FirstRunView from './FirstRunView.svelte';

describe('first run', () => {
  it('shows the recovery key once and needs "I have saved it" before Continue', async () => {
    const be = fakeBackend({ exists: false });
    const ondone = vi.fn();
    render(FirstRunView, { today: '2024-03-05', ondone });

    await fireEvent.click(screen.getByTestId('create-vault'));
    const key = await screen.findByTestId('recovery-key');
    expect(key.textContent).toBe('ABCD-EFGH-IJKL-MNOP');

    const cont = screen.getByTestId('recovery-continue') as HTMLButtonElement;
    expect(cont.disabled).toBe(true);
    await fireEvent.click(cont);
    expect(screen.queryByTestId('profile-save')).toBeNull();

    await fireEvent.click(screen.getByTestId('recovery-saved'));
    expect(cont.disabled).toBe(false);
    await fireEvent.click(cont);

    expect(screen.queryByTestId('recovery-key')).toBeNull();
    await fireEvent.change(screen.getByTestId('profile-setback'), { target: { value: 'business_folded' } });
    await fireEvent.click(screen.getByTestId('profile-save'));
    await screen.findByTestId('firstrun-steps');
    expect(be.records.get('profile')?.get('profile')).toMatchObject({
      id: 'profile',
      setback: 'business_folded',
      happened_on: '2024-03-05',
    });
    expect(ondone).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('firstrun-skip-all'));
    expect(ondone).toHaveBeenCalled();
  });

  async function toTheSteps() {
    await fireEvent.click(screen.getByTestId('create-vault'));
    await fireEvent.click(await screen.findByTestId('recovery-saved'));
    await fireEvent.click(screen.getByTestId('recovery-continue'));
    await fireEvent.click(screen.getByTestId('profile-skip'));
    const steps = await screen.findByTestId('firstrun-steps');
    expect(steps.querySelectorAll('li')).toHaveLength(4);
  }

  it('explains the four steps, then sets up the grief window, worry time, debrief block and reminders', async () => {
    const be = fakeBackend({ exists: false });
    be.fixtures['plugin:notification|request_permission'] = 'granted';
    const ondone = vi.fn();
    render(FirstRunView, { today: '2024-03-05', ondone });
    await toTheSteps();
    expect(screen.getByTestId('firstrun-steps').textContent).toContain('Debrief with yourself');
    await fireEvent.click(screen.getByTestId('firstrun-next'));

    await screen.findByTestId('firstrun-grief');
    await fireEvent.click(screen.getByTestId('grief-length-7'));
    expect(screen.getByTestId('grief-ends').textContent).toContain('12');
    await fireEvent.click(screen.getByTestId('firstrun-next'));

    await screen.findByTestId('firstrun-worry');
    expect(be.records.get('profile')?.get('profile')).toMatchObject({ grief_ends_on: '2024-03-12' });
    await fireEvent.input(screen.getByTestId('firstrun-worry-time'), { target: { value: '17:30' } });
    await fireEvent.click(screen.getByTestId('firstrun-next'));

    await screen.findByTestId('firstrun-debrief');
    const profile = be.records.get('profile')?.get('profile');
    expect(profile).toMatchObject({ grief_ends_on: '2024-03-12', worry_time: '17:30', worry_minutes: 15 });
    await fireEvent.click(screen.getByTestId('firstrun-next'));
    expect((await screen.findByTestId('error')).textContent).toContain('Pick a day and a time');
    await fireEvent.input(screen.getByTestId('firstrun-debrief-day'), { target: { value: '2024-03-09' } });
    await fireEvent.click(screen.getByTestId('firstrun-next'));

    await screen.findByTestId('firstrun-reminders');
    const debriefs = [...(be.records.get('debrief')?.values() ?? [])];
    expect(debriefs).toHaveLength(1);
    expect(debriefs[0]).toMatchObject({ title: 'My debrief', scheduled: { start: '2024-03-09T09:00', minutes: 150 } });
    const checkIn = (await screen.findByTestId('firstrun-reminder-check_in')) as HTMLInputElement;
    expect(checkIn.checked).toBe(false);
    await fireEvent.click(checkIn);
    await fireEvent.click(screen.getByTestId('firstrun-next'));

    await waitFor(() => expect(ondone).toHaveBeenCalled());
    const saved = be.calls.find((c) => c.cmd === 'set_reminder_settings')?.args.settings as {
      kinds: { kind: string; on: boolean }[];
    };
    expect(saved.kinds.find((k) => k.kind === 'check_in')?.on).toBe(true);
    expect(be.calls.some((c) => c.cmd === 'plugin:notification|request_permission')).toBe(true);
  });

  it('lets every setup stage be skipped without writing anything', async () => {
    const be = fakeBackend({ exists: false });
    const ondone = vi.fn();
    render(FirstRunView, { today: '2024-03-05', ondone });
    await toTheSteps();
    await fireEvent.click(screen.getByTestId('firstrun-next'));
    for (const stage of ['grief', 'worry', 'debrief', 'reminders']) {
      await screen.findByTestId(`firstrun-${stage}`);
      expect(screen.getByTestId('firstrun-progress').textContent).toContain('of 5');
      await fireEvent.click(screen.getByTestId('firstrun-skip'));
    }
    await waitFor(() => expect(ondone).toHaveBeenCalledTimes(1));
    const writes = be.calls.filter((c) => ['save_record', 'set_profile', 'set_reminder_settings'].includes(c.cmd));
    expect(writes).toEqual([]);
  });
});
