import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { setStatus } from '../lib/app.svelte';
import { vaultStatus } from '../lib/ipc';
import { fakeBackend } from '../test/backend';
import SettingsView from './SettingsView.svelte';

describe('the Settings screen', () => {
  it('shows the version of Comeback the core reports', async () => {
    const be = fakeBackend();
    be.override.vault_status = () => ({
      dir: '/home/me/.local/share/comeback',
      exists: true,
      open: true,
      today: '2024-03-05',
      version: '9.8.7',
    });
    setStatus(await vaultStatus());
    render(SettingsView);
    expect(screen.getByTestId('app-version').textContent).toBe('Comeback 9.8.7');
  });
});
