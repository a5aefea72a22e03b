// Saving an edit made on a screen: on the version the record was loaded with, so a
// field another device changed meanwhile survives (the core merges the two).

import { saveRecord, toIpcError } from './ipc';
import type { Kind, RecordKinds, Versioned } from './types';

export async function saveEdit<K extends Kind>(
  kind: K,
  record: Versioned<RecordKinds[K]>,
): Promise<Versioned<RecordKinds[K]>> {
  try {
    return await saveRecord(kind, record);
  } catch (err) {
    if (toIpcError(err).code !== 'unknown_version' || !record.version) throw toIpcError(err);
    // The vault does not know that version (restored from an older backup, say): the
    // person's edit still counts, field by field.
    const { version: _unknown, ...plain } = record;
    return saveRecord(kind, plain as Versioned<RecordKinds[K]>);
  }
}
