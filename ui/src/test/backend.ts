// An in-memory stand-in for the Rust commands, for component tests only: enough of
// src-tauri/lib.rs's behaviour (ids, a few refusals, vault-changed events) to drive the
// screens through mockIPC. The verbs whose answer is a product rule (Home's summary, a
// move, a tick, follow-ups…) answer from fixtures a test sets (`be.fixtures`), never by
// re-coding the rule here: a verb that writes stores the record its fixture returns.

import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';

type Rec = Record<string, unknown> & { id: string };

export interface FakeBackend {
  records: Map<string, Map<string, Rec>>;
  /** The bytes of each attachment this device has, by attachment id. */
  files: Map<string, Uint8Array>;
  calls: { cmd: string; args: Record<string, unknown> }[];
  exists: boolean;
  /**
   * The shell's "locked" state: while true, every command but the lock screen's is
   * refused with `locked`, as src-tauri/lock.rs does. Whether a passcode is right is the
   * core's: tests answer `unlock`, `lock_set`… with fixtures.
   */
  locked: boolean;
  today: string;
  /** Replace a command's answer: return a value, or throw {code, message} to refuse. */
  override: Record<string, (args: Record<string, unknown>) => unknown>;
  /**
   * The core's answers, as a test states them: a value, or a function of the command's
   * arguments (throw {code, message} to refuse). A verb that writes stores the record
   * its fixture returns, as the vault would, and says so with `vault-changed`.
   */
  fixtures: Record<string, unknown>;
}

/** The commands the shell answers while locked (src-tauri/lock.rs `OPEN_WHILE_LOCKED`). */
const OPEN_WHILE_LOCKED = [
  'vault_status',
  'vault_updating',
  'first_screen_drawn',
  'lock_status',
  'app_locked',
  'unlock',
  'biometric_available',
  'unlock_biometric',
  'lock_reset',
  'lock_touch',
];

/** What a verb that writes stores: its command → the kind of record it returns. */
const WRITES: Record<string, string> = {
  move_item: 'item',
  add_item: 'item',
  move_intro: 'intro',
  add_intro: 'intro',
  tick_action: 'debrief',
  log_hours: 'timelog',
  add_event: 'event',
  set_profile: 'profile',
};

/** The record a create verb was handed, by the name of its argument. */
const CREATES: Record<string, string> = {
  add_item: 'item',
  add_intro: 'intro',
  log_hours: 'log',
  add_event: 'event',
  set_profile: 'profile',
};

/** An empty Home, as the core answers for a vault with nothing in it. */
export function emptyHome(today: string): Record<string, unknown> {
  const step = (status: string) => ({ done: false, status });
  return {
    today,
    today_entries: [],
    grief: { ends_on: null, days_left: null, over: false, worry_time: null, back_by: null, days_to_back_by: null },
    actions: [],
    more_actions: 0,
    steps: {
      debrief: { started: 0, completed: 0, ...step('Not started yet.') },
      reach_out: { people_reached: 0, announcement_written: false, ...step('Nobody reached yet.') },
      mojo: { hours_this_week: 0, target_this_week: 0, ...step('0 h logged this week.') },
      next_move: { open_items: 0, offers: 0, ...step('Nothing in your pipeline yet.') },
    },
    low_mood: { days: 0, show: false, wins: [] },
    anniversary_wins: [],
    on_this_day: [],
    worry: { now: false, starts_at: null, ends_at: null, minutes: 15 },
  };
}

/** A device's reminder settings before any are saved, as the core answers. */
export function defaultReminderSettings(): Record<string, unknown> {
  const kinds = ['worry_time', 'grief_window_end', 'contact_due', 'follow_up', 'lesson_action', 'debrief_block', 'check_in'];
  return {
    kinds: kinds.map((kind) => ({ kind, on: kind !== 'check_in' })),
    quiet_hours: null,
    check_in_time: '20:00',
  };
}

/** The answers of the read verbs until a test sets its own. */
function defaultFixtures(today: string): Record<string, unknown> {
  return {
    home_summary: emptyHome(today),
    next_actions: [],
    lock_status: { on: false, idle_minutes: 5, retry_after_s: 0 },
    // No fingerprint or face sensor unless a test gives one.
    biometric_available: false,
    follow_ups_due: [],
    lesson_actions: [],
    contact_schedule: [],
    due_contact_schedule: [],
    tie_cadences: [
      { tie: 'often', days: 14 },
      { tie: 'occasionally', days: 45 },
      { tie: 'rarely', days: 90 },
    ],
    worry_time: { now: false, starts_at: null, ends_at: null, minutes: 15 },
    moods_between: [],
    time_off_summary: { text: 'How I spent my time off\n', from: null, to: null },
    story_suggestions: [],
    intro_chains: [],
    grief_window: emptyHome(today).grief,
    project_weeks: [],
    // Every file fits unless a test says the core refuses it.
    attachment_fits: null,
    reminders: [],
    reminder_settings: defaultReminderSettings(),
    // The core keeps what it is handed (a test refuses with its own fixture).
    set_reminder_settings: (args: Record<string, unknown>) => args.settings,
    'plugin:notification|is_permission_granted': true,
    // The system's open dialog: the person cancels unless a test picks a path.
    'plugin:dialog|open': null,
  };
}

let counter = 0;

function refuse(code: string, message: string): never {
  throw { code, message };
}

export function fakeBackend(init: Partial<Pick<FakeBackend, 'exists' | 'today'>> = {}): FakeBackend {
  const be: FakeBackend = {
    records: new Map(),
    files: new Map(),
    calls: [],
    exists: init.exists ?? true,
    locked: false,
    today: init.today ?? '2024-03-05',
    override: {},
    fixtures: defaultFixtures(init.today ?? '2024-03-05'),
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

  /** A verb's answer from its fixture; a verb that writes stores what it answers. */
  const answer = (cmd: string, args: Record<string, unknown>): unknown => {
    const fixture = be.fixtures[cmd];
    let reply: unknown;
    if (typeof fixture === 'function') reply = (fixture as (a: Record<string, unknown>) => unknown)(args);
    else if (fixture !== undefined) reply = structuredClone(fixture);
    else if (CREATES[cmd]) reply = { ...(args[CREATES[cmd]] as Rec) };
    else refuse('internal', `the fake backend has no fixture for ${cmd}; set be.fixtures.${cmd}`);
    const kind = WRITES[cmd];
    if (!kind) return reply;
    const rec = reply as Rec;
    if (kind === 'profile') rec.id = 'profile';
    else if (!rec.id) rec.id = `id${++counter}`;
    rec.version = `v${++version}`;
    table(kind).set(rec.id, rec);
    changed([kind], [{ kind, id: rec.id }]);
    return rec;
  };

  mockIPC(
    async (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      be.calls.push({ cmd, args });
      if (be.locked && !OPEN_WHILE_LOCKED.includes(cmd)) refuse('locked', 'the app is locked; type your passcode to open it');
      if (cmd === 'app_locked') return be.locked;
      if (cmd === 'lock_touch') return null;
      if (cmd === 'lock_app') {
        be.locked = true;
        void emit('locked', null);
        return null;
      }
      if (cmd === 'unlock' || cmd === 'lock_reset') {
        const reply = answer(cmd, args);
        be.locked = false;
        return reply;
      }
      if (be.override[cmd]) return be.override[cmd](args);
      if (cmd in be.fixtures || cmd in WRITES) return answer(cmd, args);
      switch (cmd) {
        case 'vault_status':
          return {
            dir: '/home/me/.local/share/comeback',
            exists: be.exists,
            open: be.exists,
            today: be.today,
            version: '0.1.0',
            locked: be.exists && be.locked,
          };
        case 'vault_updating':
          return false;
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
        case 'attach': {
          // The window sends the bytes as the raw body and the rest in headers (see below).
          const { body, headers } = args as { body: Uint8Array; headers: Record<string, string> };
          const entry = decodeURIComponent(headers['entry-id'] ?? '');
          if (!table('entry').has(entry)) refuse('not_found', `no entry with id ${entry}`);
          const a: Rec = {
            id: `id${++counter}`,
            entry,
            date: table('entry').get(entry)?.date ?? be.today,
            name: decodeURIComponent(headers['file-name'] ?? ''),
            media_type: decodeURIComponent(headers['media-type'] ?? 'application/octet-stream'),
            size: body.length,
            sha256: '0'.repeat(64),
            added_ms: Date.now() + counter,
            present: true,
          };
          table('attachment').set(a.id, a);
          be.files.set(a.id, body);
          changed(['attachment'], [{ kind: 'attachment', id: a.id }]);
          const { present: _present, ...attachment } = a;
          return attachment;
        }
        case 'attachments_of':
          return [...table('attachment').values()]
            .filter((a) => a.entry === args.entryId)
            .map((a) => ({ present: true, ...a }));
        case 'attachment_bytes': {
          const bytes = be.files.get(args.id as string);
          if (!bytes) refuse('precondition', 'that file has not arrived on this device yet');
          return bytes.slice().buffer;
        }
        case 'detach':
          if (!table('attachment').delete(args.id as string)) refuse('not_found', `no attachment with id ${args.id}`);
          be.files.delete(args.id as string);
          changed(['attachment'], [{ kind: 'attachment', id: args.id as string }]);
          return null;
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
        case 'first_screen_drawn':
          return null;
        case 'doctor':
          return { healthy: true, documents: 1, records: 0, problems: [], damaged_chunks: [], set_aside: [], rebuilt: false };
        default:
          refuse('internal', `the fake backend has no ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
  // mockIPC hands a command its arguments only; a command whose body is raw bytes (a
  // file) gets them with the request's headers, as the Rust command reads them.
  const internals = (window as unknown as { __TAURI_INTERNALS__: { invoke: Invoke } }).__TAURI_INTERNALS__;
  const inner = internals.invoke;
  internals.invoke = (cmd, args, options) =>
    args instanceof Uint8Array || args instanceof ArrayBuffer
      ? inner(cmd, { body: new Uint8Array(args), headers: { ...(options?.headers as Record<string, string>) } }, options)
      : inner(cmd, args, options);
  return be;
}

type Invoke = (cmd: string, args: unknown, options?: { headers?: unknown }) => Promise<unknown>;

export function seed(be: FakeBackend, kind: string, records: Rec[]): void {
  let t = be.records.get(kind);
  if (!t) be.records.set(kind, (t = new Map()));
  for (const r of records) t.set(r.id, r);
}
