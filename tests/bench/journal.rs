//! The ten-year journal both benchmarks measure: generated once (seeded) into
//! `$CARGO_TARGET_DIR/bench-vault` and reused, with `COMEBACK_BENCH_FRACTION` for a
//! smaller one while working on a benchmark.

use std::path::PathBuf;
use std::time::Instant;

use comeback_core::sample::{self, Plan};
use comeback_core::{KeySource, Vault};

/// The share of the ten-year plan to generate (1.0 unless `COMEBACK_BENCH_FRACTION`).
pub fn fraction() -> f64 {
    std::env::var("COMEBACK_BENCH_FRACTION")
        .ok()
        .and_then(|f| f.parse().ok())
        .unwrap_or(1.0)
}

pub fn bench_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let fraction = fraction();
    target.join(if fraction < 1.0 {
        format!("bench-vault-{fraction}")
    } else {
        "bench-vault".into()
    })
}

/// The generated journal's folder, its key file, and the bytes of text it holds;
/// generated (and said so on stdout) the first time.
pub fn pristine() -> (PathBuf, PathBuf, u64) {
    let root = bench_root();
    let vault_dir = root.join("vault");
    let key = root.join("key");
    let ready = root.join("ready");
    if !ready.exists() {
        let plan = if fraction() < 1.0 {
            Plan::scaled(fraction())
        } else {
            Plan::ten_years()
        };
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let (mut vault, _) = Vault::create(&vault_dir, &KeySource::KeyFile(key.clone())).unwrap();
        let started = Instant::now();
        let summary = sample::fill(&mut vault, &plan, 7, |phase, n| {
            eprintln!(
                "  generating: {phase} {n} ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        })
        .unwrap();
        comeback_core::testing::checkpoint(&vault).unwrap();
        std::fs::write(&ready, format!("{}\n", summary.text_bytes)).unwrap();
        println!(
            "generated {} entries, {} records, {} commits in {:.1} s",
            summary.entries,
            summary.records,
            summary.commits,
            started.elapsed().as_secs_f64()
        );
    }
    let text_bytes = std::fs::read_to_string(&ready)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (vault_dir, key, text_bytes)
}

/// The bytes of every file under `dir`.
#[allow(dead_code)] // the sync benchmark weighs no folder
pub fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                dir_size(&e.path())
            } else {
                m.len()
            }
        })
        .sum()
}
