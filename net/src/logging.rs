//! Logs, off by default. `COMEBACK_LOG` (any `tracing_subscriber::EnvFilter` directive,
//! say `debug` or `comeback_net=debug,iroh=warn`) turns on a subscriber that writes to
//! standard error; both fronts call `init` first thing. The network layer logs a span per
//! session and per pairing (named by the short device id) and an event wherever it used
//! to drop a failure silently. A log line never holds a secret (a ticket, its secret, a
//! key) or journal text: only ids, sizes, and our own error messages.

use tracing_subscriber::EnvFilter;

/// The environment variable that turns logging on.
pub const ENV: &str = "COMEBACK_LOG";

/// Installs the stderr subscriber if `COMEBACK_LOG` is set; returns whether it did.
/// Calling it again (or after another subscriber was installed) does nothing.
pub fn init() -> bool {
    let Ok(directives) = std::env::var(ENV) else {
        return false;
    };
    if directives.trim().is_empty() {
        return false;
    }
    let filter = match EnvFilter::try_new(&directives) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{ENV}='{directives}' is not a log filter ({e}); try {ENV}=debug");
            return false;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .is_ok()
}

/// A device id as logs name it: its first 8 characters (ids are public keys, not
/// secrets, but whole ones make lines unreadable).
pub(crate) fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
