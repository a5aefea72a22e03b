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
import type { Attachment } from './bindings/Attachment';
import type { AttachmentInfo } from './bindings/AttachmentInfo';
import type { SearchHit } from './bindings/SearchHit';
import type { DoctorReport } from './bindings/DoctorReport';
import type { VaultStatus } from './bindings/VaultStatus';
import type { DeviceInfo } from './bindings/DeviceInfo';
import type { PairingShares } from './bindings/PairingShares';
import type { ErrorCode } from './bindings/ErrorCode';
import type { ErrorReply } from './bindings/ErrorReply';
import type { HomeSummary } from './bindings/HomeSummary';
import type { DailyPrompt } from './bindings/DailyPrompt';
import type { PromptAction } from './bindings/PromptAction';
import type { PromptKind } from './bindings/PromptKind';
import type { PromptScreen } from './bindings/PromptScreen';
import type { HomeAction } from './bindings/HomeAction';
import type { HomeSteps } from './bindings/HomeSteps';
import type { GriefWindow } from './bindings/GriefWindow';
import type { LowMood } from './bindings/LowMood';
import type { TodayEntry } from './bindings/TodayEntry';
import type { EntryLine } from './bindings/EntryLine';
import type { ActionKind } from './bindings/ActionKind';
import type { FollowUp } from './bindings/FollowUp';
import type { LessonAction } from './bindings/LessonAction';
import type { ContactSchedule } from './bindings/ContactSchedule';
import type { TieCadence } from './bindings/TieCadence';
import type { WorryTime } from './bindings/WorryTime';
import type { DailyMood } from './bindings/DailyMood';
import type { TimeOffSummary } from './bindings/TimeOffSummary';
import type { StorySuggestion } from './bindings/StorySuggestion';
import type { IntroChain } from './bindings/IntroChain';
import type { ProjectWeek } from './bindings/ProjectWeek';
import type { Progress } from './bindings/Progress';
import type { ExportSummary } from './bindings/ExportSummary';
import type { ImportSummary } from './bindings/ImportSummary';
import type { ImportSkip } from './bindings/ImportSkip';
import type { LockStatus } from './bindings/LockStatus';
import type { Reminder } from './bindings/Reminder';
import type { ReminderKind } from './bindings/ReminderKind';
import type { ReminderSettings } from './bindings/ReminderSettings';
import type { QuietHours } from './bindings/QuietHours';
import type { KindSetting } from './bindings/KindSetting';

export type { Reminder, ReminderKind, ReminderSettings, QuietHours, KindSetting };

export type {
  LockStatus,
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
  Attachment,
  AttachmentInfo,
  SearchHit,
  DoctorReport,
  VaultStatus,
  DeviceInfo,
  ErrorCode,
  ErrorReply,
  HomeSummary,
  DailyPrompt,
  PromptAction,
  PromptKind,
  PromptScreen,
  HomeAction,
  HomeSteps,
  GriefWindow,
  LowMood,
  TodayEntry,
  EntryLine,
  ActionKind,
  FollowUp,
  LessonAction,
  ContactSchedule,
  TieCadence,
  WorryTime,
  DailyMood,
  TimeOffSummary,
  StorySuggestion,
  IntroChain,
  ProjectWeek,
  Progress,
  ExportSummary,
  ImportSummary,
  ImportSkip,
};

// ----- pairing and sync (comeback-net, forwarded by src-tauri/devices.rs) -----
// Generated from net/src (`PeerReport` in sync.rs, `Invite`, `PairRequest`, `JoinCheck`
// in pair.rs, `SyncStatus` and the node's `Event` as `NetEvent` in status.rs).

import type { PeerReport } from './bindings/PeerReport';
import type { Invite } from './bindings/Invite';
import type { PairRequest } from './bindings/PairRequest';
import type { JoinCheck } from './bindings/JoinCheck';
import type { NetEvent } from './bindings/NetEvent';
import type { SyncStatus } from './bindings/SyncStatus';

export type { PeerReport, Invite, PairRequest, JoinCheck, NetEvent, SyncStatus };

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
  attachment: Attachment;
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
