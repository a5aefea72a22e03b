// Getting text out of the app: a file saved where the person chooses (the system's save
// dialog asks, the shell writes it: phone webviews ignore `data:` downloads), the
// clipboard, web links opened in the system browser; and a file's size.

import { message, save, type DialogFilter } from '@tauri-apps/plugin-dialog';
import { openUrl, saveTextFile, toIpcError } from './ipc';

/** The kinds of file the app saves, for the save dialog's "type" list. */
export const FILE_KINDS = {
  text: { name: 'Text', extensions: ['txt'] },
  markdown: { name: 'Markdown', extensions: ['md'] },
  calendar: { name: 'Calendar event', extensions: ['ics'] },
} satisfies Record<string, DialogFilter>;

/**
 * Asks the person where to save `text` (the system's save dialog, starting with
 * `defaultName`), then has the shell write it there. Resolves to whether it was saved:
 * false when they cancel (nothing is written) or when it could not be written, which
 * the system's message box then says in plain words.
 */
export async function saveText(defaultName: string, text: string, filters: DialogFilter[] = []): Promise<boolean> {
  try {
    const path = await save({ title: 'Save a copy', defaultPath: defaultName, filters });
    if (!path) return false;
    await saveTextFile(path, text);
    return true;
  } catch (err) {
    await message(toIpcError(err).message, { title: 'The file was not saved', kind: 'warning' }).catch(() => {});
    return false;
  }
}

/** Whether the page runs inside the app (or a test's stand-in for it), not a plain browser. */
function inApp(): boolean {
  const internals = (window as { __TAURI_INTERNALS__?: { invoke?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

/** Opens a web link in the system browser (`openUrl`); outside the app, a new tab. */
export async function openLink(url: string): Promise<void> {
  if (!inApp()) {
    window.open(url, '_blank', 'noopener,noreferrer');
    return;
  }
  try {
    await openUrl(url);
  } catch {
    window.open(url, '_blank', 'noopener,noreferrer');
  }
}

/** A link's click, sent to the system browser instead of the app's own window. */
export function openInBrowser(event: MouseEvent): void {
  const link = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  void openLink(link.href);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A file's size as a person reads it: "340 kB", "2.4 MB" (decimal units, as the core's messages). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
