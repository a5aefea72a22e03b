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
    // The explanation says what its figures say: occasional contacts brought the most.
    expect(text).toContain('55.6% saw that contact occasionally, 27.8% rarely and 16.7% often');
    expect(text).toContain('Both occasional and rare contacts are weak ties');
    expect(text).not.toContain('people you rarely see come first');
    expect(text).toContain('never contacted');
  });
});
