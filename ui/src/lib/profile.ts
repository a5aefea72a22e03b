// The single setback profile record ("profile"), which may not exist yet.

import { getRecord, saveRecord, IpcError } from './ipc';
import type { Profile } from './types';

export async function loadProfile(): Promise<Profile | null> {
  try {
    return await getRecord('profile', 'profile');
  } catch (e) {
    if (e instanceof IpcError && e.code === 'not_found') return null;
    throw e;
  }
}

/** Saves changes to the profile, starting from a blank one if there is none yet. */
export async function updateProfile(
  current: Profile | null,
  today: string,
  change: Partial<Profile>,
): Promise<Profile> {
  const base: Profile = current ?? {
    id: 'profile',
    setback: 'let_go',
    happened_on: today,
    what_happened: '',
    worry_minutes: 15,
    announcement: '',
  };
  return saveRecord('profile', { ...base, ...change, id: 'profile' });
}
