import { fireEvent, render, screen } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import CrisisNote from './components/CrisisNote.svelte';
import { FILE_KINDS, openLink, saveText } from './files';

type Call = { cmd: string; args: Record<string, unknown> };

/** The shell as these tests need it: the save dialog answers `chosen`, every call is kept. */
function shell(chosen: string | null, answers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    if (cmd === 'plugin:dialog|save') return chosen;
    return answers[cmd]?.((args ?? {}) as Record<string, unknown>) ?? null;
  });
  return calls;
}

const named = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('saving a file where the person chooses', () => {
  it('asks the save dialog with the file name and type, then has the shell write the text there', async () => {
    const calls = shell('/home/me/Documents/launch.md');
    const saved = await saveText('launch.md', '# Launch', [FILE_KINDS.markdown]);
    expect(saved).toBe(true);
    const asked = named(calls, 'plugin:dialog|save')[0].args as { options: Record<string, unknown> };
    expect(asked.options).toMatchObject({
      defaultPath: 'launch.md',
      filters: [{ name: 'Markdown', extensions: ['md'] }],
    });
    expect(named(calls, 'save_text_file').map((c) => c.args)).toEqual([
      { path: '/home/me/Documents/launch.md', text: '# Launch' },
    ]);
  });

  it('writes nothing and says nothing when the person cancels the dialog', async () => {
    const calls = shell(null);
    const saved = await saveText('comeback-debrief.ics', 'BEGIN:VCALENDAR', [FILE_KINDS.calendar]);
    expect(saved).toBe(false);
    expect(named(calls, 'plugin:dialog|save')).toHaveLength(1);
    expect(named(calls, 'save_text_file')).toHaveLength(0);
    expect(named(calls, 'plugin:dialog|message')).toHaveLength(0);
  });

  it('shows the shell’s refusal in its own words when the file cannot be written', async () => {
    const refusal = 'The file was not saved: Comeback may not write in that folder. Choose another place.';
    const calls = shell('/read-only/summary.txt', {
      save_text_file: () => {
        throw { code: 'io', message: refusal };
      },
    });
    const saved = await saveText('time-off-summary.txt', 'text', [FILE_KINDS.text]);
    expect(saved).toBe(false);
    expect(named(calls, 'plugin:dialog|message').map((c) => c.args)).toEqual([
      expect.objectContaining({ message: refusal, title: 'The file was not saved', kind: 'warning' }),
    ]);
  });
});

describe('web links', () => {
  it('open in the system browser through the opener, not in the app’s window', async () => {
    const calls = shell(null);
    const opened = vi.spyOn(window, 'open').mockImplementation(() => null);
    await openLink('https://findahelpline.com');
    expect(named(calls, 'plugin:opener|open_url').map((c) => c.args)).toEqual([{ url: 'https://findahelpline.com' }]);
    expect(opened).not.toHaveBeenCalled();
  });

  it('open in a new tab when the page runs outside the app', async () => {
    const opened = vi.spyOn(window, 'open').mockImplementation(() => null);
    await openLink('https://findahelpline.com');
    expect(opened).toHaveBeenCalledWith('https://findahelpline.com', '_blank', 'noopener,noreferrer');
  });

  it('the crisis line’s link goes to the system browser when tapped', async () => {
    const calls = shell(null);
    vi.spyOn(window, 'open').mockImplementation(() => null);
    render(CrisisNote);
    const link = screen.getByTestId('crisis-link') as HTMLAnchorElement;
    expect(link.target).toBe('');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    await fireEvent(link, click);
    expect(click.defaultPrevented).toBe(true);
    await vi.waitFor(() =>
      expect(named(calls, 'plugin:opener|open_url').map((c) => c.args)).toEqual([{ url: 'https://findahelpline.com/' }]),
    );
  });
});
