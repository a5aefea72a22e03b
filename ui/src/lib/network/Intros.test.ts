import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import Intros from './Intros.svelte';

describe('introductions', () => {
  it('saves each step on the version it was read at, and builds the next on the reply', async () => {
    const saves: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'save_record') {
        const { record } = args as { record: Record<string, unknown> };
        saves.push(record);
        return { ...record, version: `v${10 + saves.length}` };
      }
      return null;
    });
    const intro = {
      id: 'i1',
      via_contact_id: 'c1',
      to_name: 'Maria at Northwind',
      status: 'requested' as const,
      requested_on: '2024-03-01',
      notes: '',
      version: 'v2',
    };
    render(Intros, {
      intros: [intro],
      contacts: [{ id: 'c1', name: 'Sam Lee', how_known: '', tie: 'often', notes: '' }],
      today: '2024-03-05',
    });
    await fireEvent.click(screen.getByTestId('intro-advance'));
    await waitFor(() => expect(saves).toHaveLength(1));
    expect(saves[0]).toMatchObject({ id: 'i1', status: 'made', made_on: '2024-03-05', version: 'v2' });

    // The list has not been read again yet; the next step builds on what the save returned.
    await waitFor(() => expect(screen.getByTestId('intro-advance').textContent).toContain('met'));
    await fireEvent.click(screen.getByTestId('intro-advance'));
    await waitFor(() => expect(saves).toHaveLength(2));
    expect(saves[1]).toMatchObject({ status: 'met', met_on: '2024-03-05', version: 'v11' });
  });
});
