#!/usr/bin/env bash
# Two devices paired on the previous release, one then updated to this release: they
# keep syncing, over loopback, through the real `comeback` binaries; and pairing across
# the two releases is refused with "update Comeback on the other device" (pairing needs
# both on this release; see ARCHITECTURE.md, "Compatibility between releases"). The
# release-to-release check that the unit tests (which hold the previous release's
# *documents*, tests/fixtures) cannot make about the wire. Run by hand before a release; not part of scripts/test.sh, since it
# builds the previous release too.
#   bash scripts/compat-previous-release.sh [COMMIT]   (default: 8d66d41)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
OLD_COMMIT="${1:-8d66d41}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# An export of the old commit, not a worktree: nothing is added to the repository.
mkdir "$WORK/old"
git archive "$OLD_COMMIT" | tar -x -C "$WORK/old"
# The same target folder: the dependencies are shared, only our crates build twice.
cargo build --locked -q -p comeback-cli --manifest-path "$WORK/old/Cargo.toml"
cp "$CARGO_TARGET_DIR/debug/comeback" "$WORK/comeback-old"
cargo build --locked -q -p comeback-cli
NEW="$CARGO_TARGET_DIR/debug/comeback"
OLD="$WORK/comeback-old"
NET=(--loopback --no-mdns)
# Device A stays on the previous release; device B is paired on it, then updated.
A_CMD=(env COMEBACK_VAULT="$WORK/a" COMEBACK_KEY_FILE="$WORK/a.key" COMEBACK_DEVICE_NAME=Old "$OLD")
B_OLD=(env COMEBACK_VAULT="$WORK/b" COMEBACK_KEY_FILE="$WORK/b.key" COMEBACK_DEVICE_NAME=New "$OLD")
B_CMD=(env COMEBACK_VAULT="$WORK/b" COMEBACK_KEY_FILE="$WORK/b.key" COMEBACK_DEVICE_NAME=New "$NEW")
old() { "${A_CMD[@]}" "$@"; }
b_old() { "${B_OLD[@]}" "$@"; }
new() { "${B_CMD[@]}" "$@"; }
passed=0
check() { # what, then the command that must succeed
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; passed=$((passed + 1)); else echo "FAILED: $what" >&2; exit 1; fi
}
pair() { # inviter joiner: both must succeed
  local fifo="$WORK/invite.out"
  "$1" devices invite --json --yes --timeout 60 "${NET[@]}" >"$fifo" 2>"$WORK/invite.err" &
  local pid=$!
  for _ in $(seq 100); do [ -s "$fifo" ] && break; sleep 0.1; done
  local ticket
  ticket="$(head -1 "$fifo" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])')"
  "$2" devices join "$ticket" --yes "${NET[@]}" >/dev/null
  wait "$pid"
}
count() { "$1" entry list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
peers() { "$1" devices list --json | python3 -c 'import json,sys; print(len([d for d in json.load(sys.stdin) if not d["this_device"]]))'; }

old init >/dev/null
b_old init >/dev/null
old entry add --text "Written on the previous release." --date 2026-03-03 >/dev/null
b_old entry add --text "Written on the device that is updated, same month." --date 2026-03-04 >/dev/null
check "two devices pair on the previous release" pair old b_old
# B is updated to this release: the pair keeps syncing (comeback/sync/1 is unchanged).
check "the updated device holds both entries" test "$(count new)" = 2
id="$(new entry list --json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if "previous" in e["text"]][0])')"
new entry edit "$id" --text "Written on the previous release; edited on this one." >/dev/null
old entry add --text "A second one on the previous release." --date 2026-04-01 >/dev/null
serving() { # command...; starts `serve` with it in the background
  "$@" serve "${NET[@]}" >/dev/null 2>&1 &
  SERVE=$!
  sleep 2
}
quiet() { "$@" >/dev/null; }
serving "${A_CMD[@]}"
check "this release syncs with the previous one" quiet new sync --once "${NET[@]}"
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true
serving "${B_CMD[@]}"
check "the previous release syncs with this one" quiet old sync --once "${NET[@]}"
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true
doctors() { quiet old doctor && quiet new doctor; }
check "both doctors are healthy" doctors
a="$(old entry list --json | python3 -c 'import json,sys; print(sorted((e["id"], e["text"]) for e in json.load(sys.stdin)))')"
b="$(new entry list --json | python3 -c 'import json,sys; print(sorted((e["id"], e["text"]) for e in json.load(sys.stdin)))')"
check "both devices show the same three entries" test "$a" = "$b"

# Pairing across releases is refused (comeback/pair/1 is not served: its check code
# could be ground), with a message that says what to do, and lists nobody.
OLD2=(env COMEBACK_VAULT="$WORK/c" COMEBACK_KEY_FILE="$WORK/c.key" COMEBACK_DEVICE_NAME=Old2 "$OLD")
NEW2=(env COMEBACK_VAULT="$WORK/d" COMEBACK_KEY_FILE="$WORK/d.key" COMEBACK_DEVICE_NAME=New2 "$NEW")
old2() { "${OLD2[@]}" "$@"; }
new2() { "${NEW2[@]}" "$@"; }
old2 init >/dev/null
new2 init >/dev/null
refused() { # inviter joiner: the join fails and says to update the other device
  local fifo="$WORK/invite2.out"
  # A short ticket: the inviter gives up by itself soon after the refused join.
  "$1" devices invite --json --yes --timeout 8 "${NET[@]}" >"$fifo" 2>/dev/null &
  local pid=$!
  for _ in $(seq 100); do [ -s "$fifo" ] && break; sleep 0.1; done
  local ticket
  ticket="$(head -1 "$fifo" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])')"
  local joined=0
  "$2" devices join "$ticket" --yes "${NET[@]}" >/dev/null 2>"$WORK/join.err" && joined=1
  wait "$pid" 2>/dev/null || true
  [ "$joined" = 0 ] || return 1
  [ -z "${3:-}" ] || grep -q "$3" "$WORK/join.err"
}
check "this release joining the previous one is told to update it" \
  refused old2 new2 "update Comeback on the other device, then pair again"
check "the previous release cannot join this one" refused new2 old2
check "nobody was listed" test "$(peers old2)$(peers new2)" = 00
echo "$passed passed, 0 failed"
