import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { go, route } from './lib/router.svelte';
import { fakeBackend, seed } from './test/backend';

const VIEWS = ['home', 'journal', 'debrief', 'network', 'mojo', 'next', 'devices', 'settings'];

function phone(matches: boolean) {
  window.matchMedia = vi.fn().mockImplementation((query: string) => ({
    matches,
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  })) as unknown as typeof window.matchMedia;
}

describe('the app shell', () => {
  // Screens other than Home are loaded on demand; compiling them here first keeps the
  // tests' waits about the shell, not about the test runner's first transform.
  beforeAll(async () => {
    await Promise.all(
      VIEWS.filter((v) => v !== 'home').map(
        (v) => import(`./views/${v[0].toUpperCase()}${v.slice(1)}View.svelte`),
      ),
    );
  }, 30_000);

  afterEach(() => {
    // @ts-expect-error jsdom has no matchMedia of its own
    delete window.matchMedia;
    go('home');
  });

  it("opens the screen of a tapped reminder's record", async () => {
    fakeBackend();
    render(App);
    await screen.findByTestId('nav-home');
    await emit('open-reminder', { kind: 'follow_up', record: { kind: 'item', id: 'item1' } });
    await waitFor(() => expect(route.parts).toEqual(['next', 'item1']));
    await emit('open-reminder', { kind: 'worry_time', record: null });
    await waitFor(() => expect(route.parts).toEqual(['network']));
  });

  it('says the journal is being brought up to date while a long open rebuilds it, then shows Home', async () => {
    const be = fakeBackend();
    let updating = true;
    let answer = () => {};
    be.override.vault_updating = () => updating;
    be.override.vault_status = () =>
      new Promise((resolve) => {
        answer = () =>
          resolve({ dir: '/x', exists: true, open: true, today: be.today, version: '0.1.0', locked: false });
      });
    render(App);
    expect(await screen.findByTestId('vault-updating', {}, { timeout: 3000 })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('nothing you wrote is changed');
    updating = false;
    answer();
    await screen.findByTestId('nav-home');
    expect(screen.queryByTestId('vault-updating')).toBeNull();
  });

  it('shows nothing of an update when the open is an ordinary one', async () => {
    fakeBackend();
    render(App);
    await screen.findByTestId('nav-home');
    expect(screen.queryByTestId('vault-updating')).toBeNull();
  });

  it('opens to first run when there is no vault', async () => {
    fakeBackend({ exists: false });
    render(App);
    expect(await screen.findByTestId('create-vault')).toBeTruthy();
  });

  it('has every screen behind the side navigation on a desktop', async () => {
    const be = fakeBackend();
    seed(be, 'contact', [{ id: 'c1', name: 'Priya', how_known: '', tie: 'rarely', notes: '' }]);
    seed(be, 'project', [
      { id: 'p1', name: 'CLI', weekly_target_hours: 20, notes: '', started_on: '2024-03-01', archived: false },
    ]);
    render(App);
    for (const v of VIEWS) {
      await fireEvent.click(await screen.findByTestId(`nav-${v}`));
      go(v);
      await screen.findByTestId(`view-${v}`);
      expect(screen.getByRole('heading', { level: 1 })).toBeTruthy();
    }
    expect(screen.queryByTestId('nav-more')).toBeNull();
  });

  it('puts Mojo, Next, Devices and Settings behind More on a phone', async () => {
    phone(true);
    fakeBackend();
    render(App);
    await screen.findByTestId('nav-journal');
    expect(screen.queryByTestId('nav-mojo')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-more'));
    for (const v of ['mojo', 'next', 'devices', 'settings']) {
      expect(screen.getByTestId(`nav-${v}`)).toBeTruthy();
    }
  });

  it('walks a debrief through its steps, saving each, and refuses to complete without an action', async () => {
    const be = fakeBackend();
    render(App);
    go('debrief');
    await fireEvent.input(await screen.findByTestId('debrief-title'), { target: { value: 'Leaving Acme' } });
    await fireEvent.click(screen.getByTestId('debrief-create'));
    await screen.findByTestId('debrief-unload');
    const saved = () => [...(be.records.get('debrief')?.values() ?? [])][0];
    expect(saved().questions).toHaveLength(7);

    for (const step of ['intent', 'timeline', 'questions', 'why_tree', 'hot_thought', 'lessons']) {
      await fireEvent.click(screen.getByTestId('debrief-next'));
      await waitFor(() => expect(screen.getByTestId('debrief-step').dataset.step).toBe(step));
      expect(saved().step).toBe(step);
    }

    await fireEvent.click(screen.getByTestId('debrief-complete'));
    expect((await screen.findByTestId('debrief-complete-error')).textContent).toContain('at least one lesson');

    await fireEvent.click(screen.getByTestId('lesson-add'));
    const lesson = screen.getByTestId('lesson');
    await fireEvent.input(within(lesson).getByTestId('lesson-action'), { target: { value: 'Keep a runway' } });
    await fireEvent.input(within(lesson).getByTestId('lesson-due'), { target: { value: '2024-06-01' } });
    await fireEvent.click(screen.getByTestId('debrief-complete'));
    await screen.findByTestId('debrief-completed');
    expect(saved()).toMatchObject({ completed: true, step: 'done' });
    await fireEvent.click(screen.getByTestId('debrief-markdown'));
    expect((await screen.findByTestId('debrief-markdown-text')).textContent).toContain('# Debrief');
  });

  it('logs outreach from the network screen and refreshes the due list', async () => {
    const be = fakeBackend();
    seed(be, 'contact', [{ id: 'c1', name: 'Priya', how_known: '', tie: 'rarely', notes: '' }]);
    render(App);
    go('network');
    const due = await screen.findByTestId('due-list');
    await within(due).findByText('Priya');
    // "I reached out" opens the message form in a dialog, the contact already chosen.
    await fireEvent.click(within(due).getByTestId('due-reach'));
    await fireEvent.input(await screen.findByTestId('outreach-message'), { target: { value: 'Coffee next week?' } });
    await fireEvent.click(screen.getByTestId('outreach-save'));
    await waitFor(() => expect(within(screen.getByTestId('due-list')).queryByText('Priya')).toBeNull());
    expect(be.calls.some((c) => c.cmd === 'log_outreach')).toBe(true);
  });
});
