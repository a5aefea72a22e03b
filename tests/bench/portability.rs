//! Export and import of the ten-year journal, as a person runs them: whole `comeback
//! export DIR` and `comeback import DIR` processes (release build), each timed and its
//! peak resident memory read from the kernel's high-water mark (`VmHWM` in
//! /proc/PID/status, which only grows, read every 5 ms until the process ends).
//! Goals (issue "Yours forever"): export under 5 s, import of our own export under
//! 20 s, peak memory under 128 MB.
//!
//! `cargo bench --offline --features dev -p comeback-cli --bench portability`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panicking benchmark is a failing one

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod journal;

const TARGETS: &str =
    "targets: export < 5 s, import of our own export < 20 s, peak memory < 128 MB";

/// The high-water mark of a process's resident memory, in bytes.
fn hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// Runs `comeback ARGS` on `vault` and returns its wall time, peak RSS in bytes and
/// what it printed.
fn measured(vault: &Path, key: &Path, args: &[&str]) -> (Duration, u64, String) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_comeback"))
        .args(args)
        .env("COMEBACK_VAULT", vault)
        .env("COMEBACK_KEY_FILE", key)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(h) = hwm(child.id()) {
            peak = peak.max(h);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "comeback {} failed", args.join(" "));
    (took, peak, out)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let root = journal::bench_root();
    let (pristine, key, text_bytes) = journal::pristine();
    let work: PathBuf = root.join(format!("portability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    println!("{TARGETS}");
    println!("journal: {:.1} MB of text", text_bytes as f64 / 1e6);

    let mut exports = Vec::new();
    let mut export_dir = PathBuf::new();
    for run in 0..3 {
        export_dir = work.join(format!("export-{run}"));
        let (took, peak, out) =
            measured(&pristine, &key, &["export", export_dir.to_str().unwrap()]);
        println!(
            "  export run {run}: {:.2} s, peak RSS {:.1} MB — {}",
            took.as_secs_f64(),
            peak as f64 / 1e6,
            out.trim()
        );
        exports.push((took, peak));
    }
    println!(
        "export folder: {:.1} MB ({:.1} MB comeback.json)",
        journal::dir_size(&export_dir) as f64 / 1e6,
        std::fs::metadata(export_dir.join("comeback.json"))
            .unwrap()
            .len() as f64
            / 1e6
    );

    let mut imports = Vec::new();
    for run in 0..3 {
        let vault = work.join(format!("vault-{run}"));
        let key = work.join(format!("key-{run}"));
        let init = Command::new(env!("CARGO_BIN_EXE_comeback"))
            .arg("init")
            .env("COMEBACK_VAULT", &vault)
            .env("COMEBACK_KEY_FILE", &key)
            .output()
            .unwrap();
        assert!(init.status.success());
        let (took, peak, out) = measured(&vault, &key, &["import", export_dir.to_str().unwrap()]);
        println!(
            "  import run {run}: {:.2} s, peak RSS {:.1} MB — {}",
            took.as_secs_f64(),
            peak as f64 / 1e6,
            out.lines().next().unwrap_or("")
        );
        imports.push((took, peak));
    }
    let median = |v: &mut Vec<(Duration, u64)>| {
        v.sort();
        v[v.len() / 2].0
    };
    let peak = |v: &[(Duration, u64)]| v.iter().map(|r| r.1).max().unwrap_or(0);
    let (export_peak, import_peak) = (peak(&exports), peak(&imports));
    println!(
        "export: median {:.2} s, peak RSS {:.1} MB | import of that export into a new vault: median {:.2} s, peak RSS {:.1} MB",
        median(&mut exports).as_secs_f64(),
        export_peak as f64 / 1e6,
        median(&mut imports).as_secs_f64(),
        import_peak as f64 / 1e6,
    );
    let _ = std::fs::remove_dir_all(&work);
}
