// The Journal is the screen opened most after Home. Its first page is asked for while
// nobody waits (after the first screen has drawn), so a tap on Journal draws the list at
// once instead of after a round trip to the core. A change to any entry throws the copy
// away (and a question already under way is not kept); the Journal asks again as it
// shows, so the copy is only ever the first frame.

import { listRecords, onVaultChanged } from '../ipc';

/** How many entries the Journal draws first: a tall screen's worth. */
export const JOURNAL_FIRST_PAGE = 15;

type Page = Awaited<ReturnType<typeof listRecords<'entry'>>>;

let held: { limit: number; page: Page } | null = null;
let generation = 0;
let stopListening: (() => void) | null = null;

/** Forgets the kept page, and any answer still on its way. */
function drop(): void {
  generation += 1;
  held = null;
}

/**
 * Asks for the newest `limit` entries and keeps them for the Journal's first frame,
 * unless a page that large is kept already (Home, which calls this each time it draws,
 * then asks nothing until an entry changes).
 */
export async function prefetchFirstPage(limit: number): Promise<void> {
  if (!stopListening) {
    stopListening = onVaultChanged((kinds) => {
      if (kinds.length === 0 || kinds.includes('entry')) drop();
    });
  }
  if (firstPage(limit)) return;
  const mine = ++generation;
  try {
    const page = await listRecords('entry', limit);
    if (mine === generation) held = { limit, page };
  } catch {
    // Nothing kept: the Journal asks as usual.
  }
}

/** The kept first page, if no entry changed since it was asked for. */
export function firstPage(limit: number): Page | null {
  return held && held.limit >= limit ? held.page.slice(0, limit) : null;
}

/** For tests: forgets the kept page and stops listening (each test has its own backend). */
export function forgetFirstPage(): void {
  drop();
  stopListening?.();
  stopListening = null;
}
