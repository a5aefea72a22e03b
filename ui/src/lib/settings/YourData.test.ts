import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import YourData from './YourData.svelte';

/** A command's answer the test gives when it chooses to (the work "runs" until then). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const calls = (be: ReturnType<typeof fakeBackend>, cmd: string) =>
  be.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

describe('exporting everything', () => {
  it('asks for a folder, shows how far the core has got, then what it wrote and where', async () => {
    const be = fakeBackend();
    be.fixtures['plugin:dialog|open'] = '/home/me/Comeback export';
    const run = deferred<unknown>();
    be.fixtures.export_vault = () => run.promise;
    render(YourData);

    await fireEvent.click(screen.getByTestId('settings-export'));
    await waitFor(() => expect(calls(be, 'export_vault')).toEqual([{ dir: '/home/me/Comeback export' }]));
    const asked = calls(be, 'plugin:dialog|open')[0] as { options: Record<string, unknown> };
    expect(asked.options).toMatchObject({ directory: true, multiple: false });

    await emit('export-progress', { step: 'records', done: 256, total: 1024 });
    await waitFor(() => expect(screen.getByTestId('export-progress').textContent).toContain('Exporting records'));
    const bar = screen.getByTestId('export-progress').querySelector('progress')!;
    expect([bar.value, bar.max]).toEqual([256, 1024]);
    expect((screen.getByTestId('settings-export') as HTMLButtonElement).disabled).toBe(true);

    run.resolve({ dir: '/home/me/Comeback export', records: 1024, entries: 730, attachments: 12, bytes: 48_200_000 });
    const summary = await screen.findByTestId('export-summary');
    expect(summary.textContent).toContain('Exported 1024 records (730 entries, 12 photos and files), 48.2 MB, to:');
    expect(summary.textContent).toContain('/home/me/Comeback export');
    expect(screen.queryByTestId('export-progress')).toBeNull();
    expect((screen.getByTestId('settings-export') as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows the core's refusal of a folder that is not empty, and no summary", async () => {
    const be = fakeBackend();
    be.fixtures['plugin:dialog|open'] = '/home/me/Documents';
    const words =
      '/home/me/Documents is not empty; choose an empty or new folder for the export (nothing was written)';
    be.fixtures.export_vault = () => {
      throw { code: 'refused', message: words };
    };
    render(YourData);
    await fireEvent.click(screen.getByTestId('settings-export'));
    await waitFor(() => expect(screen.getByTestId('export-error').textContent).toBe(words));
    expect(screen.queryByTestId('export-summary')).toBeNull();
  });

  it('does nothing when the person cancels the folder dialog', async () => {
    const be = fakeBackend();
    render(YourData);
    await fireEvent.click(screen.getByTestId('settings-export'));
    await waitFor(() => expect(calls(be, 'plugin:dialog|open')).toHaveLength(1));
    expect(calls(be, 'export_vault')).toHaveLength(0);
    expect(screen.queryByTestId('export-error')).toBeNull();
  });
});
