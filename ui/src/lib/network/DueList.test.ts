import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import NetworkView from '../../views/NetworkView.svelte';
import { fakeBackend } from '../../test/backend';

describe('the due list', () => {
  it('shows the contacts due_contacts returns, in its order, with the Granovetter figures', async () => {
    const be = fakeBackend();
    be.override.due_contacts = () => [
      { id: 'c2', name: 'Priya Singh', how_known: 'old team', tie: 'rarely', notes: '' },
      { id: 'c1', name: 'Sam Lee', how_known: '', tie: 'often', last_contact: '2024-01-02', notes: '' },
    ];
    render(NetworkView);
    const list = await screen.findByTestId('due-list');
    const items = await within(list).findAllByTestId('due-contact');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('Priya Singh'),
      expect.stringContaining('Sam Lee'),
    ]);
    const text = (list.textContent ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('16.7% saw that contact often, 55.6% occasionally and 27.8% rarely');
    expect(text).toContain('never contacted');
  });
});
