import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it } from 'vitest';
import { saveEdit } from './save';

describe('saving an edit', () => {
  const worry = { id: 'w1', date: '2024-03-04', text: 'Rent', resolved: false };

  it('sends the version it was loaded with', async () => {
    const saves: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'save_record') saves.push(args);
      return { ...worry, version: 'v2' };
    });
    expect(await saveEdit('worry', { ...worry, version: 'v1' })).toMatchObject({ version: 'v2' });
    expect(saves).toEqual([{ kind: 'worry', record: { ...worry, version: 'v1' } }]);
  });

  it('saves field by field when the vault does not know that version', async () => {
    const saves: Record<string, unknown>[] = [];
    mockIPC((_cmd, args) => {
      const record = (args as { record: Record<string, unknown> }).record;
      saves.push(record);
      if (record.version) throw { code: 'unknown_version', message: 'that version is not in this vault' };
      return { ...record, version: 'v9' };
    });
    await saveEdit('worry', { ...worry, text: 'Rent in April', version: 'v0' });
    expect(saves).toEqual([
      { ...worry, text: 'Rent in April', version: 'v0' },
      { ...worry, text: 'Rent in April' },
    ]);
  });

  it('passes any other refusal on', async () => {
    mockIPC(() => {
      throw { code: 'invalid', message: 'text: write the worry down in a few words' };
    });
    await expect(saveEdit('worry', { ...worry, version: 'v1' })).rejects.toMatchObject({ code: 'invalid' });
  });
});
