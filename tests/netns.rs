//! Three `comeback` devices in network namespaces of their own, joined by a bridge in a
//! fourth, pair and converge although a link is cut in the middle of a first sync.
//!
//! The test builds the network itself (`ip netns`, veth pairs, a bridge; 10.77.0.0/24;
//! names carry the process id) and tears it down in a `Drop` guard, panics included.
//! Device A holds a generated journal and its link is slowed to 256 kbit/s (a `tbf`
//! qdisc), so a first sync takes seconds. B joins and its link goes down for four seconds
//! in the middle of its first sync; C joins and is killed in the middle of its first
//! sync while its link is down (a laptop closed on the way out). Whatever became of those
//! syncs, `comeback serve` on A and `comeback sync --once` on B and C must then bring all
//! three to the same entries, and `comeback doctor` must find every mirror healthy.
//!
//! It needs root and iproute2 (`ip`, `tc`) and fails, never skips, without them:
//! `scripts/test.sh` runs it as root; alone, `sudo -E cargo test -p comeback-cli --test
//! netns`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_comeback");

/// A journal big enough that a first sync over `RATE` takes several seconds: ~100 kB of
/// documents, sent as they are stored (at 1 Mbit/s it was over in ~1.3 s, before the cut
/// came, once the sender no longer loaded each document to send it).
const FRACTION: &str = "0.05";
const RATE: &str = "256kbit";

fn sh(args: &[&str]) -> Output {
    Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("could not run {args:?}: {e}"))
}

/// Runs a setup command that must succeed.
fn must(args: &[&str]) {
    let out = sh(args);
    assert!(
        out.status.success(),
        "{} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// Fails (never skips) with what to do when the test cannot build its network.
fn preconditions() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap_or("?")
        .to_string();
    assert!(
        uid == "0",
        "the netns test creates network namespaces and needs root (effective uid is {uid}): \
         run it through scripts/test.sh (which CI runs as root), or \
         `sudo -E env PATH=$PATH cargo test -p comeback-cli --test netns`"
    );
    for tool in ["ip", "tc"] {
        let ok = Command::new(tool)
            .arg("-V")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(
            ok,
            "`{tool}` is missing: install iproute2 (`apt-get install iproute2`; scripts/setup.sh does)"
        );
    }
}

/// The test's network: one namespace per device, each with `eth0` on a veth pair whose
/// other end is a port of the bridge `br0` in the bridge's own namespace.
struct Net {
    tag: String,
    bridge: String,
    devices: Vec<String>,
}

impl Net {
    fn new(names: &[&str]) -> Net {
        let tag = format!("cb{}", std::process::id());
        let mut net = Net {
            bridge: format!("{tag}br"),
            devices: Vec::new(),
            tag,
        };
        // From here on, a panic drops `net` and so removes what was made.
        must(&["ip", "netns", "add", &net.bridge]);
        must(&["ip", "-n", &net.bridge, "link", "set", "lo", "up"]);
        must(&[
            "ip",
            "-n",
            &net.bridge,
            "link",
            "add",
            "br0",
            "type",
            "bridge",
        ]);
        must(&["ip", "-n", &net.bridge, "link", "set", "br0", "up"]);
        for (i, name) in names.iter().enumerate() {
            let ns = net.ns(name);
            must(&["ip", "netns", "add", &ns]);
            net.devices.push(name.to_string());
            let (inside, port) = (format!("{}v{name}", net.tag), net.port(name));
            must(&[
                "ip", "link", "add", &inside, "type", "veth", "peer", "name", &port,
            ]);
            must(&["ip", "link", "set", &inside, "netns", &ns]);
            must(&["ip", "link", "set", &port, "netns", &net.bridge]);
            must(&["ip", "-n", &ns, "link", "set", &inside, "name", "eth0"]);
            let addr = format!("{}/24", Net::addr(i));
            must(&["ip", "-n", &ns, "addr", "add", &addr, "dev", "eth0"]);
            must(&["ip", "-n", &ns, "link", "set", "eth0", "up"]);
            must(&["ip", "-n", &ns, "link", "set", "lo", "up"]);
            must(&[
                "ip",
                "-n",
                &net.bridge,
                "link",
                "set",
                &port,
                "master",
                "br0",
            ]);
            must(&["ip", "-n", &net.bridge, "link", "set", &port, "up"]);
        }
        net
    }

    fn ns(&self, name: &str) -> String {
        format!("{}{name}", self.tag)
    }

    fn port(&self, name: &str) -> String {
        format!("{}p{name}", self.tag)
    }

    fn addr(i: usize) -> String {
        format!("10.77.0.{}", i + 1)
    }

    /// Takes a device's bridge port down: its link is cut, its processes live on.
    fn cut(&self, name: &str) {
        must(&[
            "ip",
            "-n",
            &self.bridge,
            "link",
            "set",
            &self.port(name),
            "down",
        ]);
    }

    fn restore(&self, name: &str) {
        must(&[
            "ip",
            "-n",
            &self.bridge,
            "link",
            "set",
            &self.port(name),
            "up",
        ]);
    }

    /// Slows what a device sends to `rate`.
    fn throttle(&self, name: &str, rate: &str) {
        must(&[
            "ip",
            "netns",
            "exec",
            &self.ns(name),
            "tc",
            "qdisc",
            "add",
            "dev",
            "eth0",
            "root",
            "tbf",
            "rate",
            rate,
            "burst",
            "16kb",
            "latency",
            "500ms",
        ]);
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth ends in it, and so the pairs.
        for name in &self.devices {
            let _ = sh(&["ip", "netns", "del", &self.ns(name)]);
        }
        let _ = sh(&["ip", "netns", "del", &self.bridge]);
    }
}

/// A child process that is killed if the test ends before it does.
struct Proc {
    what: String,
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Proc {
    /// The next line of its stdout, within `deadline`.
    fn line(&mut self, deadline: Duration) -> String {
        match self.lines.recv_timeout(deadline) {
            Ok(l) => l,
            Err(_) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let err = self.stderr_text();
                panic!(
                    "{}: no line on stdout within {deadline:?}; stderr: {err}",
                    self.what
                );
            }
        }
    }

    fn stderr_text(&mut self) -> String {
        let h = std::mem::replace(&mut self.stderr, std::thread::spawn(String::new));
        h.join().unwrap_or_default()
    }

    /// Waits for the process to end; kills it and fails after `deadline`.
    fn wait(mut self, deadline: Duration) -> (ExitStatus, String, String) {
        let t = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                let out: Vec<String> = self.lines.try_iter().collect();
                let err = self.stderr_text();
                return (s, out.join("\n"), err);
            }
            if t.elapsed() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let err = self.stderr_text();
                panic!(
                    "{} did not end within {deadline:?}; stderr: {err}",
                    self.what
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asks it to stop (SIGTERM, as a service manager would), then waits.
    fn terminate(self, deadline: Duration) -> (ExitStatus, String, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.wait(deadline)
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

struct Device<'a> {
    name: &'static str,
    net: &'a Net,
    vault: PathBuf,
    key: PathBuf,
}

impl Device<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.net.ns(self.name), BIN])
            .args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_KEY_FILE", &self.key)
            .env("COMEBACK_DEVICE_NAME", format!("Device {}", self.name))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn spawn(&self, args: &[&str]) -> Proc {
        let mut child = self.command(args).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Proc {
            what: format!("`comeback {}` on {}", args.join(" "), self.name),
            child,
            lines,
            stderr,
        }
    }

    /// Runs a command to its end within `deadline`; returns (success, stdout, stderr).
    fn run(&self, args: &[&str], deadline: Duration) -> (bool, String, String) {
        let (status, out, err) = self.spawn(args).wait(deadline);
        (status.success(), out, err)
    }

    /// Runs a command that must succeed.
    fn ok(&self, args: &[&str], deadline: Duration) -> String {
        let (ok, out, err) = self.run(args, deadline);
        assert!(
            ok,
            "`comeback {}` on {} failed: {}",
            args.join(" "),
            self.name,
            err.trim()
        );
        out
    }

    /// Every entry, by id.
    fn entries(&self) -> Vec<Value> {
        let out = self.ok(
            &["entry", "list", "--json", "--limit", "100000"],
            Duration::from_secs(20),
        );
        let v: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("entry list --json on {}: {e}: {out}", self.name));
        let mut list = v.as_array().cloned().unwrap_or_default();
        list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        list
    }

    fn doctor(&self) -> Value {
        let out = self.ok(&["doctor", "--json"], Duration::from_secs(30));
        serde_json::from_str(&out).unwrap()
    }
}

/// The ticket from `devices invite --json`'s first line.
fn ticket(invite: &mut Proc) -> String {
    let line = invite.line(Duration::from_secs(20));
    let v: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("devices invite --json printed {line:?} ({e})"));
    v["ticket"].as_str().unwrap().to_string()
}

#[test]
fn three_devices_in_namespaces_converge_after_a_link_is_cut_mid_sync() {
    let started = Instant::now();
    preconditions();
    let net = Net::new(&["a", "b", "c"]);
    let tmp = tempfile::tempdir().unwrap();
    let device = |name: &'static str| Device {
        name,
        net: &net,
        vault: tmp.path().join(name).join("vault"),
        key: tmp.path().join(name).join("key"),
    };
    let (a, b, c) = (device("a"), device("b"), device("c"));
    for d in [&a, &b, &c] {
        std::fs::create_dir_all(d.vault.parent().unwrap()).unwrap();
        d.ok(&["init"], Duration::from_secs(20));
    }
    let generated = a.ok(
        &["dev", "generate", "--fraction", FRACTION, "--seed", "3"],
        Duration::from_secs(60),
    );
    eprintln!(
        "A: {} ({:.1} s)",
        generated.trim(),
        started.elapsed().as_secs_f64()
    );
    // B and C each bring an entry of their own to the merge.
    b.ok(
        &["entry", "add", "--text", "written on B before pairing"],
        Duration::from_secs(20),
    );
    c.ok(
        &["entry", "add", "--text", "written on C before pairing"],
        Duration::from_secs(20),
    );
    net.throttle("a", RATE);

    // B joins; its link goes down for 4 s in the middle of the first sync.
    let mut invite = a.spawn(&["devices", "invite", "--json", "--yes", "--no-mdns"]);
    let t = ticket(&mut invite);
    let join = b.spawn(&["devices", "join", &t, "--yes", "--no-mdns"]);
    let request = invite.line(Duration::from_secs(20)); // the join request: the sync starts
    assert!(request.contains("code"), "{request}");
    std::thread::sleep(Duration::from_millis(1500));
    net.cut("b");
    std::thread::sleep(Duration::from_secs(4));
    net.restore("b");
    let (joined, join_out, join_err) = join.wait(Duration::from_secs(40));
    let (invited, _, invite_err) = invite.wait(Duration::from_secs(40));
    let (on_a, on_b) = (a.entries().len(), b.entries().len());
    eprintln!(
        "B's join through a 4 s cut: {joined} ({} {}); A's invite: {invited} ({}); B holds {on_b} of A's {on_a} entries ({:.1} s)",
        join_out.trim(),
        join_err.trim(),
        invite_err.trim(),
        started.elapsed().as_secs_f64()
    );

    // C joins and goes away (killed) in the middle of its first sync, its link down.
    let mut invite = a.spawn(&["devices", "invite", "--json", "--yes", "--no-mdns"]);
    let t = ticket(&mut invite);
    let join = c.spawn(&["devices", "join", &t, "--yes", "--no-mdns"]);
    let request = invite.line(Duration::from_secs(20));
    assert!(request.contains("code"), "{request}");
    std::thread::sleep(Duration::from_millis(1500));
    net.cut("c");
    std::thread::sleep(Duration::from_millis(500));
    join.kill();
    invite.kill();
    net.restore("c");
    let (on_a, on_c) = (a.entries().len(), c.entries().len());
    eprintln!(
        "C's join killed mid-sync: C holds {on_c} of A's {on_a} entries ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        on_c < on_a,
        "C's first sync was meant to be cut short, but C already holds all {on_a} entries: make the journal bigger"
    );

    // Heal: A serves; B and C sync once, until all three hold the same entries.
    let mut converged = false;
    for round in 1..=3 {
        let mut serve = a.spawn(&["serve", "--no-mdns"]);
        let listening = serve.line(Duration::from_secs(20));
        assert!(listening.contains("listening"), "{listening}");
        for d in [&b, &c, &b] {
            let (ok, out, err) = d.run(
                &["sync", "--once", "--no-mdns", "--timeout", "15"],
                Duration::from_secs(40),
            );
            eprintln!(
                "round {round}: sync --once on {}: {} {} {} ({:.1} s)",
                d.name,
                if ok { "ok" } else { "FAILED" },
                out.trim(),
                err.trim(),
                started.elapsed().as_secs_f64()
            );
        }
        let (status, _, _) = serve.terminate(Duration::from_secs(20));
        assert!(status.success(), "serve on A ended with {status}");
        let (ea, eb, ec) = (a.entries(), b.entries(), c.entries());
        eprintln!(
            "round {round}: entries A {} B {} C {}",
            ea.len(),
            eb.len(),
            ec.len()
        );
        if ea == eb && eb == ec {
            converged = true;
            break;
        }
    }
    assert!(converged, "the three devices did not converge in 3 rounds");
    let entries = a.entries();
    for text in ["written on B before pairing", "written on C before pairing"] {
        assert!(
            entries.iter().any(|e| e["text"].as_str() == Some(text)),
            "{text:?} is on every device"
        );
    }
    let reports: Vec<Value> = [&a, &b, &c].iter().map(|d| d.doctor()).collect();
    for (d, r) in ["A", "B", "C"].iter().zip(&reports) {
        assert_eq!(r["healthy"], Value::Bool(true), "doctor on {d}: {r}");
    }
    assert_eq!(reports[0]["records"], reports[1]["records"]);
    assert_eq!(reports[1]["records"], reports[2]["records"]);
    // Every device lists all three.
    for d in [&a, &b, &c] {
        let out = d.ok(&["devices", "list", "--json"], Duration::from_secs(20));
        let list: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            list.as_array().map(|l| l.len()),
            Some(3),
            "{}: {list}",
            d.name
        );
    }
    eprintln!(
        "converged: {} entries, {} records on each device, in {:.1} s",
        entries.len(),
        reports[0]["records"],
        started.elapsed().as_secs_f64()
    );
}
