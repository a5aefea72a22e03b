import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, vi } from 'vitest';

afterEach(() => {
  // Unmount first, so screens stop listening while the mocked backend is still there.
  cleanup();
  clearMocks();
  vi.useRealTimers();
});
