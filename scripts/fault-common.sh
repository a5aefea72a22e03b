# Sourced by the fault campaigns (scripts/fault-kill.sh, scripts/fault-linkcut.sh): the
# `comeback` binary they drive, one vault's environment, a pause with microsecond
# precision, seeded random numbers, and the two checks every campaign makes — what a
# vault lists, kind by kind, as sorted TSV, and a doctor that must find it healthy.
# The campaigns are run by hand (never in CI); their figures are in
# docs/fault-campaigns.md.

# The binary: $COMEBACK_BIN if set, else a release build of this checkout, copied into
# $WORK/bin so that nothing (another build into the shared target folder) can change it
# while the campaign runs. Sets BIN, BIN_SHA (its SHA-256, first 16 hex digits) and CODE
# (the commit checked out, "+dirty" if core/cli/net differ from it).
fault_binary() {
  local built copy_sha new_sha try
  command -v jq >/dev/null || {
    echo "fault: jq is needed (apt-get install jq)" >&2
    exit 1
  }
  mkdir -p "$WORK/bin"
  BIN="$WORK/bin/comeback"
  if [ -n "${COMEBACK_BIN:-}" ]; then
    cp "$COMEBACK_BIN" "$BIN"
  else
    # shellcheck source=scripts/env.sh
    source scripts/env.sh
    built="$CARGO_TARGET_DIR/release/comeback"
    # Build, copy, build again: if the second build left the same bytes, the copy is
    # this checkout's build (another worktree's build may have replaced it in between).
    for try in 1 2 3 4; do
      cargo build --locked --release -q -p comeback-cli --features dev >&2 || {
        echo "fault: the release build of comeback failed" >&2
        exit 1
      }
      cp "$built" "$BIN"
      copy_sha="$(sha256sum <"$BIN")"
      cargo build --locked --release -q -p comeback-cli --features dev >&2 || exit 1
      new_sha="$(sha256sum <"$built")"
      [ "$copy_sha" = "$new_sha" ] && break
      ((try < 4)) || {
        echo "fault: could not get a stable build of this checkout (another build keeps replacing it)" >&2
        exit 1
      }
    done
  fi
  chmod 755 "$BIN"
  BIN_SHA="$(sha256sum <"$BIN" | cut -c1-16)"
  CODE="$(git rev-parse --short=12 HEAD)"
  git diff --quiet HEAD -- core cli net Cargo.lock Cargo.toml || CODE="$CODE+dirty"
}

# A pause of $1 microseconds without a fork: `read -t` on a pipe nobody writes to.
exec {FAULT_SLEEP_FD}<> <(:)
pause_us() {
  local us=$1
  ((us > 0)) || return 0
  read -r -t "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))" -u "$FAULT_SLEEP_FD" || true
}
now_us() { echo "${EPOCHREALTIME/./}"; }
# Pauses until the moment $1 (microseconds since the epoch).
pause_until_us() {
  local t=${EPOCHREALTIME/./}
  pause_us $(($1 - t))
}

# Seeded random numbers (bash's RANDOM, reseeded with FAULT_SEED): R is set to a number
# in [0, $1). Never call it inside $( ), or the parent's sequence does not advance.
rnd() { R=$((((RANDOM << 15) | RANDOM) % $1)); }
# R in [$1, $2].
rnd_between() {
  rnd $(($2 - $1 + 1))
  R=$((R + $1))
}

# VENV: the command prefix that runs `comeback` on vault $1 (a folder under $WORK), with
# a key file and a HOME of its own, inside the network namespace NETNS[$1] if one is set.
declare -gA NETNS=()
venv() {
  local name=$1
  VENV=()
  if [ -n "${NETNS[$name]:-}" ]; then VENV=(ip netns exec "${NETNS[$name]}"); fi
  VENV+=(env COMEBACK_VAULT="$WORK/$name/vault" COMEBACK_KEY_FILE="$WORK/$name/key"
    COMEBACK_DEVICE_NAME="$name" HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/data"
    XDG_CONFIG_HOME="$WORK/home/config" "$BIN")
}
# Runs `comeback ARGS` on vault $1 in the foreground.
cb() {
  local name=$1
  shift
  venv "$name"
  "${VENV[@]}" "$@"
}

# Writes every record of the kinds named in KINDS (kind:field pairs) on vault $1 to
# file $2 as sorted TSV lines "kind<TAB>id<TAB>value of field". Fails (returns 1, with
# what went wrong on stderr) if a list command fails or prints no JSON.
list_tsv() {
  local name=$1 out=$2 spec kind field
  : >"$out.unsorted"
  for spec in "${KINDS[@]}"; do
    kind=${spec%%:*}
    field=${spec#*:}
    if ! cb "$name" "$kind" list --json --limit 100000000 >"$out.json" 2>"$out.err"; then
      echo "\`comeback $kind list\` on $name failed: $(head -c 500 "$out.err")" >&2
      return 1
    fi
    if ! jq -r --arg k "$kind" --arg f "$field" \
      '.[] | [$k, .id, (.[$f] // "" | tostring)] | @tsv' <"$out.json" >>"$out.unsorted"; then
      echo "\`comeback $kind list --json\` on $name printed no JSON list" >&2
      return 1
    fi
  done
  LC_ALL=C sort <"$out.unsorted" >"$out"
  rm -f "$out.unsorted" "$out.json" "$out.err"
}

# The doctor on vault $1 must exit 0 and report healthy, with no problems and no
# damaged chunks set aside (a set-aside chunk after a crash would be a write lost).
# On failure, prints its output on stderr and returns 1.
doctor_ok() {
  local name=$1 out rc=0
  out="$(cb "$name" doctor --json 2>&1)" || rc=$?
  if ((rc == 0)) && jq -e '.healthy == true and (.problems | length) == 0 and (.damaged_chunks | length) == 0' \
    >/dev/null 2>&1 <<<"$out"; then
    return 0
  fi
  echo "doctor on $name (exit $rc): $out" >&2
  return 1
}
