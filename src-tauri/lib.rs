//! The desktop and phone shell of Comeback. It holds no product rules: each command has
//! the name of the `comeback_core::api` function it calls — the same functions the
//! `comeback` CLI calls — and is a few lines: take the vault from the app state, call
//! `api`, hand back its value or its `api::ErrorReply` (`{code, message}`, `code` an
//! `ErrorCode`; the UI branches on `code` only). The commands over an open vault are
//! generic over the Tauri runtime ([`commands`]), so `tests/parity.rs` runs them on
//! Tauri's mock runtime against the CLI. Changes are pushed to the UI as `vault-changed`
//! events (with the kinds that changed), so every open screen refreshes without a reload.
//!
//! Pairing and sync live in `devices.rs`: a `comeback-net` node shares the vault and
//! keeps paired devices in sync while the app runs. Text the person saves to a place they
//! chose (a debrief's Markdown, a calendar file) is written by `files.rs`.
//!
//! Start-up does only what the first screen needs, work that does not grow with the
//! journal: the vault opens (off the UI thread) while the window starts and answers the
//! first screen's questions from the mirror; once that screen has drawn the window says
//! so (`first_screen_drawn`), and only then (a second later) are the documents the first
//! save will touch loaded and the node started. `COMEBACK_LOG` set writes start-up marks
//! to standard error (`scripts/measure-launch.py` shows them).
//!
//! The vault folder is `COMEBACK_VAULT` when set, else the platform data folder; the key
//! comes from the OS keychain, or from `COMEBACK_KEY_FILE` when set (headless tests).

mod biometric;
mod devices;
mod files;
mod lock;
mod scheduler;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use comeback_core::model::{self, Date, IntroStatus, Record, Stage};
use comeback_core::{ChangeSink, ErrorCode, KeySource, Vault, api};
use serde::Deserialize;
use serde_json::Value as Json;
use tauri::ipc::{Invoke, InvokeBody, Request, Response};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// What crosses to the UI when a command fails: `{code, message}`, `code` one of
/// `ErrorCode` (generated into the UI's bindings).
type IpcError = api::ErrorReply;

pub(crate) fn locked() -> IpcError {
    IpcError {
        code: ErrorCode::NoVault,
        message: "the vault is not open yet; create or open it first".into(),
    }
}

pub(crate) fn poisoned() -> IpcError {
    IpcError {
        code: ErrorCode::Internal,
        message: "the vault lock was poisoned; restart the app".into(),
    }
}

pub(crate) type Reply<T> = Result<T, IpcError>;

/// When `run` started: start-up marks count from here.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Writes a start-up mark (milliseconds since `run` started) to standard error when
/// `COMEBACK_LOG` is set, so `scripts/measure-launch.py` can show where launch time goes.
pub(crate) fn mark(what: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("COMEBACK_LOG").is_some()) {
        let ms = STARTED
            .get()
            .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
        eprintln!("comeback-app launch: {ms:7.1} ms {what}");
    }
}

pub struct AppState {
    dir: PathBuf,
    /// Shared with the network node, which syncs into the same vault.
    vault: comeback_net::Shared,
    net: Arc<devices::Net>,
    /// Whether the start-up that waits for the first screen has run.
    started: std::sync::atomic::AtomicBool,
    /// Locked or not (see `lock.rs`).
    lock: lock::Lock,
    /// Wakes the reminder scheduler to look again (settings saved, the vault changed).
    pub(crate) reminders_wake: Arc<tokio::sync::Notify>,
    /// Whether the open under way is rebuilding the mirror (see `vault_updating`).
    updating: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// The state of an app whose vault lives in `dir` (opened later).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            vault: Arc::new(Mutex::new(None)),
            net: Arc::default(),
            started: Default::default(),
            lock: lock::Lock::default(),
            reminders_wake: Arc::default(),
            updating: Default::default(),
        }
    }

    fn slot(&self) -> Reply<std::sync::MutexGuard<'_, Option<Vault>>> {
        self.vault.lock().map_err(|_| poisoned())
    }

    /// Runs `f` on the open vault, unless the app is locked (checked with the vault held,
    /// so a command that passed the gate just before the app locked gets nothing).
    fn with<T>(&self, f: impl FnOnce(&mut Vault) -> comeback_core::Result<T>) -> Reply<T> {
        let mut guard = self.slot()?;
        let vault = guard.as_mut().ok_or_else(locked)?;
        if self.lock.is_locked() {
            return Err(lock::refusal());
        }
        Ok(f(vault)?)
    }

    /// Runs `f` on the open vault whether or not the app is locked: for the lock's own
    /// commands only.
    fn with_locked<T>(&self, f: impl FnOnce(&mut Vault) -> comeback_core::Result<T>) -> Reply<T> {
        let mut guard = self.slot()?;
        let vault = guard.as_mut().ok_or_else(locked)?;
        Ok(f(vault)?)
    }
}

/// Tells the screens what changed, and the node that there is something to send (a
/// received change is passed on too, so a third device gets it).
struct EventSink<R: Runtime>(AppHandle<R>, Arc<devices::Net>);

impl<R: Runtime> ChangeSink for EventSink<R> {
    fn changed(&self, changed: &comeback_core::Changed) {
        let _ = self.0.emit("vault-changed", changed);
        self.1.local_changed();
        // What is due may have changed (a contact reached, a worry time moved).
        if let Some(state) = self.0.try_state::<AppState>() {
            state.reminders_wake.notify_one();
        }
    }
}

fn key_source() -> comeback_core::Result<KeySource> {
    match std::env::var_os("COMEBACK_KEY_FILE") {
        Some(path) => Ok(KeySource::KeyFile(PathBuf::from(path))),
        None => KeySource::platform(),
    }
}

fn with_sink<R: Runtime>(app: &AppHandle<R>, mut vault: Vault) -> Vault {
    let net = app.state::<AppState>().net.clone();
    vault.set_sink(Arc::new(EventSink(app.clone(), net)));
    vault
}

/// Opens the vault in `dir` into `slot`, if there is one and none is open yet.
fn open_existing<R: Runtime>(
    app: &AppHandle<R>,
    dir: &Path,
    slot: &mut Option<Vault>,
    source: &KeySource,
) -> comeback_core::Result<()> {
    if slot.is_none() && comeback_core::vault::uses_key_file(dir).is_ok() {
        let state = app.state::<AppState>();
        let opened = api::open_noting_rebuild(dir, source, || {
            mark("rebuilding the mirror");
            state.updating.store(true, Ordering::SeqCst);
        });
        state.updating.store(false, Ordering::SeqCst);
        let vault = opened?;
        // Before the vault is in the slot: no command sees it open and unlocked.
        state.lock.opened(&api::lock_status(&vault)?);
        *slot = Some(with_sink(app, vault));
    }
    Ok(())
}

/// Opens the app's vault (the folder its `AppState` names) with the key from `source`,
/// unless one is open already. The app opens it on start with the keychain (or
/// `COMEBACK_KEY_FILE`); tests on Tauri's mock runtime open it with a key file.
pub fn open_vault<R: Runtime>(app: &AppHandle<R>, source: &KeySource) -> Reply<()> {
    let state = app.state::<AppState>();
    let mut guard = state.slot()?;
    open_existing(app, &state.dir, &mut guard, source)?;
    Ok(())
}

/// Closes the app's vault (its folder's lock is freed). The vault's change sink holds
/// the app, so a vault left in the state outlives the app: tests close it first.
pub fn close_vault<R: Runtime>(app: &AppHandle<R>) -> Reply<()> {
    let state = app.state::<AppState>();
    let vault = state.slot()?.take();
    drop(vault);
    Ok(())
}

/// A record as the UI holds it: its JSON with the `version` it was read at.
fn versioned<R: Record>(vault: &Vault, record: &R) -> comeback_core::Result<Json> {
    let mut all = api::versioned(vault, std::slice::from_ref(record))?;
    all.pop()
        .ok_or_else(|| comeback_core::Error::Internal("a record read back came back empty".into()))
}

/// The local time of day (Home and worry time ask "is it now?").
fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

#[tauri::command(async)]
fn vault_status(app: AppHandle, state: State<'_, AppState>) -> Reply<api::VaultStatus> {
    let exists = comeback_core::vault::uses_key_file(&state.dir).is_ok();
    let mut guard = state.slot()?;
    // Opened here when the open at start-up failed (a keychain that was locked): the node
    // starts once the first screen has drawn, as on any start.
    open_existing(&app, &state.dir, &mut guard, &key_source()?)?;
    mark("vault_status answered");
    Ok(api::VaultStatus {
        dir: state.dir.display().to_string(),
        exists,
        open: guard.is_some(),
        today: api::today().to_string(),
        version: api::version().to_string(),
        locked: state.lock.is_locked(),
    })
}

/// Whether the vault is being brought up to date as it opens (the mirror rebuilt after
/// an update, ~13 s on a ten-year journal): the first screen asks while it waits for
/// `vault_status`, and says so rather than show nothing. Reads a flag; never waits for
/// the vault.
#[tauri::command]
fn vault_updating(state: State<'_, AppState>) -> bool {
    state.updating.load(Ordering::SeqCst)
}

/// Creates the vault; the recovery key is returned once.
#[tauri::command(async)]
fn create_vault(app: AppHandle, state: State<'_, AppState>) -> Reply<String> {
    let mut guard = state.slot()?;
    let (vault, recovery) = api::init(&state.dir, &key_source()?)?;
    *guard = Some(with_sink(&app, vault));
    drop(guard);
    devices::start_in_background(&app);
    // The first-run screen has drawn already, with no vault to remind from.
    scheduler::start(&app);
    Ok(recovery.reveal().to_string())
}

/// The recovery key; with a lock set, only given the passcode again.
#[tauri::command(async)]
fn recovery_key(state: State<'_, AppState>, passcode: Option<String>) -> Reply<String> {
    state.with(|v| {
        let key = api::recovery_key_behind_lock(v, passcode.as_deref())?;
        Ok(key.reveal().to_string())
    })
}

// ----- the app lock (see `lock.rs`) -----

#[tauri::command(async)]
fn lock_status(state: State<'_, AppState>) -> Reply<api::LockStatus> {
    state.with_locked(|v| api::lock_status(v))
}

/// Whether the app is locked now (the window asks on start and after a reload).
#[tauri::command]
fn app_locked(state: State<'_, AppState>) -> bool {
    state.lock.is_locked()
}

#[tauri::command(async)]
fn unlock(state: State<'_, AppState>, passcode: String) -> Reply<()> {
    state.with_locked(|v| api::unlock(v, &passcode))?;
    state.lock.unlocked();
    Ok(())
}

/// A forgotten passcode: the recovery key turns the lock off (and so opens the app).
#[tauri::command(async)]
fn lock_reset(state: State<'_, AppState>, recovery_key: String) -> Reply<api::LockStatus> {
    let status = state.with_locked(|v| api::lock_reset(v, &recovery_key))?;
    state.lock.changed(&status);
    state.lock.unlocked();
    Ok(status)
}

#[tauri::command(async)]
fn lock_set(state: State<'_, AppState>, passcode: String) -> Reply<api::LockStatus> {
    let status = state.with(|v| api::lock_set(v, &passcode))?;
    state.lock.changed(&status);
    Ok(status)
}

#[tauri::command(async)]
fn lock_off(state: State<'_, AppState>, passcode: String) -> Reply<api::LockStatus> {
    let status = state.with(|v| api::lock_off(v, &passcode))?;
    state.lock.changed(&status);
    Ok(status)
}

#[tauri::command(async)]
fn set_lock_idle(state: State<'_, AppState>, minutes: u32) -> Reply<api::LockStatus> {
    let status = state.with(|v| api::set_lock_idle(v, minutes))?;
    state.lock.changed(&status);
    Ok(status)
}

/// Someone used the window (sent on a key or a pointer, at most every few seconds).
#[tauri::command]
fn lock_touch(state: State<'_, AppState>) {
    state.lock.touch();
}

/// "Lock now": locks if a lock is set, and tells the window (`locked`).
#[tauri::command]
fn lock_app<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) {
    if state.lock.lock_now() {
        let _ = app.emit("locked", ());
    }
}

#[tauri::command(async)]
fn list_records(
    state: State<'_, AppState>,
    kind: String,
    limit: usize,
    offset: Option<usize>,
) -> Reply<Vec<Json>> {
    state.with(|v| api::list_json(v, &kind, limit, offset.unwrap_or(0)))
}

#[tauri::command(async)]
fn get_record(state: State<'_, AppState>, kind: String, id: String) -> Reply<Json> {
    state.with(|v| api::get_json(v, &kind, &id))
}

#[tauri::command(async)]
fn save_record(state: State<'_, AppState>, kind: String, record: Json) -> Reply<Json> {
    state.with(|v| api::save_json(v, &kind, record))
}

#[tauri::command(async)]
fn delete_record(state: State<'_, AppState>, kind: String, id: String) -> Reply<()> {
    state.with(|v| api::delete_json(v, &kind, &id))
}

#[tauri::command(async)]
fn search(state: State<'_, AppState>, query: String, limit: usize) -> Reply<Vec<api::SearchHit>> {
    state.with(|v| api::search(v, &query, limit))
}

/// The entries of this day in earlier years, as the lines the Journal lists.
#[tauri::command(async)]
fn on_this_day(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::EntryLine>> {
    state.with(|v| api::on_this_day_lines(v, today))
}

#[tauri::command(async)]
fn home_summary(state: State<'_, AppState>, today: Date) -> Reply<api::HomeSummary> {
    let summary = state.with(|v| api::home_summary(v, today, now().time()));
    mark("home_summary answered");
    summary
}

/// Every open next action, where Home's summary holds the first few ("Show all").
#[tauri::command(async)]
fn next_actions(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::HomeAction>> {
    state.with(|v| api::next_actions(v, today))
}

#[tauri::command(async)]
fn set_profile(
    state: State<'_, AppState>,
    profile: model::Profile,
    version: Option<String>,
) -> Reply<Json> {
    state.with(|v| {
        let saved = api::set_profile(v, profile, version.as_deref())?;
        versioned(v, &saved)
    })
}

// ----- step 1: the debrief -----

#[tauri::command(async)]
fn lesson_actions(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::LessonAction>> {
    state.with(|v| api::lesson_actions(v, today))
}

#[tauri::command(async)]
fn tick_action(
    state: State<'_, AppState>,
    debrief_id: String,
    lesson_id: String,
    done: bool,
    on: Option<Date>,
    version: Option<String>,
) -> Reply<Json> {
    state.with(|v| {
        let on = on.unwrap_or_else(api::today);
        let d = api::tick_action(v, &debrief_id, &lesson_id, done, on, version.as_deref())?;
        versioned(v, &d)
    })
}

#[tauri::command(async)]
fn debrief_markdown(state: State<'_, AppState>, id: String) -> Reply<String> {
    state.with(|v| Ok(api::get::<model::Debrief>(v, &id)?.to_markdown()))
}

// ----- step 2: reaching out -----

#[tauri::command(async)]
fn due_contacts(state: State<'_, AppState>) -> Reply<Vec<Json>> {
    state.with(|v| api::versioned(v, &api::due_contacts(v, api::today())?))
}

#[tauri::command(async)]
fn contact_schedule(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::ContactSchedule>> {
    state.with(|v| api::contact_schedule(v, today))
}

#[tauri::command(async)]
fn due_contact_schedule(
    state: State<'_, AppState>,
    today: Date,
) -> Reply<Vec<api::ContactSchedule>> {
    state.with(|v| api::due_contact_schedule(v, today))
}

#[tauri::command]
fn tie_cadences() -> Vec<api::TieCadence> {
    api::tie_cadences()
}

#[tauri::command(async)]
fn log_outreach(state: State<'_, AppState>, outreach: model::Outreach) -> Reply<model::Outreach> {
    state.with(|v| {
        let mut o = outreach;
        if o.id.is_empty() {
            o.id = model::new_id();
        }
        api::log_outreach(v, o)
    })
}

#[tauri::command(async)]
fn add_intro(state: State<'_, AppState>, intro: model::Intro) -> Reply<Json> {
    state.with(|v| {
        let added = api::add_intro(v, intro)?;
        versioned(v, &added)
    })
}

#[tauri::command(async)]
fn move_intro(
    state: State<'_, AppState>,
    id: String,
    status: IntroStatus,
    on: Option<Date>,
    version: Option<String>,
) -> Reply<Json> {
    state.with(|v| {
        let on = on.unwrap_or_else(api::today);
        let moved = api::move_intro(v, &id, status, on, version.as_deref())?;
        versioned(v, &moved)
    })
}

#[tauri::command(async)]
fn intro_chains(state: State<'_, AppState>) -> Reply<Vec<api::IntroChain>> {
    state.with(|v| api::intro_chains(v))
}

#[tauri::command(async)]
fn grief_window(state: State<'_, AppState>, today: Date) -> Reply<api::GriefWindow> {
    state.with(|v| api::grief_window(v, today))
}

#[tauri::command(async)]
fn worry_time(state: State<'_, AppState>) -> Reply<api::WorryTime> {
    state.with(|v| {
        let profile = api::get_profile(v)?.unwrap_or_default();
        Ok(api::worry_time(&profile, now()))
    })
}

// ----- reminders -----

/// The reminders that fire from `from` to `to` (RFC 3339), read in `tz` (an IANA name;
/// this device's zone when left out).
#[tauri::command(async)]
fn reminders(
    state: State<'_, AppState>,
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
    tz: Option<String>,
) -> Reply<Vec<api::Reminder>> {
    let tz = tz.unwrap_or_else(api::device_time_zone);
    state.with(|v| api::reminders(v, from, to, &tz))
}

#[tauri::command(async)]
fn reminder_settings(state: State<'_, AppState>) -> Reply<api::ReminderSettings> {
    state.with(|v| api::reminder_settings(v))
}

/// Saves this device's reminder settings; the scheduler looks again at once.
#[tauri::command(async)]
fn set_reminder_settings(
    state: State<'_, AppState>,
    settings: api::ReminderSettings,
) -> Reply<api::ReminderSettings> {
    let kept = state.with(|v| api::set_reminder_settings(v, settings))?;
    state.reminders_wake.notify_one();
    Ok(kept)
}

// ----- step 3: regaining your mojo -----

#[tauri::command(async)]
fn hours_per_week(
    state: State<'_, AppState>,
    project_id: String,
) -> Reply<Vec<(model::Date, f64)>> {
    state.with(|v| api::hours_per_week(v, &project_id))
}

#[tauri::command(async)]
fn project_weeks(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::ProjectWeek>> {
    state.with(|v| api::project_weeks(v, today))
}

#[tauri::command(async)]
fn log_hours(state: State<'_, AppState>, log: model::TimeLog) -> Reply<Json> {
    state.with(|v| {
        let logged = api::log_hours(v, log)?;
        versioned(v, &logged)
    })
}

#[tauri::command(async)]
fn add_event(state: State<'_, AppState>, event: model::Event) -> Reply<Json> {
    state.with(|v| {
        let added = api::add_event(v, event)?;
        versioned(v, &added)
    })
}

#[tauri::command(async)]
fn moods_between(state: State<'_, AppState>, from: Date, to: Date) -> Reply<Vec<api::DailyMood>> {
    state.with(|v| api::moods_between(v, from, to))
}

#[tauri::command(async)]
fn time_off_summary(state: State<'_, AppState>, since: Option<Date>) -> Reply<api::TimeOffSummary> {
    state.with(|v| api::time_off_summary(v, since))
}

// ----- step 4: the next move -----

#[tauri::command(async)]
fn add_item(state: State<'_, AppState>, item: model::PipelineItem) -> Reply<Json> {
    state.with(|v| {
        let added = api::add_item(v, item, api::today())?;
        versioned(v, &added)
    })
}

#[tauri::command(async)]
fn move_item(
    state: State<'_, AppState>,
    id: String,
    stage: Stage,
    closed_reason: Option<String>,
    version: Option<String>,
) -> Reply<Json> {
    state.with(|v| {
        let moved = api::move_item(
            v,
            &id,
            stage,
            closed_reason,
            api::today(),
            version.as_deref(),
        )?;
        versioned(v, &moved)
    })
}

#[tauri::command(async)]
fn follow_ups_due(state: State<'_, AppState>, today: Date) -> Reply<Vec<api::FollowUp>> {
    state.with(|v| api::follow_ups_due(v, today))
}

#[tauri::command(async)]
fn story_suggestions(state: State<'_, AppState>) -> Reply<Vec<api::StorySuggestion>> {
    state.with(|v| api::story_suggestions(v))
}

// ----- photos and files on entries -----

/// A header of a request, percent-decoded (the window encodes a file name, which may hold
/// any character, as headers carry ASCII only).
fn header(request: &Request<'_>, name: &str) -> Option<String> {
    let value = request.headers().get(name)?.to_str().ok()?;
    let decoded = percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// Adds a file to an entry. The window sends the file's bytes as the request's body
/// (raw, not JSON) and names the entry, the file and its media type in the headers
/// `entry-id`, `file-name` and `media-type`.
#[tauri::command(async)]
fn attach(state: State<'_, AppState>, request: Request<'_>) -> Reply<model::Attachment> {
    let entry = header(&request, "entry-id").unwrap_or_default();
    let name = header(&request, "file-name").unwrap_or_default();
    let media_type = header(&request, "media-type");
    let bytes: std::borrow::Cow<'_, [u8]> = match request.body() {
        InvokeBody::Raw(bytes) => bytes.into(),
        // Android's webview hands every body over as JSON: the bytes as a list of numbers.
        InvokeBody::Json(json) => Vec::<u8>::deserialize(json)
            .map_err(|e| comeback_core::Error::Internal(format!("the file did not arrive: {e}")))?
            .into(),
    };
    state.with(|v| api::attach(v, &entry, &name, media_type.as_deref(), &mut &bytes[..]))
}

/// Whether a file of this size may go on an entry: asked before the window reads it.
#[tauri::command]
fn attachment_fits(name: String, size: u64) -> Reply<()> {
    Ok(api::attachment_fits(&name, size)?)
}

#[tauri::command(async)]
fn attachments_of(state: State<'_, AppState>, entry_id: String) -> Reply<Vec<api::AttachmentInfo>> {
    state.with(|v| api::attachments_of(v, &entry_id))
}

/// A file's bytes, as a raw response (an `ArrayBuffer` in the window, not JSON).
#[tauri::command(async)]
fn attachment_bytes(state: State<'_, AppState>, id: String) -> Reply<Response> {
    state.with(|v| api::attachment_bytes(v, &id).map(Response::new))
}

#[tauri::command(async)]
fn detach(state: State<'_, AppState>, id: String) -> Reply<()> {
    state.with(|v| api::detach(v, &id))
}

// ----- taking everything out, bringing journals in -----

/// Writes everything into `dir` (new or empty), telling the window how far it has got
/// with `export-progress` events carrying `api::Progress`.
#[tauri::command(async)]
fn export_vault<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    dir: PathBuf,
) -> Reply<api::ExportSummary> {
    let mut progress = |p: &api::Progress| {
        let _ = app.emit("export-progress", p);
    };
    state.with(|v| api::export(v, &dir, api::now(), &mut progress))
}

/// Brings in what `path` is (a Comeback export, a Day One export, a jrnl JSON export, a
/// folder of daily notes), telling the window how far it has got with `import-progress`
/// events carrying `api::Progress`.
#[tauri::command(async)]
fn import_path<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: PathBuf,
) -> Reply<api::ImportSummary> {
    let mut progress = |p: &api::Progress| {
        let _ = app.emit("import-progress", p);
    };
    state.with(|v| api::import(v, &path, &mut progress))
}

// ----- the vault -----

#[tauri::command(async)]
fn doctor(state: State<'_, AppState>) -> Reply<api::DoctorReport> {
    state.with(|v| api::doctor(v, false))
}

/// Rebuilds what the screens show from the documents, then checks again (the CLI's
/// `comeback doctor --rebuild`).
#[tauri::command(async)]
fn rebuild_screens(state: State<'_, AppState>) -> Reply<api::DoctorReport> {
    state.with(|v| api::doctor(v, true))
}

#[tauri::command(async)]
fn drop_set_aside(state: State<'_, AppState>) -> Reply<api::DoctorReport> {
    state.with(|v| {
        api::drop_set_aside(v)?;
        api::doctor(v, false)
    })
}

/// The commands over an open vault, on any runtime (the real one in [`run`], Tauri's
/// mock runtime in tests). The commands that start the network node (`vault_status`,
/// `create_vault`) and the device commands need the real runtime and are added by `run`.
pub fn commands<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    gated(tauri::generate_handler![
        vault_updating,
        recovery_key,
        lock_status,
        app_locked,
        unlock,
        lock_reset,
        lock_set,
        lock_off,
        set_lock_idle,
        lock_touch,
        lock_app,
        list_records,
        get_record,
        save_record,
        delete_record,
        search,
        on_this_day,
        home_summary,
        next_actions,
        set_profile,
        lesson_actions,
        tick_action,
        debrief_markdown,
        due_contacts,
        contact_schedule,
        due_contact_schedule,
        tie_cadences,
        log_outreach,
        add_intro,
        move_intro,
        intro_chains,
        grief_window,
        worry_time,
        reminders,
        reminder_settings,
        set_reminder_settings,
        hours_per_week,
        project_weeks,
        log_hours,
        add_event,
        moods_between,
        time_off_summary,
        add_item,
        move_item,
        follow_ups_due,
        story_suggestions,
        attach,
        attachment_fits,
        attachments_of,
        attachment_bytes,
        detach,
        export_vault,
        import_path,
        doctor,
        rebuild_screens,
        drop_set_aside,
        files::save_text_file,
    ])
}

/// The lock's gate in front of `handler`: while the app is locked, a command not in
/// `lock::OPEN_WHILE_LOCKED` is refused (`locked`) without running.
fn gated<R: Runtime>(
    handler: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        let refused = !lock::OPEN_WHILE_LOCKED.contains(&invoke.message.command())
            && invoke
                .message
                .webview_ref()
                .try_state::<AppState>()
                .is_some_and(|state| state.lock.is_locked());
        if refused {
            invoke.resolver.reject(lock::refusal());
            return true;
        }
        handler(invoke)
    }
}

/// The commands that reach the network node: they answer on the real runtime only.
fn node_commands() -> impl Fn(Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    gated(tauri::generate_handler![
        vault_status,
        create_vault,
        first_screen_drawn,
        biometric::biometric_available,
        biometric::unlock_biometric,
        devices::devices_list,
        devices::devices_invite,
        devices::devices_answer,
        devices::devices_join,
        devices::devices_join_answer,
        devices::devices_revoke,
        devices::sync_now,
        devices::sync_status,
    ])
}

/// The names [`node_commands`] answers.
const NODE_COMMANDS: &[&str] = &[
    "vault_status",
    "create_vault",
    "first_screen_drawn",
    "devices_list",
    "devices_invite",
    "devices_answer",
    "devices_join",
    "devices_join_answer",
    "devices_revoke",
    "sync_now",
    "sync_status",
];

fn vault_dir() -> PathBuf {
    std::env::var_os("COMEBACK_VAULT")
        .map(PathBuf::from)
        .or_else(comeback_core::vault::default_dir)
        .unwrap_or_else(|| PathBuf::from("comeback-vault"))
}

/// How long after the vault opened the rest of start-up runs if the window has not said
/// that its first screen drew.
const AFTER_FIRST_SCREEN_AT_THE_LATEST: std::time::Duration = std::time::Duration::from_secs(5);

/// How long after the first screen the documents are warmed: a person's first click
/// (the Journal, most often) comes before any save does, and should not wait for loads.
const WARM_AFTER_FIRST_SCREEN: std::time::Duration = std::time::Duration::from_millis(1000);

/// The window's first screen has drawn with its data: now (after a pause for the first
/// click) warm the documents the first save will touch, then start the network node.
/// Neither runs earlier, so neither competes with the first screen for the vault or the
/// processor; a repeated call does nothing.
#[tauri::command]
fn first_screen_drawn(app: AppHandle) {
    mark("first screen drawn");
    after_first_screen(&app);
}

/// The part of start-up that waits for the first screen (see [`first_screen_drawn`]),
/// run once, on a thread of its own. Warming takes the vault one document at a time, so
/// a screen's question waits for at most one document's load.
fn after_first_screen(app: &AppHandle) {
    let state = app.state::<AppState>();
    if state
        .started
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return;
    }
    let handle = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(WARM_AFTER_FIRST_SCREEN);
        // From now on, due reminders become notifications (the scheduler waits for a
        // vault that is not open yet, one opened later by `vault_status` included).
        scheduler::start(&handle);
        let state = handle.state::<AppState>();
        let today = api::today();
        for step in 0.. {
            let Ok(mut guard) = state.slot() else {
                return;
            };
            let Some(vault) = guard.as_mut() else {
                return;
            };
            // A document that does not load now is loaded (or reported) by the save
            // that needs it.
            if !matches!(vault.warm_step(today, step), Ok(true)) {
                break;
            }
        }
        mark("vault warmed");
        // Then start listening for this vault's other devices.
        devices::start_in_background(&handle);
    });
}

/// Checks once a second whether the idle time or the grace while away has run out, and
/// if so locks and tells the window (`locked`).
fn relock_when_due(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if app
                .state::<AppState>()
                .lock
                .relock_due(std::time::Instant::now())
            {
                mark("locked");
                let _ = app.emit("locked", ());
            }
        }
    });
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    comeback_net::logging::init();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_biometric::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_fs::init())
        .setup(|app| {
            mark("setup");
            app.manage(AppState::new(vault_dir()));
            // Open the vault off the UI thread while the window starts, and nothing more:
            // the first screen's questions come first; warming documents and the network
            // wait for `first_screen_drawn`.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let state = handle.state::<AppState>();
                let Ok(mut guard) = state.slot() else {
                    return;
                };
                // A failure here is shown by the first screen, which asks again.
                let opened = key_source()
                    .and_then(|source| open_existing(&handle, &state.dir, &mut guard, &source));
                let open = opened.is_ok() && guard.is_some();
                drop(guard);
                mark("vault opened");
                if open {
                    // In case the window never says it drew (a script error, a screen
                    // that does not ask): the rest of start-up runs anyway, a little later.
                    std::thread::sleep(AFTER_FIRST_SCREEN_AT_THE_LATEST);
                    after_first_screen(&handle);
                }
            });
            relock_when_due(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            let Some(state) = window.try_state::<AppState>() else {
                return;
            };
            let lock = &state.lock;
            let locked = match event {
                tauri::WindowEvent::Focused(focused) => lock.away(!focused),
                #[cfg(mobile)]
                tauri::WindowEvent::Suspended => lock.away(true),
                #[cfg(mobile)]
                tauri::WindowEvent::Resumed => lock.away(false),
                _ => false,
            };
            if locked {
                let _ = window.emit("locked", ());
            }
        })
        .invoke_handler({
            let vault = commands();
            let node = node_commands();
            move |invoke| {
                if NODE_COMMANDS.contains(&invoke.message.command()) {
                    node(invoke)
                } else {
                    vault(invoke)
                }
            }
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("comeback-app: could not start the window: {err}");
        std::process::exit(1);
    }
}
