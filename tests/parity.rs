//! The two fronts do the same thing: each verb that changes state runs once through the
//! `comeback` CLI on one vault and once through the app's real Tauri command (on Tauri's
//! mock runtime, no window) on another vault holding the same starting records; both are
//! then read back through `comeback_core::api` and must be equal, apart from `version`
//! (each vault's own history). A refusal must be the same refusal: the same message and,
//! where the CLI's exit says it, nothing written on either side.
//!
//! The CLI binary is the one cargo built beside this test (`target/<profile>/comeback`):
//! build it first (`cargo build -p comeback-cli`). Key files only, no keychain.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

use std::path::{Path, PathBuf};
use std::process::Command;

use comeback_app_lib::{AppState, close_vault, commands, open_vault};
use comeback_core::model::{
    self, Contact, Date, Debrief, Intro, IntroStatus, Lesson, PipelineItem, SetbackKind, Stage,
};
use comeback_core::{ErrorCode, KeySource, Vault, api};
use serde_json::{Value as Json, json};
use tauri::http::{HeaderName, HeaderValue};
use tauri::ipc::{InvokeBody, InvokeResponseBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context};
use tempfile::TempDir;

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

/// The `comeback` binary cargo built into the same target folder as this test.
fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/parity-… → target/<profile>/comeback
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir.join(format!("comeback{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "the CLI binary is missing at {}: build it first with `cargo build -p comeback-cli` \
         (same profile as this test)",
        bin.display()
    );
    bin
}

/// Runs `f` again while it fails as `busy` says (for up to ten seconds). The tests run in
/// parallel threads of one process and start `comeback` children: a child forked while
/// another test has its vault open holds a copy of that vault's lock file until `exec`
/// closes it, so an open right after may briefly find the vault busy.
fn while_busy<T, E>(f: impl Fn() -> Result<T, E>, busy: impl Fn(&E) -> bool) -> Result<T, E> {
    let started = std::time::Instant::now();
    loop {
        match f() {
            Err(e) if busy(&e) && started.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// The CLI's refusal of a vault that is open elsewhere.
fn cli_busy(message: &str) -> bool {
    message.starts_with("another Comeback process has the vault")
}

/// One vault in a temporary folder, with its key in a key file.
struct Side {
    _tmp: TempDir,
    dir: PathBuf,
    key: PathBuf,
}

impl Side {
    fn new(seed: &dyn Fn(&mut Vault)) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        let key = tmp.path().join("key");
        let (mut vault, _recovery) = api::init(&dir, &KeySource::KeyFile(key.clone())).unwrap();
        seed(&mut vault);
        Self {
            _tmp: tmp,
            dir,
            key,
        }
    }

    fn open(&self) -> Vault {
        while_busy(
            || api::open(&self.dir, &KeySource::KeyFile(self.key.clone())),
            |e| matches!(e, comeback_core::Error::Busy(_)),
        )
        .unwrap()
    }

    /// A record read back as the fronts see it, without its version.
    fn read(&self, kind: &str, id: &str) -> Json {
        let mut record = api::get_json(&self.open(), kind, id).unwrap();
        record.as_object_mut().unwrap().remove("version");
        record
    }

    fn count(&self, kind: &str) -> usize {
        api::list_json(&self.open(), kind, 1000, 0).unwrap().len()
    }

    /// Runs `comeback --vault DIR --key-file FILE args…`: Ok(stdout) or Err(the reason
    /// it printed, without the `comeback: ` prefix).
    fn cli(&self, args: &[&str]) -> Result<String, String> {
        while_busy(|| self.cli_once(args), |m| cli_busy(m))
    }

    fn cli_once(&self, args: &[&str]) -> Result<String, String> {
        let home = self._tmp.path().join("home");
        let out = Command::new(cli_binary())
            .arg("--vault")
            .arg(&self.dir)
            .arg("--key-file")
            .arg(&self.key)
            .args(args)
            .env_remove("COMEBACK_VAULT")
            .env_remove("COMEBACK_KEY_FILE")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        match out.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
            Some(1) => Err(stderr.trim_start_matches("comeback: ").to_string()),
            other => panic!(
                "`comeback {}` is not there as the test expects it (exit {other:?}): {stderr}",
                args.join(" ")
            ),
        }
    }

    /// Runs the app's command `cmd` with `args` on this vault, through Tauri's IPC.
    fn app(&self, cmd: &str, args: Json) -> Result<Json, api::ErrorReply> {
        self.invoke(cmd, InvokeBody::Json(args), &[])
            .map(|body| body.deserialize::<Json>().unwrap())
    }

    /// Runs the app's command `cmd` with a request body and headers as the window sends
    /// them (a file's bytes raw, not JSON), and hands back the raw reply.
    fn invoke(
        &self,
        cmd: &str,
        body: InvokeBody,
        headers: &[(&'static str, &str)],
    ) -> Result<InvokeResponseBody, api::ErrorReply> {
        self.invoke_all(vec![(cmd, body, headers)]).pop().unwrap()
    }

    /// Runs the app's commands one after the other in one running app (as a window
    /// would: the app lock's state lasts from one to the next), as JSON.
    fn app_session(&self, calls: &[(&str, Json)]) -> Vec<Result<Json, api::ErrorReply>> {
        self.invoke_all(
            calls
                .iter()
                .map(|(cmd, args)| (*cmd, InvokeBody::Json(args.clone()), &[][..]))
                .collect(),
        )
        .into_iter()
        .map(|r| r.map(|body| body.deserialize::<Json>().unwrap()))
        .collect()
    }

    #[allow(clippy::type_complexity)]
    fn invoke_all(
        &self,
        calls: Vec<(&str, InvokeBody, &[(&'static str, &str)])>,
    ) -> Vec<Result<InvokeResponseBody, api::ErrorReply>> {
        let app = mock_builder()
            .manage(AppState::new(self.dir.clone()))
            .invoke_handler(commands::<MockRuntime>())
            .build(mock_context(tauri::test::noop_assets()))
            .unwrap();
        while_busy(
            || open_vault(app.handle(), &KeySource::KeyFile(self.key.clone())),
            |e| e.code == ErrorCode::VaultBusy,
        )
        .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let mut replies = Vec::new();
        for (cmd, body, headers) in calls {
            let reply = get_ipc_response(
                &webview,
                tauri::webview::InvokeRequest {
                    cmd: cmd.into(),
                    callback: tauri::ipc::CallbackFn(0),
                    error: tauri::ipc::CallbackFn(1),
                    url: "tauri://localhost".parse().unwrap(),
                    body,
                    headers: headers
                        .iter()
                        .map(|(k, v)| {
                            (
                                HeaderName::from_static(k),
                                HeaderValue::from_str(v).unwrap(),
                            )
                        })
                        .collect(),
                    invoke_key: INVOKE_KEY.to_string(),
                },
            );
            let result = match reply {
                Ok(body) => Ok(body),
                Err(err) => Err(api::ErrorReply {
                    code: serde_json::from_value::<ErrorCode>(err["code"].clone())
                        .unwrap_or_else(|_| panic!("`{cmd}` failed without a known code: {err}")),
                    message: err["message"].as_str().unwrap_or_default().to_string(),
                }),
            };
            replies.push(result);
        }
        close_vault(app.handle()).unwrap();
        replies
    }

    /// Runs the CLI with `input` on its standard input (a pipe, not a terminal).
    fn cli_with(&self, args: &[&str], input: &str) -> Result<String, String> {
        while_busy(|| self.cli_with_once(args, input), |m| cli_busy(m))
    }

    fn cli_with_once(&self, args: &[&str], input: &str) -> Result<String, String> {
        use std::io::Write;
        let home = self._tmp.path().join("home");
        let mut child = Command::new(cli_binary())
            .arg("--vault")
            .arg(&self.dir)
            .arg("--key-file")
            .arg(&self.key)
            .args(args)
            .env_remove("COMEBACK_VAULT")
            .env_remove("COMEBACK_KEY_FILE")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        match out.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
            Some(1) => Err(stderr.trim_start_matches("comeback: ").to_string()),
            other => panic!("`comeback {}` exited {other:?}: {stderr}", args.join(" ")),
        }
    }

    fn lock_status(&self) -> api::LockStatus {
        api::lock_status(&self.open()).unwrap()
    }
}

/// Two vaults seeded alike: the CLI's and the app's.
fn twins(seed: impl Fn(&mut Vault)) -> (Side, Side) {
    (Side::new(&seed), Side::new(&seed))
}

fn seed_item(v: &mut Vault, stage: Stage, reason: Option<&str>) {
    api::add(
        v,
        PipelineItem {
            id: "item1".into(),
            title: "Data engineer".into(),
            org: "Acme".into(),
            stage,
            closed_reason: reason.map(String::from),
            stage_changed_on: day("2026-10-01"),
            ..Default::default()
        },
    )
    .unwrap();
}

fn seed_contact_and_intro(v: &mut Vault) {
    api::add(
        v,
        Contact {
            id: "ann".into(),
            name: "Ann".into(),
            ..Default::default()
        },
    )
    .unwrap();
    api::add(
        v,
        Intro {
            id: "intro1".into(),
            via_contact_id: "ann".into(),
            to_name: "Bo".into(),
            status: IntroStatus::Requested,
            requested_on: day("2026-11-01"),
            ..Default::default()
        },
    )
    .unwrap();
}

fn seed_debrief(v: &mut Vault) {
    let mut d = Debrief::new("Leaving Acme", SetbackKind::LetGo, "deb1");
    d.started_on = day("2026-11-01");
    d.lessons = vec![Lesson {
        id: "l1".into(),
        lesson: "Runway matters".into(),
        action: "Save three months".into(),
        due: Some(day("2026-12-01")),
        success_test: "the account says so".into(),
    }];
    api::add(v, d).unwrap();
}

#[test]
fn moving_an_item_to_another_stage_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(|v| seed_item(v, Stage::Saved, None));
    cli.cli(&["next", "move", "item1", "--stage", "applied"])
        .unwrap();
    app.app("move_item", json!({ "id": "item1", "stage": "applied" }))
        .unwrap();
    let (a, b) = (cli.read("item", "item1"), app.read("item", "item1"));
    assert_eq!(a["stage"], "applied");
    assert_eq!(a, b);
}

#[test]
fn reopening_a_closed_item_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(|v| seed_item(v, Stage::Closed, Some("no reply")));
    cli.cli(&["next", "move", "item1", "--stage", "interview"])
        .unwrap();
    app.app("move_item", json!({ "id": "item1", "stage": "interview" }))
        .unwrap();
    let (a, b) = (cli.read("item", "item1"), app.read("item", "item1"));
    assert_eq!(a["stage"], "interview");
    assert_eq!(a.get("closed_reason"), None);
    assert_eq!(a, b);
}

#[test]
fn closing_an_item_without_a_reason_is_refused_alike_and_nothing_changes() {
    let (cli, app) = twins(|v| seed_item(v, Stage::Applied, None));
    let by_cli = cli
        .cli(&["next", "move", "item1", "--stage", "closed"])
        .unwrap_err();
    let by_app = app
        .app("move_item", json!({ "id": "item1", "stage": "closed" }))
        .unwrap_err();
    assert_eq!(by_app.code, ErrorCode::Invalid);
    assert_eq!(by_cli, by_app.message);
    assert_eq!(cli.read("item", "item1"), app.read("item", "item1"));
    assert_eq!(cli.read("item", "item1")["stage"], "applied");
}

#[test]
fn moving_an_intro_to_met_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(seed_contact_and_intro);
    cli.cli(&[
        "intro",
        "move",
        "intro1",
        "--status",
        "met",
        "--date",
        "2026-11-20",
    ])
    .unwrap();
    app.app(
        "move_intro",
        json!({ "id": "intro1", "status": "met", "on": "2026-11-20" }),
    )
    .unwrap();
    let (a, b) = (cli.read("intro", "intro1"), app.read("intro", "intro1"));
    assert_eq!(
        (&a["made_on"], &a["met_on"]),
        (&json!("2026-11-20"), &json!("2026-11-20"))
    );
    assert_eq!(a, b);
}

#[test]
fn ticking_a_lesson_action_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(seed_debrief);
    cli.cli(&["debrief", "tick", "deb1", "l1", "--date", "2026-11-20"])
        .unwrap();
    app.app(
        "tick_action",
        json!({ "debriefId": "deb1", "lessonId": "l1", "done": true, "on": "2026-11-20" }),
    )
    .unwrap();
    let (a, b) = (cli.read("debrief", "deb1"), app.read("debrief", "deb1"));
    assert_eq!(a["actions_done"], json!({ "l1": "2026-11-20" }));
    assert_eq!(a, b);
}

#[test]
fn home_and_every_next_action_read_the_same_from_the_cli_and_the_app() {
    // Nine lessons over three debriefs (a debrief keeps three at most).
    let seed = |v: &mut Vault| {
        for n in 0..3 {
            let mut d = Debrief::new("Leaving Acme", SetbackKind::LetGo, format!("deb{n}"));
            d.started_on = day("2026-11-01");
            d.lessons = (1..=3)
                .map(|i| Lesson {
                    id: format!("l{i}"),
                    lesson: "Small steps".into(),
                    action: format!("Step {}", n * 3 + i),
                    due: Some(day(&format!("2026-12-{:02}", n * 3 + i))),
                    success_test: String::new(),
                })
                .collect();
            api::add(v, d).unwrap();
        }
    };
    let (cli, app) = twins(seed);
    let args = ["--json", "--date", "2026-11-30"];
    let home_cli: Json =
        serde_json::from_str(&cli.cli(&[&["home"], &args[..]].concat()).unwrap()).unwrap();
    let home_app = app
        .app("home_summary", json!({ "today": "2026-11-30" }))
        .unwrap();
    assert_eq!(home_cli["actions"], home_app["actions"]);
    assert_eq!(home_cli["more_actions"], home_app["more_actions"]);
    assert_eq!(home_app["more_actions"], json!(9 - api::HOME_ACTIONS));

    let all_cli: Json =
        serde_json::from_str(&cli.cli(&[&["actions"], &args[..]].concat()).unwrap()).unwrap();
    let all_app = app
        .app("next_actions", json!({ "today": "2026-11-30" }))
        .unwrap();
    assert_eq!(all_cli, all_app);
    assert_eq!(all_app.as_array().unwrap().len(), 9);
}

#[test]
fn logging_hours_on_a_missing_project_is_refused_alike_and_writes_nothing() {
    let (cli, app) = twins(|_| {});
    let by_cli = cli
        .cli(&["project", "log", "ghost", "--hours", "2"])
        .unwrap_err();
    let log = model::TimeLog {
        project_id: "ghost".into(),
        date: api::today(),
        hours: 2.0,
        ..Default::default()
    };
    let by_app = app.app("log_hours", json!({ "log": log })).unwrap_err();
    assert_eq!(by_app.code, ErrorCode::NotFound);
    assert_eq!(by_cli, by_app.message);
    assert_eq!((cli.count("timelog"), app.count("timelog")), (0, 0));
}

#[test]
fn asking_for_an_intro_via_a_missing_contact_is_refused_alike_and_writes_nothing() {
    let (cli, app) = twins(|_| {});
    let by_cli = cli
        .cli(&["intro", "add", "--via", "ghost", "--to", "Bo"])
        .unwrap_err();
    let intro = Intro {
        via_contact_id: "ghost".into(),
        to_name: "Bo".into(),
        requested_on: api::today(),
        ..Default::default()
    };
    let by_app = app.app("add_intro", json!({ "intro": intro })).unwrap_err();
    assert_eq!(by_app.code, ErrorCode::NotFound);
    assert_eq!(by_cli, by_app.message);
    assert_eq!((cli.count("intro"), app.count("intro")), (0, 0));
}

fn seed_entry(v: &mut Vault) {
    api::add(
        v,
        model::Entry {
            id: "e1".into(),
            date: day("2026-11-02"),
            text: "A day at the beach".into(),
            ..Default::default()
        },
    )
    .unwrap();
}

/// What the fronts show of an entry's files, without what differs by nature between two
/// vaults (each file's random id and the moment it was added).
fn files(side: &Side, entry: &str) -> Vec<Json> {
    api::attachments_of(&side.open(), entry)
        .unwrap()
        .into_iter()
        .map(|f| {
            let mut f = serde_json::to_value(f).unwrap();
            let o = f.as_object_mut().unwrap();
            o.remove("id");
            o.remove("added_ms");
            f
        })
        .collect()
}

/// The ids of entry e1's files.
fn file_ids(side: &Side) -> Vec<String> {
    api::attachments_of(&side.open(), "e1")
        .unwrap()
        .into_iter()
        .map(|f| f.attachment.id)
        .collect()
}

/// A photo's bytes, and the file the CLI attaches them from.
fn photo(side: &Side, name: &str) -> (Vec<u8>, PathBuf) {
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let path = side._tmp.path().join(name);
    std::fs::write(&path, &bytes).unwrap();
    (bytes, path)
}

#[test]
fn attaching_a_photo_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(seed_entry);
    let name = "Plage à Nice.jpg";
    let (bytes, path) = photo(&cli, name);
    cli.cli(&["entry", "attach", "e1", path.to_str().unwrap()])
        .unwrap();
    // The window sends the bytes raw, the file name percent-encoded in a header.
    let added = app
        .invoke(
            "attach",
            InvokeBody::Raw(bytes.clone()),
            &[
                ("entry-id", "e1"),
                ("file-name", "Plage%20%C3%A0%20Nice.jpg"),
                ("media-type", "image/jpeg"),
            ],
        )
        .unwrap()
        .deserialize::<Json>()
        .unwrap();
    assert_eq!(added["name"], name);
    let (a, b) = (files(&cli, "e1"), files(&app, "e1"));
    assert_eq!(a.len(), 1);
    assert_eq!(
        (&a[0]["name"], &a[0]["present"]),
        (&json!(name), &json!(true))
    );
    assert_eq!(a, b);
    // And the app hands the bytes back raw, as they went in.
    let id = added["id"].as_str().unwrap();
    match app.invoke(
        "attachment_bytes",
        InvokeBody::Json(json!({ "id": id })),
        &[],
    ) {
        Ok(InvokeResponseBody::Raw(back)) => assert_eq!(back, bytes),
        other => panic!("the bytes did not come back raw: {other:?}"),
    }
}

#[test]
fn removing_a_photo_is_the_same_from_the_cli_and_the_app() {
    let with_photo = |v: &mut Vault| {
        seed_entry(v);
        api::attach(v, "e1", "beach.png", None, &mut &b"png bytes"[..]).unwrap();
    };
    let (cli, app) = twins(with_photo);
    cli.cli(&["entry", "detach", &file_ids(&cli)[0]]).unwrap();
    app.app("detach", json!({ "id": file_ids(&app)[0] }))
        .unwrap();
    assert!(files(&cli, "e1").is_empty());
    assert_eq!(files(&cli, "e1"), files(&app, "e1"));
    assert_eq!(
        cli.open().blob_totals().unwrap(),
        app.open().blob_totals().unwrap()
    );
    assert_eq!(cli.open().blob_totals().unwrap(), (0, 0));
}

#[test]
fn attaching_to_a_missing_entry_is_refused_alike_and_stores_nothing() {
    let (cli, app) = twins(|_| {});
    let (bytes, path) = photo(&cli, "beach.jpg");
    let by_cli = cli
        .cli(&["entry", "attach", "ghost", path.to_str().unwrap()])
        .unwrap_err();
    let by_app = app
        .invoke(
            "attach",
            InvokeBody::Raw(bytes),
            &[("entry-id", "ghost"), ("file-name", "beach.jpg")],
        )
        .unwrap_err();
    assert_eq!(by_app.code, ErrorCode::NotFound);
    assert_eq!(by_cli, by_app.message);
    assert_eq!(cli.open().blob_totals().unwrap(), (0, 0));
    assert_eq!(app.open().blob_totals().unwrap(), (0, 0));
}

#[test]
fn a_photo_sent_as_json_numbers_as_androids_webview_does_is_stored_alike() {
    let (raw, json_side) = twins(seed_entry);
    let bytes = b"\x89PNG tiny".to_vec();
    let headers = [("entry-id", "e1"), ("file-name", "tiny.png")];
    raw.invoke("attach", InvokeBody::Raw(bytes.clone()), &headers)
        .unwrap();
    json_side
        .invoke("attach", InvokeBody::Json(json!(bytes)), &headers)
        .unwrap();
    assert_eq!(files(&raw, "e1"), files(&json_side, "e1"));
    assert_eq!(files(&raw, "e1")[0]["size"], json!(bytes.len()));
}

/// A jrnl export (`jrnl --export json`) of two entries and one with nothing in it.
fn jrnl_export(side: &Side) -> PathBuf {
    let path = side._tmp.path().join("journal.json");
    let export = json!({
        "tags": {"@work": 2},
        "entries": [
            {"title": "Interview went well.", "body": " A second round next week.", "date": "2023-01-15",
             "time": "22:30", "tags": ["@work"], "starred": true},
            {"title": "Short one.", "body": "", "date": "2023-01-16", "time": "07:05",
             "tags": ["@work"], "starred": false},
            {"title": "", "body": "  ", "date": "2023-01-17", "time": "08:00", "tags": [], "starred": false}
        ]
    });
    std::fs::write(&path, export.to_string()).unwrap();
    path
}

/// Every entry of a side, as the fronts read them, without their versions.
fn entries(side: &Side) -> Vec<Json> {
    let mut all = api::list_json(&side.open(), "entry", 1000, 0).unwrap();
    for e in &mut all {
        e.as_object_mut().unwrap().remove("version");
    }
    all
}

#[test]
fn importing_a_journal_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(seed_entry);
    let (from_cli, from_app) = (jrnl_export(&cli), jrnl_export(&app));
    let printed = cli
        .cli(&["import", from_cli.to_str().unwrap(), "--json"])
        .unwrap();
    let by_app = app.app("import_path", json!({ "path": from_app })).unwrap();
    assert_eq!(serde_json::from_str::<Json>(&printed).unwrap(), by_app);
    assert_eq!(by_app["added"], 2);
    let (a, b) = (entries(&cli), entries(&app));
    assert_eq!(a.len(), 3);
    assert_eq!(a, b);
    // Twice adds nothing, from either front.
    let again = app.app("import_path", json!({ "path": from_app })).unwrap();
    assert_eq!(
        (&again["added"], &again["unchanged"]),
        (&json!(0), &json!(2))
    );
}

#[test]
fn importing_something_that_is_not_a_journal_is_refused_alike_and_writes_nothing() {
    let (cli, app) = twins(|_| {});
    let not_a_journal = |side: &Side| {
        let path = side._tmp.path().join("holiday.mp4");
        std::fs::write(&path, b"not a journal").unwrap();
        path
    };
    let by_cli = cli
        .cli(&["import", not_a_journal(&cli).to_str().unwrap()])
        .unwrap_err();
    let by_app = app
        .app("import_path", json!({ "path": not_a_journal(&app) }))
        .unwrap_err();
    assert_eq!(by_app.code, ErrorCode::Invalid);
    // The same refusal, each naming its own file.
    assert_eq!(
        by_cli.replace(cli._tmp.path().to_str().unwrap(), "TMP"),
        by_app
            .message
            .replace(app._tmp.path().to_str().unwrap(), "TMP")
    );
    assert!(entries(&cli).is_empty() && entries(&app).is_empty());
}

// ----- the app lock -----

#[test]
fn setting_changing_and_turning_off_the_lock_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(|_| {});
    cli.cli_with(&["lock", "set"], "2468\n").unwrap();
    app.app("lock_set", json!({"passcode": "2468"})).unwrap();
    assert!(cli.lock_status().on);
    assert_eq!(cli.lock_status(), app.lock_status());

    // The app starts locked: each change there comes after the passcode.
    cli.cli(&["lock", "idle", "15"]).unwrap();
    let replies = app.app_session(&[
        ("unlock", json!({"passcode": "2468"})),
        ("set_lock_idle", json!({"minutes": 15})),
    ]);
    assert!(replies.iter().all(Result::is_ok), "{replies:?}");
    assert_eq!(cli.lock_status(), app.lock_status());

    let cli_err = cli.cli_with(&["lock", "off"], "1357\n").unwrap_err();
    let replies = app.app_session(&[
        ("unlock", json!({"passcode": "2468"})),
        ("lock_off", json!({"passcode": "1357"})),
    ]);
    let app_err = replies[1].clone().unwrap_err();
    assert_eq!(app_err.code, ErrorCode::WrongPasscode);
    assert_eq!(cli_err, app_err.message);
    assert_eq!(cli.lock_status(), app.lock_status());

    cli.cli_with(&["lock", "off"], "2468\n").unwrap();
    let replies = app.app_session(&[
        ("unlock", json!({"passcode": "2468"})),
        ("lock_off", json!({"passcode": "2468"})),
    ]);
    assert!(replies.iter().all(Result::is_ok), "{replies:?}");
    assert!(!cli.lock_status().on);
    assert_eq!(cli.lock_status(), app.lock_status());
}

#[test]
fn a_locked_app_refuses_the_journal_until_the_right_passcode() {
    let side = Side::new(&seed_entry);
    side.cli_with(&["lock", "set"], "2468\n").unwrap();
    let replies = side.app_session(&[
        ("list_records", json!({"kind": "entry", "limit": 10})),
        ("recovery_key", json!({})),
        ("lock_status", json!({})),
        ("unlock", json!({"passcode": "1357"})),
        ("unlock", json!({"passcode": "2468"})),
        ("list_records", json!({"kind": "entry", "limit": 10})),
        ("recovery_key", json!({})),
    ]);
    for refused in [&replies[0], &replies[1]] {
        assert_eq!(
            refused.as_ref().unwrap_err().code,
            ErrorCode::Locked,
            "{refused:?}"
        );
    }
    assert_eq!(replies[2].as_ref().unwrap()["on"], true);
    assert_eq!(
        replies[3].as_ref().unwrap_err().code,
        ErrorCode::WrongPasscode
    );
    assert!(replies[4].is_ok(), "{:?}", replies[4]);
    assert_eq!(replies[5].as_ref().unwrap().as_array().unwrap().len(), 1);
    // Unlocked, the recovery key still wants the passcode again.
    assert_eq!(replies[6].as_ref().unwrap_err().code, ErrorCode::Invalid);
}

#[test]
fn a_forgotten_passcode_is_reset_with_the_recovery_key_alike_from_the_cli_and_the_app() {
    let (cli, app) = twins(|_| {});
    cli.cli_with(&["lock", "set"], "2468\n").unwrap();
    app.cli_with(&["lock", "set"], "2468\n").unwrap();
    let other = comeback_core::keys::SecretKey::from_bytes([7; 32]).recovery_key();
    let cli_err = cli
        .cli_with(&["lock", "reset"], &format!("{}\n", other.reveal()))
        .unwrap_err();
    let app_err = app
        .app("lock_reset", json!({"recoveryKey": other.reveal()}))
        .unwrap_err();
    assert_eq!(app_err.code, ErrorCode::BadRecoveryKey);
    assert_eq!(cli_err, app_err.message);
    assert!(app.lock_status().on);

    let key = |side: &Side| std::fs::read_to_string(&side.key).unwrap();
    cli.cli_with(&["lock", "reset"], &key(&cli)).unwrap();
    app.app("lock_reset", json!({"recoveryKey": key(&app).trim()}))
        .unwrap();
    assert!(!cli.lock_status().on);
    assert_eq!(cli.lock_status(), app.lock_status());
}

/// This device's reminder settings as the core reads them back.
fn reminder_settings_of(side: &Side) -> api::ReminderSettings {
    api::reminder_settings(&side.open()).unwrap()
}

#[test]
fn saving_reminder_settings_is_the_same_from_the_cli_and_the_app() {
    let (cli, app) = twins(|_| {});
    cli.cli(&["reminders", "set", "--kind", "check_in", "--on"])
        .unwrap();
    cli.cli(&["reminders", "set", "--kind", "contact-due", "--off"])
        .unwrap();
    cli.cli(&[
        "reminders",
        "set",
        "--quiet",
        "22:00-07:00",
        "--check-in",
        " 21:30",
    ])
    .unwrap();
    let mut wanted = reminder_settings_of(&app);
    wanted.set(api::ReminderKind::CheckIn, true);
    wanted.set(api::ReminderKind::ContactDue, false);
    wanted.quiet_hours = Some(api::QuietHours {
        start: "22:00".into(),
        end: "07:00".into(),
    });
    wanted.check_in_time = " 21:30".into();
    let kept = app
        .app("set_reminder_settings", json!({ "settings": wanted }))
        .unwrap();
    let (a, b) = (reminder_settings_of(&cli), reminder_settings_of(&app));
    assert_eq!(a, b);
    assert_eq!(b.check_in_time, "21:30");
    assert!(b.is_on(api::ReminderKind::CheckIn));
    assert!(!b.is_on(api::ReminderKind::ContactDue));
    // The app hands back the settings as kept.
    assert_eq!(kept, serde_json::to_value(&b).unwrap());
    // And reads them back through its own command alike.
    assert_eq!(
        app.app("reminder_settings", json!({})).unwrap(),
        serde_json::to_value(&a).unwrap()
    );
}

#[test]
fn reminder_settings_the_core_refuses_are_refused_alike_and_nothing_changes() {
    let (cli, app) = twins(|_| {});
    let before = reminder_settings_of(&cli);
    let by_cli = cli
        .cli(&["reminders", "set", "--quiet", "22:00-22:00"])
        .unwrap_err();
    let mut asked = reminder_settings_of(&app);
    asked.quiet_hours = Some(api::QuietHours {
        start: "22:00".into(),
        end: "22:00".into(),
    });
    let by_app = app
        .app("set_reminder_settings", json!({ "settings": asked }))
        .unwrap_err();
    assert_eq!(by_app.code, ErrorCode::Invalid);
    assert_eq!(by_cli, by_app.message);
    assert_eq!(reminder_settings_of(&cli), before);
    assert_eq!(reminder_settings_of(&app), before);
}

#[test]
fn the_app_lists_the_same_reminders_as_the_cli() {
    let (cli, app) = twins(|v| {
        let mut settings = api::reminder_settings(v).unwrap();
        settings.set(api::ReminderKind::CheckIn, true);
        settings.check_in_time = "20:00".into();
        api::set_reminder_settings(v, settings).unwrap();
    });
    let from = "2026-12-01T00:00:00+00:00";
    let to = "2026-12-02T00:00:00+00:00";
    let by_cli: Json = serde_json::from_str(
        &cli.cli(&[
            "reminders",
            "--json",
            "--from",
            from,
            "--to",
            to,
            "--tz",
            "UTC",
        ])
        .unwrap(),
    )
    .unwrap();
    let by_app = app
        .app("reminders", json!({ "from": from, "to": to, "tz": "UTC" }))
        .unwrap();
    assert_eq!(by_cli, by_app);
    assert!(
        by_app
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "check_in")
    );
}

// ----- files the person saves where they chose (no CLI twin: the CLI prints to stdout) -----

#[test]
fn the_app_saves_text_to_the_place_the_person_chose() {
    let app = Side::new(&|_| {});
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("launch.md");
    std::fs::write(&path, "an older copy").unwrap();
    let reply = app.app(
        "save_text_file",
        json!({ "path": path.display().to_string(), "text": "# Launch\n\nWhat went well." }),
    );
    assert_eq!(reply.unwrap(), Json::Null);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# Launch\n\nWhat went well."
    );
    // Whole or not at all: nothing but the file is left in the folder.
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
}

#[test]
fn the_app_refuses_to_save_into_a_folder_that_is_not_there_and_says_what_to_do() {
    let app = Side::new(&|_| {});
    let folder = tempfile::tempdir().unwrap();
    let gone = folder.path().join("gone");
    let path = gone.join("comeback-debrief.ics");
    let refused = app
        .app(
            "save_text_file",
            json!({ "path": path.display().to_string(), "text": "BEGIN:VCALENDAR" }),
        )
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotFound);
    assert_eq!(
        refused.message,
        "The file was not saved: the folder you chose is not there any more. Choose another \
         place to save it."
    );
    // The message speaks to a person: no path, no system error text.
    assert!(!refused.message.contains(&*gone.to_string_lossy()));
    assert!(!refused.message.contains("os error"));
    assert!(!gone.exists());
}
