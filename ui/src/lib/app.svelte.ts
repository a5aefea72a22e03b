// What every screen may need to know about the vault: where it is and what day the
// backend thinks it is (the journal's "today").

import type { VaultStatus } from './types';
import { toIso } from './dates';

export const app = $state<{ status: VaultStatus | null; today: string }>({
  status: null,
  today: toIso(new Date(Date.now() - new Date().getTimezoneOffset() * 60_000)),
});

export function setStatus(s: VaultStatus): void {
  app.status = s;
  if (s.today) app.today = s.today;
}
