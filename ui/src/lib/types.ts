// The records the backend keeps, as their serde JSON shapes. Generated from the Rust
// types by ts-rs into ./bindings (never edit those by hand; `cargo test` regenerates
// them and scripts/test.sh fails if they drift). This file re-exports them and adds the
// few UI-side helpers.

/** "YYYY-MM-DD" */
export type IsoDate = string;

import type { SetbackKind } from './bindings/SetbackKind';
import type { Kind as AnyKind } from './bindings/Kind';
import type { Changed } from './bindings/Changed';
import type { ChangedRecord } from './bindings/ChangedRecord';
import type { Profile } from './bindings/Profile';
import type { Entry } from './bindings/Entry';
import type { MoodCheckIn } from './bindings/MoodCheckIn';
import type { Worry } from './bindings/Worry';
import type { DebriefStep } from './bindings/DebriefStep';
import type { Control } from './bindings/Control';
import type { Block } from './bindings/Block';
import type { TimelineEvent } from './bindings/TimelineEvent';
import type { Probe } from './bindings/Probe';
import type { WhyNode } from './bindings/WhyNode';
import type { HotThought } from './bindings/HotThought';
import type { Lesson } from './bindings/Lesson';
import type { Close } from './bindings/Close';
import type { Debrief } from './bindings/Debrief';
import type { Tie } from './bindings/Tie';
import type { Contact } from './bindings/Contact';
import type { Outreach } from './bindings/Outreach';
import type { IntroStatus } from './bindings/IntroStatus';
import type { Intro } from './bindings/Intro';
import type { EventKind } from './bindings/EventKind';
import type { Event } from './bindings/Event';
import type { Project } from './bindings/Project';
import type { TimeLog } from './bindings/TimeLog';
import type { BragCategory } from './bindings/BragCategory';
import type { Win } from './bindings/Win';
import type { ItemKind } from './bindings/ItemKind';
import type { Stage } from './bindings/Stage';
import type { PipelineItem } from './bindings/PipelineItem';
import type { Story } from './bindings/Story';
import type { SearchHit } from './bindings/SearchHit';
import type { DoctorReport } from './bindings/DoctorReport';
import type { VaultStatus } from './bindings/VaultStatus';
import type { DeviceInfo } from './bindings/DeviceInfo';
import type { PairingShares } from './bindings/PairingShares';

export type {
  PairingShares,
  SetbackKind,
  Profile,
  Entry,
  MoodCheckIn,
  Worry,
  DebriefStep,
  Control,
  Block,
  TimelineEvent,
  Probe,
  WhyNode,
  HotThought,
  Lesson,
  Close,
  Debrief,
  Tie,
  Contact,
  Outreach,
  IntroStatus,
  Intro,
  EventKind,
  Event,
  Project,
  TimeLog,
  BragCategory,
  Win,
  ItemKind,
  Stage,
  PipelineItem,
  Story,
  SearchHit,
  DoctorReport,
  VaultStatus,
  DeviceInfo,
};

// ----- pairing and sync (src-tauri/devices.rs) -----
// comeback-net's types do not derive ts-rs, so their JSON shapes are written out here;
// keep them in step with `PeerReport`, `Event` (net/src/lib.rs) and `InviteReply`,
// `SyncStatus` (src-tauri/devices.rs).

/** What a sync session with one device came to. */
export interface PeerReport {
  id: string;
  name: string;
  ok: boolean;
  refused: boolean;
  error: string | null;
  sent: number;
  received: number;
  wire_sent: number;
  wire_received: number;
  millis: number;
}

/** A one-time pairing ticket as this device shows it. */
export interface Invite {
  ticket: string;
  /** Seconds since the epoch. */
  expires: number;
  /** The ticket as a QR code (an SVG document made by the backend). */
  qr_svg: string;
}

/** A device that holds our ticket and waits for "Pair". */
export interface PairRequest {
  device_id: string;
  name: string;
  code: string;
}

/**
 * While joining: the check code, the device that showed the ticket, and what joining
 * shares with it (the payload of `pair-code`; `JoinCheck` in net/src/pair.rs).
 */
export interface JoinCheck {
  code: string;
  inviter_id: string;
  inviter_name: string;
  shares: PairingShares;
}

export type NetEvent =
  | { kind: 'connected'; id: string }
  | ({ kind: 'synced' } & PeerReport)
  | { kind: 'progress'; id: string; received: number }
  | { kind: 'idle'; id: string };

/** What the sync indicator shows (the payload of every `sync-status` event). */
export interface SyncStatus {
  running: boolean;
  /** Other devices of the vault, removed ones left out. */
  peers: number;
  /** Devices with a session open now. */
  connected: string[];
  /** When a session last started or moved data (ms since the epoch). */
  active_at: number | null;
  /** When a session last ended well (ms since the epoch). */
  synced_at: number | null;
  error: string | null;
  event: NetEvent | null;
}

export interface RecordKinds {
  profile: Profile;
  entry: Entry;
  mood: MoodCheckIn;
  debrief: Debrief;
  worry: Worry;
  contact: Contact;
  outreach: Outreach;
  intro: Intro;
  project: Project;
  timelog: TimeLog;
  event: Event;
  win: Win;
  item: PipelineItem;
  story: Story;
}

/** The kinds a person writes: the registry's kinds (generated from `model::Kind`) but the device list. */
export type Kind = Exclude<AnyKind, 'device'>;

/** Fails to type-check if the registry gains a kind that `RecordKinds` does not map. */
type AssertNever<T extends never> = T;
export type KindsWithoutAType = AssertNever<Exclude<Kind, keyof RecordKinds>>;

/** A record as sent to be saved: without an id (or with "") it is created. */
export type Draft<T extends { id: string }> = Omit<T, 'id'> & { id?: string };

/**
 * A record with the version of its document that the read reflected (an opaque token;
 * every record the backend returns carries one). Saving a record with its `version`
 * applies the edit as if made at that version and merges whatever changed since (another
 * device's edit), so an editor that holds a copy for a while never reverts what arrived
 * meanwhile. A save without one is last-write-wins per field.
 */
export type Versioned<T> = T & { version?: string };

/** A record the vault wrote or deleted, as named by a `vault-changed` event. */
export type RecordRef = ChangedRecord;

/** What a `vault-changed` event says changed (generated from `vault::Changed`). */
export type VaultChange = Changed;
