#!/usr/bin/env bash
# Runs every check and test of Comeback, headless: formatting, clippy with warnings
# denied, the unit/property/CLI/crash/keychain tests, and a build of the app binary.
# The keychain tests talk to a real Secret Service: this script starts a private D-Bus
# session with gnome-keyring unlocked by a throwaway password, in a throwaway folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

if [ -z "${COMEBACK_IN_SESSION:-}" ]; then
  export COMEBACK_IN_SESSION=1
  KEYRING_HOME="$(mktemp -d)"
  trap 'rm -rf "$KEYRING_HOME"' EXIT
  export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  exec dbus-run-session -- bash "$0" "$@"
fi

# Inside the private D-Bus session: unlock a fresh login keyring (a non-empty password
# is needed, or no keyring is created).
eval "$(printf 'comeback-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true

step() { echo; echo "== $*"; }

step "formatting"
cargo fmt --all -- --check

step "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
TEST_LOG="$(mktemp)"
cargo test --workspace --locked 2>&1 | tee "$TEST_LOG"

step "the app binary builds"
cargo build --workspace --bins --locked

# One closing line that counts every test run above.
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$TEST_LOG"
rm -f "$TEST_LOG"
