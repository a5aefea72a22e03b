//! The app lock as the running app holds it: locked or not. Whether a passcode is set,
//! its idle time and whether a passcode is right are the core's (`api::lock`); this
//! module keeps the state those answers lead to and the gate that follows from it.
//!
//! - **Start.** The app starts locked when the vault it opens has a lock set
//!   ([`Lock::opened`]).
//! - **The gate.** While locked, every command is refused with `ErrorCode::Locked` before
//!   it runs, except the few the lock screen needs ([`OPEN_WHILE_LOCKED`]); a command over
//!   the vault checks again once it holds the vault (`AppState::with`), so a command that
//!   passed the gate just before the app locked still gets nothing.
//! - **Relock.** After the idle time without use, and when the window has been out of
//!   focus (on phones: the app in the background) for [`AWAY_GRACE`]. "Use" is what the
//!   window reports with `lock_touch` (on a key or a pointer, at most every few seconds),
//!   not commands: screens that refresh by themselves must not keep the app open. A
//!   debug build honours `COMEBACK_LOCK_IDLE_SECONDS` in place of the idle minutes, so
//!   the end-to-end test sees a relock in seconds; a release build ignores it.
//! - **On relock** the shell emits `locked`, and the window drops every record it holds
//!   and shows the lock screen.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use comeback_core::api::LockStatus;
use comeback_core::{ErrorCode, api};

/// The commands that answer while the app is locked: none returns or changes journal
/// data.
pub const OPEN_WHILE_LOCKED: &[&str] = &[
    "vault_status",
    "vault_updating",
    "first_screen_drawn",
    "lock_status",
    "app_locked",
    "unlock",
    "biometric_available",
    "unlock_biometric",
    "lock_reset",
    "lock_touch",
];

/// How long the window may be out of focus (the app in the background) before it locks.
pub const AWAY_GRACE: Duration = Duration::from_secs(30);

/// The refusal of a command while locked.
pub fn refusal() -> api::ErrorReply {
    api::ErrorReply {
        code: ErrorCode::Locked,
        message: comeback_core::Error::Locked.to_string(),
    }
}

#[derive(Debug)]
struct Inner {
    locked: bool,
    /// A passcode is set (as the core last said).
    on: bool,
    idle: Duration,
    last_use: Instant,
    /// Since when the window has been out of focus or the app in the background.
    away_since: Option<Instant>,
}

#[derive(Debug)]
pub struct Lock(Mutex<Inner>);

impl Default for Lock {
    fn default() -> Self {
        Self(Mutex::new(Inner {
            locked: false,
            on: false,
            idle: idle_of(api::DEFAULT_IDLE_MINUTES),
            last_use: Instant::now(),
            away_since: None,
        }))
    }
}

/// The idle time: the core's minutes, or `COMEBACK_LOCK_IDLE_SECONDS` in a debug build.
fn idle_of(minutes: u32) -> Duration {
    #[cfg(debug_assertions)]
    if let Some(seconds) = std::env::var("COMEBACK_LOCK_IDLE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        return Duration::from_secs(seconds);
    }
    Duration::from_secs(u64::from(minutes) * 60)
}

impl Lock {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The state is a few plain fields: one a panic left half-written is still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn is_locked(&self) -> bool {
        self.inner().locked
    }

    /// The vault opened (or the lock's settings changed) with `status`: a vault with a
    /// lock set starts locked.
    pub fn opened(&self, status: &LockStatus) {
        let mut s = self.inner();
        s.on = status.on;
        s.idle = idle_of(status.idle_minutes);
        s.locked = status.on;
        s.last_use = Instant::now();
    }

    /// The lock's settings changed while unlocked (set, turned off, a new idle time).
    pub fn changed(&self, status: &LockStatus) {
        let mut s = self.inner();
        s.on = status.on;
        s.idle = idle_of(status.idle_minutes);
        s.last_use = Instant::now();
        if !status.on {
            s.locked = false;
        }
    }

    /// The right passcode (or the recovery key) was given.
    pub fn unlocked(&self) {
        let mut s = self.inner();
        s.locked = false;
        s.last_use = Instant::now();
        s.away_since = None;
    }

    /// Someone used the window.
    pub fn touch(&self) {
        self.inner().last_use = Instant::now();
    }

    /// Locks now if a lock is set; whether it did (it was open).
    pub fn lock_now(&self) -> bool {
        let mut s = self.inner();
        if s.on && !s.locked {
            s.locked = true;
            return true;
        }
        false
    }

    /// The window lost or got focus (the app went to the background or came back).
    /// Coming back after the grace locks (a phone may have frozen the relock timer
    /// meanwhile); whether it did.
    pub fn away(&self, away: bool) -> bool {
        if away {
            self.inner().away_since.get_or_insert_with(Instant::now);
            return false;
        }
        let locked = self.relock_due(Instant::now());
        let mut s = self.inner();
        s.away_since = None;
        if !locked {
            s.last_use = Instant::now();
        }
        locked
    }

    /// Locks if the idle time or the grace while away has run out at `now`; whether it
    /// did.
    pub fn relock_due(&self, now: Instant) -> bool {
        let mut s = self.inner();
        if !s.on || s.locked {
            return false;
        }
        let idle = now.saturating_duration_since(s.last_use) >= s.idle;
        let away = s
            .away_since
            .is_some_and(|t| now.saturating_duration_since(t) >= AWAY_GRACE);
        if idle || away {
            s.locked = true;
        }
        s.locked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(minutes: u32) -> LockStatus {
        LockStatus {
            on: true,
            idle_minutes: minutes,
            retry_after_s: 0,
        }
    }

    #[test]
    fn a_vault_with_a_lock_starts_locked_and_one_without_does_not() {
        let lock = Lock::default();
        lock.opened(&on(5));
        assert!(lock.is_locked());
        let lock = Lock::default();
        lock.opened(&LockStatus { on: false, ..on(5) });
        assert!(!lock.is_locked());
        assert!(!lock.lock_now(), "no lock set: nothing to lock");
    }

    #[test]
    fn idle_time_and_a_long_time_away_relock_and_use_keeps_it_open() {
        let lock = Lock::default();
        lock.opened(&on(1));
        lock.unlocked();
        let t0 = Instant::now();
        assert!(!lock.relock_due(t0 + Duration::from_secs(30)));
        lock.touch();
        assert!(!lock.relock_due(Instant::now() + Duration::from_secs(59)));
        assert!(lock.relock_due(Instant::now() + Duration::from_secs(61)));
        lock.unlocked();
        lock.away(true);
        assert!(!lock.relock_due(Instant::now() + Duration::from_secs(5)));
        assert!(lock.relock_due(Instant::now() + AWAY_GRACE + Duration::from_secs(1)));
    }
}
