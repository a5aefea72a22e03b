import { fireEvent, render, screen } from '@testing-library/svelte';
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
      return null;
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
