// The single setback profile record ("profile"), which may not exist yet.

import { getRecord, IpcError, setProfile } from './ipc';
import type { Profile, Versioned } from './types';

export async function loadProfile(): Promise<Versioned<Profile> | null> {
  try {
    return await getRecord('profile', 'profile');
  } catch (e) {
    if (e instanceof IpcError && e.code === 'not_found') return null;
    throw e;
  }
}

/**
 * Saves changes to the profile, starting from a blank one if there is none yet. The save
 * is made on the version `current` was read at, so fields changed since stay.
 */
export async function updateProfile(
  current: Versioned<Profile> | null,
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
  const { version, ...fields } = { ...base, ...change, id: 'profile' } as Versioned<Profile>;
  return setProfile(fields, version);
}
