//! End-to-end tests of the real app window: `comeback-app` driven through
//! `tauri-driver` and WebKitWebDriver, under Xvfb, with the real Secret Service
//! (`scripts/test.sh` provides the display, the D-Bus session and gnome-keyring, and
//! installs the drivers). Each test has its own vault folder. Screenshots of every
//! screen at phone (390×844) and desktop (1280×800) size go to
//! `$CARGO_TARGET_DIR/e2e-screenshots/`; a curated set lives in `docs/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking test is a failing test

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
    // The four steps, then each setup stage skipped (each waited for by name, so a click
    // never lands on the stage before while it leaves).
    d.find("firstrun-steps");
    d.click("firstrun-next");
    for stage in ["grief", "worry", "debrief", "reminders"] {
        d.find(&format!("firstrun-{stage}"));
        d.click("firstrun-skip");
    }
    d.find("nav-home");
}

/// Whether the page is wider than the window (a phone would scroll it sideways).
fn scrolls_sideways(d: &Driver) -> bool {
    d.script("return document.documentElement.scrollWidth > window.innerWidth + 1;")
        .as_bool()
        .unwrap_or(true)
}

/// Waits until `js`, a script body returning a boolean, returns `true`.
fn wait_until(d: &Driver, what: &str, js: &str) {
    let started = std::time::Instant::now();
    while d.script(js).as_bool() != Some(true) {
        assert!(
            started.elapsed() < webdriver::PATIENCE,
            "{what} never happened; the window shows:\n{}",
            page_text(d)
        );
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

/// Opens the time-off summary on Mojo, clicking its toggle again if the card was drawn
/// anew (closed) while its data arrived, and answers the summary's text.
fn open_time_off_summary(d: &Driver) -> String {
    wait_until(
        d,
        "the time-off summary opening",
        "const t = document.querySelector('[data-testid=summary-toggle]');\
         if (t && t.getAttribute('aria-expanded') !== 'true') t.click();\
         const s = document.querySelector('[data-testid=summary-text]');\
         return !!s && s.textContent.includes('How I spent my time off');",
    );
    d.text("summary-text")
}

/// Waits until the element's text no longer contains `gone`.
fn wait_for_text_gone(d: &Driver, testid: &str, gone: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let text = d.text(testid);
        if !text.contains(gone) {
            return text;
        }
        assert!(
            started.elapsed() < webdriver::PATIENCE,
            "{testid} still shows {gone:?}: {text:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

/// How many elements with test id `inner` sit inside the element with test id `outer`.
fn count_inside(d: &Driver, outer: &str, inner: &str) -> u64 {
    d.script(&format!(
        "const o = document.querySelector('[data-testid=\"{outer}\"]');\
         return o ? o.querySelectorAll('[data-testid=\"{inner}\"]').length : 0;"
    ))
    .as_u64()
    .unwrap_or(0)
}

/// Clicks "Next" in the guided debrief and waits for the step it leads to.
fn debrief_next(d: &Driver, step: &str) {
    d.click("debrief-next");
    wait_until(
        d,
        &format!("the debrief reaching the {step} step"),
        &format!(
            "const s = document.querySelector('[data-testid=\"debrief-step\"]');\
             return !!s && s.dataset.step === '{step}';"
        ),
    );
}

/// A new vault at `vault`, its key in the test session's keychain, as `comeback init`
/// makes it.
fn new_vault(vault: &Path) -> comeback_core::Vault {
    let source = comeback_core::KeySource::platform().unwrap();
    comeback_core::api::init(vault, &source).unwrap().0
}

/// Opens the vault a window had open: its process lets go of it a moment after the
/// window is closed.
fn reopen(vault: &Path) -> comeback_core::Vault {
    let source = comeback_core::KeySource::platform().unwrap();
    let started = std::time::Instant::now();
    loop {
        match comeback_core::api::open(vault, &source) {
            Err(comeback_core::Error::Busy(_))
                if started.elapsed() < std::time::Duration::from_secs(30) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => return other.unwrap(),
        }
    }
}

/// Scrolls the element with this test id to the top (`block` "start") or the middle
/// ("center") of the window, with the focus let go, for a screenshot (which shows the
/// window's viewport only).
fn show(d: &Driver, testid: &str, block: &str) {
    d.find(testid);
    d.script(&format!(
        "document.activeElement?.blur();\
         document.querySelector('[data-testid=\"{testid}\"]').scrollIntoView({{block: '{block}'}});"
    ));
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// A photo of a beach at sunset, drawn here (sky, sun, sea and sand), as a PNG file.
fn beach_photo(path: &Path) {
    let (w, h) = (960u32, 720u32);
    let mix = |a: [f32; 3], b: [f32; 3], t: f32| -> [f32; 3] {
        [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t.clamp(0.0, 1.0))
    };
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let rgb = if fy < 0.58 {
                let sky = mix([88.0, 112.0, 168.0], [250.0, 186.0, 140.0], fy / 0.58);
                let (dx, dy) = ((fx - 0.66) * w as f32, (fy - 0.47) * h as f32);
                let sun = 1.0 - ((dx * dx + dy * dy).sqrt() - 52.0) / 10.0;
                mix(sky, [255.0, 236.0, 196.0], sun)
            } else if fy < 0.78 {
                let wave = ((fx * 40.0 + fy * 300.0).sin() * 0.5 + 0.5) * 0.15;
                mix(
                    [46.0, 96.0, 128.0],
                    [120.0, 160.0, 170.0],
                    (fy - 0.58) / 0.2 + wave,
                )
            } else {
                mix(
                    [214.0, 188.0, 150.0],
                    [236.0, 218.0, 184.0],
                    (fy - 0.78) / 0.22,
                )
            };
            pixels.extend(rgb.map(|c| c as u8));
        }
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
}

/// Waits until `count` photos show in the open entry, each drawn.
fn wait_for_photos(d: &Driver, count: usize) {
    wait_until(
        d,
        &format!("{count} photo(s) drawn in the entry"),
        &format!(
            "const imgs = [...document.querySelectorAll('[data-testid=\"entry-photo\"] img')];\
             return imgs.length === {count} && imgs.every((i) => i.complete && i.naturalWidth > 0);"
        ),
    );
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
fn the_app_runs_with_core_dumps_off() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let _one = serial();
    // The app inherits this process's core limit: make it one that allows core files, so
    // that the 0 it shows is its own doing.
    let before = getrlimit(Resource::Core);
    let allow = match before.maximum {
        None => Rlimit {
            current: Some(1 << 20),
            maximum: None,
        },
        Some(0) => Rlimit {
            current: Some(1 << 20),
            maximum: Some(1 << 20),
        },
        Some(hard) => Rlimit {
            current: Some(hard.min(1 << 20)),
            maximum: Some(hard),
        },
    };
    setrlimit(Resource::Core, allow).unwrap_or_else(|e| {
        panic!("this test needs core files allowed to start with (ulimit -Hc is 0 and cannot be raised: {e})")
    });
    let dir = tempfile::tempdir().unwrap();
    let d = launch(&dir.path().join("vault"), DESKTOP);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", d.app_pid())).unwrap();
    setrlimit(Resource::Core, before).unwrap();
    let core: Vec<&str> = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max core file size"))
        .expect("a core limit")
        .split_whitespace()
        .take(2)
        .collect();
    assert_eq!(core, ["0", "0"], "{limits}");
}

#[test]
fn an_entrys_date_is_changed_in_the_editor_at_phone_size() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let d = launch(&vault, PHONE);
        first_run(&d);
        write_entry(&d, "Meant to write this on the fifth of October.");
        d.set_value("entry-date", "2026-10-05");
        d.wait_for_text("save-state", "Saved");
        d.screenshot(&shots().join("phone-journal-editor.png"));
    }
    // The vault holds the entry once, on its new date.
    let v = reopen(&vault);
    let entries = comeback_core::api::list_json(&v, "entry", 10, 0).unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["date"], "2026-10-05");
    assert!(
        entries[0]["text"]
            .as_str()
            .unwrap()
            .contains("fifth of October")
    );
}

#[test]
fn a_vault_written_by_the_cli_shows_in_the_window() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let mut v = new_vault(&vault);
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
fn home_shows_seven_next_actions_and_all_of_them_on_show_all() {
    use comeback_core::api;
    use comeback_core::model::{Debrief, Lesson, SetbackKind, new_id};
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let mut v = new_vault(&vault);
        let today = api::today();
        // Twelve lessons over four debriefs (a debrief keeps three at most).
        for (n, title) in [
            "Leaving Acme",
            "The pitch that failed",
            "Year one",
            "The move",
        ]
        .into_iter()
        .enumerate()
        {
            let mut d = Debrief::new(title, SetbackKind::LetGo, new_id());
            d.lessons = (1..=3)
                .map(|i| Lesson {
                    id: new_id(),
                    lesson: "Small steps".into(),
                    action: format!("Next step {}", n * 3 + i),
                    due: today.checked_add_days(chrono::Days::new((n * 3 + i) as u64)),
                    success_test: String::new(),
                })
                .collect();
            api::add(&mut v, d).unwrap();
        }
    }
    let d = launch(&vault, PHONE);
    d.wait_for_text("next-actions-all", "Show all 12");
    assert_eq!(count_inside(&d, "next-actions", "next-action"), 7);
    show(&d, "next-actions-all", "center");
    d.screenshot(&shots().join("phone-home-next-actions.png"));
    d.click("next-actions-all");
    wait_for_page_text(&d, "Next step 12");
    assert_eq!(count_inside(&d, "next-actions", "next-action"), 12);
    assert!(!d.exists("next-actions-all"), "every action is shown");
    d.resize(DESKTOP);
    show(&d, "next-actions", "start");
    d.screenshot(&shots().join("desktop-home-next-actions-all.png"));
}

#[test]
fn an_entry_from_this_day_a_year_ago_opens_from_the_journal_and_from_home() {
    use comeback_core::api;
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let mut v = new_vault(&vault);
        let a_year_ago = api::today()
            .checked_sub_months(chrono::Months::new(12))
            .unwrap();
        api::add_entry(
            &mut v,
            api::NewEntry {
                text: format!(
                    "The first long walk since the news.\n{}",
                    "By the river, then up the hill. ".repeat(40)
                ),
                mood: Some(3),
                date: Some(a_year_ago),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let opened = "return (document.querySelector('[data-testid=\"entry-editor\"]')?.value ?? '')\
                  .includes('up the hill');";
    let open_first = "document.querySelector('[data-testid=\"on-this-day\"] button').click();";
    let d = launch(&vault, DESKTOP);
    go(&d, "journal");
    d.wait_for_text("on-this-day", "The first long walk since the news.");
    assert!(
        !d.text("on-this-day").contains("up the hill"),
        "a line shows the first line only"
    );
    d.script(open_first);
    wait_until(&d, "the Journal's line opened the entry", opened);
    go(&d, "home");
    d.wait_for_text("on-this-day", "The first long walk since the news.");
    d.resize(PHONE);
    show(&d, "on-this-day", "center");
    d.screenshot(&shots().join("phone-home-on-this-day.png"));
    d.script(open_first);
    wait_until(&d, "Home's line opened the entry in the Journal", opened);
    assert!(
        d.script("return location.hash;")
            .as_str()
            .unwrap_or_default()
            .starts_with("#/journal/")
    );
}

/// A few weeks of a plausible comeback, written through the core API (as the CLI would),
/// so the screenshots show screens with data in them.
fn lived_in_vault(vault: &Path) {
    use comeback_core::api::{self, NewEntry};
    use comeback_core::model::*;
    let today = api::today();
    let days_ago = |n: u64| today.checked_sub_days(chrono::Days::new(n)).unwrap();
    let mut v = new_vault(vault);
    let mut profile = Profile::new(SetbackKind::LetGo, days_ago(20));
    profile.what_happened = "My team was cut in the autumn reorganisation.".into();
    profile.grief_ends_on = today.checked_add_days(chrono::Days::new(9));
    profile.back_by = today.checked_add_days(chrono::Days::new(90));
    v.put(&profile).unwrap();
    for (n, mood, text) in [
        (
            0,
            4,
            "A calm morning; sent two messages before the news. Priya answered within the hour.",
        ),
        (
            1,
            2,
            "Hard day. Reread the layoff letter and had to walk it off by the river.",
        ),
        (
            2,
            3,
            "Finished the first draft of the debrief timeline. It was less one-sided than I feared.",
        ),
    ] {
        api::add_entry(
            &mut v,
            NewEntry {
                text: text.into(),
                mood: Some(mood),
                tags: vec!["comeback".into()],
                date: Some(days_ago(n)),
            },
        )
        .unwrap();
    }
    let mut debrief = Debrief::new("Leaving Acme", SetbackKind::LetGo, new_id());
    debrief.started_on = days_ago(6);
    debrief.step = DebriefStep::Lessons;
    debrief.intent = "Ship the data platform and grow into a lead role.".into();
    debrief.lessons.push(Lesson {
        id: new_id(),
        lesson: "I waited too long to ask for feedback.".into(),
        action: "Ask for a quarterly review in the next job".into(),
        due: today.checked_add_days(chrono::Days::new(5)),
        success_test: "A review is in the calendar".into(),
    });
    v.put(&debrief).unwrap();
    let mut contacts = Vec::new();
    for (name, tie) in [
        ("Priya Raman", Tie::Rarely),
        ("Tomás Silva", Tie::Occasionally),
        ("Jo Berg", Tie::Often),
    ] {
        let c = Contact {
            id: new_id(),
            name: name.into(),
            tie,
            how_known: "worked together at Acme".into(),
            ..Default::default()
        };
        v.put(&c).unwrap();
        contacts.push(c.id);
    }
    api::log_outreach(
        &mut v,
        Outreach {
            id: new_id(),
            contact_id: contacts[2].clone(),
            date: days_ago(1),
            message: "Coffee next week?".into(),
            reply: "Yes! Thursday?".into(),
            lead: String::new(),
        },
    )
    .unwrap();
    let project = Project {
        id: new_id(),
        name: "Open-source CLI".into(),
        started_on: days_ago(20),
        ..Default::default()
    };
    v.put(&project).unwrap();
    for (n, hours) in [(0, 3.5), (1, 4.0), (3, 2.5), (8, 6.0), (10, 5.0), (15, 7.5)] {
        v.put(&TimeLog {
            id: new_id(),
            project_id: project.id.clone(),
            date: days_ago(n),
            hours,
            note: String::new(),
        })
        .unwrap();
    }
    for (n, mood) in [(0, 4), (1, 2), (2, 3), (3, 3), (5, 2), (6, 4)] {
        v.put(&MoodCheckIn {
            id: new_id(),
            date: days_ago(n),
            mood,
            note: String::new(),
        })
        .unwrap();
    }
    v.put(&Win {
        id: new_id(),
        date: days_ago(4),
        title: "Talk accepted at the Rust meetup".into(),
        category: BragCategory::DesignWriting,
        text: String::new(),
    })
    .unwrap();
    v.put(&Event {
        id: new_id(),
        date: days_ago(2),
        title: "Rust meetup".into(),
        kind: EventKind::Meetup,
        ..Default::default()
    })
    .unwrap();
    for (title, org, stage) in [
        ("Data engineer", "Northwind", Stage::Interview),
        ("Platform lead", "Blue Harbor", Stage::Applied),
        ("Freelance pipeline audit", "Quanta", Stage::Saved),
    ] {
        v.put(&PipelineItem {
            id: new_id(),
            kind: ItemKind::Job,
            title: title.into(),
            org: org.into(),
            stage,
            stage_changed_on: days_ago(3),
            ..Default::default()
        })
        .unwrap();
    }
}

#[test]
fn every_screen_renders_at_phone_and_desktop_size() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    {
        let d = launch(&vault, DESKTOP);
        d.find("create-vault");
        d.screenshot(&shots().join("desktop-first-run.png"));
    }
    lived_in_vault(&vault);
    let d = launch(&vault, DESKTOP);
    d.find("nav-home");
    for (label, size) in [("desktop", DESKTOP), ("phone", PHONE)] {
        d.resize(size);
        for screen in [
            "home", "journal", "debrief", "network", "mojo", "next", "devices", "settings",
        ] {
            go(&d, screen);
            std::thread::sleep(std::time::Duration::from_millis(300));
            assert!(
                !scrolls_sideways(&d),
                "{screen} scrolls sideways at {label} size"
            );
            d.screenshot(&shots().join(format!("{label}-{screen}.png")));
        }
    }
    // The data written outside the window is what the screens show.
    go(&d, "journal");
    wait_for_page_text(&d, "Priya answered within the hour");
}

#[test]
fn a_whole_debrief_can_be_walked_to_completion() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    first_run(&d);

    go(&d, "debrief");
    d.click("debrief-new");
    d.type_into("debrief-title", "Leaving Acme");
    d.click("debrief-create");
    d.wait_for_text("debrief-next", "Skip");
    assert_eq!(
        d.script("return document.querySelector('[data-testid=\"debrief-step\"]').dataset.step;")
            .as_str(),
        Some("unload"),
        "a new debrief starts at the unload step"
    );
    assert!(
        !d.exists("debrief-complete"),
        "a debrief cannot be marked complete from its first step"
    );

    d.type_into(
        "debrief-unload",
        "Angry and tired; the reorganisation came out of nowhere.",
    );
    d.wait_for_text("debrief-next", "Next: Intent");
    debrief_next(&d, "intent");

    d.type_into("debrief-intent", "Ship the billing rewrite by spring.");
    d.type_into(
        "debrief-success-measure",
        "Invoices out on the new system by March.",
    );
    debrief_next(&d, "timeline");

    d.click("timeline-add");
    d.type_into(
        "timeline-fact",
        "The budget for my team was cut in January.",
    );
    debrief_next(&d, "questions");

    d.click("probe-rating-1-4");
    d.type_into(
        "probe-evidence-1",
        "We promised three releases and shipped one.",
    );
    debrief_next(&d, "why_tree");

    d.click("why-add");
    d.type_into("why-cause", "The company lost its biggest client");
    d.select("why-control", "Outside my control");
    d.type_into("why-evidence", "Announced at the all-hands in December.");
    d.wait_for_text("why-counts", "1 outside");
    debrief_next(&d, "hot_thought");

    d.type_into("hot-thought", "I'm unemployable.");
    d.set_value("hot-before", "90");
    d.set_value("hot-after", "40");
    wait_for_page_text(&d, "Down 50 points");
    debrief_next(&d, "lessons");

    d.type_into("debrief-keep", "Writing things down for the team.");
    d.type_into("debrief-change", "Raise the alarm on scope sooner.");
    // No lesson yet: marking the debrief complete is refused, and says why.
    d.click("debrief-complete");
    d.wait_for_text("debrief-complete-error", "at least one lesson");
    assert!(
        !d.exists("debrief-completed"),
        "the refusal did not complete it"
    );

    d.click("lesson-add");
    d.type_into("lesson-text", "I stayed on a sinking project too long");
    d.type_into("lesson-action", "Ask for a quarterly project review");
    d.set_value("lesson-due", "2031-03-31");
    d.type_into("lesson-test", "One review booked with my next manager");
    debrief_next(&d, "close");

    d.type_into("close-feeling", "Disappointed, and a little relieved");
    d.type_into("close-others", "Good people get let go every year.");
    d.type_into("close-kind", "You did the honest work; rest this weekend.");
    debrief_next(&d, "done");
    wait_for_page_text(&d, "Ask for a quarterly project review");

    d.click("debrief-complete");
    d.find("debrief-completed");
    wait_for_page_text(&d, "Debrief complete");
    assert!(
        !d.exists("debrief-complete-error"),
        "the earlier refusal is gone once it completes"
    );

    d.click("debrief-markdown");
    let md = d.wait_for_text("debrief-markdown-text", "Status: complete");
    for want in [
        "# Leaving Acme",
        "Ship the billing rewrite by spring.",
        "The budget for my team was cut in January.",
        "(4/5)",
        "We promised three releases and shipped one.",
        "The company lost its biggest client (outside my control)",
        "> I'm unemployable.",
        "Belief before looking at the evidence: 90/100",
        "Belief after: 40/100",
        "I stayed on a sinking project too long",
        "- Action: Ask for a quarterly project review",
        "- Due: 2031-03-31",
        "Disappointed, and a little relieved",
    ] {
        assert!(md.contains(want), "the Markdown has {want:?}:\n{md}");
    }

    d.click("debrief-back-to-list");
    d.wait_for_text("debrief-item", "Complete");
}

#[test]
fn a_contact_and_an_outreach_update_the_due_list() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    first_run(&d);
    go(&d, "network");
    d.find("due-list");

    for (name, how) in [
        ("Priya Raman", "Old team at Acme"),
        ("Tomás Ortega", "Met at a meetup"),
    ] {
        // The list comes first; the form opens from "Add a contact" in a dialog.
        d.click("contact-add");
        d.type_into("contact-name", name);
        d.type_into("contact-how", how);
        d.select("contact-tie", "Rarely (once a year or less)");
        d.click("contact-save");
        d.wait_for_text("due-list", name);
        // The dialog closes once the contact is saved.
        wait_until(
            &d,
            "the contact dialog closing",
            "return document.querySelector('[data-testid=\"contact-dialog\"]') === null;",
        );
    }
    let due = d.text("due-list");
    assert!(
        due.contains("Rarely"),
        "the due contact shows its tie: {due:?}"
    );
    assert!(due.contains("never contacted"), "{due:?}");
    assert_eq!(count_inside(&d, "due-list", "due-contact"), 2);

    d.click("outreach-add");
    d.select("outreach-contact", "Priya Raman");
    d.type_into(
        "outreach-message",
        "Hi Priya, I've left Acme and I'm looking at data roles. Coffee?",
    );
    d.click("outreach-save");

    let due = wait_for_text_gone(&d, "due-list", "Priya Raman");
    assert!(
        due.contains("Tomás Ortega"),
        "the contact not reached stays due: {due:?}"
    );
    assert_eq!(count_inside(&d, "due-list", "due-contact"), 1);
    let log = d.wait_for_text("outreach-list", "Priya Raman");
    assert!(
        log.contains("Coffee?"),
        "the log shows the message: {log:?}"
    );
    d.wait_for_text("contact-list", "last contact");
}

#[test]
fn logged_hours_show_in_the_chart() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    first_run(&d);
    go(&d, "mojo");

    // The list comes first; the form opens from "Add a project".
    assert!(!d.exists("project-name"), "no form before Add is pressed");
    d.click("project-add");
    d.type_into("project-name", "Open-source invoice parser");
    d.clear("project-target");
    d.type_into("project-target", "15");
    d.click("project-save");
    d.wait_for_text("project-item", "Open-source invoice parser");
    wait_until(
        &d,
        "the dialog closing once saved",
        "return !document.querySelector('[data-testid=\"project-dialog\"]');",
    );
    d.wait_for_text("projects", "0 / 15 h this week");
    d.find("hours-chart-empty");
    assert!(!d.exists("hours-chart"), "no chart before any hours");

    d.click("hours-add");
    d.type_into("hours-input", "3.5");
    d.type_into("hours-note", "Parsed the first real PDF");
    d.click("log-hours");
    d.find("hours-chart");
    d.wait_for_text("hours-list", "Parsed the first real PDF");
    d.wait_for_text("projects", "3.5 / 15 h this week");

    assert!(
        count_inside(&d, "hours-chart", "chart-bar") >= 1,
        "the chart has a bar for this week"
    );
    assert_eq!(
        count_inside(&d, "hours-chart", "chart-target"),
        1,
        "the chart draws the weekly target"
    );
    let chart = d
        .script("return document.querySelector('[data-testid=\"hours-chart\"]').textContent;")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        chart.contains(": 3.5 h"),
        "a bar is labelled 3.5 h: {chart:?}"
    );
    assert!(chart.contains("target 15 h"), "{chart:?}");
}

#[test]
fn a_pipeline_item_moves_to_offer() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    first_run(&d);
    go(&d, "next");

    // The board comes first; the form opens from "Add to the pipeline".
    assert!(!d.exists("item-title"), "no form before Add is pressed");
    d.click("item-add");
    d.type_into("item-title", "Data engineer");
    d.type_into("item-org", "Northwind");
    d.select("item-kind", "Job");
    d.click("item-form-save");
    d.wait_for_text("column-saved", "Data engineer");
    wait_until(
        &d,
        "the dialog closing once saved",
        "return !document.querySelector('[data-testid=\"item-dialog\"]');",
    );

    d.click("pipeline-item");
    d.wait_for_text("item-detail", "Data engineer, Northwind");
    d.wait_for_text("item-detail", "Job · Saved since");
    for (stage, label) in [
        ("applied", "Applied"),
        ("screen", "Screen"),
        ("interview", "Interview"),
        ("offer", "Offer"),
    ] {
        d.click(&format!("move-{stage}"));
        d.wait_for_text("item-detail", &format!("Job · {label} since"));
        d.wait_for_text(&format!("column-{stage}"), "Data engineer");
    }
    assert!(!d.exists("move-offer"), "no move to the stage it is at");
    assert_eq!(count_inside(&d, "column-offer", "pipeline-item"), 1);
    assert_eq!(count_inside(&d, "column-saved", "pipeline-item"), 0);

    // Closing asks why; without a reason it is refused and the item stays at offer.
    d.click("move-closed");
    d.find("close-dialog");
    d.click("close-confirm");
    d.wait_for_text("close-error", "say why this closed");
    assert!(
        d.exists("close-dialog"),
        "the dialog stays open to take a reason"
    );
    d.wait_for_text("item-detail", "Job · Offer since");
    assert_eq!(count_inside(&d, "column-offer", "pipeline-item"), 1);
    assert_eq!(count_inside(&d, "column-closed", "pipeline-item"), 0);

    // With a reason it closes.
    d.type_into("close-reason", "took another offer");
    d.click("close-confirm");
    d.wait_for_text("column-closed", "Data engineer");
    d.wait_for_text("item-detail", "took another offer");
    assert!(
        !d.exists("close-dialog"),
        "the dialog closes once it is saved"
    );
    assert_eq!(count_inside(&d, "column-offer", "pipeline-item"), 0);
}

/// The window shows a ticket; another device (a headless node with its own vault, as
/// the CLI runs it) joins with it; the window shows the check code the joiner derived,
/// and "Pair" adds the device and runs the first sync.
#[test]
fn a_device_pairs_through_the_devices_screen() {
    use comeback_net::{Node, Options};
    use std::sync::Arc;
    use std::time::Duration;

    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let d = launch(&vault, DESKTOP);
    first_run(&d);
    go(&d, "devices");
    d.find("devices-alone");
    d.click("devices-invite");
    d.find("invite-qr");
    let ticket = d.text("invite-ticket");
    assert!(ticket.starts_with("CB1"), "a ticket is shown: {ticket:?}");
    d.wait_for_text("invite-countdown", "more");
    std::thread::sleep(Duration::from_millis(300));
    d.screenshot(&shots().join("desktop-devices-invite.png"));

    let other = dir.path().join("other");
    let key = comeback_core::KeySource::KeyFile(dir.path().join("other.key"));
    let (other_vault, _) = comeback_core::api::init(&other, &key).unwrap();
    let shared: comeback_net::Shared = Arc::new(Mutex::new(Some(other_vault)));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (code_tx, code_rx) = std::sync::mpsc::channel::<String>();
    let joining = rt.spawn(async move {
        let options = Options {
            name: Some("Test phone".into()),
            ..Options::default()
        };
        let node = Node::start(shared, options).await.unwrap();
        let report = node
            .join(&ticket, move |check| {
                let _ = code_tx.send(check.code.clone());
                async { true }
            })
            .await;
        node.shutdown().await;
        report
    });
    let code = code_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    d.wait_for_text("pair-code", &code);
    assert!(page_text(&d).contains("Test phone"));
    std::thread::sleep(Duration::from_millis(300));
    d.screenshot(&shots().join("desktop-devices-pair.png"));
    d.click("pair-accept");
    let report = rt.block_on(joining).unwrap().unwrap();
    assert!(report.ok, "the first sync ran: {report:?}");
    d.wait_for_text("pair-done", "Paired with Test phone");
    d.wait_for_text("device-list", "Test phone");
    std::thread::sleep(Duration::from_millis(500));
    d.screenshot(&shots().join("desktop-devices-paired.png"));
    d.resize(PHONE);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !scrolls_sideways(&d),
        "devices scrolls sideways at phone size"
    );
    d.screenshot(&shots().join("phone-devices-paired.png"));
    d.click("devices-invite");
    d.find("invite-qr");
    std::thread::sleep(Duration::from_millis(300));
    d.screenshot(&shots().join("phone-devices-invite.png"));

    // Removing asks first, then the device stays listed as removed.
    d.click("device-remove");
    d.wait_for_text("remove-dialog", "never sync");
    d.click("remove-confirm");
    d.wait_for_text("device-list", "removed");
    assert!(!d.exists("device-remove"));
}

/// Joining from the window and choosing Cancel at the code step: the other device (whose
/// person already said yes) is told no, and neither device lists the other or holds
/// anything of the other's journal.
#[test]
fn cancelling_a_join_at_the_code_step_shares_nothing() {
    use comeback_net::{Node, Options, TICKET_TTL};
    use std::sync::Arc;

    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let key = comeback_core::KeySource::KeyFile(dir.path().join("other.key"));
    let (other_vault, _) = comeback_core::api::init(&dir.path().join("other"), &key).unwrap();
    let shared: comeback_net::Shared = Arc::new(Mutex::new(Some(other_vault)));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let options = Options {
        name: Some("Someone's laptop".into()),
        ..Options::default()
    };
    let node = rt.block_on(Node::start(shared.clone(), options)).unwrap();
    let (invite, mut requests) = node.invite(TICKET_TTL).unwrap();
    let answering = rt.spawn(async move {
        let request = requests.recv().await.unwrap();
        request.answer(true).await
    });

    let d = launch(&dir.path().join("vault"), DESKTOP);
    first_run(&d);
    write_entry(&d, "Not for someone else's laptop.");
    go(&d, "devices");
    d.type_into("join-ticket", &invite.ticket);
    d.click("join-submit");
    d.wait_for_text("join-shares", "with Someone's laptop (");
    d.click("join-cancel");
    d.wait_for_text("join-cancelled", "Nothing was shared");
    assert!(!d.exists("join-error"));
    let answered = rt.block_on(answering).unwrap();
    let err = answered.unwrap_err().to_string();
    assert!(err.contains("joining device declined"), "{err}");
    {
        let guard = shared.lock().unwrap();
        let v = guard.as_ref().unwrap();
        assert!(v.sync_peers().unwrap().is_empty());
        assert!(
            comeback_core::api::list_json(v, "entry", 10, 0)
                .unwrap()
                .is_empty()
        );
    }
    d.find("this-device-badge");
    assert!(!page_text(&d).contains("Someone's laptop"));
    rt.block_on(node.shutdown());
}

/// The window joins a headless device's ticket: it shows the check code and what joining
/// shares, and nothing moves until the person confirms there (though the other device
/// said yes at once); then it stays in sync with it: an entry written in the window
/// reaches the other vault, and one written there shows in the window.
#[test]
fn the_window_joins_with_a_ticket_and_stays_in_sync() {
    use comeback_net::{Node, Options, TICKET_TTL};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let key = comeback_core::KeySource::KeyFile(dir.path().join("other.key"));
    let (other_vault, _) = comeback_core::api::init(&dir.path().join("other"), &key).unwrap();
    let shared: comeback_net::Shared = Arc::new(Mutex::new(Some(other_vault)));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let options = Options {
        name: Some("Test laptop".into()),
        ..Options::default()
    };
    let node = rt.block_on(Node::start(shared.clone(), options)).unwrap();
    let (invite, mut requests) = node.invite(TICKET_TTL).unwrap();
    let (code_tx, code_rx) = std::sync::mpsc::channel::<String>();
    let answering = rt.spawn(async move {
        let request = requests.recv().await.unwrap();
        let _ = code_tx.send(request.code.clone());
        request.answer(true).await
    });

    let d = launch(&dir.path().join("vault"), DESKTOP);
    first_run(&d);
    write_entry(&d, "Written in the window before pairing.");
    go(&d, "devices");
    d.type_into("join-ticket", &invite.ticket);
    d.click("join-submit");
    let code = code_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    d.wait_for_text("join-code", &code);
    // One entry, and the profile the first run wrote.
    d.wait_for_text(
        "join-shares",
        "Joining shares this device's journal (1 entry, 1 other record) with Test laptop (",
    );
    std::thread::sleep(Duration::from_millis(300));
    d.screenshot(&shots().join("desktop-devices-join.png"));
    // The laptop said yes at once; without the window's confirm nothing moves.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!answering.is_finished(), "the pairing went on unconfirmed");
    assert!(!d.exists("join-result"));
    {
        let guard = shared.lock().unwrap();
        let v = guard.as_ref().unwrap();
        assert!(v.sync_peers().unwrap().is_empty(), "listed unconfirmed");
        assert!(
            comeback_core::api::list_json(v, "entry", 10, 0)
                .unwrap()
                .is_empty(),
            "the window's journal left unconfirmed"
        );
    }
    d.click("join-confirm");
    let report = rt.block_on(answering).unwrap().unwrap();
    assert!(report.is_some_and(|r| r.ok), "the first sync ran");
    d.wait_for_text("join-result", "Paired with Test laptop");
    d.wait_for_text("device-list", "Test laptop");

    // From now on both keep each other up to date.
    let live = node.clone();
    rt.spawn(async move { live.run_live().await });
    write_entry(&d, "Written in the window, read on the laptop.");
    let started = Instant::now();
    loop {
        let texts = {
            let guard = shared.lock().unwrap();
            let v = guard.as_ref().unwrap();
            comeback_core::api::list_json(v, "entry", 10, 0).unwrap()
        };
        if texts
            .iter()
            .any(|e| e["text"].as_str() == Some("Written in the window, read on the laptop."))
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the entry written in the window never reached the other device"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    {
        let mut guard = shared.lock().unwrap();
        let v = guard.as_mut().unwrap();
        comeback_core::api::add_entry(
            v,
            comeback_core::api::NewEntry {
                text: "Written on the laptop, read in the window.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    node.local_changed();
    wait_for_page_text(&d, "Written on the laptop, read in the window.");
    d.wait_for_text("sync-label", "Synced");

    // An editor left open takes in the other device's edit and keeps both.
    write_entry(&d, "Paragraph one, typed in the window.");
    let laptop_entry = |want: &str| {
        let started = Instant::now();
        loop {
            let found = {
                let guard = shared.lock().unwrap();
                let v = guard.as_ref().unwrap();
                comeback_core::api::list_json(v, "entry", 10, 0)
                    .unwrap()
                    .into_iter()
                    .find(|e| e["text"].as_str().is_some_and(|t| t.contains(want)))
            };
            if let Some(e) = found {
                return e;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the laptop never held an entry with {want:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let mut on_laptop = laptop_entry("Paragraph one, typed in the window.");
    on_laptop["text"] =
        "Paragraph one, typed in the window.\n\nParagraph two, from the laptop.".into();
    {
        let mut guard = shared.lock().unwrap();
        comeback_core::api::save_json(guard.as_mut().unwrap(), "entry", on_laptop).unwrap();
    }
    node.local_changed();
    // The open editor shows it without being reopened ...
    wait_until(
        &d,
        "the open editor showing the laptop's paragraph",
        "return document.querySelector('[data-testid=entry-editor]').value.includes('Paragraph two, from the laptop.')",
    );
    d.screenshot(&shots().join("desktop-journal-editor-merged.png"));
    // ... and typing on keeps both.
    d.type_into("entry-editor", " And a last line from the window.");
    d.wait_for_text("save-state", "Saved");
    let both = laptop_entry("And a last line from the window.");
    let text = both["text"].as_str().unwrap();
    assert!(text.contains("Paragraph two, from the laptop."), "{text:?}");
    assert!(
        text.contains("Paragraph one, typed in the window."),
        "{text:?}"
    );
    let shown = d.script("return document.querySelector('[data-testid=entry-editor]').value");
    assert_eq!(
        shown.as_str(),
        Some(text),
        "the window and the laptop agree"
    );
    rt.block_on(node.shutdown());
}

/// A photo added to an entry shows in it (its bytes through the raw IPC body, back as
/// a thumbnail), stays in the vault, and can be removed after a confirmation.
#[test]
fn a_photo_added_to_an_entry_shows_in_it() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let photo = dir.path().join("Low tide.png");
    beach_photo(&photo);
    {
        let d = launch(&vault, DESKTOP);
        first_run(&d);
        write_entry(
            &d,
            "Walked the whole bay at low tide. The light at six was worth the cold.",
        );
        // What the system's photo picker would hand the page (WebDriver sets the file).
        d.type_into("entry-photo-input", photo.to_str().unwrap());
        wait_for_photos(&d, 1);
        assert!(!d.exists("entry-photo-error"));
        show(&d, "entry-card", "start");
        d.screenshot(&shots().join("desktop-journal-entry-photo.png"));
        d.resize(PHONE);
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            !scrolls_sideways(&d),
            "the entry scrolls sideways at phone size"
        );
        // The remove button is a whole touch target at phone size.
        let size = d.script(
            "const r = document.querySelector('[data-testid=\"entry-remove-photo\"]').getBoundingClientRect();\
             return [r.width, r.height];",
        );
        assert!(
            size[0].as_f64() >= Some(44.0) && size[1].as_f64() >= Some(44.0),
            "the remove button is {size:?}"
        );
        show(&d, "entry-photos", "center");
        d.screenshot(&shots().join("phone-journal-entry-photo.png"));

        // A second photo, then remove the first after saying yes.
        d.type_into("entry-photo-input", photo.to_str().unwrap());
        wait_for_photos(&d, 2);
        d.click("entry-remove-photo");
        d.click("entry-remove-photo-confirm");
        wait_for_photos(&d, 1);
    }
    let v = reopen(&vault);
    let entries = comeback_core::api::list_json(&v, "entry", 10, 0).unwrap();
    let files = comeback_core::api::attachments_of(&v, entries[0]["id"].as_str().unwrap()).unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].attachment.name, "Low tide.png");
    assert_eq!(files[0].attachment.media_type, "image/png");
    assert_eq!(
        files[0].attachment.size,
        std::fs::metadata(&photo).unwrap().len()
    );
    assert!(files[0].present);
}

/// The system's file dialog is outside the page, where WebDriver cannot reach: answer for
/// the person, so the page's next "choose a file or folder" gets `path`. The dialog
/// plugin's `open` is an IPC request like any other (a `fetch` to the IPC protocol), so
/// that request, and only that one, is answered in the page; everything else goes to
/// the app as before.
fn answer_dialog_with(d: &Driver, path: &Path) {
    answer_system_dialog(d, "open", path);
}

/// Answers the system's `open` or `save` dialog with `path`, as [`answer_dialog_with`].
fn answer_system_dialog(d: &Driver, dialog: &str, path: &Path) {
    let path = serde_json::to_string(path.to_str().unwrap()).unwrap();
    d.script(&format!(
        "const real = window.__realFetch ?? window.fetch;\
         window.__realFetch = real;\
         window.fetch = (url, init) =>\
             String(url).includes(encodeURIComponent('plugin:dialog|{dialog}'))\
                 ? Promise.resolve(new Response(JSON.stringify({path}), {{\
                       headers: {{ 'Content-Type': 'application/json', 'Tauri-Response': 'ok' }} }}))\
                 : real(url, init);"
    ));
}

/// Settings → Your data: everything (a photo too) goes out to a new folder, the folder
/// comes back in as already there, and a jrnl export comes in with what it skipped.
#[test]
fn everything_exports_and_a_journal_imports_from_settings() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    lived_in_vault(&vault);
    {
        let mut v = reopen(&vault);
        let entries = comeback_core::api::list_json(&v, "entry", 10, 0).unwrap();
        let photo = dir.path().join("Low tide.png");
        beach_photo(&photo);
        let id = entries[0]["id"].as_str().unwrap();
        let mut file = std::fs::File::open(&photo).unwrap();
        comeback_core::api::attach(&mut v, id, "Low tide.png", None, &mut file).unwrap();
    }
    let jrnl = dir.path().join("jrnl.json");
    std::fs::write(
        &jrnl,
        serde_json::json!({"tags": {"@work": 2}, "entries": [
            {"title": "First day of the course.", "body": " Nervous, then fine.", "date": "2025-09-01",
             "time": "21:10", "tags": ["@work"], "starred": false},
            {"title": "Portfolio site is live.", "body": "", "date": "2025-09-14", "time": "18:40",
             "tags": ["@work"], "starred": true},
            {"title": "", "body": "  ", "date": "2025-09-20", "time": "08:00", "tags": [], "starred": false},
            {"title": "No date", "body": "", "date": "someday", "time": "08:00"}
        ]})
        .to_string(),
    )
    .unwrap();
    let out = dir.path().join("Comeback export");

    let d = launch(&vault, DESKTOP);
    go(&d, "settings");
    answer_dialog_with(&d, &out);
    d.click("settings-export");
    let exported = d.wait_for_text("export-summary", "Exported");
    assert!(exported.contains("1 photo or file"), "{exported}");
    assert!(exported.contains("Comeback export"), "{exported}");
    assert!(out.join("comeback.json").is_file());
    assert_eq!(
        std::fs::read_dir(out.join("attachments")).unwrap().count(),
        1,
        "the photo is in the export"
    );

    // The export comes back in as already there.
    answer_dialog_with(&d, &out);
    d.click("settings-import-folder");
    let again = d.wait_for_text("import-summary", "Imported from a");
    assert!(again.contains(" 0 added, "), "{again}");
    assert!(!d.exists("import-skipped"), "{again}");

    // A jrnl export: two entries in, two skipped, each with why.
    answer_dialog_with(&d, &jrnl);
    d.click("settings-import");
    let summary = d.wait_for_text("import-summary", "2 added, 0 already there, 2 skipped");
    assert!(summary.contains("jrnl"), "{summary}");
    d.click("import-skipped");
    let skipped = d.wait_for_text("import-skipped", "no title and no text");
    assert!(skipped.contains("\"someday\" is not a date"), "{skipped}");
    show(&d, "your-data", "start");
    d.screenshot(&shots().join("desktop-settings-data.png"));

    d.resize(PHONE);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !scrolls_sideways(&d),
        "Settings scrolls sideways at phone size"
    );
    show(&d, "your-data", "start");
    d.screenshot(&shots().join("phone-settings-data.png"));

    // The journal shows what came in.
    go(&d, "journal");
    wait_for_page_text(&d, "Portfolio site is live.");
}

/// The time-off summary is saved where the person chose in the system's save dialog,
/// written by the shell (`save_text_file`), not offered as a `data:` link.
#[test]
fn the_time_off_summary_is_saved_through_the_save_dialog() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    lived_in_vault(&vault);
    let d = launch(&vault, DESKTOP);
    go(&d, "mojo");
    let out = dir.path().join("my summary.txt");
    answer_system_dialog(&d, "save", &out);
    let shown = open_time_off_summary(&d);
    d.click("summary-save");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !out.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let saved = std::fs::read_to_string(&out).expect("the summary is saved where the dialog said");
    assert_eq!(saved.trim(), shown.trim());
    // Nothing else is left beside it (the shell writes a temporary file and renames it).
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside.len(),
        2,
        "only the vault and the summary: {beside:?}"
    );
}

/// The page's whole source (not only what shows): while locked it must hold no entry.
fn page_source(d: &Driver) -> String {
    d.script("return document.documentElement.outerHTML;")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn lock_screen_shows(d: &Driver) -> bool {
    d.script("return !!document.querySelector('[data-testid=\"lock-screen\"]');")
        .as_bool()
        .unwrap_or(false)
}

/// The app lock: a vault with a passcode (set as the CLI sets it) starts locked, with
/// nothing of the journal in the page; a wrong passcode is refused with the core's words,
/// the right one opens, and a few seconds without use lock it again (a debug build takes
/// `COMEBACK_LOCK_IDLE_SECONDS` for the idle minutes), dropping the screens.
#[test]
fn a_locked_vault_opens_only_with_its_passcode_and_locks_again_when_idle() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    const WORDS: &str = "heron by the weir";
    {
        let mut v = new_vault(&vault);
        comeback_core::api::add_entry(
            &mut v,
            comeback_core::api::NewEntry {
                text: format!("Saw a {WORDS} this morning."),
                mood: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
        comeback_core::api::lock_set(&v, "2468").unwrap();
    }
    let d = Driver::launch(
        Path::new(APP),
        &[
            ("COMEBACK_VAULT", &vault),
            ("COMEBACK_LOCK_IDLE_SECONDS", Path::new("8")),
        ],
        PHONE,
    );
    d.find("lock-screen");
    assert!(
        !page_source(&d).contains(WORDS),
        "locked, yet the page holds the entry"
    );
    d.screenshot(&shots().join("phone-lock.png"));
    d.resize(DESKTOP);
    d.screenshot(&shots().join("desktop-lock.png"));

    d.type_into("lock-passcode", "1357");
    d.click("lock-submit");
    d.wait_for_text("lock-error", "that passcode is not right");
    assert!(lock_screen_shows(&d));

    d.clear("lock-passcode");
    d.type_into("lock-passcode", "2468");
    d.click("lock-submit");
    go(&d, "journal");
    wait_for_page_text(&d, WORDS);

    // Left alone, the app locks again and the screens are gone.
    wait_until(
        &d,
        "the relock after the idle time",
        "return !!document.querySelector('[data-testid=\"lock-screen\"]');",
    );
    assert!(
        !page_source(&d).contains(WORDS),
        "relocked, yet the page holds the entry"
    );
}

/// A screenshot of the whole page, not just the window's viewport: the window is made as
/// tall as the page for the shot, then given back its size. With `section`, a second shot
/// of that element alone, whole, goes to `section_path`.
fn full_page_screenshot(d: &Driver, size: (u32, u32), path: &Path, section: Option<(&str, &Path)>) {
    d.script("document.activeElement?.blur(); window.scrollTo(0, 0);");
    let height = |d: &Driver| {
        d.script("return Math.ceil(document.documentElement.scrollHeight);")
            .as_u64()
            .unwrap_or(u64::from(size.1)) as u32
    };
    let chrome = d
        .script("return Math.max(0, window.outerHeight - window.innerHeight);")
        .as_u64()
        .unwrap_or(0) as u32;
    d.resize((size.0, height(d).max(size.1) + chrome));
    std::thread::sleep(std::time::Duration::from_millis(400));
    // A layout that changed with the height (a bottom bar) may need another step.
    d.resize((size.0, height(d).max(size.1) + chrome));
    std::thread::sleep(std::time::Duration::from_millis(400));
    d.screenshot(path);
    if let Some((testid, section_path)) = section {
        let rect = d.script(&format!(
            "const r = document.querySelector('[data-testid=\"{testid}\"]').getBoundingClientRect();\
             const k = window.devicePixelRatio || 1;\
             return [r.left + scrollX, r.top + scrollY, r.width, r.height].map((v) => Math.round(v * k));"
        ));
        let [x, y, w, h] = [0, 1, 2, 3].map(|i| rect[i].as_u64().unwrap() as u32);
        crop_png(path, (x, y, w, h), section_path);
    }
    d.resize(size);
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// Writes the part `(x, y, width, height)` of the PNG at `from` to `to` (clipped to it).
fn crop_png(from: &Path, (x, y, w, h): (u32, u32, u32, u32), to: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(from).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples() * usize::from(info.bit_depth as u8 / 8).max(1);
    let (x, y) = (x.min(info.width), y.min(info.height));
    let (w, h) = (w.min(info.width - x), h.min(info.height - y));
    let mut out = Vec::with_capacity(w as usize * h as usize * px);
    for row in y..y + h {
        let start = row as usize * info.line_size + x as usize * px;
        out.extend_from_slice(&buf[start..start + w as usize * px]);
    }
    let file = std::io::BufWriter::new(std::fs::File::create(to).unwrap());
    let mut encoder = png::Encoder::new(file, w, h);
    encoder.set_color(info.color_type);
    encoder.set_depth(info.bit_depth);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&out)
        .unwrap();
}

/// `dbus-monitor` watching the session bus for `Notify` calls (what an app sends a
/// notification server), writing what it sees to a file; stopped when dropped. No server
/// is needed: the bus shows the call to a monitor even when nobody answers it, and the
/// plugin shrugs off the missing reply.
struct NotifyWatch {
    child: std::process::Child,
    log: PathBuf,
}

impl NotifyWatch {
    fn start(log: PathBuf) -> Self {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session: run the end-to-end tests through scripts/test.sh (dbus-run-session)"
        );
        let child = std::process::Command::new("dbus-monitor")
            .args([
                "--session",
                "type=method_call,interface=org.freedesktop.Notifications,member=Notify",
            ])
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus) is needed to watch for notifications");
        // Until it is listening (its own NameAcquired signal is written first).
        let started = std::time::Instant::now();
        while std::fs::read_to_string(&log).unwrap_or_default().is_empty()
            && started.elapsed() < std::time::Duration::from_secs(5)
        {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { child, log }
    }

    fn seen(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until a `Notify` call carrying `title` has gone over the bus.
    fn wait_for(&self, title: &str) -> String {
        let started = std::time::Instant::now();
        let wanted = format!("string \"{title}\"");
        loop {
            let seen = self.seen();
            if seen.contains("member=Notify") && seen.contains(&wanted) {
                return seen;
            }
            // The scheduler looks a second after the first screen, then at each minute's
            // turn: a first look that found the vault busy is followed within a minute.
            assert!(
                started.elapsed() < std::time::Duration::from_secs(90),
                "the app never raised a notification titled {title:?}; the bus saw:\n{seen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}

impl Drop for NotifyWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scheduler asks the core for the reminders due since it last looked (at most an
/// hour back on a first start) and shows each as a notification. A worry time a minute
/// ago, in this device's time zone, is due as soon as the app has drawn its first screen:
/// no clock of the app's is bent for the test.
#[test]
fn a_due_reminder_is_raised_as_a_notification_with_its_title_only() {
    use comeback_core::api;
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let tz = api::time_zone(&api::device_time_zone()).unwrap();
    let now = chrono::Utc::now().with_timezone(&tz);
    let worry_at = (now - chrono::Duration::minutes(1))
        .format("%H:%M")
        .to_string();
    let private = "I still dream about the Acme office";
    let title = {
        let mut v = new_vault(&vault);
        api::set_profile(
            &mut v,
            comeback_core::model::Profile {
                happened_on: api::today()
                    .checked_sub_days(chrono::Days::new(20))
                    .unwrap(),
                worry_time: Some(worry_at.clone()),
                worry_minutes: 15,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        api::add_entry(
            &mut v,
            api::NewEntry {
                text: private.into(),
                ..Default::default()
            },
        )
        .unwrap();
        let due = api::reminders(
            &v,
            (now - chrono::Duration::minutes(5)).fixed_offset(),
            now.fixed_offset(),
            tz.name(),
        )
        .unwrap();
        let worry = due
            .iter()
            .find(|r| r.kind == api::ReminderKind::WorryTime)
            .unwrap_or_else(|| panic!("the core lists no worry time at {worry_at}: {due:?}"));
        worry.title.clone()
    };

    let watch = NotifyWatch::start(dir.path().join("notify.log"));
    let d = launch(&vault, DESKTOP);
    d.find("nav-home");
    let seen = watch.wait_for(&title);
    assert!(
        !seen.contains(private) && !seen.contains("Acme"),
        "a notification carried journal text:\n{seen}"
    );
    assert_eq!(
        seen.matches("member=Notify").count(),
        1,
        "one due reminder, one notification:\n{seen}"
    );

    // Settings → Reminders: the next day's worry time is coming up; quiet hours saved.
    go(&d, "settings");
    d.find("reminders-settings");
    d.wait_for_text("reminders-coming-up", "Worry time");
    d.click("reminder-kind-check_in");
    d.click("reminders-quiet-on");
    d.set_value("reminders-quiet-start", "22:30");
    d.set_value("reminders-quiet-end", "07:00");
    d.click("reminders-save");
    d.find("reminders-saved");
    d.wait_for_text("reminders-coming-up", "check-in");
    for (label, size) in [("desktop", DESKTOP), ("phone", PHONE)] {
        d.resize(size);
        show(&d, "reminders-settings", "start");
        assert!(
            !scrolls_sideways(&d),
            "Settings scrolls sideways at {label} size"
        );
        full_page_screenshot(
            &d,
            size,
            &shots().join(format!("{label}-settings-full.png")),
            Some((
                "reminders-settings",
                &shots().join(format!("{label}-reminders-settings.png")),
            )),
        );
    }
    // Every control of the section is at least 44×44 px with its label, at phone size.
    let small = d.script(
        "const s = document.querySelector('[data-testid=\"reminders-settings\"]');\
         const out = [];\
         for (const el of s.querySelectorAll('input, button, select')) {\
           const t = el.closest('label') ?? el;\
           const r = t.getBoundingClientRect();\
           if (r.width < 44 || r.height < 44) out.push(`${el.dataset.testid ?? el.type} ${r.width}x${r.height}`);\
         }\
         return out;",
    );
    assert_eq!(small, serde_json::json!([]), "controls under 44×44 px");
    drop(d);

    let v = reopen(&vault);
    let settings = api::reminder_settings(&v).unwrap();
    assert!(settings.is_on(api::ReminderKind::CheckIn));
    assert_eq!(
        settings.quiet_hours,
        Some(api::QuietHours {
            start: "22:30".into(),
            end: "07:00".into()
        })
    );
}

/// Measures, in the page as it stands, every control a finger may aim at and returns
/// `[count, [[tag, name, width, height], …]]` for those smaller than 44×44 px.
///
/// The rules, precisely:
/// - A control is a `button`, `a[href]`, `input` (not `type=hidden`), `select`,
///   `textarea`, `summary` or `[role=button]`.
/// - It is skipped when nobody can see or touch it: no layout box (`display: none`,
///   detached), `visibility: hidden`, inside `[inert]` or `[aria-hidden=true]`, or shrunk
///   to the 1×1 px of the visually-hidden pattern (a file input a button stands in for),
///   or parked wholly above or left of the page until it has keyboard focus (the "Skip
///   to content" link).
/// - It is in running text, and exempt (as WCAG 2.5.8's "inline" exception), when it is a
///   link (`a[href]` or a `.link-button`) inside a `<p>` whose text is longer than the
///   link's own: words sit around it in the same sentence. A link that is the whole of
///   its paragraph is a control, not running text, and is measured.
/// - Its touch target is its own border box, except a checkbox or radio button inside a
///   `<label>`: a tap anywhere on the label works it, so the label's box is the target.
fn measure_touch_targets(d: &Driver) -> (u64, Vec<(String, String, f64, f64)>) {
    const JS: &str = r#"
        const sel = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]';
        const out = [];
        let count = 0;
        for (const el of document.querySelectorAll(sel)) {
          if (el.closest('[inert], [aria-hidden="true"]')) continue;
          if (el.getClientRects().length === 0) continue;
          if (getComputedStyle(el).visibility === 'hidden') continue;
          const own = el.getBoundingClientRect();
          if (own.width <= 1 && own.height <= 1) continue;
          if (own.right + scrollX <= 0 || own.bottom + scrollY <= 0) continue;
          const isLink = el.matches('a[href], .link-button');
          const para = el.closest('p');
          if (isLink && para && para.textContent.trim().length > el.textContent.trim().length) continue;
          let r = own;
          if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) {
            r = el.closest('label').getBoundingClientRect();
          }
          count += 1;
          if (r.width < 43.5 || r.height < 43.5) {
            const name = el.dataset.testid || el.getAttribute('aria-label') ||
              (el.closest('label') || {}).textContent || el.textContent || el.name || el.type || '';
            out.push([el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : ''),
                      name.trim().replace(/\s+/g, ' ').slice(0, 50),
                      Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10]);
          }
        }
        return [count, out];
    "#;
    let v = d.script(JS);
    let count = v[0].as_u64().unwrap_or(0);
    let small = v[1]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s[0].as_str().unwrap_or_default().to_string(),
                        s[1].as_str().unwrap_or_default().to_string(),
                        s[2].as_f64().unwrap_or(0.0),
                        s[3].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (count, small)
}

/// Issue 11: at phone size every control outside running text offers a touch target of
/// at least 44×44 px (a checkbox or radio counting its label), on every screen, in the
/// open entry editor and in a dialog.
#[test]
fn every_control_at_phone_size_is_at_least_44_px_square() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    lived_in_vault(&vault);
    let d = launch(&vault, PHONE);
    d.find("nav-home");
    let mut total = 0;
    let mut failures = Vec::new();
    let mut measure = |d: &Driver, screen: &str| {
        std::thread::sleep(std::time::Duration::from_millis(400));
        let (count, small) = measure_touch_targets(d);
        total += count;
        for (tag, name, w, h) in small {
            failures.push(format!("{screen}: <{tag}> {name:?} is {w}×{h} px"));
        }
    };
    for screen in [
        "home", "journal", "debrief", "network", "mojo", "next", "devices", "settings",
    ] {
        go(&d, screen);
        measure(&d, screen);
        if screen == "journal" {
            d.click("entry-item");
            d.find("entry-editor");
            measure(&d, "journal, entry open");
            show(&d, "entry-delete", "center");
            d.click("entry-delete");
            d.find("entry-delete-confirm");
            measure(&d, "journal, delete dialog");
            d.script(
                "document.querySelector('[role=dialog]').dispatchEvent(\
                 new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));",
            );
        }
    }
    // The "More" sheet of the phone's navigation.
    d.click("nav-more");
    d.find("nav-more-sheet");
    measure(&d, "navigation, More open");
    assert!(
        total > 100,
        "only {total} controls were measured: the test is not finding the screens' controls"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} touch targets are smaller than 44×44 px at 390×844:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A screenshot of the whole page at the window's current size (made as tall as the page
/// for the shot, then given back its height), written to the run's screenshots and to
/// `docs/screenshots/{name}.png`. It checks the picture is whole: as tall as the page.
fn full_page_shot(d: &Driver, name: &str) {
    let size = d.size();
    let page = d
        .script("return Math.ceil(document.documentElement.scrollHeight * (window.devicePixelRatio || 1));")
        .as_u64()
        .unwrap_or(0) as u32;
    let path = shots().join(format!("{name}.png"));
    full_page_screenshot(d, size, &path, None);
    let png = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()))
        .read_info()
        .unwrap()
        .info()
        .size();
    assert!(
        png.1 + 2 >= page,
        "{name}: the picture is {} px tall, the page {page} px",
        png.1
    );
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(&path, docs.join(format!("{name}.png"))).unwrap();
}

/// Whole-page pictures of every screen (not only the first viewport) at phone and
/// desktop size, for `docs/screenshots/full-*.png`.
/// A dialog on screen (it covers the viewport, so the viewport is the whole picture),
/// kept in `docs/screenshots`.
fn dialog_shot(d: &Driver, name: &str) {
    d.screenshot(&shots().join(name));
    std::fs::copy(
        shots().join(name),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots")
            .join(name),
    )
    .unwrap();
}

/// First run, each stage whole at phone and desktop size: the welcome, the recovery key,
/// the profile, the four steps and the four set-up stages.
fn first_run_shots() {
    let dir = tempfile::tempdir().unwrap();
    let d = launch(&dir.path().join("vault"), PHONE);
    let both = |name: &str| {
        for (label, size) in [("phone", PHONE), ("desktop", DESKTOP)] {
            d.resize(size);
            std::thread::sleep(std::time::Duration::from_millis(300));
            full_page_shot(&d, &format!("full-first-run-{name}-{label}"));
        }
    };
    d.find("create-vault");
    both("welcome");
    d.click("create-vault");
    d.find("recovery-key");
    both("key");
    d.click("recovery-saved");
    d.click("recovery-continue");
    d.find("profile-save");
    both("profile");
    d.click("profile-save");
    d.find("firstrun-steps");
    both("steps");
    d.click("firstrun-next");
    for stage in ["grief", "worry", "debrief", "reminders"] {
        d.find(&format!("firstrun-{stage}"));
        both(stage);
        d.click("firstrun-skip");
    }
    d.find("nav-home");
}

#[test]
fn full_page_screenshots_of_every_screen() {
    first_run_shots();
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    lived_in_vault(&vault);
    comeback_core::api::lock_set(&reopen(&vault), "2468").unwrap();
    let d = launch(&vault, PHONE);
    d.find("lock-screen");
    for (label, size) in [("phone", PHONE), ("desktop", DESKTOP)] {
        d.resize(size);
        std::thread::sleep(std::time::Duration::from_millis(300));
        full_page_shot(&d, &format!("full-lock-{label}"));
    }
    d.type_into("lock-passcode", "2468");
    d.click("lock-submit");
    d.find("nav-home");
    for (label, size) in [("phone", PHONE), ("desktop", DESKTOP)] {
        d.resize(size);
        for screen in [
            "home", "journal", "debrief", "network", "mojo", "next", "devices", "settings",
        ] {
            go(&d, screen);
            std::thread::sleep(std::time::Duration::from_millis(500));
            if screen == "mojo" {
                // The time-off summary, open.
                show(&d, "summary-toggle", "center");
                open_time_off_summary(&d);
            }
            full_page_shot(&d, &format!("full-{screen}-{label}"));
            if screen == "network" {
                // An edit form: a contact's, in a sheet on the phone.
                show(&d, "contact-edit", "center");
                d.click("contact-edit");
                d.find("contact-cancel");
                std::thread::sleep(std::time::Duration::from_millis(400));
                dialog_shot(&d, &format!("full-edit-contact-{label}.png"));
                d.click("contact-cancel");
            }
            if screen == "journal" {
                d.click("entry-item");
                d.find("entry-editor");
                std::thread::sleep(std::time::Duration::from_millis(300));
                full_page_shot(&d, &format!("full-entry-{label}"));
                // A dialog: a bottom sheet on the phone, centred on the desktop.
                show(&d, "entry-delete", "center");
                d.click("entry-delete");
                d.find("entry-delete-confirm");
                std::thread::sleep(std::time::Duration::from_millis(400));
                dialog_shot(&d, &format!("full-dialog-{label}.png"));
                let placed = d.script(
                    "const r = document.querySelector('[role=dialog]').getBoundingClientRect();\
                     return [Math.round(r.left), Math.round(innerWidth - r.right), Math.round(innerHeight - r.bottom)];",
                );
                if label == "phone" {
                    assert_eq!(
                        placed,
                        serde_json::json!([0, 0, 0]),
                        "on a phone the dialog is a sheet across the bottom edge"
                    );
                } else {
                    assert!(
                        placed[2].as_i64().unwrap() > 100,
                        "on a desktop the dialog sits in the middle: {placed}"
                    );
                }
                d.click("entry-delete-keep");
            }
        }
        // Settings → Reminders, whole: its section cut from a whole-page shot.
        d.find("reminders-settings");
        let whole = shots().join(format!("full-settings-again-{label}.png"));
        let section = shots().join(format!("full-settings-reminders-{label}.png"));
        full_page_screenshot(&d, size, &whole, Some(("reminders-settings", &section)));
        std::fs::copy(
            &section,
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
                "docs/screenshots/full-settings-reminders-{label}.png"
            )),
        )
        .unwrap();
    }
}
