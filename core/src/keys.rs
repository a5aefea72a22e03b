//! Device and database secrets, kept in the operating system's keychain.
//!
//! A vault's database key is 32 random bytes. It lives in the keychain under service
//! `comeback` and user = the vault's id, so several vaults on one machine never collide.
//! The recovery key is the same 32 bytes written for people: base32 in groups of four,
//! with a checksum so a mistyped key is caught before anything is written. For a
//! headless home box an explicit key file is allowed, and refused unless only its owner
//! can read it (mode 0600). There is no silent fallback: no keychain means a clear
//! error, never a plaintext database. Secrets redact themselves in `Debug` and are never
//! `Serialize`. They are wiped from memory when dropped, and so is every other form of
//! them made on the way (hex, base32, what a keychain or key file returned): those
//! buffers are `Zeroizing` and sized once, since a `Vec` or `String` that grows leaves
//! its old copy behind, unwiped.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The keychain service every Comeback secret is filed under.
pub const SERVICE: &str = "comeback";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no keychain is reachable ({0}); start the Secret Service (for example gnome-keyring-daemon in a D-Bus session) and unlock it, or on a headless machine use --key-file PATH"
    )]
    NoKeychain(String),
    #[error(
        "the keychain has no key for this vault; restore it with `comeback unlock`, which asks for the recovery key"
    )]
    Missing,
    #[error("the keychain refused: {0}")]
    Keychain(String),
    #[error(
        "that recovery key is not valid ({0}); check it against the one you saved, groups of four letters and digits"
    )]
    BadRecoveryKey(String),
    #[error("the key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
}

/// A 32-byte secret (a database key, a device's identity key). Wiped from memory when
/// dropped; never printed, never serialised.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; 32]);

/// Base32 characters in a recovery key: 32 key bytes and a 2-byte checksum.
const RECOVERY_CHARS: usize = 55;
/// The recovery key as shown: a dash between groups of four.
const RECOVERY_LEN: usize = RECOVERY_CHARS + RECOVERY_CHARS.div_ceil(4) - 1;

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        // Filled in place: no second copy of the bytes to wipe.
        let mut key = Self([0u8; 32]);
        getrandom::fill(&mut key.0).map_err(|e| KeyError::Keychain(e.to_string()))?;
        Ok(key)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SQLCipher raw-key statement (`PRAGMA key = "x'…'"`), so no key derivation
    /// runs on open. Built here, in one wiped buffer of the right size, rather than by
    /// rusqlite's `pragma_update`, whose own copy of the statement is not wiped.
    pub fn sqlcipher_key_pragma(&self) -> Zeroizing<String> {
        const HEAD: &str = "PRAGMA key = \"x'";
        const TAIL: &str = "'\";";
        let hex = data_encoding::HEXLOWER;
        let mut sql = Zeroizing::new(String::with_capacity(
            HEAD.len() + hex.encode_len(self.0.len()) + TAIL.len(),
        ));
        sql.push_str(HEAD);
        hex.encode_append(&self.0, &mut sql);
        sql.push_str(TAIL);
        sql
    }

    /// The recovery key: base32 of the key and a 2-byte checksum, in groups of four.
    pub fn recovery_key(&self) -> RecoveryKey {
        let mut bytes = Zeroizing::new([0u8; 34]);
        bytes[..32].copy_from_slice(&self.0);
        bytes[32..].copy_from_slice(&checksum(&self.0));
        let mut base32 = Zeroizing::new([0u8; RECOVERY_CHARS]);
        let text = data_encoding::BASE32_NOPAD.encode_mut_str(&*bytes, &mut *base32);
        let mut grouped = String::with_capacity(RECOVERY_LEN);
        for (i, c) in text.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                grouped.push('-');
            }
            grouped.push(c);
        }
        RecoveryKey(grouped)
    }

    /// Reads a recovery key as typed: case, spaces and dashes do not matter.
    pub fn from_recovery_key(text: &str) -> Result<Self, KeyError> {
        // A kept character keeps its length, so this never outgrows its first buffer.
        let mut cleaned = Zeroizing::new(String::with_capacity(text.len()));
        cleaned.extend(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase()),
        );
        if !cleaned.bytes().all(is_base32) {
            return Err(KeyError::BadRecoveryKey(
                "it has characters outside A–Z and 2–7".into(),
            ));
        }
        if cleaned.len() != RECOVERY_CHARS {
            return Err(KeyError::BadRecoveryKey(
                "it is not the right length".into(),
            ));
        }
        let mut bytes = Zeroizing::new([0u8; 34]);
        // Only the last character can still fail (bits past the 34 bytes, never set in a
        // key we showed): a typo like any other.
        let decoded = data_encoding::BASE32_NOPAD.decode_mut(cleaned.as_bytes(), &mut *bytes);
        let mut key = Self([0u8; 32]);
        key.0.copy_from_slice(&bytes[..32]);
        if decoded.is_err() || bytes[32..] != checksum(&key.0) {
            return Err(KeyError::BadRecoveryKey(
                "its checksum does not match".into(),
            ));
        }
        Ok(key)
    }
}

fn is_base32(b: u8) -> bool {
    b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)
}

fn checksum(key: &[u8; 32]) -> [u8; 2] {
    let digest = Sha256::digest(key);
    [digest[0], digest[1]]
}

/// The recovery key as shown to the user once. Redacted in `Debug`; `reveal` to show it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey(String);

impl RecoveryKey {
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

/// A credential store: the platform keychain, or (in tests of error paths) a mock.
#[derive(Clone)]
pub struct Keychain {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for Keychain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keychain")
    }
}

impl Keychain {
    /// The platform's keychain: Secret Service on Linux, Keychain Services on Apple
    /// systems (the protected store on iOS, readable after first unlock so background
    /// sync works), Credential Manager on Windows, the Android key store.
    pub fn platform() -> Result<Self, KeyError> {
        let store = platform_store().map_err(|e| KeyError::NoKeychain(e.to_string()))?;
        Ok(Self { store })
    }

    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self { store }
    }

    fn entry(&self, vault_id: &str) -> Result<Entry, KeyError> {
        Entry::new_in_store(&self.store, SERVICE, vault_id).map_err(map_keyring)
    }

    pub fn get(&self, vault_id: &str) -> Result<SecretKey, KeyError> {
        let secret = Zeroizing::new(self.entry(vault_id)?.get_secret().map_err(map_keyring)?);
        if secret.len() != 32 {
            return Err(KeyError::Keychain(
                "the stored key has the wrong length; restore it with `comeback unlock`, which asks for the recovery key"
                    .into(),
            ));
        }
        let mut key = SecretKey([0u8; 32]);
        key.0.copy_from_slice(&secret);
        Ok(key)
    }

    pub fn set(&self, vault_id: &str, key: &SecretKey) -> Result<(), KeyError> {
        self.entry(vault_id)?
            .set_secret(&key.0)
            .map_err(map_keyring)
    }

    pub fn delete(&self, vault_id: &str) -> Result<(), KeyError> {
        match self.entry(vault_id)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

fn map_keyring(err: keyring_core::Error) -> KeyError {
    match err {
        keyring_core::Error::NoEntry => KeyError::Missing,
        keyring_core::Error::NoStorageAccess(e) => KeyError::NoKeychain(e.to_string()),
        keyring_core::Error::PlatformFailure(e) => KeyError::NoKeychain(e.to_string()),
        other => KeyError::Keychain(other.to_string()),
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "android")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(android_native_keyring_store::Store::new()?)
}

#[cfg(target_os = "ios")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::protected::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "ios",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "this operating system has no supported keychain".into(),
    ))
}

/// Reads a key file written by [`write_key_file`]; refused unless mode 0600.
pub fn read_key_file(path: &Path) -> Result<SecretKey, KeyError> {
    let shown = path.display().to_string();
    let err = |reason: String| KeyError::KeyFile {
        path: shown.clone(),
        reason,
    };
    check_private(path).map_err(&err)?;
    // read_to_string sizes its buffer from the file's length: one buffer, wiped.
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| err(format!("cannot be read ({e})")))?,
    );
    SecretKey::from_recovery_key(text.trim()).map_err(|e| err(e.to_string()))
}

/// Writes the key (in recovery-key form) to a new file only its owner can read.
pub fn write_key_file(path: &Path, key: &SecretKey) -> Result<(), KeyError> {
    use std::io::Write;
    let shown = path.display().to_string();
    let err = |reason: String| KeyError::KeyFile {
        path: shown.clone(),
        reason,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        err(format!(
            "cannot be created ({e}); choose a path that does not exist yet"
        ))
    })?;
    let text = key.recovery_key();
    file.write_all(text.reveal().as_bytes())
        .and_then(|_| file.write_all(b"\n"))
        .and_then(|_| file.sync_all())
        .map_err(|e| err(format!("cannot be written ({e})")))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read ({e})"))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode != 0o600 {
        return Err(format!(
            "has mode {mode:o}; a key file must be readable by its owner only: run `chmod 600 {}`",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_round_trips_whatever_the_case_and_dashes() {
        let key = SecretKey::generate().unwrap();
        let shown = key.recovery_key();
        let typed = shown.reveal().to_lowercase().replace('-', " ");
        assert_eq!(SecretKey::from_recovery_key(&typed).unwrap(), key);
    }

    #[test]
    fn a_mistyped_recovery_key_is_caught_by_its_checksum() {
        let key = SecretKey::from_bytes([7; 32]);
        let mut text = key.recovery_key().reveal().to_string();
        let first = text.remove(0);
        text.insert(0, if first == 'A' { 'B' } else { 'A' });
        let err = SecretKey::from_recovery_key(&text).unwrap_err();
        assert!(matches!(err, KeyError::BadRecoveryKey(_)), "{err}");
    }

    /// Compiles only for types that wipe themselves when dropped.
    fn wiped_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn secret_keys_and_recovery_keys_are_wiped_when_dropped() {
        wiped_on_drop::<SecretKey>();
        wiped_on_drop::<RecoveryKey>();
        wiped_on_drop::<Zeroizing<String>>();
        // What the drop runs:
        let mut key = SecretKey::from_bytes([0xAB; 32]);
        let mut shown = key.recovery_key();
        key.zeroize();
        assert_eq!(key.as_bytes(), &[0; 32]);
        shown.zeroize();
        assert_eq!(shown.reveal(), "");
    }

    #[test]
    fn a_recovery_key_is_fourteen_groups_of_base32() {
        let shown = SecretKey::from_bytes([0x5A; 32]).recovery_key();
        let groups: Vec<&str> = shown.reveal().split('-').collect();
        assert_eq!(groups.len(), 14, "{groups:?}");
        assert!(groups[..13].iter().all(|g| g.len() == 4), "{groups:?}");
        assert_eq!(groups[13].len(), 3);
        assert!(shown.reveal().bytes().all(|b| b == b'-' || is_base32(b)));
        assert_eq!(shown.reveal().len(), RECOVERY_LEN);
    }

    #[test]
    fn a_recovery_key_that_is_not_one_says_why() {
        let key = SecretKey::from_bytes([0x11; 32]);
        let shown = key.recovery_key().reveal().to_string();
        let why = |text: &str| match SecretKey::from_recovery_key(text) {
            Err(KeyError::BadRecoveryKey(why)) => why,
            other => panic!("{text:?} gave {other:?}"),
        };
        assert!(why("not a key: 0189!").contains("outside A–Z and 2–7"));
        assert!(why(&format!("{shown}é")).contains("outside A–Z and 2–7"));
        assert!(why("ABCD-EFGH").contains("right length"));
        assert!(why(&format!("{shown}A")).contains("right length"));
        assert!(why("").contains("right length"));
        // The last character carries 3 bits past the key and checksum, always 0.
        let last = shown.chars().last().unwrap();
        let odd = format!(
            "{}{}",
            &shown[..shown.len() - 1],
            if last == 'B' { 'C' } else { 'B' }
        );
        assert!(why(&odd).contains("checksum"));
        assert_eq!(SecretKey::from_recovery_key(&shown).unwrap(), key);
    }

    #[test]
    fn the_sqlcipher_statement_carries_the_key_as_a_raw_hex_literal() {
        let key = SecretKey::from_bytes([0xAB; 32]);
        let sql = key.sqlcipher_key_pragma();
        assert_eq!(*sql, format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
        assert_eq!(
            sql.capacity(),
            sql.len(),
            "built in one buffer, never grown"
        );
    }

    #[test]
    fn secrets_redact_themselves_in_debug() {
        let key = SecretKey::from_bytes([0xAB; 32]);
        let shown = format!("{key:?} {:?}", key.recovery_key());
        assert!(!shown.to_lowercase().contains("abab"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn an_unreachable_keychain_says_what_to_start() {
        let err = map_keyring(keyring_core::Error::NoStorageAccess(Box::new(
            std::io::Error::other("org.freedesktop.secrets was not provided"),
        )));
        assert!(err.to_string().contains("gnome-keyring-daemon"), "{err}");
        assert!(err.to_string().contains("--key-file"), "{err}");
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let key = SecretKey::from_bytes([3; 32]);
        write_key_file(&path, &key).unwrap();
        assert_eq!(read_key_file(&path).unwrap(), key);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_key_file(&path).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
