import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../types';
import { ago, syncLabel } from './sync';

const NOW = 1_700_000_000_000;

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    running: true,
    peers: 1,
    connected: [],
    active_at: null,
    synced_at: null,
    error: null,
    event: null,
    ...over,
  };
}

describe('sync words', () => {
  it('says how long ago', () => {
    expect(ago(NOW - 10_000, NOW)).toBe('just now');
    expect(ago(NOW - 120_000, NOW)).toBe('2 min ago');
    expect(ago(NOW - 3 * 3600_000, NOW)).toBe('3 h ago');
    expect(ago(NOW - 24 * 3600_000, NOW)).toBe('yesterday');
    expect(ago(NOW - 5 * 24 * 3600_000, NOW)).toBe('5 days ago');
  });

  it('labels the states', () => {
    expect(syncLabel(status({ peers: 0 }), NOW).text).toBe('This device only');
    expect(syncLabel(status({ running: false, error: 'port taken' }), NOW)).toMatchObject({
      text: 'Offline',
      detail: 'Sync could not start: port taken',
    });
    expect(syncLabel(status({ connected: ['x'], active_at: NOW - 500 }), NOW).text).toBe('Syncing…');
    // A large first sync shows how much has arrived.
    const progress = status({
      connected: ['x'],
      active_at: NOW - 100,
      event: { kind: 'progress', id: 'x', received: 3 * 1024 * 1024 + 200_000 },
    });
    expect(syncLabel(progress, NOW).text).toBe('Syncing… 3.2 MB');
    // Photos arriving say how many of them have come.
    const files = {
      kind: 'files' as const,
      id: 'x',
      received: 3,
      bytes: 6_000_000,
      left: 7,
      unavailable: 0,
      sent: 0,
      sent_bytes: 0,
      unsupported: false,
      pulled: false,
      done: false,
      error: null,
      wire_sent: 0,
      wire_received: 0,
      millis: 0,
    };
    expect(syncLabel(status({ connected: ['x'], active_at: NOW - 100, event: files }), NOW).text).toBe(
      'Receiving files… 3 of 10',
    );
    const over = status({ connected: ['x'], active_at: NOW - 100, event: { ...files, left: 0, done: true } });
    expect(syncLabel(over, NOW).text).toBe('Syncing…');
    expect(syncLabel(status({ connected: ['x'], active_at: NOW - 60_000 }), NOW).text).toBe('Synced');
    expect(syncLabel(status({ synced_at: NOW - 120_000 }), NOW).text).toBe('Synced 2 min ago');
    expect(syncLabel(status(), NOW).text).toBe('Offline');
    expect(syncLabel(null, NOW).text).toBe('Offline');
  });
});
