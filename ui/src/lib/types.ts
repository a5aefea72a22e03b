// The records the backend keeps, as their serde JSON shapes (snake_case fields, enums as
// snake_case strings, dates "YYYY-MM-DD", optional fields absent when empty).
// Hand-written mirror of core/src/model*.rs for now; to be replaced by generated
// bindings, so every record type lives in this one file.

/** "YYYY-MM-DD" */
export type IsoDate = string;

// ---- journal.rs ----

export type SetbackKind = 'let_go' | 'business_folded' | 'project_rejected' | 'stalled';

export interface Profile {
  id: string;
  setback: SetbackKind;
  happened_on: IsoDate;
  back_by?: IsoDate;
  what_happened: string;
  grief_ends_on?: IsoDate;
  /** "HH:MM" */
  worry_time?: string;
  worry_minutes: number;
  announcement: string;
}

export interface Entry {
  id: string;
  date: IsoDate;
  text: string;
  mood?: number;
  tags: string[];
  created_ms: number;
}

export interface MoodCheckIn {
  id: string;
  date: IsoDate;
  mood: number;
  note: string;
}

export interface Worry {
  id: string;
  date: IsoDate;
  text: string;
  resolved: boolean;
}

// ---- debrief.rs ----

export type DebriefStep =
  | 'unload'
  | 'intent'
  | 'timeline'
  | 'questions'
  | 'why_tree'
  | 'hot_thought'
  | 'lessons'
  | 'close'
  | 'done';

export type Control = 'within' | 'outside' | 'partly';

export interface Block {
  /** Local start, "YYYY-MM-DDTHH:MM" */
  start: string;
  minutes: number;
}

export interface TimelineEvent {
  id: string;
  date?: IsoDate;
  fact: string;
  entry_id?: string;
}

export interface Probe {
  id: string;
  question: string;
  rating?: number;
  evidence: string;
}

export interface WhyNode {
  id: string;
  parent?: string;
  cause: string;
  control: Control;
  evidence: string;
}

export interface HotThought {
  thought: string;
  before?: number;
  after?: number;
}

export interface Lesson {
  id: string;
  lesson: string;
  action: string;
  due?: IsoDate;
  success_test: string;
}

export interface Close {
  feeling: string;
  others_too: string;
  kind_word: string;
}

export interface Debrief {
  id: string;
  title: string;
  setback: SetbackKind;
  started_on: IsoDate;
  scheduled?: Block;
  step: DebriefStep;
  unload: string;
  intent: string;
  success_measure: string;
  timeline: TimelineEvent[];
  questions: Probe[];
  why_tree: WhyNode[];
  hot_thought: HotThought;
  keep: string;
  change: string;
  lessons: Lesson[];
  close: Close;
  completed: boolean;
}

// ---- network.rs ----

export type Tie = 'often' | 'occasionally' | 'rarely';

export interface Contact {
  id: string;
  name: string;
  how_known: string;
  tie: Tie;
  cadence_days?: number;
  last_contact?: IsoDate;
  notes: string;
}

export interface Outreach {
  id: string;
  contact_id: string;
  date: IsoDate;
  message: string;
  reply: string;
  lead: string;
}

export type IntroStatus = 'requested' | 'made' | 'met';

export interface Intro {
  id: string;
  via_contact_id: string;
  to_name: string;
  to_contact_id?: string;
  status: IntroStatus;
  requested_on: IsoDate;
  made_on?: IsoDate;
  met_on?: IsoDate;
  notes: string;
}

export type EventKind = 'meetup' | 'networking' | 'coffee' | 'other';

export interface Event {
  id: string;
  date: IsoDate;
  title: string;
  kind: EventKind;
  contact_ids: string[];
  notes: string;
  outcome: string;
}

// ---- mojo.rs ----

export interface Project {
  id: string;
  name: string;
  weekly_target_hours: number;
  notes: string;
  started_on: IsoDate;
  archived: boolean;
}

export interface TimeLog {
  id: string;
  project_id: string;
  date: IsoDate;
  hours: number;
  note: string;
}

export type BragCategory =
  | 'projects'
  | 'design_writing'
  | 'collaboration_mentoring'
  | 'outside_job';

export interface Win {
  id: string;
  date: IsoDate;
  title: string;
  category: BragCategory;
  text: string;
}

// ---- next_move.rs ----

export type ItemKind = 'job' | 'freelance' | 'business';

export type Stage = 'saved' | 'applied' | 'screen' | 'interview' | 'offer' | 'closed';

export interface PipelineItem {
  id: string;
  kind: ItemKind;
  title: string;
  org: string;
  stage: Stage;
  closed_reason?: string;
  stage_changed_on: IsoDate;
  follow_up_on?: IsoDate;
  notes: string;
  premortem: string;
}

export interface Story {
  id: string;
  title: string;
  situation: string;
  task: string;
  action: string;
  result: string;
  source?: string;
  why_i_left: boolean;
}

// ---- api.rs / src-tauri ----

export interface SearchHit {
  kind: string;
  id: string;
  title: string;
  snippet: string;
  date: string;
}

export interface DoctorReport {
  healthy: boolean;
  documents: number;
  records: number;
  problems: string[];
  damaged_chunks: string[];
  rebuilt: boolean;
}

export interface VaultStatus {
  dir: string;
  exists: boolean;
  open: boolean;
  /** The backend's local date, "YYYY-MM-DD" */
  today: IsoDate;
}

/** Each record kind's name (its `Record::KIND`) and its shape. */
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

export type Kind = keyof RecordKinds;

/** A record as sent to be saved: without an id (or with "") it is created. */
export type Draft<T extends { id: string }> = Omit<T, 'id'> & { id?: string };
