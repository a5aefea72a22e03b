#!/usr/bin/env bash
# Runs every check and test of Comeback, headless: formatting, clippy with warnings
# denied, the unit/property/CLI/crash/keychain tests, a build of the app binary, and
# the Debian package (built, unpacked, both programs started).
# The keychain tests talk to a real Secret Service: this script starts a private D-Bus
# session with gnome-keyring unlocked by a throwaway password, in a throwaway folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

if [ -z "${COMEBACK_IN_SESSION:-}" ]; then
  export COMEBACK_IN_SESSION=1
  KEYRING_HOME="$(mktemp -d)"
  # WebKit may start xdg-document-portal, which mounts a FUSE folder under the runtime
  # dir; unmount it before cleaning up, and never let cleanup decide the exit status.
  trap 'fusermount3 -u "$KEYRING_HOME/run/doc" 2>/dev/null || fusermount -u "$KEYRING_HOME/run/doc" 2>/dev/null || true; rm -rf "$KEYRING_HOME" 2>/dev/null || true' EXIT
  export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  status=0
  dbus-run-session -- bash "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the private D-Bus session: unlock a fresh login keyring (a non-empty password
# is needed, or no keyring is created).
eval "$(printf 'comeback-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true

step() { echo; echo "== $*"; }

# A display for the end-to-end tests of the real window.
if [ -z "${DISPLAY:-}" ]; then
  n=87
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  trap 'kill $XVFB_PID 2>/dev/null || true' EXIT
  export DISPLAY=":$n"
fi

step "front end: install, type check, unit tests, build"
npm --prefix ui ci --no-audit --no-fund --loglevel=error
npm --prefix ui run check
npm --prefix ui test
npm --prefix ui run build

step "formatting"
cargo fmt --all -- --check

step "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked --features comeback-cli/dev -- -D warnings

step "tests"
TEST_LOG="$(mktemp)"
cargo test --workspace --locked --features comeback-cli/dev 2>&1 | tee "$TEST_LOG"

step "benchmarks, on a twentieth of the ten-year journal (they check what they measure; the full figures: cargo bench -p comeback-cli --features dev)"
# Speed and memory figures are written down in docs/BENCHMARKS.md, never asserted here;
# this run keeps both harnesses working, and each checks that its devices end complete
# and healthy.
COMEBACK_BENCH_FRACTION=0.05 cargo bench --locked -p comeback-cli --features dev

step "generated TypeScript types match the Rust ones (drift check)"
# `cargo test` above re-exported them with ts-rs; they must equal what is committed.
if [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --porcelain -- ui/src/lib/bindings
  git --no-pager diff -- ui/src/lib/bindings | head -50
  echo "the transfer types changed: commit ui/src/lib/bindings (cargo test regenerates them)" >&2
  exit 1
fi

step "the app binary builds"
cargo build --workspace --bins --locked

step "the Debian package: built from the debug build above, unpacked into a throwaway root, both programs run"
# `bash scripts/package.sh` (no flag) builds the release package a person installs; the
# debug one reuses this run's build and holds the same files.
DEB="$(bash scripts/package.sh --debug | tail -1)"
bash scripts/test-package.sh "$DEB"

# One closing line that counts every test run above.
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$TEST_LOG"
rm -f "$TEST_LOG"
