//! One private vault in a temporary folder (key-file mode, no keychain, its own HOME) and
//! the `comeback` commands run against it: what the CLI tests that drive the program as
//! a script share. Each test file includes it with `#[path = "support/sandbox.rs"] mod
//! sandbox;`, so a helper one file does not use is not dead code in the other.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

pub struct Sandbox {
    pub dir: TempDir,
    pub vault: PathBuf,
    pub key: PathBuf,
    /// The time zone every command runs in (`TZ`), if one is set.
    zone: Option<&'static str>,
}

impl Sandbox {
    /// A new vault, made with `comeback init`.
    pub fn new() -> Self {
        Self::made(None)
    }

    /// A new vault whose commands all run in the time zone `zone`.
    pub fn in_zone(zone: &'static str) -> Self {
        Self::made(Some(zone))
    }

    fn made(zone: Option<&'static str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let key = dir.path().join("key");
        let sandbox = Self {
            dir,
            vault,
            key,
            zone,
        };
        sandbox.ok(&["init"]);
        sandbox
    }

    /// `comeback ARGS` on this vault, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let home = self.dir.path().join("home");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_comeback"));
        cmd.args(args)
            .env("COMEBACK_VAULT", &self.vault)
            .env("COMEBACK_KEY_FILE", &self.key)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"));
        if let Some(zone) = self.zone {
            cmd.env("TZ", zone);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs a command with `input` on its standard input (a pipe, not a terminal).
    pub fn run_with(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        stdout_of(args, self.run(args))
    }

    /// Runs a command that must succeed and reads its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// A path inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The stdout of a command that must have succeeded (its stderr in the failure).
pub fn stdout_of(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "`comeback {}` failed: exit {:?}\nstderr: {}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
