import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../lib/app.svelte';
import { emptyHome, fakeBackend } from '../test/backend';
import DebriefView from './DebriefView.svelte';
import HomeView from './HomeView.svelte';
import JournalView from './JournalView.svelte';
import { startNextEntryWith } from '../lib/journal/start';

describe('home', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('asks one question, the summary for today, and shows what the core answered', async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as ReturnType<typeof emptyHome> & Record<string, any>;
    home.steps.debrief = { started: 1, completed: 1, done: true, status: 'Done: you have your lessons.' };
    home.steps.next_move = { open_items: 2, offers: 0, done: false, status: '2 open items in your pipeline.' };
    home.actions = [
      {
        kind: 'follow_up',
        text: 'Follow up: Data engineer, Northwind',
        detail: 'no movement for 21 days',
        due: null,
        overdue: false,
        opens: { kind: 'item', id: 'p1' },
      },
    ];
    be.fixtures.home_summary = home;
    render(HomeView);

    expect(await screen.findByText('Follow up: Data engineer, Northwind')).toBeTruthy();
    expect(screen.getByTestId('step-1').dataset.done).toBe('true');
    expect(screen.getByTestId('step-4').dataset.done).toBe('false');
    expect(screen.getByText('2 open items in your pipeline.')).toBeTruthy();
    expect(screen.getByText('Follow up: Data engineer, Northwind').getAttribute('href')).toContain('next/p1');
    const asked = be.calls.filter((c) => c.cmd !== 'plugin:event|listen');
    expect(asked.map((c) => c.cmd)).toEqual(['home_summary']);
    expect(asked[0].args).toMatchObject({ today: '2024-03-05' });
  });

  it('shows the first actions and, on "Show all", every one the core lists', async () => {
    const be = fakeBackend();
    const action = (n: number) => ({
      kind: 'lesson',
      text: `Step ${n}`,
      detail: 'from “Leaving Acme”',
      due: `2024-03-${String(10 + n).padStart(2, '0')}`,
      overdue: false,
      opens: { kind: 'debrief', id: 'd1' },
    });
    const home = emptyHome('2024-03-05') as Record<string, any>;
    home.actions = [1, 2].map(action);
    home.more_actions = 3;
    be.fixtures.home_summary = home;
    be.fixtures.next_actions = [1, 2, 3, 4, 5].map(action);
    render(HomeView);

    expect(await screen.findByText('Step 2')).toBeTruthy();
    expect(screen.queryByText('Step 3')).toBeNull();
    expect(be.calls.some((c) => c.cmd === 'next_actions')).toBe(false);
    await fireEvent.click(screen.getByTestId('next-actions-all'));
    expect(await screen.findByText('Step 5')).toBeTruthy();
    expect(screen.getAllByTestId('next-action')).toHaveLength(5);
    expect(be.calls.find((c) => c.cmd === 'next_actions')?.args).toMatchObject({ today: '2024-03-05' });
    expect(screen.queryByTestId('next-actions-all')).toBeNull();
  });

  it("shows on this day's entries by the core's titles and opens one in the Journal", async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as Record<string, any>;
    home.on_this_day = [{ id: 'e7', date: '2023-03-05', title: 'A year ago, the first walk', mood: 3 }];
    be.fixtures.home_summary = home;
    render(HomeView);
    await fireEvent.click(await screen.findByText('A year ago, the first walk'));
    expect(location.hash).toBe('#/journal/e7');
  });

  it('offers no "Show all" when Home holds every action', async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as Record<string, any>;
    home.actions = [
      { kind: 'lesson', text: 'Only one', detail: '', due: null, overdue: false, opens: { kind: 'debrief', id: 'd1' } },
    ];
    be.fixtures.home_summary = home;
    render(HomeView);
    expect(await screen.findByText('Only one')).toBeTruthy();
    expect(screen.queryByTestId('next-actions-all')).toBeNull();
  });

  it('asks again when the vault changes a kind it shows, and not for one it does not', async () => {
    const be = fakeBackend();
    render(HomeView);
    await screen.findByTestId('steps');
    const count = () => be.calls.filter((c) => c.cmd === 'home_summary').length;
    await waitFor(() => expect(count()).toBe(1));

    await emit('vault-changed', { kinds: ['story'], records: [] });
    await emit('vault-changed', { kinds: ['debrief'], records: [] });
    await waitFor(() => expect(count()).toBe(2));
  });

  it('shows the wins reminder when the core says to', async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as Record<string, any>;
    home.low_mood = {
      days: 4,
      show: true,
      wins: [{ id: 'w1', date: '2024-02-01', title: 'Shipped the site', text: '', category: 'projects' }],
    };
    be.fixtures.home_summary = home;
    render(HomeView);
    expect((await screen.findByTestId('wins-low-mood')).textContent).toContain('The last 4 days');
  });

  it("shows the core's prompt and writes about it in a new entry that starts with the question", async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as Record<string, any>;
    const question = 'What are you feeling about it today? Name it as plainly as you can.';
    home.prompt = {
      step: 1,
      kind: 'expressive',
      text: question,
      action: { screen: 'journal', record: null, first_line: question, label: 'Write about it' },
    };
    be.fixtures.home_summary = home;
    render(HomeView);
    const card = await screen.findByTestId('daily-prompt');
    expect(card.textContent).toContain(question);
    expect(card.textContent).toContain('Step 1 of 4');
    expect(screen.queryByTestId('daily-prompt-action')).toBeNull();

    await fireEvent.click(screen.getByTestId('daily-prompt-write'));
    await waitFor(() => expect(location.hash).toBe('#/journal/new'));
    // Nothing is written until the person writes: backing out leaves no entry.
    expect(be.calls.some((c) => c.cmd === 'save_record')).toBe(false);

    render(JournalView, { params: ['new'] });
    const editor = (await screen.findByTestId('entry-editor')) as HTMLTextAreaElement;
    expect(editor.value).toBe(`${question}\n\n`);
    await new Promise((r) => setTimeout(r, 20));
    expect(be.calls.some((c) => c.cmd === 'save_record')).toBe(false);

    await fireEvent.input(editor, { target: { value: `${question}\n\nTired, and relieved.` } });
    await waitFor(() => expect(be.calls.some((c) => c.cmd === 'save_record')).toBe(true), { timeout: 3000 });
    const saved = be.calls.find((c) => c.cmd === 'save_record');
    expect(saved?.args).toMatchObject({
      kind: 'entry',
      record: { date: '2024-03-05', text: `${question}\n\nTired, and relieved.` },
    });
  });

  it('a new entry started from the Journal itself starts blank after a prompt was used', async () => {
    fakeBackend();
    startNextEntryWith('A question\n\n');
    render(JournalView, { params: ['new'] });
    expect(((await screen.findByTestId('entry-editor')) as HTMLTextAreaElement).value).toBe('A question\n\n');
    await fireEvent.click(screen.getByTestId('entry-new'));
    await waitFor(() => expect((screen.getByTestId('entry-editor') as HTMLTextAreaElement).value).toBe(''));
  });

  it("offers the prompt's own action: the person due a message opens the network", async () => {
    const be = fakeBackend();
    const home = emptyHome('2024-03-05') as Record<string, any>;
    home.prompt = {
      step: 2,
      kind: 'reach_out',
      text: 'Grace is due a message. What could you tell them about where you are?',
      action: { screen: 'network', record: { kind: 'contact', id: 'c1' }, first_line: null, label: 'Reach out to Grace' },
    };
    be.fixtures.home_summary = home;
    render(HomeView);
    const action = await screen.findByTestId('daily-prompt-action');
    expect(action.textContent).toContain('Reach out to Grace');
    await fireEvent.click(action);
    expect(location.hash).toBe('#/network');
  });

  it('shows no prompt once the core has none (after the first weeks)', async () => {
    const be = fakeBackend();
    be.fixtures.home_summary = { ...emptyHome('2024-03-05'), prompt: null };
    render(HomeView);
    await screen.findByTestId('steps');
    expect(screen.queryByTestId('daily-prompt')).toBeNull();
  });
});

describe("a lesson's action", () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('is ticked done with tick_action and leaves the list the core answers', async () => {
    const be = fakeBackend();
    const open = {
      debrief_id: 'd1',
      debrief_title: 'Leaving Acme',
      lesson_id: 'l1',
      action: 'Book a mentor call',
      due: '2024-03-10',
      success_test: '',
      overdue: false,
    };
    be.fixtures.lesson_actions = [open];
    be.fixtures.tick_action = (args: Record<string, unknown>) => {
      be.fixtures.lesson_actions = [];
      return { id: args.debriefId, title: 'Leaving Acme', actions_done: { l1: '2024-03-05' } };
    };
    render(DebriefView);
    const done = await screen.findByTestId('lesson-action-done');
    done.click();
    await waitFor(() => expect(screen.queryByTestId('lesson-action')).toBeNull());
    expect(be.calls.find((c) => c.cmd === 'tick_action')?.args).toMatchObject({
      debriefId: 'd1',
      lessonId: 'l1',
      done: true,
      on: '2024-03-05',
    });
  });
});
