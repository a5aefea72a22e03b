import { fireEvent, render, screen } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import EntryEditor from './EntryEditor.svelte';

describe('the journal editor', () => {
  it('saves once, 600 ms after the last of several quick keystrokes', async () => {
    vi.useFakeTimers();
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'save_record') {
        const { record } = args as { record: Record<string, unknown> };
        saves.push(record);
        return { ...record, id: 'e1', created_ms: 42 };
      }
      // An entry without photos.
      return cmd === 'attachments_of' ? [] : null;
    });
    render(EntryEditor, { today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor');

    for (const text of ['R', 'Ro', 'Rough', 'Rough day']) {
      await fireEvent.input(editor, { target: { value: text } });
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(saves).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(600);
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ id: '', date: '2024-03-05', text: 'Rough day' });
    expect(screen.getByTestId('save-state').textContent).toContain('Saved');

    // A later edit updates the same entry rather than creating another.
    await fireEvent.input(editor, { target: { value: 'Rough day, but I called Sam.' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(saves).toHaveLength(2);
    expect(saves[1]).toMatchObject({ id: 'e1', created_ms: 42 });
  });
});

type Rec = Record<string, unknown>;

describe('the tags field', () => {
  it('sends the tags as typed, split on commas, and shows them as the core saved them', async () => {
    vi.useFakeTimers();
    const saves: Rec[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'save_record') {
        const { record } = args as { record: Rec };
        saves.push(record);
        // The core's normalised tags, as a fixture: the rule is the core's.
        return { ...record, id: 'e1', created_ms: 42, tags: ['job-search', 'sleep'], version: 'v1' };
      }
      // An entry without photos.
      return cmd === 'attachments_of' ? [] : null;
    });
    render(EntryEditor, { today: '2024-03-05' });
    await fireEvent.input(screen.getByTestId('entry-editor'), { target: { value: 'Rough day' } });
    const tags = screen.getByTestId('entry-tags') as HTMLInputElement;
    await fireEvent.input(tags, { target: { value: 'Job Search, #Sleep, ' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(saves).toHaveLength(1);
    expect(saves[0].tags).toEqual(['Job Search', '#Sleep']);
    expect(tags.value).toBe('job-search, sleep');

    // What the field shows now is what is stored: nothing is left to save.
    await vi.advanceTimersByTimeAsync(1000);
    expect(saves).toHaveLength(1);
  });
});

/** A backend for one stored entry: answers get_record and save_record, records every call. */
function backend(stored: Rec, onSave?: (record: Rec) => Rec | Promise<Rec>) {
  const saves: Rec[] = [];
  const gets: string[] = [];
  const state = { stored };
  mockIPC(
    async (cmd, args) => {
      if (cmd === 'save_record') {
        const { record } = args as { record: Rec };
        saves.push(record);
        const reply = onSave ? await onSave(record) : { ...record, version: `v${10 + saves.length}` };
        state.stored = reply;
        return reply;
      }
      if (cmd === 'get_record') {
        gets.push((args as { id: string }).id);
        return state.stored;
      }
      // An entry without photos.
      return cmd === 'attachments_of' ? [] : null;
    },
    { shouldMockEvents: true },
  );
  return { saves, gets, state };
}

const e1 = {
  id: 'e1',
  date: '2024-03-04',
  text: 'Hello',
  tags: ['sleep'],
  mood: 3,
  created_ms: 7,
  version: 'v7',
};

const changedE1 = { kinds: ['entry'], records: [{ kind: 'entry', id: 'e1' }] };

describe('the journal editor with another device', () => {
  it('saves on the version it loaded and then on the version each save came back with', async () => {
    vi.useFakeTimers();
    const be = backend(e1);
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor');

    await fireEvent.input(editor, { target: { value: 'Hello world' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(1);
    expect(be.saves[0]).toMatchObject({ id: 'e1', text: 'Hello world', version: 'v7', date: '2024-03-04' });

    await fireEvent.input(editor, { target: { value: 'Hello world!' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(2);
    expect(be.saves[1]).toMatchObject({ text: 'Hello world!', version: 'v11' });
  });

  it('shows what another device wrote to the open entry, keeping the caret in place', async () => {
    vi.useFakeTimers();
    const be = backend(e1);
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor') as HTMLTextAreaElement;
    editor.focus();
    editor.setSelectionRange(2, 2); // "He|llo"

    be.state.stored = { ...e1, text: 'Oh, Hello', mood: 4, version: 'v9' };
    await emit('vault-changed', changedE1);
    await vi.advanceTimersByTimeAsync(50);

    expect(be.gets).toEqual(['e1']);
    expect(editor.value).toBe('Oh, Hello');
    expect(editor.selectionStart).toBe(6); // still "Oh, He|llo"
    expect(be.saves).toHaveLength(0);
    expect(screen.getByTestId('save-state').dataset.state).toBe('saved');

    // The next save is made on the version just taken in.
    await fireEvent.input(editor, { target: { value: 'Oh, Hello you' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves[0]).toMatchObject({ text: 'Oh, Hello you', version: 'v9', mood: 4 });
  });

  it('takes the news of its own save calmly: no second save, nothing replaced', async () => {
    vi.useFakeTimers();
    const be = backend(e1, async (r) => {
      await emit('vault-changed', changedE1);
      return { ...r, version: 'v8' };
    });
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor') as HTMLTextAreaElement;
    await fireEvent.input(editor, { target: { value: 'Hello world' } });
    await vi.advanceTimersByTimeAsync(700);
    await fireEvent.input(editor, { target: { value: 'Hello world, again' } });
    await vi.advanceTimersByTimeAsync(100);
    expect(be.saves).toHaveLength(1);
    expect(editor.value).toBe('Hello world, again');
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(2);
    expect(be.saves[1]).toMatchObject({ text: 'Hello world, again', version: 'v8' });
  });

  it('ignores changes to other entries', async () => {
    vi.useFakeTimers();
    const be = backend(e1);
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    await emit('vault-changed', { kinds: ['entry'], records: [{ kind: 'entry', id: 'e2' }] });
    await emit('vault-changed', ['entry']);
    await vi.advanceTimersByTimeAsync(50);
    expect(be.gets).toHaveLength(0);
  });

  it('with typing waiting to be saved, saves it at once on its version and shows the merged text', async () => {
    vi.useFakeTimers();
    const be = backend(e1, (r) => ({ ...r, text: 'Oh, Hello world', version: 'v10' }));
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor') as HTMLTextAreaElement;

    await fireEvent.input(editor, { target: { value: 'Hello world' } });
    await vi.advanceTimersByTimeAsync(100);
    be.state.stored = { ...e1, text: 'Oh, Hello', version: 'v9' };
    await emit('vault-changed', changedE1);
    await vi.advanceTimersByTimeAsync(50);

    // Well before the 600 ms of quiet: the save went out on the version it was typed on.
    expect(be.saves).toHaveLength(1);
    expect(be.saves[0]).toMatchObject({ text: 'Hello world', version: 'v7' });
    expect(editor.value).toBe('Oh, Hello world');
    expect(screen.getByTestId('save-state').dataset.state).toBe('saved');
    await vi.advanceTimersByTimeAsync(1000);
    expect(be.saves).toHaveLength(1);
  });

  it('carries typing done while a save was away over to the merged reply, and saves it', async () => {
    vi.useFakeTimers();
    let answer: (r: Rec) => void = () => {};
    const be = backend(e1, () => new Promise<Rec>((resolve) => (answer = resolve)));
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor') as HTMLTextAreaElement;

    await fireEvent.input(editor, { target: { value: 'Hello world' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(1);
    await fireEvent.input(editor, { target: { value: 'Hello world!' } });
    answer({ ...e1, text: 'Oh, Hello world', version: 'v8' });
    await vi.advanceTimersByTimeAsync(10);
    expect(editor.value).toBe('Oh, Hello world!');
    expect(screen.getByTestId('save-state').dataset.state).toBe('pending');

    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(2);
    expect(be.saves[1]).toMatchObject({ text: 'Oh, Hello world!', version: 'v8' });
    answer({ ...(be.saves[1] as Rec), version: 'v9' });
    await vi.advanceTimersByTimeAsync(10);
    expect(screen.getByTestId('save-state').dataset.state).toBe('saved');
  });

  it('when the vault does not know its version, carries the edit onto the entry as it is now', async () => {
    vi.useFakeTimers();
    const be = backend(e1, (r) => {
      if (r.version === 'v7') throw { code: 'unknown_version', message: 'that version is not in this vault' };
      return { ...r, version: 'v21' };
    });
    be.state.stored = { ...e1, text: 'Hello. Restored.', version: 'v20' };
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const editor = screen.getByTestId('entry-editor') as HTMLTextAreaElement;
    await fireEvent.input(editor, { target: { value: 'Well, Hello' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves.map((s) => s.version)).toEqual(['v7', 'v20']);
    expect(be.saves[1]).toMatchObject({ text: 'Well, Hello. Restored.' });
    expect(editor.value).toBe('Well, Hello. Restored.');
  });
});

describe("the journal editor's date", () => {
  it('saves a date changed by hand, like any other field', async () => {
    vi.useFakeTimers();
    const be = backend(e1);
    render(EntryEditor, { entry: e1, today: '2024-03-05' });
    const input = screen.getByTestId('entry-date') as HTMLInputElement;
    expect(input.value).toBe('2024-03-04');
    await fireEvent.input(input, { target: { value: '2024-02-29' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves).toHaveLength(1);
    expect(be.saves[0]).toMatchObject({ id: 'e1', date: '2024-02-29', text: 'Hello', version: 'v7' });
  });

  it('gives a new entry the current day, even when the day changed after it was opened', async () => {
    vi.useFakeTimers();
    const be = backend(e1, (r) => ({ ...r, id: 'e9', version: 'v1' }));
    const view = render(EntryEditor, { today: '2024-03-05' });
    await view.rerender({ today: '2024-03-06' });
    expect((screen.getByTestId('entry-date') as HTMLInputElement).value).toBe('2024-03-06');
    await fireEvent.input(screen.getByTestId('entry-editor'), { target: { value: 'Past midnight' } });
    await vi.advanceTimersByTimeAsync(700);
    expect(be.saves[0]).toMatchObject({ id: '', date: '2024-03-06' });
    expect(be.saves[0]).not.toHaveProperty('version');

    // Once saved, the entry keeps its day.
    await view.rerender({ today: '2024-03-07' });
    expect((screen.getByTestId('entry-date') as HTMLInputElement).value).toBe('2024-03-06');
  });
});
