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

describe('the Network screen', () => {
  it('puts the due list first, the lists before the grief-window settings, and no form open until asked', async () => {
    fakeBackend();
    render(NetworkView);
    await screen.findByTestId('grief-window');
    const order = ['due-list', 'contacts', 'outreach', 'intros', 'grief-window', 'worry-inbox', 'announcement'].map((id) =>
      screen.getByTestId(id),
    );
    for (let i = 1; i < order.length; i++) {
      expect(order[i - 1].compareDocumentPosition(order[i]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    for (const form of ['contact-form', 'outreach-form', 'intro-form']) expect(screen.queryByTestId(form)).toBeNull();
  });
});
