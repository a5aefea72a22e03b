import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from '../test/backend';
import HomeView from '../views/HomeView.svelte';
import { app, followClock } from './app.svelte';
import { formatDay, localDay, msToNextLocalDay } from './dates';

describe('today', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    stop = undefined;
  });

  it('is the local calendar day', () => {
    expect(localDay(new Date(2024, 2, 5, 0, 0, 1))).toBe('2024-03-05');
    expect(localDay(new Date(2024, 2, 5, 23, 59, 59))).toBe('2024-03-05');
    expect(msToNextLocalDay(new Date(2024, 2, 5, 23, 59, 0))).toBe(60_000);
  });

  it('turns over at local midnight', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2024, 2, 5, 23, 58, 0));
    stop = followClock();
    expect(app.today).toBe('2024-03-05');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(app.today).toBe('2024-03-05');
    await vi.advanceTimersByTimeAsync(61_000);
    expect(app.today).toBe('2024-03-06');
    // And again the night after, with no one touching anything.
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(app.today).toBe('2024-03-07');
  });

  it('is checked again when the app comes back to the foreground', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2024, 2, 5, 22, 0, 0));
    stop = followClock();
    expect(app.today).toBe('2024-03-05');

    // The machine slept through midnight: no timer ran, but coming back notices.
    vi.setSystemTime(new Date(2024, 2, 7, 8, 0, 0));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(app.today).toBe('2024-03-07');

    vi.setSystemTime(new Date(2024, 2, 8, 8, 0, 0));
    window.dispatchEvent(new Event('focus'));
    expect(app.today).toBe('2024-03-08');
  });

  it('moves the screens with it', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2024, 2, 5, 23, 59, 0));
    fakeBackend();
    stop = followClock();
    render(HomeView);
    const heading = await screen.findByRole('heading', { level: 1 });
    expect(heading.textContent).toContain(formatDay('2024-03-05'));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(heading.textContent).toContain(formatDay('2024-03-06'));
  });
});
