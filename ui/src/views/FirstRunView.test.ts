import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { fakeBackend } from '../test/backend';
import FirstRunView from './FirstRunView.svelte';

describe('first run', () => {
  it('shows the recovery key once and needs "I have saved it" before Continue', async () => {
    const be = fakeBackend({ exists: false });
    const ondone = vi.fn();
    render(FirstRunView, { today: '2024-03-05', ondone });

    await fireEvent.click(screen.getByTestId('create-vault'));
    const key = await screen.findByTestId('recovery-key');
    expect(key.textContent).toBe('ABCD-EFGH-IJKL-MNOP');

    const cont = screen.getByTestId('recovery-continue') as HTMLButtonElement;
    expect(cont.disabled).toBe(true);
    await fireEvent.click(cont);
    expect(screen.queryByTestId('profile-save')).toBeNull();

    await fireEvent.click(screen.getByTestId('recovery-saved'));
    expect(cont.disabled).toBe(false);
    await fireEvent.click(cont);

    expect(screen.queryByTestId('recovery-key')).toBeNull();
    await fireEvent.change(screen.getByTestId('profile-setback'), { target: { value: 'business_folded' } });
    await fireEvent.click(screen.getByTestId('profile-save'));
    await waitFor(() => expect(ondone).toHaveBeenCalled());
    expect(be.records.get('profile')?.get('profile')).toMatchObject({
      id: 'profile',
      setback: 'business_folded',
      happened_on: '2024-03-05',
    });
  });
});
