// What every screen may need to know about the vault: where it is, and what day it is
// (the journal's "today"). Today follows the local clock: it turns over at local
// midnight and is checked again whenever the app comes back to the foreground, since
// a timer does not run while the machine sleeps.

import { untrack } from 'svelte';
import type { VaultStatus } from './types';
import { localDay, msToNextLocalDay } from './dates';

export const app = $state<{ status: VaultStatus | null; today: string }>({
  status: null,
  today: localDay(),
});

export function setStatus(s: VaultStatus): void {
  app.status = s;
  // The backend's `today` is the day it was asked on; the local clock says the same
  // and keeps saying it after midnight, so it is the one screens follow.
  app.today = localDay();
}

/** Sets `app.today` to the local day if it has turned over. */
export function checkToday(): void {
  const day = localDay();
  if (app.today !== day) app.today = day;
}

/**
 * Keeps `app.today` on the local day while the app runs: a timer to the next local
 * midnight, and a check when the window is shown again or gets the focus. Returns a
 * function that stops it.
 */
export function followClock(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    // A little past midnight, so a timer that fires a hair early still sees the new day.
    timer = setTimeout(tick, msToNextLocalDay() + 50);
  };
  const tick = () => {
    checkToday();
    arm();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') tick();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('focus', tick);
  tick();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('focus', tick);
  };
}

/**
 * Keeps a form's date field on today as the day turns over, unless another day was
 * picked. Call while a component is being set up.
 */
export function followToday(today: () => string, get: () => string, set: (day: string) => void): void {
  let last = untrack(today);
  $effect(() => {
    const day = today();
    untrack(() => {
      if (get() === last) set(day);
      last = day;
    });
  });
}
