// Words for sync times and states, kept apart from the components so they are easy to
// test: "Synced 2 min ago", "Syncing…", "Offline".

import type { SyncStatus } from '../types';

/** How long after a session starts or moves data the indicator says "Syncing…". */
export const BUSY_MS = 3000;

/** "just now", "2 min ago", "3 h ago", "5 days ago". */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

export type Tone = 'ok' | 'busy' | 'off' | 'alone';

export interface SyncLabel {
  text: string;
  tone: Tone;
  /** A longer explanation, for the tooltip and screen readers. */
  detail: string;
}

export function syncLabel(s: SyncStatus | null, now: number): SyncLabel {
  if (!s) return { text: 'Offline', tone: 'off', detail: 'Sync has not started yet.' };
  if (s.peers === 0) {
    return {
      text: 'This device only',
      tone: 'alone',
      detail: 'No other device is paired; add one on the Devices screen.',
    };
  }
  if (!s.running) {
    return {
      text: 'Offline',
      tone: 'off',
      detail: s.error ? `Sync could not start: ${s.error}` : 'Sync is not running.',
    };
  }
  const n = s.connected.length;
  if (n > 0 && s.active_at !== null && now - s.active_at < BUSY_MS) {
    // Photos coming from another device, one after the other: how many so far.
    if (s.event?.kind === 'files' && !s.event.done) {
      const asked = s.event.received + s.event.unavailable;
      return {
        text: `Receiving files… ${asked} of ${asked + s.event.left}`,
        tone: 'busy',
        detail: 'Bringing photos and files added on your other devices.',
      };
    }
    // A large first sync says how far it has got.
    const got = s.event?.kind === 'progress' ? s.event.received : 0;
    const text = got >= 1024 * 1024 ? `Syncing… ${(got / (1024 * 1024)).toFixed(1)} MB` : 'Syncing…';
    return { text, tone: 'busy', detail: 'Exchanging changes with your other devices.' };
  }
  if (n > 0) {
    return {
      text: 'Synced',
      tone: 'ok',
      detail: `Connected to ${n} other ${n === 1 ? 'device' : 'devices'}; changes go across within a second.`,
    };
  }
  if (s.synced_at !== null) {
    return {
      text: `Synced ${ago(s.synced_at, now)}`,
      tone: 'off',
      detail: 'None of your other devices is reachable right now; they catch up when they are.',
    };
  }
  return {
    text: 'Offline',
    tone: 'off',
    detail: s.error ?? 'None of your other devices is reachable right now.',
  };
}
