import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import Intros from './Intros.svelte';

describe('introductions', () => {
  it('moves each step with move_intro on the version it holds, and builds the next on the reply', async () => {
    const moves: Record<string, unknown>[] = [];
    // The core's replies, as fixtures: the dates are the core's to set.
    const replies = [
      { status: 'made', made_on: '2024-03-05', version: 'v11' },
      { status: 'met', made_on: '2024-03-05', met_on: '2024-03-05', version: 'v12' },
    ];
    const intro = {
      id: 'i1',
      via_contact_id: 'c1',
      to_name: 'Maria at Northwind',
      status: 'requested' as const,
      requested_on: '2024-03-01',
      notes: '',
      version: 'v2',
    };
    mockIPC((cmd, args) => {
      if (cmd === 'move_intro') {
        moves.push(args as Record<string, unknown>);
        return { ...intro, ...replies[moves.length - 1] };
      }
      return null;
    });
    render(Intros, {
      intros: [intro],
      chains: [{ intro_id: 'i1', names: ['Sam Lee', 'Maria at Northwind'] }],
      contacts: [{ id: 'c1', name: 'Sam Lee', how_known: '', tie: 'often', notes: '' }],
      today: '2024-03-05',
    });
    await fireEvent.click(screen.getByTestId('intro-advance'));
    await waitFor(() => expect(moves).toHaveLength(1));
    expect(moves[0]).toMatchObject({ id: 'i1', status: 'made', on: '2024-03-05', version: 'v2' });

    // The list has not been read again yet; the next step builds on what the move returned.
    await waitFor(() => expect(screen.getByTestId('intro-advance').textContent).toContain('met'));
    await fireEvent.click(screen.getByTestId('intro-advance'));
    await waitFor(() => expect(moves).toHaveLength(2));
    expect(moves[1]).toMatchObject({ id: 'i1', status: 'met', version: 'v11' });
  });

  it("shows each introduction's chain as the core gives it", () => {
    mockIPC(() => null);
    const intro = (id: string, via: string, to: string) => ({
      id,
      via_contact_id: via,
      to_name: to,
      status: 'requested' as const,
      requested_on: '2024-03-01',
      notes: '',
      version: 'v1',
    });
    render(Intros, {
      intros: [intro('i1', 'ann', 'Bo at Acme'), intro('i2', 'cy', 'Di')],
      // The core's intro_chains: Ann was introduced by Cy.
      chains: [
        { intro_id: 'i1', names: ['Cy', 'Ann', 'Bo at Acme'] },
        { intro_id: 'i2', names: ['Cy', 'Di'] },
      ],
      contacts: [],
      today: '2024-03-05',
    });
    const chains = screen
      .getAllByLabelText('Introduction chain')
      .map((p) => [...p.querySelectorAll('span:not([aria-hidden])')].map((s) => s.textContent));
    expect(chains).toEqual([
      ['You', 'Cy', 'Ann', 'Bo at Acme'],
      ['You', 'Cy', 'Di'],
    ]);
  });
});
