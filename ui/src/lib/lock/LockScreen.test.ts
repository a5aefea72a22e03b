import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { go } from '../router.svelte';
import { fakeBackend, seed } from '../../test/backend';
import SettingsView from '../../views/SettingsView.svelte';

const ENTRY = 'Walked by the river after the call with Sam.';

function lockedBackend() {
  const be = fakeBackend();
  seed(be, 'entry', [{ id: 'e1', date: '2024-03-05', text: ENTRY, mood: 2, tags: [], created_ms: 1 }]);
  be.fixtures.lock_status = { on: true, idle_minutes: 5, retry_after_s: 0 };
  be.fixtures.unlock = ({ passcode }: Record<string, unknown>) => {
    if (passcode !== '2468') {
      throw { code: 'wrong_passcode', message: 'that passcode is not right; 2 more tries, then each wrong one makes you wait' };
    }
    return null;
  };
  be.locked = true;
  return be;
}

describe('the lock screen', () => {
  afterEach(() => go('home'));

  it('stands in for the app while locked, shows the core refusal, and opens on the right passcode', async () => {
    lockedBackend();
    go('journal');
    render(App);
    expect(await screen.findByTestId('lock-screen')).toBeTruthy();
    expect(screen.queryByTestId('nav-home')).toBeNull();
    expect(document.body.textContent).not.toContain('river');

    await fireEvent.input(screen.getByTestId('lock-passcode'), { target: { value: '1357' } });
    await fireEvent.click(screen.getByTestId('lock-submit'));
    expect((await screen.findByTestId('lock-error')).textContent).toBe(
      'that passcode is not right; 2 more tries, then each wrong one makes you wait',
    );

    await fireEvent.input(screen.getByTestId('lock-passcode'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('lock-submit'));
    await waitFor(() => expect(document.body.textContent).toContain('river'));
    expect(screen.queryByTestId('lock-screen')).toBeNull();
  });

  it('drops every screen when the shell locks, so the page holds no entry', async () => {
    const be = lockedBackend();
    be.locked = false;
    go('journal');
    render(App);
    await waitFor(() => expect(document.body.textContent).toContain('river'));
    be.locked = true;
    await emit('locked', null);
    expect(await screen.findByTestId('lock-screen')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('river');
  });

  it('asks for a fingerprint or face at once where the device has one, and opens when the OS says yes', async () => {
    const be = lockedBackend();
    be.fixtures.biometric_available = true;
    be.fixtures.unlock_biometric = () => {
      be.locked = false;
      return null;
    };
    go('journal');
    render(App);
    await waitFor(() => expect(document.body.textContent).toContain('river'));
    expect(be.calls.filter((c) => c.cmd === 'unlock_biometric')).toHaveLength(1);
    expect(be.calls.some((c) => c.cmd === 'unlock')).toBe(false);
  });

  it('keeps the passcode when the fingerprint or face is not recognised, and can ask again', async () => {
    const be = lockedBackend();
    be.fixtures.biometric_available = true;
    let tries = 0;
    be.fixtures.unlock_biometric = () => {
      tries += 1;
      throw { code: 'wrong_passcode', message: 'Your fingerprint or face was not recognised. Type your passcode instead.' };
    };
    render(App);
    expect((await screen.findByTestId('lock-error')).textContent).toContain('Type your passcode instead');
    expect(screen.getByTestId('lock-passcode')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('lock-biometric'));
    await waitFor(() => expect(tries).toBe(2));
    expect(screen.getByTestId('lock-screen')).toBeTruthy();
  });

  it('shows no fingerprint button on a device without a sensor', async () => {
    const be = lockedBackend();
    render(App);
    await screen.findByTestId('lock-passcode');
    await waitFor(() => expect(be.calls.some((c) => c.cmd === 'biometric_available')).toBe(true));
    await Promise.resolve();
    expect(screen.queryByTestId('lock-biometric')).toBeNull();
    expect(be.calls.some((c) => c.cmd === 'unlock_biometric')).toBe(false);
  });

  it('offers the recovery key for a forgotten passcode', async () => {
    const be = lockedBackend();
    be.fixtures.lock_reset = { on: false, idle_minutes: 5, retry_after_s: 0 };
    render(App);
    await fireEvent.click(await screen.findByTestId('lock-forgot'));
    await fireEvent.input(screen.getByTestId('lock-recovery'), { target: { value: 'abcd-efgh' } });
    await fireEvent.click(screen.getByTestId('lock-reset'));
    await screen.findByTestId('nav-home');
    expect(be.calls.find((c) => c.cmd === 'lock_reset')?.args).toEqual({ recoveryKey: 'abcd-efgh' });
  });
});

describe('Settings → App lock', () => {
  it('turns the lock on with the passcode typed twice, and refuses two different ones', async () => {
    const be = fakeBackend();
    be.fixtures.lock_set = { on: true, idle_minutes: 5, retry_after_s: 0 };
    render(SettingsView);
    await fireEvent.input(await screen.findByTestId('lock-new'), { target: { value: '2468' } });
    await fireEvent.input(screen.getByTestId('lock-new-again'), { target: { value: '2469' } });
    await fireEvent.click(screen.getByTestId('lock-turn-on'));
    expect(await screen.findByText(/the two passcodes differ/)).toBeTruthy();
    expect(be.calls.some((c) => c.cmd === 'lock_set')).toBe(false);

    await fireEvent.input(screen.getByTestId('lock-new'), { target: { value: '2468' } });
    await fireEvent.input(screen.getByTestId('lock-new-again'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('lock-turn-on'));
    expect(await screen.findByTestId('lock-on-note')).toBeTruthy();
    expect(be.calls.find((c) => c.cmd === 'lock_set')?.args).toEqual({ passcode: '2468' });
  });

  it('changes the idle time and turns the lock off with the passcode', async () => {
    const be = fakeBackend();
    be.fixtures.lock_status = { on: true, idle_minutes: 5, retry_after_s: 0 };
    be.fixtures.set_lock_idle = ({ minutes }: Record<string, unknown>) => ({ on: true, idle_minutes: minutes, retry_after_s: 0 });
    be.fixtures.lock_off = { on: false, idle_minutes: 10, retry_after_s: 0 };
    render(SettingsView);
    await fireEvent.input(await screen.findByTestId('lock-idle'), { target: { value: '10' } });
    await fireEvent.click(screen.getByTestId('lock-idle-save'));
    await waitFor(() => expect(screen.getByTestId('lock-on-note').textContent).toContain('after 10 minutes'));
    await fireEvent.input(screen.getByTestId('lock-off-passcode'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('lock-turn-off'));
    expect(await screen.findByTestId('lock-new')).toBeTruthy();
    expect(be.calls.find((c) => c.cmd === 'lock_off')?.args).toEqual({ passcode: '2468' });
  });

  it('asks for the passcode again before it shows the recovery key', async () => {
    const be = fakeBackend();
    be.fixtures.lock_status = { on: true, idle_minutes: 5, retry_after_s: 0 };
    render(SettingsView);
    await fireEvent.click(await screen.findByTestId('show-recovery'));
    await fireEvent.input(await screen.findByTestId('recovery-passcode'), { target: { value: '2468' } });
    await fireEvent.click(screen.getByTestId('recovery-confirm'));
    expect((await screen.findByTestId('settings-recovery-key')).textContent).toBe('ABCD-EFGH-IJKL-MNOP');
    expect(be.calls.find((c) => c.cmd === 'recovery_key')?.args).toEqual({ passcode: '2468' });
  });
});
