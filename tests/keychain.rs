//! The keychain, for real: these tests talk to the Secret Service over D-Bus
//! (gnome-keyring, started unlocked by `scripts/test.sh` in a private session). They fail,
//! not skip, when no Secret Service is running.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use comeback_core::keys::Keychain;

fn comeback(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comeback"))
        .args(args)
        .env("COMEBACK_VAULT", vault)
        .env_remove("COMEBACK_KEY_FILE")
        .output()
        .unwrap()
}

/// Runs `comeback ARGS` with `input` on its standard input (a pipe, not a terminal).
fn comeback_with_input(vault: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_comeback"))
        .args(args)
        .env("COMEBACK_VAULT", vault)
        .env_remove("COMEBACK_KEY_FILE")
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

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn recovery_key(init_stdout: &str) -> String {
    init_stdout
        .lines()
        .map(str::trim)
        .find(|l| l.len() > 40 && l.split('-').all(|g| g.len() <= 4 && !g.is_empty()))
        .expect("init prints a recovery key")
        .to_string()
}

fn vault_id(vault: &Path) -> String {
    let text = std::fs::read_to_string(vault.join("vault.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["id"].as_str().unwrap().to_string()
}

#[test]
fn the_database_key_lives_in_the_secret_service_and_the_recovery_key_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let init = ok(&comeback(&vault, &["init"]));
    let recovery = recovery_key(&init);
    let id = ok(&comeback(
        &vault,
        &["entry", "add", "--text", "kept under lock and key"],
    ));

    // The key is in the real keychain, filed under this vault's id.
    let chain = Keychain::platform().unwrap();
    let stored = chain.get(&vault_id(&vault)).unwrap();
    assert_eq!(stored.recovery_key().reveal(), recovery);

    // Lose it: the vault refuses to open and says how to get back in.
    chain.delete(&vault_id(&vault)).unwrap();
    let out = comeback(&vault, &["entry", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("comeback unlock"), "{err}");

    // A wrong (but well-formed) recovery key is refused and writes nothing.
    let other = comeback_core::keys::SecretKey::from_bytes([9; 32]).recovery_key();
    let out = comeback_with_input(&vault, &["unlock"], &format!("{}\n", other.reveal()));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not open this vault"), "{err}");
    assert!(chain.get(&vault_id(&vault)).is_err());

    // The right one, piped in on standard input, puts the key back; the entry is still
    // there.
    let out = ok(&comeback_with_input(
        &vault,
        &["unlock"],
        &format!("{recovery}\n"),
    ));
    assert!(out.contains("back in the keychain"), "{out}");
    assert_eq!(
        chain
            .get(&vault_id(&vault))
            .unwrap()
            .recovery_key()
            .reveal(),
        recovery
    );
    let list = ok(&comeback(&vault, &["entry", "list", "--json"]));
    assert!(list.contains(id.trim()), "{list}");
}

#[test]
fn two_vaults_on_one_machine_keep_separate_keys() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    ok(&comeback(&a, &["init"]));
    ok(&comeback(&b, &["init"]));
    ok(&comeback(&a, &["entry", "add", "--text", "in a"]));
    ok(&comeback(&b, &["entry", "add", "--text", "in b"]));
    let chain = Keychain::platform().unwrap();
    assert_ne!(
        chain.get(&vault_id(&a)).unwrap(),
        chain.get(&vault_id(&b)).unwrap()
    );
    assert!(ok(&comeback(&a, &["entry", "list"])).contains("in a"));
    assert!(!ok(&comeback(&a, &["entry", "list"])).contains("in b"));
}

#[test]
fn with_no_keychain_reachable_init_says_what_to_start_and_writes_no_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let out = Command::new(env!("CARGO_BIN_EXE_comeback"))
        .args(["init"])
        .env("COMEBACK_VAULT", &vault)
        .env_remove("COMEBACK_KEY_FILE")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/comeback-test-bus",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keychain"), "{err}");
    assert!(err.contains("--key-file"), "{err}");
    assert!(!vault.join("vault.json").exists());
    assert!(!vault.join("comeback.db").exists());
}
