import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import SyncIndicator from './SyncIndicator.svelte';

describe('the sync indicator', () => {
  it('follows sync-status events', async () => {
    const be = fakeBackend();
    be.override.sync_status = () => ({
      running: true,
      peers: 1,
      connected: [],
      active_at: null,
      synced_at: Date.now() - 120_000,
      error: null,
      event: null,
    });
    render(SyncIndicator);
    const label = screen.getByTestId('sync-label');
    await waitFor(() => expect(label.textContent).toBe('Synced 2 min ago'));

    await emit('sync-status', {
      running: true,
      peers: 1,
      connected: ['b'.repeat(64)],
      active_at: Date.now(),
      synced_at: null,
      error: null,
      event: { kind: 'connected', id: 'b'.repeat(64) },
    });
    await waitFor(() => expect(label.textContent).toBe('Syncing…'));
    expect(screen.getByTestId('sync-indicator').getAttribute('href')).toContain('devices');
  });
});
