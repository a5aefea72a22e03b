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
    await waitFor(() => expect(screen.getByTestId('export-progress').textContent).toContain('Writing records'));
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

describe('importing', () => {
  const dayOne = {
    format: 'Day One export',
    added: 41,
    unchanged: 3,
    skipped: [
      { source: 'Journal.json entry 7', reason: 'it has no text and no photo' },
      { source: 'photos/ab12.heic', reason: 'the file is missing from the export' },
    ],
    attachments: 12,
  };

  it('imports the file the person chose and shows what the core did, the skipped ones with why', async () => {
    const be = fakeBackend();
    be.fixtures['plugin:dialog|open'] = '/home/me/Day One.zip';
    const run = deferred<unknown>();
    be.fixtures.import_path = () => run.promise;
    render(YourData);

    await fireEvent.click(screen.getByTestId('settings-import'));
    await waitFor(() => expect(calls(be, 'import_path')).toEqual([{ path: '/home/me/Day One.zip' }]));
    const asked = calls(be, 'plugin:dialog|open')[0] as { options: Record<string, unknown> };
    expect(asked.options).toMatchObject({ directory: false, multiple: false });

    await emit('import-progress', { step: 'attachments', done: 3, total: 12 });
    await waitFor(() =>
      expect(screen.getByTestId('import-progress').textContent).toContain('Copying photos and files'),
    );
    // An export's progress is not this import's.
    await emit('export-progress', { step: 'saving', done: 0, total: 1 });
    expect(screen.getByTestId('import-progress').textContent).toContain('Copying photos and files');
    expect(screen.queryByTestId('export-progress')).toBeNull();

    run.resolve(dayOne);
    const summary = await screen.findByTestId('import-summary');
    expect(summary.textContent).toContain(
      'Imported from a Day One export: 41 added, 3 already there, 2 skipped, 12 photos and files.',
    );
    const skipped = screen.getByTestId('import-skipped') as HTMLDetailsElement;
    expect(skipped.open).toBe(false);
    expect(skipped.textContent).toContain('Journal.json entry 7: it has no text and no photo');
    expect(skipped.textContent).toContain('photos/ab12.heic: the file is missing from the export');
    expect(screen.queryByTestId('import-progress')).toBeNull();
  });

  it('imports a folder, and shows no skipped list when nothing was skipped', async () => {
    const be = fakeBackend();
    be.fixtures['plugin:dialog|open'] = '/home/me/notes';
    be.fixtures.import_path = { format: 'folder of daily notes', added: 1, unchanged: 0, skipped: [], attachments: 0 };
    render(YourData);
    await fireEvent.click(screen.getByTestId('settings-import-folder'));
    const summary = await screen.findByTestId('import-summary');
    expect(summary.textContent).toContain('Imported from a folder of daily notes: 1 added, 0 already there, 0 skipped.');
    expect(screen.queryByTestId('import-skipped')).toBeNull();
    const asked = calls(be, 'plugin:dialog|open')[0] as { options: Record<string, unknown> };
    expect(asked.options).toMatchObject({ directory: true });
  });

  it("shows the core's refusal of something it cannot import", async () => {
    const be = fakeBackend();
    be.fixtures['plugin:dialog|open'] = '/home/me/holiday.mp4';
    const words =
      '/home/me/holiday.mp4: this is not something Comeback can import; it takes a Comeback export (a folder with comeback.json), a Day One export (its folder or .zip, with Journal.json), a jrnl JSON export (jrnl --export json), or a folder of daily notes named YYYY-MM-DD.md';
    be.fixtures.import_path = () => {
      throw { code: 'invalid', message: words };
    };
    render(YourData);
    await fireEvent.click(screen.getByTestId('settings-import'));
    await waitFor(() => expect(screen.getByTestId('import-error').textContent).toBe(words));
    expect(screen.queryByTestId('import-summary')).toBeNull();
    expect(screen.queryByTestId('export-error')).toBeNull();
  });
});
