import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { beforeEach, describe, expect, it } from 'vitest';
import { seed } from '../../test/backend';
import NetworkView from '../../views/NetworkView.svelte';
import { app } from '../app.svelte';
import Intros from './Intros.svelte';
import { callsOf, networkBackend } from './testing';

const stored = {
  id: 'i1',
  via_contact_id: 'c1',
  to_name: 'Maria at Northwind',
  status: 'made' as const,
  requested_on: '2024-03-01',
  made_on: '2024-03-03',
  notes: '',
  version: 'v9',
};

const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });

describe('editing and deleting introductions on the Network screen', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it('asks for an introduction from the "Ask for an introduction" dialog', async () => {
    const be = networkBackend();
    render(NetworkView);
    expect(screen.queryByTestId('intro-form')).toBeNull();
    await fireEvent.click(screen.getByTestId('intro-add'));
    await screen.findByTestId('intro-dialog');
    await waitFor(() => expect(screen.getByTestId('intro-via').textContent).toContain('Sam Lee'));
    await fireEvent.change(screen.getByTestId('intro-via'), { target: { value: 'c1' } });
    await type('intro-to', 'Maria at Northwind');
    await fireEvent.click(screen.getByTestId('intro-save'));
    await waitFor(() => expect(screen.queryByTestId('intro-dialog')).toBeNull());
    expect(callsOf(be, 'add_intro')).toEqual([
      {
        intro: expect.objectContaining({
          via_contact_id: 'c1',
          to_name: 'Maria at Northwind',
          status: 'requested',
          requested_on: '2024-03-05',
        }),
      },
    ]);
    await waitFor(() => expect(screen.getByTestId('intro-list').textContent).toContain('Maria at Northwind'));
  });

  it('edits an introduction, prefilled, saved with the version it was loaded with; status and dates stay', async () => {
    const be = networkBackend();
    seed(be, 'intro', [{ ...stored }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('intro-edit'));
    await screen.findByTestId('intro-dialog');
    expect((screen.getByTestId('intro-to') as HTMLInputElement).value).toBe('Maria at Northwind');
    await type('intro-notes', 'She hires for the data team');
    await fireEvent.click(screen.getByTestId('intro-save'));
    await waitFor(() => expect(screen.queryByTestId('intro-dialog')).toBeNull());
    expect(callsOf(be, 'save_record')).toEqual([
      { kind: 'intro', record: { ...stored, notes: 'She hires for the data team' } },
    ]);
    await waitFor(() => expect(screen.getByTestId('intro-list').textContent).toContain('hires for the data team'));
  });

  it('cancelling an edit saves nothing', async () => {
    const be = networkBackend();
    seed(be, 'intro', [{ ...stored }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('intro-edit'));
    await type('intro-to', 'Somebody else');
    await fireEvent.click(screen.getByTestId('intro-cancel'));
    expect(screen.queryByTestId('intro-dialog')).toBeNull();
    expect(callsOf(be, 'save_record')).toHaveLength(0);
    expect(screen.getByTestId('intro-list').textContent).toContain('Maria at Northwind');
  });

  it('deletes an introduction only after asking', async () => {
    const be = networkBackend();
    seed(be, 'intro', [{ ...stored }]);
    render(NetworkView);
    await fireEvent.click(await screen.findByTestId('intro-delete'));
    await waitFor(() =>
      expect(document.body.textContent).toContain('The introduction to Maria at Northwind via Sam Lee will be removed'),
    );
    await fireEvent.click(screen.getByTestId('intro-delete-cancel'));
    expect(callsOf(be, 'delete_record')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('intro-delete'));
    await fireEvent.click(screen.getByTestId('intro-delete-confirm'));
    await waitFor(() => expect(callsOf(be, 'delete_record')).toEqual([{ kind: 'intro', id: 'i1' }]));
    await waitFor(() => expect(screen.queryByTestId('intro-list')).toBeNull());
  });
});

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
