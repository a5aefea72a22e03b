#!/usr/bin/env bash
# Pairs and syncs a device on the previous release with one on this release, over
# loopback, through the real `comeback` binaries: the release-to-release check that the
# unit tests (which hold the previous release's *documents*, tests/fixtures) cannot make
# about the wire. Run by hand before a release; not part of scripts/test.sh, since it
# builds the previous release too.
#   bash scripts/compat-previous-release.sh [COMMIT]   (default: 8d66d41)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
OLD_COMMIT="${1:-8d66d41}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git worktree add --detach "$WORK/old" "$OLD_COMMIT" >/dev/null
# The same target folder: the dependencies are shared, only our crates build twice.
cargo build --locked -q -p comeback-cli --manifest-path "$WORK/old/Cargo.toml"
cp "$CARGO_TARGET_DIR/debug/comeback" "$WORK/comeback-old"
cargo build --locked -q -p comeback-cli
NEW="$CARGO_TARGET_DIR/debug/comeback"
OLD="$WORK/comeback-old"
NET=(--loopback --no-mdns)
OLD_CMD=(env COMEBACK_VAULT="$WORK/a" COMEBACK_KEY_FILE="$WORK/a.key" COMEBACK_DEVICE_NAME=Old "$OLD")
NEW_CMD=(env COMEBACK_VAULT="$WORK/b" COMEBACK_KEY_FILE="$WORK/b.key" COMEBACK_DEVICE_NAME=New "$NEW")
old() { "${OLD_CMD[@]}" "$@"; }
new() { "${NEW_CMD[@]}" "$@"; }
old init >/dev/null
new init >/dev/null
old entry add --text "Written on the previous release." --date 2026-03-03 >/dev/null
new entry add --text "Written on this release, same month." --date 2026-03-04 >/dev/null

check() { # what, then the command that must succeed
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; exit 1; fi
}
# This release invites, the previous one joins; then the other way round on new vaults.
pair() { # inviter joiner
  local fifo="$WORK/invite.out"
  "$1" devices invite --json --yes --timeout 60 "${NET[@]}" >"$fifo" 2>"$WORK/invite.err" &
  local pid=$!
  for _ in $(seq 100); do [ -s "$fifo" ] && break; sleep 0.1; done
  local ticket
  ticket="$(head -1 "$fifo" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])')"
  "$2" devices join "$ticket" --yes "${NET[@]}" >/dev/null
  wait "$pid"
}
check "the previous release joins a device on this release" pair new old
count() { "$1" entry list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
check "the previous release holds both entries after pairing" test "$(count old)" = 2
check "this release holds both entries after pairing" test "$(count new)" = 2
# An edit on each side, then a sync started from each side.
id="$(new entry list --json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if "previous" in e["text"]][0])')"
new entry edit "$id" --text "Written on the previous release; edited on this one." >/dev/null
old entry add --text "A second one on the previous release." --date 2026-04-01 >/dev/null
serving() { # command...; starts `serve` with it in the background
  "$@" serve "${NET[@]}" >/dev/null 2>&1 &
  SERVE=$!
  sleep 2
}
quiet() { "$@" >/dev/null; }
serving "${OLD_CMD[@]}"
check "this release syncs with the previous one" quiet new sync --once "${NET[@]}"
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true
serving "${NEW_CMD[@]}"
check "the previous release syncs with this one" quiet old sync --once "${NET[@]}"
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true
old doctor >/dev/null && new doctor >/dev/null && echo "ok: both doctors healthy"
a="$(old entry list --json | python3 -c 'import json,sys; print(sorted((e["id"], e["text"]) for e in json.load(sys.stdin)))')"
b="$(new entry list --json | python3 -c 'import json,sys; print(sorted((e["id"], e["text"]) for e in json.load(sys.stdin)))')"
[ "$a" = "$b" ] && echo "ok: both devices show the same three entries" || { echo "FAILED: the devices differ:"; echo "$a"; echo "$b"; exit 1; } >&2
# And the other way round: the previous release invites, this release joins.
OLD2=(env COMEBACK_VAULT="$WORK/c" COMEBACK_KEY_FILE="$WORK/c.key" COMEBACK_DEVICE_NAME=Old2 "$OLD")
NEW2=(env COMEBACK_VAULT="$WORK/d" COMEBACK_KEY_FILE="$WORK/d.key" COMEBACK_DEVICE_NAME=New2 "$NEW")
old2() { "${OLD2[@]}" "$@"; }
new2() { "${NEW2[@]}" "$@"; }
old2 init >/dev/null
new2 init >/dev/null
old2 entry add --text "On the previous release, which invites." --date 2026-05-05 >/dev/null
check "this release joins a device on the previous release" pair old2 new2
check "the joiner holds the inviter's entry" test "$(count new2)" = 1
echo "9 passed, 0 failed"
