import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import { hoursPerWeek, IpcError, saveRecord, toIpcError, vaultChange } from './ipc';

describe('ipc', () => {
  it('turns a rejected {code, message} into an IpcError', async () => {
    mockIPC(() => {
      throw { code: 'invalid', message: 'title: give it a title, like the role or the idea; add one' };
    });
    const err = await saveRecord('item', {
      kind: 'job',
      title: '',
      org: '',
      stage: 'saved',
      stage_changed_on: '2024-03-05',
      notes: '',
      premortem: '',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({
      code: 'invalid',
      message: 'title: give it a title, like the role or the idea; add one',
    });
  });

  it('wraps anything else as an internal IpcError', () => {
    expect(toIpcError('boom')).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toIpcError(new Error('bad'))).toMatchObject({ code: 'internal', message: 'bad' });
    expect(toIpcError(undefined).code).toBe('internal');
  });

  it('passes command arguments in camelCase', async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return [['2024-03-04', 3]];
    });
    expect(await hoursPerWeek('p1')).toEqual([['2024-03-04', 3]]);
    expect(seen).toEqual({ cmd: 'hours_per_week', args: { projectId: 'p1' } });
  });

  it('reads a vault-changed payload in the new shape and the old one', () => {
    expect(vaultChange({ kinds: ['entry'], records: [{ kind: 'entry', id: 'e1' }] })).toEqual({
      kinds: ['entry'],
      records: [{ kind: 'entry', id: 'e1' }],
    });
    expect(vaultChange(['entry', 'mood'])).toEqual({ kinds: ['entry', 'mood'], records: [] });
    // A record's kind counts as changed even when `kinds` leaves it out.
    expect(vaultChange({ kinds: [], records: [{ kind: 'item', id: 'p1' }, { id: 7 }] })).toEqual({
      kinds: ['item'],
      records: [{ kind: 'item', id: 'p1' }],
    });
    expect(vaultChange(null)).toEqual({ kinds: [], records: [] });
  });
});
