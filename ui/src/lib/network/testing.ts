// Shared set-up for the Network screen's tests: a fake backend whose contact schedule is
// the core's answer stated as a fixture (every contact due, never reached), so a saved
// contact shows in the list once the screen reads it again.

import { fakeBackend, seed, type FakeBackend } from '../../test/backend';

export const sam = {
  id: 'c1',
  name: 'Sam Lee',
  how_known: 'old team',
  tie: 'rarely',
  last_contact: '2024-02-01',
  notes: '',
  version: 'v7',
};

export function networkBackend(): FakeBackend {
  const be = fakeBackend({ today: '2024-03-05' });
  be.fixtures.contact_schedule = () =>
    [...(be.records.get('contact')?.values() ?? [])].map((contact) => ({
      contact,
      next_on: null,
      cadence_days: 90,
      default_cadence: true,
      due: true,
    }));
  seed(be, 'contact', [{ ...sam }]);
  return be;
}

/** The arguments of each call of `cmd`, in order. */
export function callsOf(be: FakeBackend, cmd: string): Record<string, unknown>[] {
  return be.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}
