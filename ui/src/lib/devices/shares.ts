// The sentence the joining person reads before confirming: what leaves this device and
// to whom. The counts come from the core (`api::pairing_shares`); this only words them.

import type { JoinCheck } from '../types';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function sharesSentence(check: JoinCheck): string {
  const s = check.shares;
  const name = check.inviter_name || 'the other device';
  let text =
    `This device's journal (${count(s.entries, 'entry', 'entries')}, ` +
    `${count(s.other_records, 'other record', 'other records')}) will be shared with ${name}, ` +
    `and ${name}'s journal will come here.`;
  if (s.devices > 0) {
    text += ` The ${count(s.devices, 'other device', 'other devices')} this device syncs with will sync with ${name} too.`;
  }
  return text;
}
