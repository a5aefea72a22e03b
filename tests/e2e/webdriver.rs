//! A small synchronous WebDriver client: just the W3C commands our end-to-end tests use,
//! spoken to `tauri-driver` (which forwards to WebKitWebDriver driving the real window).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a test waits for something to appear before it fails.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct Driver {
    base: String,
    session: String,
    driver: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tauri_driver() -> String {
    std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into())
}

impl Driver {
    /// Starts `tauri-driver` and the app with `env` (the vault folder, …) at `size`.
    /// `COMEBACK_E2E_APP` names another app binary to drive instead: a copy taken right
    /// after building, when a target folder shared between clones may be rebuilt from
    /// another clone while the tests run.
    pub fn launch(app: &Path, env: &[(&str, &Path)], size: (u32, u32)) -> Self {
        let chosen = std::env::var_os("COMEBACK_E2E_APP").map(std::path::PathBuf::from);
        let app = chosen.as_deref().unwrap_or(app);
        let port = free_port();
        let native = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = cmd
            .spawn()
            .expect("tauri-driver runs (scripts/setup.sh installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(started.elapsed() < PATIENCE, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": app.display().to_string()}
        }}});
        let reply: Json = ureq::post(&format!("{base}/session"))
            .send_json(caps)
            .expect("a WebDriver session")
            .into_json()
            .expect("session JSON");
        let session = reply["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        let d = Self {
            base,
            session,
            driver,
        };
        d.resize(size);
        d
    }

    /// The process id of the app this session drives: the `comeback-app` among the
    /// processes `tauri-driver` started (read from /proc/PID/stat, which anyone may read).
    pub fn app_pid(&self) -> u32 {
        let stat = |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok();
        // "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses.
        let parse = |text: &str| -> Option<(String, u32)> {
            let (head, rest) = text.rsplit_once(") ")?;
            let comm = head.split_once(" (")?.1.to_string();
            let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((comm, ppid))
        };
        let started = Instant::now();
        loop {
            let procs: Vec<(u32, String, u32)> = std::fs::read_dir("/proc")
                .expect("/proc")
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|pid| {
                    let (comm, ppid) = parse(&stat(pid)?)?;
                    Some((pid, comm, ppid))
                })
                .collect();
            let descends = |mut pid: u32| {
                for _ in 0..16 {
                    if pid == self.driver.id() {
                        return true;
                    }
                    match procs.iter().find(|p| p.0 == pid) {
                        Some(p) if p.2 != 0 => pid = p.2,
                        _ => return false,
                    }
                }
                false
            };
            if let Some(p) = procs
                .iter()
                .find(|p| p.1 == "comeback-app" && descends(p.0))
            {
                return p.0;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no comeback-app process under tauri-driver"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, path)
    }

    fn post(&self, path: &str, body: Json) -> Result<Json, String> {
        match ureq::post(&self.url(path)).send_json(body) {
            Ok(r) => r.into_json::<Json>().map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn get(&self, path: &str) -> Result<Json, String> {
        match ureq::get(&self.url(path)).call() {
            Ok(r) => r.into_json::<Json>().map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn resize(&self, (width, height): (u32, u32)) {
        let _ = self.post("/window/rect", json!({"width": width, "height": height}));
    }

    /// The window's outer size, as `resize` sets it.
    pub fn size(&self) -> (u32, u32) {
        let rect = self.get("/window/rect").expect("the window's rect");
        let dim = |k: &str| rect["value"][k].as_f64().expect("a window dimension") as u32;
        (dim("width"), dim("height"))
    }

    /// The element with `data-testid="{id}"`, waiting for it to appear.
    pub fn find(&self, testid: &str) -> String {
        let started = Instant::now();
        loop {
            let found = self.post(
                "/element",
                json!({"using": "css selector", "value": format!("[data-testid=\"{testid}\"]")}),
            );
            if let Ok(v) = &found
                && let Some(id) = v["value"][ELEMENT].as_str()
            {
                return id.to_string();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no element with data-testid={testid}: {found:?}"
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Whether an element with this test id is on the page now (no waiting).
    pub fn exists(&self, testid: &str) -> bool {
        self.post(
            "/elements",
            json!({"using": "css selector", "value": format!("[data-testid=\"{testid}\"]")}),
        )
        .map(|v| v["value"].as_array().is_some_and(|a| !a.is_empty()))
        .unwrap_or(false)
    }

    pub fn click(&self, testid: &str) {
        let started = Instant::now();
        loop {
            let el = self.find(testid);
            match self.post(&format!("/element/{el}/click"), json!({})) {
                Ok(_) => return,
                Err(e) => {
                    assert!(started.elapsed() < PATIENCE, "cannot click {testid}: {e}");
                    std::thread::sleep(Duration::from_millis(150));
                }
            }
        }
    }

    pub fn type_into(&self, testid: &str, text: &str) {
        let el = self.find(testid);
        self.post(&format!("/element/{el}/value"), json!({"text": text}))
            .unwrap_or_else(|e| panic!("cannot type into {testid}: {e}"));
    }

    pub fn clear(&self, testid: &str) {
        let el = self.find(testid);
        let _ = self.post(&format!("/element/{el}/clear"), json!({}));
    }

    /// Chooses the `<option>` whose visible text is `label` in the `<select>` with this
    /// test id, by clicking it as a person would.
    pub fn select(&self, testid: &str, label: &str) {
        let xpath =
            format!("//select[@data-testid=\"{testid}\"]/option[normalize-space(.)=\"{label}\"]");
        let started = Instant::now();
        let option = loop {
            let found = self.post("/element", json!({"using": "xpath", "value": xpath}));
            if let Ok(v) = &found
                && let Some(id) = v["value"][ELEMENT].as_str()
            {
                break id.to_string();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no option {label:?} in {testid}: {found:?}"
            );
            std::thread::sleep(Duration::from_millis(150));
        };
        self.post(&format!("/element/{option}/click"), json!({}))
            .unwrap_or_else(|e| panic!("cannot choose {label:?} in {testid}: {e}"));
        let chosen = self
            .post(
                "/execute/sync",
                json!({"script": "return arguments[0].selected;", "args": [{ELEMENT: option}]}),
            )
            .map(|v| v["value"].as_bool() == Some(true))
            .unwrap_or(false);
        assert!(
            chosen,
            "{label:?} is not chosen in {testid} after clicking it"
        );
    }

    /// Sets an input's value the way the browser does when a person uses its own picker
    /// (date and range inputs), firing `input` and `change`.
    pub fn set_value(&self, testid: &str, value: &str) {
        let el = self.find(testid);
        let script = "const [el, v] = arguments;\
            const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;\
            setter.call(el, v);\
            el.dispatchEvent(new Event('input', {bubbles: true}));\
            el.dispatchEvent(new Event('change', {bubbles: true}));\
            return el.value;";
        let set = self
            .post(
                "/execute/sync",
                json!({"script": script, "args": [{ELEMENT: el}, value]}),
            )
            .unwrap_or_else(|e| panic!("cannot set {testid} to {value:?}: {e}"));
        assert_eq!(
            set["value"].as_str(),
            Some(value),
            "{testid} did not take the value {value:?}"
        );
    }

    pub fn text(&self, testid: &str) -> String {
        let el = self.find(testid);
        self.get(&format!("/element/{el}/text"))
            .map(|v| v["value"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    }

    /// Waits until the element's text contains `want`.
    pub fn wait_for_text(&self, testid: &str, want: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.text(testid);
            if text.contains(want) {
                return text;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{testid} never showed {want:?}; it shows {text:?}"
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, body: &str) -> Json {
        self.post("/execute/sync", json!({"script": body, "args": []}))
            .map(|v| v["value"].clone())
            .unwrap_or(Json::Null)
    }

    pub fn screenshot(&self, path: &Path) {
        self.save_screenshot("/screenshot", path);
    }

    fn save_screenshot(&self, endpoint: &str, path: &Path) {
        use data_encoding::BASE64;
        if let Ok(v) = self.get(endpoint)
            && let Some(b64) = v["value"].as_str()
            && let Ok(png) = BASE64.decode(b64.as_bytes())
        {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let _ = std::fs::write(path, png);
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
