// The one file that talks to the Rust backend (src-tauri/lib.rs), and to the system's
// file dialog through Tauri's dialog plugin. Components call these typed wrappers, never
// `invoke` or `listen` directly. Every failure arrives as an `IpcError` with a stable
// `code` to branch on and a `message` to show.

import { invoke, type InvokeArgs, type InvokeOptions } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, type OpenDialogOptions } from '@tauri-apps/plugin-dialog';
import type {
  Attachment,
  AttachmentInfo,
  Contact,
  ContactSchedule,
  DailyMood,
  Debrief,
  DeviceInfo,
  ErrorCode,
  Event,
  FollowUp,
  GriefWindow,
  HomeAction,
  HomeSummary,
  Intro,
  IntroChain,
  IntroStatus,
  LessonAction,
  PipelineItem,
  Profile,
  ProjectWeek,
  Stage,
  StorySuggestion,
  TieCadence,
  TimeLog,
  TimeOffSummary,
  WorryTime,
  Draft,
  DoctorReport,
  EntryLine,
  ExportSummary,
  ImportSummary,
  Progress,
  IsoDate,
  Kind,
  LockStatus,
  Outreach,
  RecordKinds,
  Invite,
  JoinCheck,
  PairRequest,
  PeerReport,
  RecordRef,
  Reminder,
  ReminderKind,
  ReminderSettings,
  SearchHit,
  SyncStatus,
  VaultChange,
  VaultStatus,
  Versioned,
} from './types';

export class IpcError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
  }
}

/** Turns whatever a command rejected with into an `IpcError`. */
export function toIpcError(err: unknown): IpcError {
  if (err instanceof IpcError) return err;
  if (err && typeof err === 'object') {
    const o = err as { code?: unknown; message?: unknown };
    if (typeof o.code === 'string' && typeof o.message === 'string') {
      return new IpcError(o.code as ErrorCode, o.message);
    }
    if (typeof o.message === 'string') return new IpcError('internal', o.message);
  }
  if (typeof err === 'string') return new IpcError('internal', err);
  return new IpcError('internal', 'something went wrong talking to the app; try again');
}

async function call<T>(cmd: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(cmd, args, options);
  } catch (err) {
    throw toIpcError(err);
  }
}

export function vaultStatus(): Promise<VaultStatus> {
  return call('vault_status');
}

/** Whether the journal is being brought up to date as it opens (answers at once). */
export function vaultUpdating(): Promise<boolean> {
  return call('vault_updating');
}

let drawnTold = false;

/**
 * Tells the backend that the first screen has drawn with its data, once: only then does
 * it warm documents and start the network, so neither slows the first screen down.
 */
export function firstScreenDrawn(): void {
  if (drawnTold) return;
  drawnTold = true;
  call<void>('first_screen_drawn').catch(() => {});
}

/** Creates the vault; resolves to the recovery key, which is shown once. */
export function createVault(): Promise<string> {
  return call('create_vault');
}

/** The recovery key; with the app lock on, only given the passcode again. */
export function recoveryKey(passcode?: string): Promise<string> {
  return call('recovery_key', passcode === undefined ? {} : { passcode });
}

// ----- the app lock: the shell holds "locked" and refuses journal commands meanwhile -----

export function lockStatus(): Promise<LockStatus> {
  return call('lock_status');
}

/** Whether the app is locked now. */
export function appLocked(): Promise<boolean> {
  return call('app_locked');
}

export function unlock(passcode: string): Promise<void> {
  return call('unlock', { passcode });
}

/** Whether this device can unlock with a fingerprint or face (phones, macOS). */
export function biometricAvailable(): Promise<boolean> {
  return call('biometric_available');
}

/** Asks the OS for the owner's fingerprint or face; refused `wrong_passcode` if not. */
export function unlockBiometric(): Promise<void> {
  return call('unlock_biometric');
}

/** A forgotten passcode: the vault's recovery key turns the lock off. */
export function lockReset(recoveryKey: string): Promise<LockStatus> {
  return call('lock_reset', { recoveryKey });
}

export function lockSet(passcode: string): Promise<LockStatus> {
  return call('lock_set', { passcode });
}

export function lockOff(passcode: string): Promise<LockStatus> {
  return call('lock_off', { passcode });
}

export function setLockIdle(minutes: number): Promise<LockStatus> {
  return call('set_lock_idle', { minutes });
}

/** Locks now (when a lock is set); the shell answers with `locked`. */
export function lockApp(): Promise<void> {
  return call('lock_app');
}

let lastTouch = 0;

/** Tells the shell someone is using the window: at most every 15 seconds. */
export function lockTouch(): void {
  const now = Date.now();
  if (now - lastTouch < 15_000) return;
  lastTouch = now;
  call<void>('lock_touch').catch(() => {});
}

/** Calls `cb` when the shell locks the app (idle, away, or "Lock now"). */
export function onLocked(cb: () => void): () => void {
  return subscribe<unknown>('locked', () => cb());
}

/** Records of `kind`, newest first. */
export function listRecords<K extends Kind>(
  kind: K,
  limit: number,
  offset?: number,
): Promise<Versioned<RecordKinds[K]>[]> {
  return call('list_records', { kind, limit, offset: offset ?? null });
}

export function getRecord<K extends Kind>(kind: K, id: string): Promise<Versioned<RecordKinds[K]>> {
  return call('get_record', { kind, id });
}

/**
 * Creates (no id, or id "") or replaces a record; resolves to the record as stored, with
 * its new `version`. With a `version` the edit is merged with whatever changed since that
 * version (refused with code `unknown_version` if the vault does not know it); without
 * one each field is simply overwritten.
 */
export function saveRecord<K extends Kind>(
  kind: K,
  record: Versioned<Draft<RecordKinds[K]>> | Versioned<RecordKinds[K]>,
): Promise<Versioned<RecordKinds[K]>> {
  return call('save_record', { kind, record });
}

export function deleteRecord(kind: Kind, id: string): Promise<void> {
  return call('delete_record', { kind, id });
}

export function search(query: string, limit: number): Promise<SearchHit[]> {
  return call('search', { query, limit });
}

/** Entries written on today's month and day in earlier years. */
export function onThisDay(today: IsoDate): Promise<EntryLine[]> {
  return call('on_this_day', { today });
}

/** Contacts due a message, weak ties first. */
export function dueContacts(): Promise<Versioned<Contact>[]> {
  return call('due_contacts');
}

/** Logs a message and marks the contact as reached that day (one action). */
export function logOutreach(
  outreach: Pick<Outreach, 'contact_id' | 'date'> & Partial<Outreach>,
): Promise<Outreach> {
  return call('log_outreach', {
    outreach: { id: '', message: '', reply: '', lead: '', ...outreach },
  });
}

/** Hours logged per week (keyed by the week's Monday), oldest first. */
export function hoursPerWeek(projectId: string): Promise<[IsoDate, number][]> {
  return call('hours_per_week', { projectId });
}

export function debriefMarkdown(id: string): Promise<string> {
  return call('debrief_markdown', { id });
}

export function doctor(): Promise<DoctorReport> {
  return call('doctor');
}

/** Rebuilds what the screens show from the documents, then checks again. */
export function rebuildScreens(): Promise<DoctorReport> {
  return call('rebuild_screens');
}

/** Deletes the records the doctor set aside (they break the rules), on every device. */
export function dropSetAside(): Promise<DoctorReport> {
  return call('drop_set_aside');
}

// ----- the verbs: one person's action each, every rule in the core -----
// Each wrapper calls the command named as the `comeback_core::api` function it runs.
// Verbs that write resolve to the record as stored, with its new `version`: adopt it.

/** Everything Home shows for `today`, in one answer. */
export function homeSummary(today: IsoDate): Promise<HomeSummary> {
  return call('home_summary', { today });
}

/** Every open next action, where Home's summary holds the first few. */
export function nextActions(today: IsoDate): Promise<HomeAction[]> {
  return call('next_actions', { today });
}

/** Saves the profile; with the `version` it was read at, merged with changes since. */
export function setProfile(profile: Profile, version?: string): Promise<Versioned<Profile>> {
  return call('set_profile', { profile, version: version ?? null });
}

/** The open actions debrief lessons turned into, soonest first. */
export function lessonActions(today: IsoDate): Promise<LessonAction[]> {
  return call('lesson_actions', { today });
}

/** Ticks a lesson's action done (or, with `done` false, open again). */
export function tickAction(
  debriefId: string,
  lessonId: string,
  done: boolean,
  on: IsoDate,
  version?: string,
): Promise<Versioned<Debrief>> {
  return call('tick_action', { debriefId, lessonId, done, on, version: version ?? null });
}

/** Every contact with the day a message is next due and the cadence used. */
export function contactSchedule(today: IsoDate): Promise<ContactSchedule[]> {
  return call('contact_schedule', { today });
}

/** The contacts due a message by `today`, weak ties first. */
export function dueContactSchedule(today: IsoDate): Promise<ContactSchedule[]> {
  return call('due_contact_schedule', { today });
}

/** Each tie's default keep-in-touch cadence. */
export function tieCadences(): Promise<TieCadence[]> {
  return call('tie_cadences');
}

/** Asks a contact for an introduction (the contact must exist). */
export function addIntro(intro: Intro): Promise<Versioned<Intro>> {
  return call('add_intro', { intro });
}

/** Moves an introduction to `status` on `on` (the core sets and clears its dates). */
export function moveIntro(id: string, status: IntroStatus, on: IsoDate, version?: string): Promise<Versioned<Intro>> {
  return call('move_intro', { id, status, on, version: version ?? null });
}

/** Who introduced whom: the chain of names of every introduction. */
export function introChains(): Promise<IntroChain[]> {
  return call('intro_chains');
}

/** The grief window on `today`: its end, the days left, whether it is over. */
export function griefWindow(today: IsoDate): Promise<GriefWindow> {
  return call('grief_window', { today });
}

// ----- reminders -----

/** The reminders that fire from `from` to `to` (ISO moments), in this device's time zone. */
export function reminders(from: Date, to: Date): Promise<Reminder[]> {
  return call('reminders', { from: from.toISOString(), to: to.toISOString() });
}

/** This device's reminder settings. */
export function reminderSettings(): Promise<ReminderSettings> {
  return call('reminder_settings');
}

/** Saves this device's reminder settings; resolves to them as the core kept them. */
export function setReminderSettings(settings: ReminderSettings): Promise<ReminderSettings> {
  return call('set_reminder_settings', { settings });
}

/**
 * Whether the system lets Comeback show notifications (phones ask the person once;
 * desktops allow it). `true` when it cannot tell: the scheduler tries anyway.
 */
export async function notificationsAllowed(): Promise<boolean> {
  try {
    // The notification plugin's own command (its npm wrapper is not used: the bundler
    // refuses an npm package on another minor release than the crate, and the newest
    // npm release, 2.5, lags the crate the shell needs, 2.8).
    return (await invoke<boolean | null>('plugin:notification|is_permission_granted')) ?? false;
  } catch {
    return true;
  }
}

/** Asks the system to let Comeback show notifications; resolves to whether it may. */
export async function allowNotifications(): Promise<boolean> {
  try {
    return (await invoke<string>('plugin:notification|request_permission')) === 'granted';
  } catch {
    return false;
  }
}

/** What a tapped reminder opens: its kind and, when it names one, the record. */
export interface OpenReminder {
  kind: ReminderKind;
  record: RecordRef | null;
}

/** Calls `cb` when a reminder's notification is tapped. Returns a function that stops listening. */
export function onOpenReminder(cb: (open: OpenReminder) => void): () => void {
  return subscribe<OpenReminder>('open-reminder', cb);
}

/** Whether it is worry time now, and today's window. */
export function worryTime(): Promise<WorryTime> {
  return call('worry_time');
}

/** Every project's hours this week (Monday to `today`) and its weekly target. */
export function projectWeeks(today: IsoDate): Promise<ProjectWeek[]> {
  return call('project_weeks', { today });
}

/** Logs hours on a project (which must exist). */
export function logHours(log: TimeLog): Promise<Versioned<TimeLog>> {
  return call('log_hours', { log });
}

/** Records an event (every contact it names must exist). */
export function addEvent(event: Event): Promise<Versioned<Event>> {
  return call('add_event', { event });
}

/** The average mood of each day from `from` to `to`, oldest first. */
export function moodsBetween(from: IsoDate, to: IsoDate): Promise<DailyMood[]> {
  return call('moods_between', { from, to });
}

/** The time-off summary, ready to copy; `since` is the first day it names. */
export function timeOffSummary(since?: IsoDate): Promise<TimeOffSummary> {
  return call('time_off_summary', { since: since ?? null });
}

/** Adds a pipeline item (its stage date is today unless given). */
export function addItem(item: PipelineItem): Promise<Versioned<PipelineItem>> {
  return call('add_item', { item });
}

/** Moves an item to `stage` (closing needs a reason; the core dates the move). */
export function moveItem(
  id: string,
  stage: Stage,
  closedReason?: string,
  version?: string,
): Promise<Versioned<PipelineItem>> {
  return call('move_item', { id, stage, closedReason: closedReason ?? null, version: version ?? null });
}

/** The open items that ask for a follow-up on `today`, with why. */
export function followUpsDue(today: IsoDate): Promise<FollowUp[]> {
  return call('follow_ups_due', { today });
}

/** Story drafts suggested from debrief lessons and wins. */
export function storySuggestions(): Promise<StorySuggestion[]> {
  return call('story_suggestions');
}

// ----- photos and files on entries -----

/**
 * Whether a file of `size` bytes may go on an entry: refused (with the core's words) when
 * it may not. Asked before a file is read, so a film is never loaded only to be refused.
 */
export function attachmentFits(name: string, size: number): Promise<void> {
  return call('attachment_fits', { name, size });
}

/**
 * Adds a file to an entry. Its bytes go as the request's raw body (a Uint8Array is not
 * turned into JSON); the entry, the name and the type go in headers, percent-encoded
 * since a header carries ASCII only.
 */
export async function attach(entryId: string, file: File): Promise<Attachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const headers: Record<string, string> = {
    'entry-id': encodeURIComponent(entryId),
    'file-name': encodeURIComponent(file.name),
  };
  if (file.type) headers['media-type'] = encodeURIComponent(file.type);
  return call('attach', bytes, { headers });
}

/** An entry's files, oldest first; `present` is false while the bytes are on their way. */
export function attachmentsOf(entryId: string): Promise<AttachmentInfo[]> {
  return call('attachments_of', { entryId });
}

/** A file's bytes (sent raw, not as JSON). */
export function attachmentBytes(id: string): Promise<ArrayBuffer> {
  return call('attachment_bytes', { id });
}

/** Removes a file from its entry. */
export function detach(id: string): Promise<void> {
  return call('detach', { id });
}

// ----- taking everything out, bringing journals in -----

/**
 * Asks the person for a folder with the system's dialog; null when they cancel. (The
 * dialog plugin's `open`, the only one the window is granted.)
 */
export function chooseFolder(title: string): Promise<string | null> {
  return choose({ directory: true, multiple: false, title });
}

/** Writes `text` to `path` (a place the save dialog gave), whole or not at all. */
export function saveTextFile(path: string, text: string): Promise<void> {
  return call('save_text_file', { path, text });
}

/** Opens a web link in the system browser (the opener plugin, called directly: its npm
 * wrapper's version does not match the plugin's). */
export function openUrl(url: string): Promise<void> {
  return call('plugin:opener|open_url', { url });
}

/** Asks the person for one file with the system's dialog; null when they cancel. */
export function chooseFile(title: string): Promise<string | null> {
  return choose({ directory: false, multiple: false, title });
}

async function choose(options: OpenDialogOptions & { multiple: false }): Promise<string | null> {
  try {
    return await open(options);
  } catch (err) {
    throw toIpcError(err);
  }
}

/**
 * Writes everything into `dir`, a new or empty folder (the core refuses any other);
 * `export-progress` events say how far it has got (see `onExportProgress`).
 */
export function exportVault(dir: string): Promise<ExportSummary> {
  return call('export_vault', { dir });
}

/** Calls `cb` with each step of a running export. Returns a function that stops listening. */
export function onExportProgress(cb: (progress: Progress) => void): () => void {
  return subscribe<Progress>('export-progress', cb);
}

/**
 * Brings in what `path` is: a Comeback export (its folder or comeback.json), a Day One
 * export (.zip or folder), a jrnl .json export or a folder of notes; all or nothing.
 * `import-progress` events say how far it has got (see `onImportProgress`).
 */
export function importPath(path: string): Promise<ImportSummary> {
  return call('import_path', { path });
}

/** Calls `cb` with each step of a running import. Returns a function that stops listening. */
export function onImportProgress(cb: (progress: Progress) => void): () => void {
  return subscribe<Progress>('import-progress', cb);
}

// ----- devices: pairing and sync -----

/** Every device of the vault, this one marked, removed ones included. */
export function devicesList(): Promise<DeviceInfo[]> {
  return call('devices_list');
}

/**
 * Makes a one-time pairing ticket (text and QR code). A device that uses it arrives as
 * a `pair-request` event (see `onPairRequest`); answer it with `devicesAnswer`.
 */
export function devicesInvite(): Promise<Invite> {
  return call('devices_invite');
}

/** Says yes (resolves to the first sync's report) or no (null) to the waiting device. */
export function devicesAnswer(accept: boolean): Promise<PeerReport | null> {
  return call('devices_answer', { accept });
}

/**
 * Pairs with the device showing `ticket`. The check code and what joining shares arrive
 * as `pair-code` (see `onPairCode`); nothing is shared until `devicesJoinAnswer(true)`.
 */
export function devicesJoin(ticket: string): Promise<PeerReport> {
  return call('devices_join', { ticket });
}

/** Answers the join's question: yes shares and pairs, no ends the join (nothing shared). */
export function devicesJoinAnswer(accept: boolean): Promise<void> {
  return call('devices_join_answer', { accept });
}

/** Removes a device for good. */
export function devicesRevoke(id: string): Promise<void> {
  return call('devices_revoke', { id });
}

/** Reaches every other device now; one report each. */
export function syncNow(): Promise<PeerReport[]> {
  return call('sync_now');
}

export function syncStatus(): Promise<SyncStatus> {
  return call('sync_status');
}

/** Calls `cb` with every new sync snapshot. Returns a function that stops listening. */
export function onSyncStatus(cb: (status: SyncStatus) => void): () => void {
  return subscribe<SyncStatus>('sync-status', cb);
}

/** Calls `cb` when a device holding our ticket asks to pair. */
export function onPairRequest(cb: (request: PairRequest) => void): () => void {
  return subscribe<PairRequest>('pair-request', cb);
}

/** Calls `cb` with the check code and what joining shares, as soon as they are known. */
export function onPairCode(cb: (check: JoinCheck) => void): () => void {
  return subscribe<JoinCheck>('pair-code', cb);
}

/**
 * Calls `cb` whenever the vault changes (on this device or by sync) with the kinds that
 * changed and the records written or deleted (`records` is empty when the backend does
 * not say). Returns a function that stops listening.
 */
export function onVaultChanged(cb: (kinds: string[], records: RecordRef[]) => void): () => void {
  return subscribe<unknown>('vault-changed', (payload) => {
    const change = vaultChange(payload);
    cb(change.kinds, change.records);
  });
}

/**
 * Reads a `vault-changed` payload: the object `{kinds, records}`, or the bare list of
 * kinds older backends send. Anything else reads as "something changed" (no kinds).
 */
export function vaultChange(payload: unknown): VaultChange {
  if (Array.isArray(payload)) {
    return { kinds: payload.filter((k): k is RecordRef['kind'] => typeof k === 'string'), records: [] };
  }
  if (!payload || typeof payload !== 'object') return { kinds: [], records: [] };
  const p = payload as { kinds?: unknown; records?: unknown };
  const records = (Array.isArray(p.records) ? p.records : []).filter(
    (r): r is RecordRef =>
      !!r && typeof r === 'object' && typeof r.kind === 'string' && typeof r.id === 'string',
  );
  const kinds = Array.isArray(p.kinds) ? p.kinds.filter((k): k is RecordRef['kind'] => typeof k === 'string') : [];
  // A record's kind changed even if a sender left it out of `kinds`.
  for (const r of records) if (!kinds.includes(r.kind)) kinds.push(r.kind);
  return { kinds, records };
}

/** Listens to one backend event until the returned function is called. */
function subscribe<T>(name: string, cb: (payload: T) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  try {
    listen<T>(name, (event) => {
      if (!stopped) cb(event.payload);
    })
      .then((fn) => {
        if (stopped) quietly(fn);
        else unlisten = fn;
      })
      .catch((e: unknown) => {
        // No event channel (a plain browser, a test without event mocks, or a missing
        // capability): screens still work but will not refresh by themselves. Say so,
        // so a misconfigured build is noticed rather than silently stale.
        console.warn(`comeback: not listening for ${name}:`, e);
      });
  } catch {
    // As above.
  }
  return () => {
    stopped = true;
    if (unlisten) quietly(unlisten);
  };
}

/** Stops a listener; a channel that is already gone has nothing left to stop. */
function quietly(unlisten: () => unknown): void {
  try {
    const r = unlisten();
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // Nothing to stop.
  }
}
