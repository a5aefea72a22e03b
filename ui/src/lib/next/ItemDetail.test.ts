import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../app.svelte';
import { fakeBackend, seed } from '../../test/backend';
import NextView from '../../views/NextView.svelte';

describe('a pipeline item', () => {
  beforeEach(() => {
    app.today = '2024-03-05';
  });

  it("shows the backend's message when closed without a reason", async () => {
    const be = fakeBackend();
    seed(be, 'item', [
      {
        id: 'p1',
        kind: 'job',
        title: 'Data engineer',
        org: 'Northwind',
        stage: 'interview',
        stage_changed_on: '2024-03-01',
        notes: '',
        premortem: '',
      },
    ]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-closed'));
    await fireEvent.click(await screen.findByTestId('close-confirm'));
    const msg = await screen.findByTestId('close-error');
    expect(msg.textContent).toContain('say why this closed');
    expect(be.records.get('item')?.get('p1')?.stage).toBe('interview');

    await fireEvent.input(screen.getByTestId('close-reason'), { target: { value: 'took another offer' } });
    await fireEvent.click(screen.getByTestId('close-confirm'));
    await screen.findByText(/took another offer/);
    expect(be.records.get('item')?.get('p1')).toMatchObject({
      stage: 'closed',
      closed_reason: 'took another offer',
      stage_changed_on: '2024-03-05',
    });
  });

  it('moves between stages with the move buttons', async () => {
    const be = fakeBackend();
    seed(be, 'item', [
      { id: 'p1', kind: 'job', title: 'Role', org: '', stage: 'saved', stage_changed_on: '2024-01-01', notes: '', premortem: '' },
    ]);
    render(NextView, { params: ['p1'] });
    await fireEvent.click(await screen.findByTestId('move-applied'));
    await screen.findByTestId('move-saved');
    expect(be.records.get('item')?.get('p1')).toMatchObject({ stage: 'applied', stage_changed_on: '2024-03-05' });
  });
});
