//! End-to-end tests of the real app window: `comeback-app` driven through
//! `tauri-driver` and WebKitWebDriver, under Xvfb, with the real Secret Service
//! (`scripts/test.sh` provides the display, the D-Bus session and gnome-keyring, and
//! installs the drivers). Each test has its own vault folder. Screenshots of every
//! screen at phone (390×844) and desktop (1280×800) size go to
//! `$CARGO_TARGET_DIR/e2e-screenshots/`; a curated set lives in `docs/screenshots/`.

#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use webdriver::Driver;

const APP: &str = env!("CARGO_BIN_EXE_comeback-app");
const DESKTOP: (u32, u32) = (1280, 800);
const PHONE: (u32, u32) = (390, 844);

/// One window at a time: two cores, one display.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn shots() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("e2e-screenshots")
}

fn launch(vault: &Path, size: (u32, u32)) -> Driver {
    Driver::launch(Path::new(APP), &[("COMEBACK_VAULT", vault)], size)
}

fn page_text(d: &Driver) -> String {
    d.script("return document.body.innerText;")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn wait_for_page_text(d: &Driver, want: &str) {
    let started = std::time::Instant::now();
    while !page_text(d).contains(want) {
        assert!(
            started.elapsed() < webdriver::PATIENCE,
            "the window never showed {want:?}; it shows:\n{}",
            page_text(d)
        );
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

/// Goes to a screen by its navigation item, opening "More" on phones when needed.
fn go(d: &Driver, screen: &str) {
    let id = format!("nav-{screen}");
    if !d.exists(&id) && d.exists("nav-more") {
        d.click("nav-more");
    }
    d.click(&id);
}

/// First run: create the vault, confirm the recovery key was saved, fill the profile.
fn first_run(d: &Driver) {
    d.click("create-vault");
    let key = d.text("recovery-key");
    assert!(
        key.split('-').count() > 10,
        "a recovery key is shown: {key:?}"
    );
    d.click("recovery-saved");
    d.click("recovery-continue");
    d.click("profile-save");
    d.find("nav-home");
}

fn write_entry(d: &Driver, text: &str) {
    go(d, "journal");
    d.click("entry-new");
    d.type_into("entry-editor", text);
    d.wait_for_text("save-state", "Saved");
}

#[test]
fn a_first_entry_is_still_there_after_quitting_and_relaunching() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let d = launch(&vault, DESKTOP);
        first_run(&d);
        write_entry(&d, "Walked to the river and felt the fog lift a little.");
    }
    assert!(vault.join("vault.json").exists());
    let d = launch(&vault, DESKTOP);
    go(&d, "journal");
    wait_for_page_text(&d, "felt the fog lift");
}

#[test]
fn a_vault_written_by_the_cli_shows_in_the_window() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let source = comeback_core::KeySource::platform().unwrap();
        let (mut v, _) = comeback_core::api::init(&vault, &source).unwrap();
        comeback_core::api::add_entry(
            &mut v,
            comeback_core::api::NewEntry {
                text: "Written from the terminal on the home box.".into(),
                mood: Some(4),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let d = launch(&vault, DESKTOP);
    go(&d, "journal");
    wait_for_page_text(&d, "Written from the terminal");
}

#[test]
fn every_screen_renders_at_phone_and_desktop_size() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    d.screenshot(&shots().join("desktop-first-run.png"));
    first_run(&d);
    write_entry(&d, "A calm morning; sent two messages before the news.");
    for (label, size) in [("desktop", DESKTOP), ("phone", PHONE)] {
        d.resize(size);
        for screen in [
            "home", "journal", "debrief", "network", "mojo", "next", "devices", "settings",
        ] {
            go(&d, screen);
            std::thread::sleep(std::time::Duration::from_millis(300));
            let overflow = d
                .script("return document.documentElement.scrollWidth > window.innerWidth + 1;")
                .as_bool()
                .unwrap_or(true);
            assert!(!overflow, "{screen} scrolls sideways at {label} size");
            d.screenshot(&shots().join(format!("{label}-{screen}.png")));
        }
    }
}
