import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../test/backend';
import NetworkView from '../../views/NetworkView.svelte';
import type { GriefWindow as GriefWindowT } from '../types';
import GriefWindow from './GriefWindow.svelte';

// ts-rs types an i64 as bigint, but it arrives as a JSON number, as here.
const window = (daysLeft: number, over = false): GriefWindowT => ({
  ends_on: '2024-03-08',
  days_left: daysLeft as unknown as bigint,
  over,
  worry_time: null,
  back_by: null,
  days_to_back_by: null,
});

describe('the grief window card', () => {
  it("shows the core's count of the days left, not one of its own", () => {
    fakeBackend();
    // The core says 3 even though the dates would say otherwise: the card only shows.
    render(GriefWindow, { profile: null, grief: window(3), today: '2024-03-01' });
    expect(screen.getByTestId('grief-status').textContent).toContain('3 days left');
  });

  it('says the window is over when the core says so', () => {
    fakeBackend();
    render(GriefWindow, { profile: null, grief: window(-1, true), today: '2024-03-09' });
    expect(screen.getByTestId('grief-status').textContent).toContain('Your grief window ended');
  });

  it('asks grief_window for today on the Network screen', async () => {
    const be = fakeBackend({ today: '2024-03-05' });
    be.fixtures.grief_window = window(3);
    be.override.get_record = () => {
      throw { code: 'not_found', message: 'no profile' };
    };
    render(NetworkView);
    await waitFor(() => expect(screen.getByTestId('grief-status').textContent).toContain('3 days left'));
    expect(be.calls.find((c) => c.cmd === 'grief_window')?.args).toMatchObject({ today: expect.any(String) });
  });
});
