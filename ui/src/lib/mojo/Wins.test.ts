import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import Wins from './Wins.svelte';

describe("a form's date", () => {
  it('moves with today unless another day was picked', async () => {
    fakeBackend();
    const view = render(Wins, { wins: [], today: '2024-03-05' });
    const input = screen.getByTestId('win-date') as HTMLInputElement;
    expect(input.value).toBe('2024-03-05');
    await view.rerender({ today: '2024-03-06' });
    expect(input.value).toBe('2024-03-06');

    await fireEvent.input(input, { target: { value: '2024-02-14' } });
    await view.rerender({ today: '2024-03-07' });
    expect(input.value).toBe('2024-02-14');
  });
});
