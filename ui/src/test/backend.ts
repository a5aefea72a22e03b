// An in-memory stand-in for the Rust commands, for component tests only: enough of
// src-tauri/lib.rs's behaviour (ids, a few refusals, vault-changed events) to drive the
// screens through mockIPC.

import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';

type Rec = Record<string, unknown> & { id: string };

export interface FakeBackend {
  records: Map<string, Map<string, Rec>>;
  calls: { cmd: string; args: Record<string, unknown> }[];
  exists: boolean;
  today: string;
  /** Replace a command's answer: return a value, or throw {code, message} to refuse. */
  override: Record<string, (args: Record<string, unknown>) => unknown>;
}

let counter = 0;

function refuse(code: string, message: string): never {
  throw { code, message };
}

export function fakeBackend(init: Partial<Pick<FakeBackend, 'exists' | 'today'>> = {}): FakeBackend {
  const be: FakeBackend = {
    records: new Map(),
    calls: [],
    exists: init.exists ?? true,
    today: init.today ?? '2024-03-05',
    override: {},
  };
  const table = (kind: string) => {
    let t = be.records.get(kind);
    if (!t) be.records.set(kind, (t = new Map()));
    return t;
  };
  // Like the real backend: the kinds that changed and the records written or deleted.
  const changed = (kinds: string[], records: { kind: string; id: string }[] = []) => {
    void emit('vault-changed', { kinds, records });
  };
  // Every write makes a new version of the vault; each record returned carries the one
  // it was stored at. (No merging here: a save simply replaces the record.)
  let version = 0;

  mockIPC(
    async (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      be.calls.push({ cmd, args });
      if (be.override[cmd]) return be.override[cmd](args);
      switch (cmd) {
        case 'vault_status':
          return { dir: '/home/me/.local/share/comeback', exists: be.exists, open: be.exists, today: be.today };
        case 'create_vault':
          be.exists = true;
          return 'ABCD-EFGH-IJKL-MNOP';
        case 'recovery_key':
          return 'ABCD-EFGH-IJKL-MNOP';
        case 'list_records': {
          const all = [...table(args.kind as string).values()].reverse();
          const offset = (args.offset as number | null) ?? 0;
          return all.slice(offset, offset + (args.limit as number));
        }
        case 'get_record': {
          const r = table(args.kind as string).get(args.id as string);
          if (!r) refuse('not_found', `no ${args.kind} with id ${args.id}`);
          return r;
        }
        case 'save_record': {
          const kind = args.kind as string;
          const rec = { ...(args.record as Rec) };
          const isNew = !rec.id;
          if (kind === 'profile') rec.id = 'profile';
          else if (!rec.id) rec.id = `id${++counter}`;
          // Like the real backend, a new debrief gets its probing questions seeded.
          if (kind === 'debrief' && isNew && !((rec.questions as unknown[]) ?? []).length) {
            rec.questions = Array.from({ length: 7 }, (_, i) => ({
              id: `q${i + 1}`,
              question: `Probing question ${i + 1}?`,
              evidence: '',
            }));
          }
          if (kind === 'item' && rec.stage === 'closed' && !String(rec.closed_reason ?? '').trim()) {
            refuse(
              'invalid',
              "closed_reason: say why this closed (for example 'no reply' or 'took another offer') so the pipeline stays honest",
            );
          }
          if (kind === 'debrief' && rec.completed) {
            const ok = ((rec.lessons as { action: string; due?: string }[]) ?? []).some(
              (l) => l.action.trim() && l.due,
            );
            if (!ok) {
              refuse(
                'invalid',
                'completed: a debrief is finished once it has at least one lesson turned into an action with a due date; add one under Lessons',
              );
            }
          }
          if (kind === 'entry' && !rec.created_ms) rec.created_ms = Date.now();
          rec.version = `v${++version}`;
          table(kind).set(rec.id, rec);
          changed([kind], [{ kind, id: rec.id }]);
          return rec;
        }
        case 'delete_record':
          table(args.kind as string).delete(args.id as string);
          changed([args.kind as string], [{ kind: args.kind as string, id: args.id as string }]);
          return null;
        case 'search':
          return [];
        case 'on_this_day':
          return [];
        case 'due_contacts':
          return [...table('contact').values()].filter((c) => !c.last_contact);
        case 'log_outreach': {
          const o = { ...(args.outreach as Rec) };
          if (!o.id) o.id = `id${++counter}`;
          const c = table('contact').get(o.contact_id as string);
          if (!c) refuse('not_found', 'no contact with that id');
          table('outreach').set(o.id, o);
          c.last_contact = o.date;
          o.version = c.version = `v${++version}`;
          changed(['outreach', 'contact'], [
            { kind: 'outreach', id: o.id },
            { kind: 'contact', id: c.id },
          ]);
          return o;
        }
        case 'hours_per_week':
          return [];
        case 'debrief_markdown':
          return '# Debrief\n';
        case 'devices_list':
          return [
            { id: 'a'.repeat(64), name: 'Laptop', this_device: true, last_seen: null, revoked: false, trusted: true, added_at: 0 },
          ];
        case 'sync_status':
          return {
            running: true,
            peers: 0,
            connected: [],
            active_at: null,
            synced_at: null,
            error: null,
            event: null,
          };
        case 'sync_now':
          return [];
        case 'doctor':
          return { healthy: true, documents: 1, records: 0, problems: [], damaged_chunks: [], set_aside: [], rebuilt: false };
        default:
          refuse('internal', `the fake backend has no ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
  return be;
}

export function seed(be: FakeBackend, kind: string, records: Rec[]): void {
  let t = be.records.get(kind);
  if (!t) be.records.set(kind, (t = new Map()));
  for (const r of records) t.set(r.id, r);
}
