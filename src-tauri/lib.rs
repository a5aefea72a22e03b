//! The desktop and phone shell of Comeback. It holds no product rules: each command is
//! a few lines over `comeback_core::api` — the same functions the `comeback` CLI calls —
//! taking the vault from the app state and mapping errors to `{code, message}` for the
//! UI, which branches on `code` only. Changes are pushed to the UI as `vault-changed`
//! events (with the kinds that changed), so every open screen refreshes without a reload.
//!
//! Pairing and sync live in `devices.rs`: once the vault is open a `comeback-net` node
//! shares it and keeps paired devices in sync while the app runs.
//!
//! The vault folder is `COMEBACK_VAULT` when set, else the platform data folder; the key
//! comes from the OS keychain, or from `COMEBACK_KEY_FILE` when set (headless tests).

mod devices;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use comeback_core::{ChangeSink, KeySource, Vault, api, model};
use serde_json::Value as Json;
use tauri::{AppHandle, Emitter, Manager, State};

/// What crosses to the UI when a command fails: `{code, message}`.
type IpcError = api::ErrorReply;

pub(crate) fn locked() -> IpcError {
    IpcError {
        code: "no_vault".into(),
        message: "the vault is not open yet; create or open it first".into(),
    }
}

pub(crate) fn poisoned() -> IpcError {
    IpcError {
        code: "internal".into(),
        message: "the vault lock was poisoned; restart the app".into(),
    }
}

pub(crate) type Reply<T> = Result<T, IpcError>;

pub struct AppState {
    dir: PathBuf,
    /// Shared with the network node, which syncs into the same vault.
    vault: comeback_net::Shared,
    net: Arc<devices::Net>,
}

impl AppState {
    fn slot(&self) -> Reply<std::sync::MutexGuard<'_, Option<Vault>>> {
        self.vault.lock().map_err(|_| poisoned())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vault) -> comeback_core::Result<T>) -> Reply<T> {
        let mut guard = self.slot()?;
        let vault = guard.as_mut().ok_or_else(locked)?;
        Ok(f(vault)?)
    }
}

/// Tells the screens what changed, and the node that there is something to send (a
/// received change is passed on too, so a third device gets it).
struct EventSink(AppHandle, Arc<devices::Net>);

impl ChangeSink for EventSink {
    fn changed(&self, changed: &comeback_core::Changed) {
        let _ = self.0.emit("vault-changed", changed);
        self.1.local_changed();
    }
}

fn key_source() -> comeback_core::Result<KeySource> {
    match std::env::var_os("COMEBACK_KEY_FILE") {
        Some(path) => Ok(KeySource::KeyFile(PathBuf::from(path))),
        None => KeySource::platform(),
    }
}

fn attach(app: &AppHandle, mut vault: Vault) -> Vault {
    let net = app.state::<AppState>().net.clone();
    vault.set_sink(Arc::new(EventSink(app.clone(), net)));
    vault
}

/// Opens the vault in `dir` into `slot`, if there is one and none is open yet.
fn open_existing(
    app: &AppHandle,
    dir: &Path,
    slot: &mut Option<Vault>,
) -> comeback_core::Result<()> {
    if slot.is_none() && comeback_core::vault::uses_key_file(dir).is_ok() {
        *slot = Some(attach(app, api::open(dir, &key_source()?)?));
    }
    Ok(())
}

#[tauri::command(async)]
fn vault_status(app: AppHandle, state: State<'_, AppState>) -> Reply<api::VaultStatus> {
    let exists = comeback_core::vault::uses_key_file(&state.dir).is_ok();
    let mut guard = state.slot()?;
    let was_open = guard.is_some();
    open_existing(&app, &state.dir, &mut guard)?;
    if !was_open && guard.is_some() {
        devices::start_in_background(&app);
    }
    Ok(api::VaultStatus {
        dir: state.dir.display().to_string(),
        exists,
        open: guard.is_some(),
        today: api::today().to_string(),
    })
}

/// Creates the vault; the recovery key is returned once.
#[tauri::command(async)]
fn create_vault(app: AppHandle, state: State<'_, AppState>) -> Reply<String> {
    let mut guard = state.slot()?;
    let (vault, recovery) = api::init(&state.dir, &key_source()?)?;
    *guard = Some(attach(&app, vault));
    drop(guard);
    devices::start_in_background(&app);
    Ok(recovery.reveal().to_string())
}

#[tauri::command(async)]
fn recovery_key(state: State<'_, AppState>) -> Reply<String> {
    state.with(|v| Ok(api::recovery_key(v)?.reveal().to_string()))
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

#[tauri::command(async)]
fn on_this_day(state: State<'_, AppState>) -> Reply<Vec<Json>> {
    state.with(|v| api::versioned(v, &api::on_this_day(v, api::today())?))
}

#[tauri::command(async)]
fn due_contacts(state: State<'_, AppState>) -> Reply<Vec<Json>> {
    state.with(|v| api::versioned(v, &api::due_contacts(v, api::today())?))
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
fn hours_per_week(
    state: State<'_, AppState>,
    project_id: String,
) -> Reply<Vec<(model::Date, f64)>> {
    state.with(|v| api::hours_per_week(v, &project_id))
}

#[tauri::command(async)]
fn debrief_markdown(state: State<'_, AppState>, id: String) -> Reply<String> {
    state.with(|v| Ok(api::get::<model::Debrief>(v, &id)?.to_markdown()))
}

#[tauri::command(async)]
fn doctor(state: State<'_, AppState>) -> Reply<api::DoctorReport> {
    state.with(|v| api::doctor(v, false))
}

#[tauri::command(async)]
fn drop_set_aside(state: State<'_, AppState>) -> Reply<api::DoctorReport> {
    state.with(|v| {
        api::drop_set_aside(v)?;
        api::doctor(v, false)
    })
}

fn vault_dir() -> PathBuf {
    std::env::var_os("COMEBACK_VAULT")
        .map(PathBuf::from)
        .or_else(comeback_core::vault::default_dir)
        .unwrap_or_else(|| PathBuf::from("comeback-vault"))
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    comeback_net::logging::init();
    let result = tauri::Builder::default()
        .setup(|app| {
            app.manage(AppState {
                dir: vault_dir(),
                vault: Arc::new(Mutex::new(None)),
                net: Arc::default(),
            });
            // Open and warm the vault off the UI thread, so the first screen shows the
            // mirror at once and the first save does not wait for a document load.
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let state = handle.state::<AppState>();
                let Ok(mut guard) = state.slot() else {
                    return;
                };
                // A failure here is shown by the first screen, which asks again.
                let _ = open_existing(&handle, &state.dir, &mut guard);
                let Some(vault) = guard.as_mut() else {
                    return;
                };
                let _ = vault.warm(api::today());
                drop(guard);
                // Then start listening for this vault's other devices.
                devices::start_in_background(&handle);
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            vault_status,
            create_vault,
            recovery_key,
            list_records,
            get_record,
            save_record,
            delete_record,
            search,
            on_this_day,
            due_contacts,
            log_outreach,
            hours_per_week,
            debrief_markdown,
            doctor,
            drop_set_aside,
            devices::devices_list,
            devices::devices_invite,
            devices::devices_answer,
            devices::devices_join,
            devices::devices_join_answer,
            devices::devices_revoke,
            devices::sync_now,
            devices::sync_status,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("comeback-app: could not start the window: {err}");
        std::process::exit(1);
    }
}
