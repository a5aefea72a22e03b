//! The app lock, this device's own: an optional passcode the app asks for on start, after
//! an idle time and when it comes back from the background. What it guards is the open
//! app on a device someone else picks up; the journal on disk is protected by the
//! database key (see `keys`), with or without a lock.
//!
//! The passcode is never stored: only its Argon2id hash (a PHC string, with its own
//! random salt and the parameters it was made with), in the vault's local settings, which
//! never sync, so each device has its own passcode or none. Hashing takes a good part of
//! a second on purpose ([`M_COST_KIB`], [`T_COST`]).
//!
//! Wrong passcodes slow down: the first [`FREE_TRIES`] cost nothing; each one after that
//! makes the next try wait, 30 seconds then twice as long each time, up to an hour. The
//! count and the end of the wait are kept in the local settings, so closing and opening
//! the app does not reset them; a try during the wait is refused without being checked.
//! The right passcode clears the count.
//!
//! The state "locked or not" is the running app's (the shell holds it and serves no
//! journal data while locked); these verbs say whether a lock is set and check a
//! passcode.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::keys::{KeyError, SecretKey};
use crate::model::Invalid;
use crate::vault::Vault;

/// The local setting the lock is kept under (JSON: the hash and the wrong-try count).
const SETTING: &str = "lock";
/// The local setting of the idle time (kept apart, so it outlives turning the lock off).
const IDLE_SETTING: &str = "lock_idle_minutes";

pub const MIN_PASSCODE_CHARS: usize = 4;
/// Far longer than anyone types; bounds what is hashed.
pub const MAX_PASSCODE_CHARS: usize = 128;
/// Wrong tries that cost no wait.
pub const FREE_TRIES: u32 = 3;
/// The wait after the first wrong try past [`FREE_TRIES`]; it doubles with each one after.
pub const FIRST_WAIT_S: u64 = 30;
pub const MAX_WAIT_S: u64 = 60 * 60;
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
pub const MAX_IDLE_MINUTES: u32 = 24 * 60;

/// Argon2id memory, in KiB: 64 MiB. With [`T_COST`] 2 and one lane, a hash takes about
/// 140–210 ms on a 2-core server CPU (AMD EPYC) in a release build, best of ten runs
/// (slower on a phone; a hash is made only when the passcode is set or typed). The parameters travel in the stored PHC
/// string, so a later release that raises them still checks passcodes set before.
pub const M_COST_KIB: u32 = 64 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

/// Whether a lock is set on this device, its idle time, and how long the next try must
/// wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LockStatus {
    /// A passcode is set: the app starts locked.
    pub on: bool,
    /// Minutes without use after which the app locks again.
    pub idle_minutes: u32,
    /// Seconds before a passcode may be tried again (0: now).
    pub retry_after_s: u64,
}

/// What is kept in the local setting.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct Stored {
    /// The PHC string of the passcode's Argon2id hash.
    hash: String,
    /// Wrong tries since the last right one.
    failures: u32,
    /// When the next try may be made, in milliseconds since 1970 (0: no wait).
    retry_at_ms: i64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn read(vault: &Vault) -> Result<Option<Stored>> {
    match vault.setting(SETTING)? {
        None => Ok(None),
        Some(json) => serde_json::from_str::<Stored>(&json)
            .map(Some)
            .map_err(|e| Error::Internal(format!("the app lock's setting does not read: {e}"))),
    }
}

fn write(vault: &Vault, stored: Option<&Stored>) -> Result<()> {
    let json = stored
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::Internal(e.to_string()))?;
    vault.set_setting(SETTING, json.as_deref())
}

/// How long the next try waits after `failures` wrong tries in a row.
pub fn wait_after(failures: u32) -> u64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    (FIRST_WAIT_S << doublings).min(MAX_WAIT_S)
}

/// Seconds left to wait at `now_ms`, never more than the count's own wait (so a clock set
/// back does not lock a person out for longer).
fn remaining_s(stored: &Stored, now_ms: i64) -> u64 {
    let left_ms = stored.retry_at_ms.saturating_sub(now_ms).max(0);
    let left_s = u64::try_from(left_ms).unwrap_or(0).div_ceil(1000);
    left_s.min(wait_after(stored.failures))
}

fn check_passcode(passcode: &str) -> Result<()> {
    let chars = passcode.chars().count();
    let refuse = |message: &str| Err(Error::Invalid(Invalid::new("passcode", message)));
    if chars < MIN_PASSCODE_CHARS {
        return refuse(
            "a passcode needs at least 4 digits or characters; choose a longer one (one you do not use anywhere else)",
        );
    }
    if chars > MAX_PASSCODE_CHARS {
        return refuse("a passcode can have at most 128 characters; choose a shorter one");
    }
    if passcode.chars().any(char::is_control) {
        return refuse(
            "a passcode cannot hold line breaks or other control characters; use digits, letters or punctuation",
        );
    }
    Ok(())
}

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| Error::Internal(format!("the passcode hash's parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash(passcode: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Io(format!("no randomness for the passcode's salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| Error::Internal(format!("the passcode's salt: {e}")))?;
    hasher()?
        .hash_password(passcode.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing the passcode: {e}")))
}

/// Whether `passcode` is the one `phc` was made from (with the parameters `phc` names).
fn verify(phc: &str, passcode: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| Error::Internal(format!("the stored passcode hash does not read: {e}")))?;
    match Argon2::default().verify_password(passcode.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(Error::Internal(format!("checking the passcode: {e}"))),
    }
}

/// Whether a lock is set on this device, its idle time, and the wait before a try.
pub fn lock_status(vault: &Vault) -> Result<LockStatus> {
    lock_status_at(vault, now_ms())
}

fn lock_status_at(vault: &Vault, now_ms: i64) -> Result<LockStatus> {
    let stored = read(vault)?;
    Ok(LockStatus {
        on: stored.is_some(),
        idle_minutes: idle_minutes(vault)?,
        retry_after_s: stored.map_or(0, |s| remaining_s(&s, now_ms)),
    })
}

fn idle_minutes(vault: &Vault) -> Result<u32> {
    Ok(vault
        .setting(IDLE_SETTING)?
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=MAX_IDLE_MINUTES).contains(m))
        .unwrap_or(DEFAULT_IDLE_MINUTES))
}

/// Sets a passcode on this device (at least [`MIN_PASSCODE_CHARS`] characters). A device
/// that has one already is refused (`precondition`): turn it off with the current one
/// first, so a passcode is only changed by whoever knows it.
pub fn lock_set(vault: &Vault, passcode: &str) -> Result<LockStatus> {
    check_passcode(passcode)?;
    if read(vault)?.is_some() {
        return Err(Error::Precondition(
            "this device has a passcode already; turn it off first with the current one (`comeback lock off`), then set the new one".into(),
        ));
    }
    let stored = Stored {
        hash: hash(passcode)?,
        ..Stored::default()
    };
    write(vault, Some(&stored))?;
    lock_status(vault)
}

/// Turns the lock off, given the passcode (checked as [`unlock`] checks it: a wrong one
/// counts towards the wait).
pub fn lock_off(vault: &Vault, passcode: &str) -> Result<LockStatus> {
    lock_off_at(vault, passcode, now_ms())
}

fn lock_off_at(vault: &Vault, passcode: &str, now_ms: i64) -> Result<LockStatus> {
    unlock_at(vault, passcode, now_ms)?;
    write(vault, None)?;
    lock_status_at(vault, now_ms)
}

/// Checks the passcode. Refused as `wrong_passcode` (the try is counted, and from the
/// [`FREE_TRIES`]th on the message says how long the next one waits), as `lock_wait`
/// during a wait (with the seconds left; the passcode is not even checked), or as a
/// `precondition` when no lock is set. The right passcode clears the count.
pub fn unlock(vault: &Vault, passcode: &str) -> Result<()> {
    unlock_at(vault, passcode, now_ms())
}

fn unlock_at(vault: &Vault, passcode: &str, now_ms: i64) -> Result<()> {
    let Some(mut stored) = read(vault)? else {
        return Err(Error::Precondition(
            "this device has no passcode; set one with `comeback lock set`".into(),
        ));
    };
    let seconds = remaining_s(&stored, now_ms);
    if seconds > 0 {
        return Err(Error::LockWait { seconds });
    }
    if verify(&stored.hash, passcode)? {
        if stored.failures > 0 || stored.retry_at_ms != 0 {
            stored.failures = 0;
            stored.retry_at_ms = 0;
            write(vault, Some(&stored))?;
        }
        return Ok(());
    }
    stored.failures = stored.failures.saturating_add(1);
    let wait_s = wait_after(stored.failures);
    stored.retry_at_ms = if wait_s == 0 {
        0
    } else {
        now_ms.saturating_add(i64::try_from(wait_s * 1000).unwrap_or(i64::MAX))
    };
    write(vault, Some(&stored))?;
    Err(Error::WrongPasscode {
        wait_s,
        tries_left: FREE_TRIES.saturating_sub(stored.failures),
    })
}

/// Turns the lock off for someone who forgot the passcode, given this vault's recovery key
/// (read as `comeback unlock` reads it: case, spaces and dashes do not matter). The
/// recovery key opens the whole journal anyway, so whoever has it may also drop the lock;
/// a wrong one is refused as `bad_recovery_key` and changes nothing. Any wait from wrong
/// passcodes goes with the lock.
pub fn lock_reset(vault: &Vault, recovery_key_text: &str) -> Result<LockStatus> {
    let typed = SecretKey::from_recovery_key(recovery_key_text.trim())?;
    let own = SecretKey::from_recovery_key(vault.recovery_key()?.reveal())?;
    if typed != own {
        return Err(Error::Key(KeyError::BadRecoveryKey(
            "it is well-formed but it is not the key of this vault; check it against the one you saved".into(),
        )));
    }
    write(vault, None)?;
    lock_status(vault)
}

/// The recovery key, for a front that shows it on screen: when a lock is set, only with
/// the passcode (checked as [`unlock`] checks it), so a person who picks up an unlocked
/// device cannot read the key that opens the whole journal.
pub fn recovery_key_behind_lock(
    vault: &Vault,
    passcode: Option<&str>,
) -> Result<crate::keys::RecoveryKey> {
    if read(vault)?.is_some() {
        let Some(passcode) = passcode else {
            return Err(Error::Invalid(Invalid::new(
                "passcode",
                "type this device's passcode to see the recovery key",
            )));
        };
        unlock(vault, passcode)?;
    }
    vault.recovery_key()
}

/// Sets how many minutes without use lock the app again (1 to [`MAX_IDLE_MINUTES`]).
pub fn set_lock_idle(vault: &Vault, minutes: u32) -> Result<LockStatus> {
    if !(1..=MAX_IDLE_MINUTES).contains(&minutes) {
        return Err(Error::Invalid(Invalid::new(
            "idle_minutes",
            format!(
                "{minutes} minutes is outside 1 to {MAX_IDLE_MINUTES} (a day); pick how many minutes without use should lock the app"
            ),
        )));
    }
    vault.set_setting(IDLE_SETTING, Some(&minutes.to_string()))?;
    lock_status(vault)
}

/// "30 seconds", "2 minutes", "1 hour": a wait as a person reads it (rounded up).
pub fn wait_text(seconds: u64) -> String {
    let plural = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    if seconds < 120 {
        plural(seconds, "second")
    } else if seconds < 3600 {
        plural(seconds.div_ceil(60), "minute")
    } else {
        plural(seconds.div_ceil(3600), "hour")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::test_vault;
    use crate::vault::KeySource;

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn the_vaults_recovery_key_turns_a_forgotten_lock_off_and_another_key_does_not() {
        let v = test_vault::new();
        lock_set(&v, "2468").unwrap();
        for _ in 0..5 {
            let _ = unlock(&v, "0000");
        }
        assert!(lock_status(&v).unwrap().retry_after_s > 0);
        let other = SecretKey::from_bytes([7; 32]).recovery_key();
        let err = lock_reset(&v, other.reveal()).unwrap_err();
        assert_eq!(err.code(), "bad_recovery_key");
        let err = lock_reset(&v, "not a key").unwrap_err();
        assert_eq!(err.code(), "bad_recovery_key");
        assert!(lock_status(&v).unwrap().on, "a wrong key changes nothing");
        let own = v.recovery_key().unwrap();
        let typed = own.reveal().to_lowercase().replace('-', " ");
        let status = lock_reset(&v, &typed).unwrap();
        assert!(!status.on);
        assert_eq!(status.retry_after_s, 0);
        lock_set(&v, "1357").unwrap();
        unlock(&v, "1357").unwrap();
    }

    #[test]
    fn the_recovery_key_is_shown_behind_a_lock_only_with_the_passcode() {
        let v = test_vault::new();
        let key = v.recovery_key().unwrap().reveal().to_string();
        assert_eq!(recovery_key_behind_lock(&v, None).unwrap().reveal(), key);
        lock_set(&v, "2468").unwrap();
        let err = recovery_key_behind_lock(&v, None).unwrap_err();
        assert_eq!(err.code(), "invalid");
        let err = recovery_key_behind_lock(&v, Some("1357")).unwrap_err();
        assert_eq!(err.code(), "wrong_passcode");
        let shown = recovery_key_behind_lock(&v, Some("2468")).unwrap();
        assert_eq!(shown.reveal(), key);
    }

    #[test]
    fn a_passcode_shorter_than_four_characters_is_refused_with_what_to_do() {
        let v = test_vault::new();
        let err = lock_set(&v, "123").unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().contains("at least 4"), "{err}");
        let err = lock_set(&v, "12\n34").unwrap_err();
        assert!(err.to_string().contains("line breaks"), "{err}");
        assert!(!lock_status(&v).unwrap().on, "nothing was set");
    }

    #[test]
    fn the_right_passcode_unlocks_and_a_wrong_one_is_refused() {
        let v = test_vault::new();
        assert_eq!(
            lock_status(&v).unwrap(),
            LockStatus {
                on: false,
                idle_minutes: DEFAULT_IDLE_MINUTES,
                retry_after_s: 0
            }
        );
        assert!(lock_set(&v, "2468").unwrap().on);
        unlock(&v, "2468").unwrap();
        let err = unlock(&v, "1357").unwrap_err();
        assert_eq!(err.code(), "wrong_passcode");
        assert_eq!(
            err.to_string(),
            "that passcode is not right; 2 more tries, then each wrong one makes you wait"
        );
        unlock(&v, "2468").unwrap();
    }

    #[test]
    fn the_stored_hash_is_a_salted_argon2id_string_and_not_the_passcode() {
        let v = test_vault::new();
        lock_set(&v, "2468").unwrap();
        let json = v.setting(SETTING).unwrap().unwrap();
        assert!(!json.contains("2468"), "{json}");
        let stored: Stored = serde_json::from_str(&json).unwrap();
        assert!(
            stored.hash.starts_with("$argon2id$v=19$m=65536,t=2,p=1$"),
            "{}",
            stored.hash
        );
        // The same passcode set again gets another salt, so another hash.
        lock_off(&v, "2468").unwrap();
        assert_eq!(v.setting(SETTING).unwrap(), None);
        lock_set(&v, "2468").unwrap();
        let again: Stored = serde_json::from_str(&v.setting(SETTING).unwrap().unwrap()).unwrap();
        assert_ne!(again.hash, stored.hash);
        assert!(verify(&again.hash, "2468").unwrap() && verify(&stored.hash, "2468").unwrap());
    }

    #[test]
    fn a_lock_is_changed_only_by_turning_it_off_with_the_current_passcode() {
        let v = test_vault::new();
        lock_set(&v, "2468").unwrap();
        assert_eq!(lock_set(&v, "9999").unwrap_err().code(), "precondition");
        assert_eq!(lock_off(&v, "9999").unwrap_err().code(), "wrong_passcode");
        assert!(lock_status(&v).unwrap().on);
        assert!(!lock_off(&v, "2468").unwrap().on);
        assert_eq!(unlock(&v, "2468").unwrap_err().code(), "precondition");
        lock_set(&v, "9999").unwrap();
        unlock(&v, "9999").unwrap();
    }

    #[test]
    fn after_three_wrong_tries_each_wrong_one_waits_longer_and_the_right_one_clears_it() {
        let v = test_vault::new();
        lock_set(&v, "2468").unwrap();
        for n in 1..=2 {
            let err = unlock_at(&v, "0000", T0 + n).unwrap_err();
            assert!(
                matches!(err, Error::WrongPasscode { wait_s: 0, .. }),
                "{err}"
            );
        }
        let err = unlock_at(&v, "0000", T0 + 3).unwrap_err();
        assert!(
            matches!(err, Error::WrongPasscode { wait_s: 30, .. }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "that passcode is not right; wait 30 seconds before the next try"
        );
        // During the wait even the right passcode is refused, unchecked, with the time left.
        let err = unlock_at(&v, "2468", T0 + 3 + 10_000).unwrap_err();
        assert_eq!(err.code(), "lock_wait");
        assert_eq!(
            err.to_string(),
            "too many wrong passcodes; try again in 20 seconds"
        );
        assert_eq!(
            lock_status_at(&v, T0 + 3 + 10_000).unwrap().retry_after_s,
            20
        );
        // The wait doubles with the next wrong try.
        let t = T0 + 3 + 30_000;
        let err = unlock_at(&v, "0000", t).unwrap_err();
        assert!(
            matches!(err, Error::WrongPasscode { wait_s: 60, .. }),
            "{err}"
        );
        assert_eq!(lock_status_at(&v, t).unwrap().retry_after_s, 60);
        unlock_at(&v, "2468", t + 60_000).unwrap();
        assert_eq!(lock_status_at(&v, t + 60_000).unwrap().retry_after_s, 0);
        let err = unlock_at(&v, "0000", t + 61_000).unwrap_err();
        assert!(
            matches!(err, Error::WrongPasscode { wait_s: 0, .. }),
            "count cleared"
        );
    }

    #[test]
    fn the_wait_grows_to_an_hour_and_no_further() {
        assert_eq!(
            (0..=11).map(wait_after).collect::<Vec<_>>(),
            [0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
        );
        assert_eq!(wait_after(u32::MAX), MAX_WAIT_S);
        assert_eq!(wait_text(1), "1 second");
        assert_eq!(wait_text(90), "90 seconds");
        assert_eq!(wait_text(121), "3 minutes");
        assert_eq!(wait_text(3599), "60 minutes");
        assert_eq!(wait_text(3600), "1 hour");
        assert_eq!(wait_text(3601), "2 hours");
    }

    #[test]
    fn a_clock_set_back_never_makes_the_wait_longer_than_the_count_allows() {
        let v = test_vault::new();
        lock_set(&v, "2468").unwrap();
        for n in 0..3 {
            let _ = unlock_at(&v, "0000", T0 + n);
        }
        // The clock goes back a day: the wait left is still at most 30 seconds.
        assert_eq!(
            lock_status_at(&v, T0 - 86_400_000).unwrap().retry_after_s,
            30
        );
    }

    #[test]
    fn the_wait_outlives_closing_and_opening_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::KeyFile(dir.path().join("key"));
        let path = dir.path().join("v");
        {
            let (v, _) = Vault::create(&path, &source).unwrap();
            lock_set(&v, "2468").unwrap();
            for n in 0..3 {
                let _ = unlock_at(&v, "0000", T0 + n);
            }
        }
        let v = crate::api::open(&path, &source).unwrap();
        let status = lock_status_at(&v, T0 + 5_000).unwrap();
        assert!(status.on);
        // The third wrong try, at T0 + 2 ms, began a 30-second wait: 25.002 s are left.
        assert_eq!(status.retry_after_s, 26);
        assert_eq!(
            unlock_at(&v, "2468", T0 + 5_000).unwrap_err().code(),
            "lock_wait"
        );
        unlock_at(&v, "2468", T0 + 40_000).unwrap();
    }

    #[test]
    fn the_idle_time_is_kept_and_a_nonsense_one_refused() {
        let v = test_vault::new();
        assert_eq!(set_lock_idle(&v, 15).unwrap().idle_minutes, 15);
        let err = set_lock_idle(&v, 0).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().contains("outside 1 to 1440"), "{err}");
        assert_eq!(lock_status(&v).unwrap().idle_minutes, 15);
        lock_set(&v, "2468").unwrap();
        lock_off(&v, "2468").unwrap();
        assert_eq!(lock_status(&v).unwrap().idle_minutes, 15);
    }
}
