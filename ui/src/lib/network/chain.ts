// Who introduced whom: the chain of people that led to an introduction.

import type { Contact, Intro } from '../types';

/**
 * The names from you to the person an introduction leads to, e.g.
 * ["Ann", "Bo at Acme"] or, when Ann was herself introduced by Cy, ["Cy", "Ann", "Bo at Acme"].
 */
export function introChain(intro: Intro, intros: readonly Intro[], contacts: readonly Contact[]): string[] {
  const name = (id: string) => contacts.find((c) => c.id === id)?.name ?? 'someone';
  const chain = [intro.to_name];
  let via = intro.via_contact_id;
  const seen = new Set<string>();
  while (via && !seen.has(via)) {
    seen.add(via);
    chain.unshift(name(via));
    const before = intros.find((i) => i.to_contact_id === via && i.status !== 'requested');
    via = before ? before.via_contact_id : '';
  }
  return chain;
}
