#!/usr/bin/env bash
# The SIGKILL fault campaign: at least N (default 1000) SIGKILLs of real `comeback`
# processes, each at a random moment within the operation it interrupts, spread over
#   (a) writes: add, edit (`entry edit`, `KIND set`) and delete of entries and seven other
#       kinds, one command after another on one vault;
#   (b) sync receive on both sides: two vaults paired once over loopback; each trial
#       writes on one or both, runs `serve` on one and `sync --once` on the other, and
#       kills the serving side, the syncing side or both while the sync runs;
#   (c) compaction: `dev add-many` on a vault whose writes all go to one document; the
#       kill lands within the write that compacts it (every 64th, core's COMPACT_AFTER);
#   (d) import: skipped — `comeback import` does not exist yet (a later issue).
# After every kill it checks that every write acknowledged before it (the command exited
# 0, or `add-many` printed the id) is there with its value, that nothing unwritten or
# deleted shows up and no id is listed twice, and that `comeback doctor` finds the vault
# healthy (no problems, no damaged chunks). In (b), a sync that exited 0 acknowledges
# the records each side had, and after uninterrupted syncs both vaults must list the
# same records. Prints a summary; exits 1 on any loss, unhealthy doctor or other failure
# (and keeps its work folder, with a copy of each vault that failed a check).
#
#   bash scripts/fault-kill.sh [N]     (by hand, not in CI; 1000 took 58 min on 2 busy cores)
# FAULT_SEED (default 20261130) seeds the choices and delays; timing still varies from
# run to run. COMEBACK_BIN runs another binary instead of building this checkout.
# FAULT_KEEP=1 keeps the work folder after a clean run too. FAULT_ROTATE (default 6000):
# in (b) and (c), a fresh vault (pair) once one holds this many records.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/fault-common.sh

N="${1:-1000}"
[[ "$N" =~ ^[0-9]+$ ]] && ((N >= 3)) || {
  echo "usage: $0 [N ≥ 3]" >&2
  exit 2
}
SEED="${FAULT_SEED:-20261130}"
RANDOM=$SEED
ROTATE="${FAULT_ROTATE:-6000}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/comeback-fault-kill.XXXXXX")"
START_S=$((${EPOCHREALTIME/./} / 1000000))
LOG="$WORK/log"
mkdir -p "$WORK/home"

# Every process this script starts in the background, so cleanup ends only those.
declare -A OURS=()
KEEP="${FAULT_KEEP:-0}"
cleanup() {
  local pid
  for pid in "${!OURS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ "$KEEP" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; KEEP=1; exit 130' INT TERM
fault_binary
START_S=$((${EPOCHREALTIME/./} / 1000000)) # the wall time leaves the build out

say() { echo "$*" | tee -a "$LOG"; }
log() { echo "[$((${EPOCHREALTIME/./} / 1000000 - START_S)) s] $*" >>"$LOG"; }

# Figures.
declare -A KILLS=() NOTE=()
FAIL_LOSS=0 FAIL_DOCTOR=0 FAIL_OTHER=0 FAIL_SNAPSHOTS=0
LEDGER_CHECKS=0 RECORD_CHECKS=0 DOCTOR_RUNS=0 CONVERGENCE_CHECKS=0 ACKED=0
TRIAL=0 CATEGORY=""
CAT_VAULTS=()

# A failure: counted by type, printed (the first 30 in full), and the category's vaults
# copied (the first 10 failures) so the state can be examined.
failure() {
  local type=$1
  shift
  case $type in
    loss) FAIL_LOSS=$((FAIL_LOSS + 1)) ;;
    doctor) FAIL_DOCTOR=$((FAIL_DOCTOR + 1)) ;;
    *) FAIL_OTHER=$((FAIL_OTHER + 1)) ;;
  esac
  KEEP=1
  local n=$((FAIL_LOSS + FAIL_DOCTOR + FAIL_OTHER))
  if ((n <= 30)); then say "FAILURE [$type] ($CATEGORY, trial $TRIAL): $*"; else log "FAILURE [$type] ($CATEGORY, trial $TRIAL): $*"; fi
  if ((FAIL_SNAPSHOTS < 10)); then
    FAIL_SNAPSHOTS=$((FAIL_SNAPSHOTS + 1))
    local dir="$WORK/failures/$n-$CATEGORY-trial-$TRIAL" v
    mkdir -p "$dir"
    for v in "${CAT_VAULTS[@]}"; do cp -a "$WORK/$v" "$dir/" 2>/dev/null; done
    log "  vaults copied to $dir"
  fi
}

# A campaign whose vault is broken for good would fail every check from then on: each
# category stops once there have been more than 100 failures in all.
too_many() { ((FAIL_LOSS + FAIL_DOCTOR + FAIL_OTHER > 100)); }

# Runs `comeback ARGS` on vault $1 in the background and SIGKILLs it $2 microseconds
# after the start ($2 < 0: never). Sets RC, KILLED (1 if the kill found it running),
# DUR (microseconds from start to reaping) and OUT (its stdout).
run_op() {
  local name=$1 delay=$2
  shift 2
  venv "$name"
  local t0=${EPOCHREALTIME/./}
  "${VENV[@]}" "$@" >"$WORK/op.out" 2>"$WORK/op.err" &
  local pid=$!
  OURS[$pid]=1
  KILLED=0
  if ((delay >= 0)); then
    pause_until_us $((t0 + delay))
    kill -KILL "$pid" 2>/dev/null
  fi
  RC=0
  wait "$pid" 2>/dev/null || RC=$?
  DUR=$((${EPOCHREALTIME/./} - t0))
  unset "OURS[$pid]"
  if ((delay >= 0 && RC == 137)); then KILLED=1; fi
  OUT="$(<"$WORK/op.out")"
}

# Waits for process $1 to end, at most $2 seconds; sets WRC to its exit status, or to
# -1 if it was still running at the deadline (it is then left running).
wait_deadline() {
  local pid=$1 until=$((${EPOCHREALTIME/./} + $2 * 1000000)) st
  while ((${EPOCHREALTIME/./} < until)); do
    st=""
    read -r _ _ st _ 2>/dev/null <"/proc/$pid/stat" || st=""
    if [ -z "$st" ] || [ "$st" = Z ]; then
      WRC=0
      wait "$pid" 2>/dev/null || WRC=$?
      unset "OURS[$pid]"
      return 0
    fi
    pause_us 10000
  done
  WRC=-1
}
# Is process $1 still running (not ended, not a zombie)?
running() {
  local st=""
  read -r _ _ st _ 2>/dev/null <"/proc/$1/stat" || return 1
  [ "$st" != Z ]
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : 0)}'; }

WORDS=(morning walk letter rain interview coffee notes garden call river promise
  train window bread plan quiet friend music paper dinner road evening doubt hope)
# V: a unique value for trial $TRIAL: "$1" and one to sixty words.
value() {
  local n i
  rnd 60
  n=$((R + 1))
  V="$1"
  for ((i = 0; i < n; i++)); do
    rnd ${#WORDS[@]}
    V+=" ${WORDS[R]}"
  done
}
# D: a date in 2019-2026, so records spread over many monthly documents.
random_date() {
  rnd 8
  local y=$((2019 + R))
  rnd 12
  local m=$((R + 1))
  rnd 28
  D=$(printf '%04d-%02d-%02d' "$y" "$m" $((R + 1)))
}

# ---------------------------------------------------------------------------------------
# (a) writes
A_KINDS=(entry:text win:title contact:name mood:note worry:text next:title story:title event:title)
declare -A A_FIELD=()
for spec in "${A_KINDS[@]}"; do A_FIELD[${spec%%:*}]=${spec#*:}; done
declare -A A_KIND=() A_VAL=() A_STATE=()
A_IDS=()
A_DUR=()
OPSEQ=0

# Picks the next write: sets OP_TYPE (add/edit/delete), OP_KIND, OP_ID, OP_OLD, OP_VAL
# and ARGS.
a_choose() {
  OPSEQ=$((OPSEQ + 1))
  OP_ID="" OP_OLD=""
  rnd 100
  local p=$R
  OP_TYPE=add
  if ((p >= 50)) && ((${#A_IDS[@]} > 0)); then
    local tries id
    for ((tries = 0; tries < 20; tries++)); do
      rnd ${#A_IDS[@]}
      id=${A_IDS[R]}
      if [ "${A_STATE[$id]}" = present ]; then
        OP_ID=$id
        break
      fi
    done
    if [ -n "$OP_ID" ]; then
      OP_KIND=${A_KIND[$OP_ID]}
      OP_OLD=${A_VAL[$OP_ID]}
      if ((p < 88)); then OP_TYPE=edit; else OP_TYPE=delete; fi
    fi
  fi
  if [ "$OP_TYPE" = add ]; then
    rnd 100
    if ((R < 40)); then
      OP_KIND=entry
    else
      local others=(win contact mood worry next story event)
      rnd ${#others[@]}
      OP_KIND=${others[R]}
    fi
  fi
  value "a$TRIAL-$OPSEQ"
  OP_VAL=$V
  random_date
  case $OP_TYPE in
    add)
      case $OP_KIND in
        entry)
          ARGS=(entry add --text "$OP_VAL")
          rnd 10
          if ((R < 7)); then ARGS+=(--date "$D"); fi
          ;;
        win) ARGS=(win add --title "$OP_VAL" --date "$D") ;;
        contact) ARGS=(contact add --name "$OP_VAL") ;;
        mood)
          rnd 5
          ARGS=(mood add --mood $((R + 1)) --note "$OP_VAL" --date "$D")
          ;;
        worry) ARGS=(worry add --text "$OP_VAL") ;;
        next) ARGS=(next add --title "$OP_VAL") ;;
        story) ARGS=(story add --title "$OP_VAL") ;;
        event) ARGS=(event add --title "$OP_VAL" --date "$D") ;;
      esac
      ;;
    edit)
      rnd 10
      if [ "$OP_KIND" = entry ] && ((R < 7)); then
        ARGS=(entry edit "$OP_ID" --text "$OP_VAL")
      else
        ARGS=("$OP_KIND" set "$OP_ID" --set "${A_FIELD[$OP_KIND]}=$OP_VAL")
      fi
      ;;
    delete) ARGS=("$OP_KIND" delete "$OP_ID") ;;
  esac
}

# The ledger takes in an acknowledged write.
a_ack() {
  ACKED=$((ACKED + 1))
  case $OP_TYPE in
    add)
      local id=${OUT//[[:space:]]/}
      if ! [[ "$id" =~ ^[a-z0-9]+$ ]]; then
        failure other "\`comeback ${ARGS[*]:0:2}\` exited 0 but printed no id: $OUT"
        return
      fi
      A_KIND[$id]=$OP_KIND
      A_VAL[$id]=$OP_VAL
      A_STATE[$id]=present
      A_IDS+=("$id")
      ;;
    edit) A_VAL[$OP_ID]=$OP_VAL ;;
    delete) A_STATE[$OP_ID]=deleted ;;
  esac
}

# One write, killed at a random moment within it when $1 is 1. Returns 0 if it was
# killed (then a_check resolves what became of it).
a_write() {
  a_choose
  local delay=-1
  if [ "$1" = 1 ]; then
    # Half the kills anywhere in the command's run (process start and vault opening
    # included), half in its last part, after the time a read-only command takes, where
    # the write and its commit happen.
    local m r
    m=$(median "${A_DUR[@]}")
    r=$A_READ_US
    ((r < m)) || r=$((m / 2))
    rnd 2
    if ((R == 0)); then rnd_between 0 "$m"; else rnd_between "$r" "$m"; fi
    delay=$R
  fi
  run_op w "$delay" "${ARGS[@]}"
  if ((KILLED)); then
    log "trial $TRIAL: killed \`${ARGS[*]:0:3}\` after $((delay / 1000)).$(printf %03d $((delay % 1000))) ms"
    return 0
  fi
  if ((RC == 0)); then
    a_ack
    A_DUR+=("$DUR")
    ((${#A_DUR[@]} > 41)) && A_DUR=("${A_DUR[@]:1}")
  elif [ "$OP_TYPE" != add ] && grep -q "no .* with id" "$WORK/op.err"; then
    # Cannot happen while the ledger is exact; say so if it does.
    failure loss "\`${ARGS[*]:0:3}\` says the acknowledged ${OP_KIND} $OP_ID is gone: $(head -c 300 "$WORK/op.err")"
  else
    failure other "\`comeback ${ARGS[*]:0:3}\` (not killed) exited $RC: $(head -c 300 "$WORK/op.err")"
  fi
  return 1
}

# After a kill: what became of the killed write, then every acknowledged write, the
# deleted ones, unknown or doubled ids, and the doctor.
a_check() {
  local list="$WORK/a.list"
  KINDS=("${A_KINDS[@]}")
  if ! list_tsv w "$list" 2>>"$LOG"; then
    failure other "listing the vault after the kill failed (see the log)"
    return
  fi
  local found cur
  case $OP_TYPE in
    add)
      found="$(awk -F'\t' -v k="$OP_KIND" -v v="$OP_VAL" '$1 == k && $3 == v { print $2 }' "$list")"
      if [ -z "$found" ]; then
        NOTE[a:add-not-stored]=$((${NOTE[a:add-not-stored]:-0} + 1))
      else
        local id n=0
        for id in $found; do
          n=$((n + 1))
          A_KIND[$id]=$OP_KIND
          A_VAL[$id]=$OP_VAL
          A_STATE[$id]=present
          A_IDS+=("$id")
        done
        NOTE[a:add-stored]=$((${NOTE[a:add-stored]:-0} + 1))
        ((n == 1)) || failure dup "the killed \`${OP_KIND} add\` was stored $n times: $found"
      fi
      ;;
    edit | delete)
      if awk -F'\t' -v i="$OP_ID" '$2 == i { f = 1 } END { exit !f }' "$list"; then
        cur="$(awk -F'\t' -v i="$OP_ID" '$2 == i { print $3; exit }' "$list")"
        if [ "$OP_TYPE" = edit ] && [ "$cur" = "$OP_VAL" ]; then
          A_VAL[$OP_ID]=$OP_VAL
          NOTE[a:edit-applied]=$((${NOTE[a:edit-applied]:-0} + 1))
        elif [ "$cur" = "$OP_OLD" ]; then
          NOTE[a:$OP_TYPE-not-applied]=$((${NOTE[a:$OP_TYPE-not-applied]:-0} + 1))
        fi # else: the check below reports the acknowledged value as lost
      elif [ "$OP_TYPE" = delete ]; then
        A_STATE[$OP_ID]=deleted
        NOTE[a:delete-applied]=$((${NOTE[a:delete-applied]:-0} + 1))
      fi # a killed edit that removed the record: reported below as a loss
      ;;
  esac

  local expected="$WORK/a.expected" deleted="$WORK/a.deleted" id
  : >"$expected.u"
  : >"$deleted"
  for id in "${!A_KIND[@]}"; do
    if [ "${A_STATE[$id]}" = present ]; then
      printf '%s\t%s\t%s\n' "${A_KIND[$id]}" "$id" "${A_VAL[$id]}" >>"$expected.u"
    else
      printf '%s\n' "$id" >>"$deleted"
    fi
  done
  LC_ALL=C sort "$expected.u" >"$expected"
  ledger_compare "$list" "$expected" "$deleted"
  LEDGER_CHECKS=$((LEDGER_CHECKS + 1))
  RECORD_CHECKS=$((RECORD_CHECKS + ${#A_KIND[@]}))
  DOCTOR_RUNS=$((DOCTOR_RUNS + 1))
  doctor_ok w 2>>"$LOG" || failure doctor "the doctor on the writes vault is not healthy (see the log)"
}

# Compares a vault's list (sorted TSV kind, id, value) with what must be there: every
# line of $2 (sorted) present as is; no id of file $3 (deleted ones) listed; no id listed
# twice; with $4 (a sorted TSV of every record ever acknowledged anywhere), nothing
# listed outside it, else nothing listed outside $2.
ledger_compare() {
  local list=$1 expected=$2 deleted=$3 known=${4:-$2} line id actual
  while IFS= read -r line; do
    id=$(cut -f2 <<<"$line")
    actual="$(awk -F'\t' -v i="$id" '$2 == i { print $3; exit }' "$list")"
    if awk -F'\t' -v i="$id" '$2 == i { f = 1 } END { exit !f }' "$list"; then
      failure loss "acknowledged $(cut -f1 <<<"$line") $id should read \"$(cut -f3 <<<"$line" | head -c 120)\" but reads \"${actual:0:120}\""
    else
      failure loss "acknowledged $(cut -f1 <<<"$line") $id (\"$(cut -f3 <<<"$line" | head -c 120)\") is gone"
    fi
  done < <(LC_ALL=C comm -23 "$expected" "$list")
  while IFS= read -r id; do
    failure phantom "$id was deleted (acknowledged) but is listed again"
  done < <(awk -F'\t' 'FILENAME == ARGV[1] { d[$1] = 1; next } ($2 in d) { print $2 }' "$deleted" "$list")
  while IFS= read -r id; do
    failure dup "id $id is listed more than once"
  done < <(cut -f2 "$list" | LC_ALL=C sort | uniq -d)
  while IFS= read -r line; do
    failure phantom "a record nobody wrote (or not as listed): $(head -c 200 <<<"$line")"
  done < <(awk -F'\t' 'FILENAME == ARGV[1] { k[$2] = 1; next } FILENAME == ARGV[2] { k[$1] = 1; next }
             !($2 in k) { print }' "$known" "$deleted" "$list")
}

category_writes() {
  local quota=$1 kills=0 i
  CATEGORY=writes
  CAT_VAULTS=(w)
  mkdir -p "$WORK/w"
  cb w init >/dev/null 2>>"$LOG" || {
    failure other "comeback init failed"
    return
  }
  # Calibration: twenty writes to learn how long one takes, and how long a read-only
  # command (process start and vault opening, no write) takes.
  for ((i = 0; i < 20; i++)); do a_write 0; done
  local reads=()
  for ((i = 0; i < 9; i++)); do
    run_op w -1 entry list --limit 1 --json
    reads+=("$DUR")
  done
  A_READ_US=$(median "${reads[@]}")
  say "(a) writes: a write takes ~$(($(median "${A_DUR[@]}") / 1000)) ms, a read-only command ~$((A_READ_US / 1000)) ms"
  while ((kills < quota)) && ! too_many; do
    TRIAL=$((TRIAL + 1))
    rnd 3
    for ((i = 0; i < R; i++)); do a_write 0; done
    if a_write 1; then
      kills=$((kills + 1))
      KILLS[writes]=$kills
      KILLS[writes:$OP_TYPE]=$((${KILLS[writes:$OP_TYPE]:-0} + 1))
      a_check
      ((kills % 50 == 0)) && say "  (a) $kills kills, $((${EPOCHREALTIME/./} / 1000000 - START_S)) s"
    else
      NOTE[a:missed]=$((${NOTE[a:missed]:-0} + 1))
    fi
  done
  local present=0 id
  for id in "${!A_STATE[@]}"; do [ "${A_STATE[$id]}" = present ] && present=$((present + 1)); done
  A_SUMMARY="$present records at the end, $OPSEQ writes run"
}

# ---------------------------------------------------------------------------------------
# (b) sync receive on both sides
B_KINDS=(entry:text win:title contact:name)
B_PENDING=0

# Writes on vault $1 (P or Q), every one acknowledged into $WORK/b.acked.$1 and
# $WORK/b.all: a few single records (of three kinds, in many months), or one bulk run.
b_write() {
  local side=$1 n j kind id
  rnd 10
  if ((R < 6)); then
    rnd_between 1 5
    n=$R
    for ((j = 0; j < n; j++)); do
      value "b$TRIAL-$side-$j"
      random_date
      rnd 10
      if ((R < 6)); then
        kind=entry
        ARGS=(entry add --text "$V" --date "$D")
      elif ((R < 8)); then
        kind=win
        ARGS=(win add --title "$V" --date "$D")
      else
        kind=contact
        ARGS=(contact add --name "$V")
      fi
      run_op "$side" -1 "${ARGS[@]}"
      id=${OUT//[[:space:]]/}
      if ((RC != 0)) || ! [[ "$id" =~ ^[a-z0-9]+$ ]]; then
        failure other "\`comeback ${ARGS[*]:0:2}\` on $side exited $RC: $(head -c 300 "$WORK/op.err")"
        continue
      fi
      printf '%s\t%s\t%s\n' "$kind" "$id" "$V" | tee -a "$WORK/b.all" >>"$WORK/b.acked.$side"
      ACKED=$((ACKED + 1))
      B_PENDING=$((B_PENDING + 1))
    done
  else
    rnd_between 100 800
    n=$R
    run_op "$side" -1 dev add-many --count "$n" --prefix "b$TRIAL-$side"
    if ((RC != 0)); then
      failure other "\`comeback dev add-many\` on $side exited $RC: $(head -c 300 "$WORK/op.err")"
    fi
    awk -v p="b$TRIAL-$side" '/^[a-z0-9]+$/ { printf "entry\t%s\t%s %d\n", $1, p, NR - 1 }' "$WORK/op.out" |
      tee -a "$WORK/b.all" >>"$WORK/b.acked.$side"
    j=$(grep -c . "$WORK/op.out")
    ACKED=$((ACKED + j))
    B_PENDING=$((B_PENDING + j))
  fi
}

# Starts `comeback serve` on vault $1; sets SPID once it listens (returns 1 if it does
# not within 15 s).
b_serve() {
  venv "$1"
  "${VENV[@]}" serve --loopback --no-mdns >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SPID=$!
  OURS[$SPID]=1
  local t
  for ((t = 0; t < 1500; t++)); do
    grep -q '^listening on port' "$WORK/serve.out" 2>/dev/null && return 0
    running "$SPID" || break
    pause_us 10000
  done
  failure other "serve on $1 did not start listening: $(head -c 300 "$WORK/serve.err")"
  kill -KILL "$SPID" 2>/dev/null
  wait "$SPID" 2>/dev/null
  unset "OURS[$SPID]"
  return 1
}

# Stops the serve SPID as a service manager would (SIGTERM), if it still runs.
b_stop_serve() {
  if running "$SPID"; then kill -TERM "$SPID" 2>/dev/null; fi
  wait_deadline "$SPID" 20
  if ((WRC == -1)); then
    failure other "serve did not stop within 20 s of SIGTERM"
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    unset "OURS[$SPID]"
  fi
}

# The acknowledgement of a sync that exited 0: both sides hold what either had.
b_union() {
  LC_ALL=C sort -u "$WORK/b.acked.P" "$WORK/b.acked.Q" >"$WORK/b.union"
  cp "$WORK/b.union" "$WORK/b.acked.P"
  cp "$WORK/b.union" "$WORK/b.acked.Q"
  B_PENDING=0
}

# Checks vault $1 against what it acknowledged; the list is left in $WORK/b.list.$1.
b_check() {
  local side=$1 list="$WORK/b.list.$1"
  KINDS=("${B_KINDS[@]}")
  if ! list_tsv "$side" "$list" 2>>"$LOG"; then
    failure other "listing $side failed (see the log)"
    return
  fi
  LC_ALL=C sort -u "$WORK/b.acked.$side" -o "$WORK/b.acked.$side"
  LC_ALL=C sort -u "$WORK/b.all" -o "$WORK/b.all"
  : >"$WORK/b.none"
  ledger_compare "$list" "$WORK/b.acked.$side" "$WORK/b.none" "$WORK/b.all"
  LEDGER_CHECKS=$((LEDGER_CHECKS + 1))
  RECORD_CHECKS=$((RECORD_CHECKS + $(wc -l <"$WORK/b.acked.$side")))
  DOCTOR_RUNS=$((DOCTOR_RUNS + 1))
  doctor_ok "$side" 2>>"$LOG" || failure doctor "the doctor on $side is not healthy (see the log)"
}

# An uninterrupted sync (server $1, the other syncs), up to three tries, then both
# vaults must list the same records.
b_heal() {
  local s=$1 c try ok=0
  [ "$s" = P ] && c=Q || c=P
  for ((try = 1; try <= 3; try++)); do
    b_serve "$s" || continue
    run_op "$c" -1 sync --once --loopback --no-mdns --timeout 60
    b_stop_serve
    if ((RC == 0)); then
      ok=1
      break
    fi
    log "heal sync $c→$s try $try exited $RC: $(head -c 300 "$WORK/op.err")"
  done
  if ((ok == 0)); then
    failure other "an uninterrupted sync between P and Q failed three times after a kill"
    return
  fi
  b_union
  b_check P
  b_check Q
  CONVERGENCE_CHECKS=$((CONVERGENCE_CHECKS + 1))
  if ! cmp -s "$WORK/b.list.P" "$WORK/b.list.Q"; then
    failure diverged "P and Q list different records after an uninterrupted sync: $(diff "$WORK/b.list.P" "$WORK/b.list.Q" | head -5 | tr '\n' ' ')"
  fi
}

# SIGKILLs the syncing side (cpid) or the serving side (SPID) and reaps it at once;
# sets crc and cdone, or src and killed_s.
b_kill_sync_side() {
  kill -KILL "$cpid" 2>/dev/null
  crc=0
  wait "$cpid" 2>/dev/null || crc=$?
  unset "OURS[$cpid]"
  cdone=1
}
b_kill_serve_side() {
  kill -KILL "$SPID" 2>/dev/null
  src=0
  wait "$SPID" 2>/dev/null || src=$?
  unset "OURS[$SPID]"
  killed_s=1
}

# A fresh pair of vaults: P and Q made anew, P invites, Q joins; the ledgers start empty.
# Returns 1 if that fails.
B_PAIRS=0
b_new_pair() {
  rm -rf "$WORK/P" "$WORK/Q"
  mkdir -p "$WORK/P" "$WORK/Q"
  : >"$WORK/b.acked.P"
  : >"$WORK/b.acked.Q"
  : >"$WORK/b.all"
  B_PENDING=0
  if ! cb P init >/dev/null 2>>"$LOG" || ! cb Q init >/dev/null 2>>"$LOG"; then
    failure other "comeback init failed"
    return 1
  fi
  venv P
  "${VENV[@]}" devices invite --json --yes --timeout 60 --loopback --no-mdns >"$WORK/invite.out" 2>"$WORK/invite.err" &
  local ipid=$! t ticket=""
  OURS[$ipid]=1
  for ((t = 0; t < 1000; t++)); do
    ticket="$(head -1 "$WORK/invite.out" 2>/dev/null | jq -r '.ticket // empty' 2>/dev/null)"
    [ -n "$ticket" ] && break
    pause_us 20000
  done
  if [ -z "$ticket" ] || ! cb Q devices join "$ticket" --yes --loopback --no-mdns >>"$LOG" 2>&1; then
    failure other "pairing P and Q failed: $(head -c 300 "$WORK/invite.err")"
    kill -KILL "$ipid" 2>/dev/null
    wait "$ipid" 2>/dev/null
    unset "OURS[$ipid]"
    return 1
  fi
  wait_deadline "$ipid" 30
  if ((WRC != 0)); then
    failure other "devices invite on P exited $WRC: $(head -c 300 "$WORK/invite.err")"
    return 1
  fi
  B_PAIRS=$((B_PAIRS + 1))
  log "(b) pair $B_PAIRS: P and Q paired over loopback"
}

category_sync() {
  local quota=$1 kills=0 s c victim e hi d1 d2 tmo t0 crc src killed_c killed_s cdone cpid
  CATEGORY=sync
  CAT_VAULTS=(P Q)
  b_new_pair || return
  say "(b) sync: P and Q paired over loopback"
  while ((kills < quota)) && ! too_many; do
    # The bulk writes all land in this month's document, and past a few thousand
    # records in it every write and sync takes several times longer: past $ROTATE
    # records the campaign moves on to a fresh pair (after an uninterrupted sync and its
    # checks).
    if (($(wc -l <"$WORK/b.all") > ROTATE)); then
      b_heal P
      b_new_pair || return
    fi
    TRIAL=$((TRIAL + 1))
    rnd 10
    if ((R < 7)); then b_write P; fi
    rnd 10
    if ((R < 7)); then b_write Q; fi
    rnd 2
    if ((R == 0)); then s=P c=Q; else s=Q c=P; fi
    rnd 10
    if ((R < 4)); then victim=sync; elif ((R < 8)); then victim=serve; else victim=both; fi
    # How long this sync should take, from the trials' own figures: ~80 ms, plus ~0.25
    # ms per record either side has not seen yet. The kill lands in [0, 1.2 × that].
    e=$((80000 + 250 * B_PENDING))
    hi=$((e * 6 / 5))
    # The syncing side's timeout: once the serving side is killed, it waits that long.
    tmo=$((2 + (2 * e + 999999) / 1000000))
    b_serve "$s" || continue
    venv "$c"
    t0=${EPOCHREALTIME/./}
    "${VENV[@]}" sync --once --loopback --no-mdns --json --timeout "$tmo" >"$WORK/sync.out" 2>"$WORK/sync.err" &
    cpid=$!
    OURS[$cpid]=1
    rnd_between 0 "$hi"
    d1=$R
    rnd_between 0 "$hi"
    d2=$R
    killed_c=0 killed_s=0 cdone=0 src=0
    case $victim in
      sync)
        pause_until_us $((t0 + d1))
        b_kill_sync_side
        ;;
      serve)
        pause_until_us $((t0 + d1))
        running "$cpid" && b_kill_serve_side
        ;;
      both)
        if ((d1 <= d2)); then
          pause_until_us $((t0 + d1))
          if running "$cpid"; then
            b_kill_sync_side
            # The serving side's session was cut short: its kill still lands mid-sync.
            pause_until_us $((t0 + d2))
            b_kill_serve_side
          fi
        else
          pause_until_us $((t0 + d2))
          running "$cpid" && b_kill_serve_side
          pause_until_us $((t0 + d1))
          b_kill_sync_side
        fi
        ;;
    esac
    if ((cdone == 0)); then
      wait_deadline "$cpid" $((tmo + 15))
      crc=$WRC
      if ((crc == -1)); then
        failure other "sync --once on $c did not end within its timeout ($tmo s) + 15 s"
        kill -KILL "$cpid" 2>/dev/null
        wait "$cpid" 2>/dev/null
        unset "OURS[$cpid]"
      fi
    fi
    ((crc == 137)) && killed_c=1
    if ((killed_s)); then
      # The serving side counts as killed mid-sync only if the kill found it running and
      # the syncing side did not finish the sync (if it did, the serving side had stored
      # everything before it said so).
      if ((src != 137)) || ((crc == 0)); then
        killed_s=0
        ((crc == 0)) && NOTE[b:serve-killed-after-the-sync-completed]=$((${NOTE[b:serve-killed-after-the-sync-completed]:-0} + 1))
      fi
    else
      b_stop_serve
    fi
    log "trial $TRIAL: $c syncs with $s (pending $B_PENDING), victim $victim at $((d1 / 1000))/$((d2 / 1000)) ms: sync exit $crc, serve killed $killed_s"
    if ((crc == 0)); then
      b_union
      NOTE[b:sync-completed-anyway]=$((${NOTE[b:sync-completed-anyway]:-0} + 1))
    fi
    if ((killed_c + killed_s == 0)); then
      NOTE[b:missed]=$((${NOTE[b:missed]:-0} + 1))
    else
      ((killed_c)) && KILLS[sync:sync-side-$c]=$((${KILLS[sync:sync-side-$c]:-0} + 1))
      ((killed_s)) && KILLS[sync:serve-side-$s]=$((${KILLS[sync:serve-side-$s]:-0} + 1))
      kills=$((kills + killed_c + killed_s))
      KILLS[sync]=$kills
      ((killed_s && !killed_c && crc != 0)) && NOTE[b:sync-side-failed-after-serve-killed]=$((${NOTE[b:sync-side-failed-after-serve-killed]:-0} + 1))
    fi
    b_check P
    b_check Q
    # Half the time, and always when much is pending, an uninterrupted sync.
    rnd 2
    if ((R == 0 || B_PENDING > 6000)); then
      rnd 2
      if ((R == 0)); then b_heal P; else b_heal Q; fi
    fi
    if ((kills / 50 != (kills - killed_c - killed_s) / 50)); then
      say "  (b) $kills kills, $((${EPOCHREALTIME/./} / 1000000 - START_S)) s"
    fi
  done
  b_heal P
  B_SUMMARY="$B_PAIRS pairs of vaults (a fresh pair past $ROTATE records), $(wc -l <"$WORK/b.list.P") records on each vault of the last"
}

# ---------------------------------------------------------------------------------------
# (c) compaction
C_COUNT=0
C_TC=20000

# An uninterrupted `add-many` across one compaction, timing each write from its printed
# id: sets C_TC to how long the compacting write took (microseconds).
c_calibrate() {
  local k=$((64 - C_COUNT % 64))
  ((k >= 3)) || k=$((k + 64))
  local prefix="c$TRIAL-cal" fifo="$WORK/c.fifo" fd line i=0 prev now
  venv c
  rm -f "$fifo"
  mkfifo "$fifo"
  "${VENV[@]}" dev add-many --count $((k + 3)) --prefix "$prefix" >"$fifo" 2>"$WORK/c.err" &
  local pid=$!
  OURS[$pid]=1
  exec {fd}<"$fifo"
  prev=${EPOCHREALTIME/./}
  local -a gaps=()
  while read -r -t 120 -u "$fd" line; do
    now=${EPOCHREALTIME/./}
    printf 'entry\t%s\t%s %d\n' "$line" "$prefix" "$i" >>"$WORK/c.acked"
    i=$((i + 1))
    gaps+=($((now - prev)))
    prev=$now
  done
  exec {fd}<&-
  wait "$pid" 2>/dev/null || failure other "the calibration add-many exited non-zero: $(head -c 300 "$WORK/c.err")"
  unset "OURS[$pid]"
  ACKED=$((ACKED + i))
  C_COUNT=$((C_COUNT + i))
  if ((i >= k)); then
    C_TC=${gaps[k - 1]}
    local normal
    normal=$(median "${gaps[@]:1:k-2}" "${gaps[@]:k}")
    say "  (c) at $C_COUNT entries: the compacting write takes $((C_TC / 1000)).$(printf %03d $((C_TC % 1000))) ms, an ordinary one $((normal / 1000)).$(printf %03d $((normal % 1000))) ms"
  fi
}

c_check() {
  local list="$WORK/c.list" line allowed=$1 adopted=0
  KINDS=(entry:text)
  if ! list_tsv c "$list" 2>>"$LOG"; then
    failure other "listing the compaction vault failed (see the log)"
    return 1
  fi
  LC_ALL=C sort -u "$WORK/c.acked" -o "$WORK/c.acked"
  # The write in flight at the kill may have committed without printing its id: one
  # record with exactly its text is adopted.
  while IFS= read -r line; do
    if ((adopted == 0)) && [ "$(cut -f3 <<<"$line")" = "$allowed" ]; then
      printf '%s\n' "$line" >>"$WORK/c.acked"
      adopted=1
    fi
  done < <(LC_ALL=C comm -13 "$WORK/c.acked" "$list")
  LC_ALL=C sort -u "$WORK/c.acked" -o "$WORK/c.acked"
  : >"$WORK/c.none"
  ledger_compare "$list" "$WORK/c.acked" "$WORK/c.none"
  LEDGER_CHECKS=$((LEDGER_CHECKS + 1))
  RECORD_CHECKS=$((RECORD_CHECKS + $(wc -l <"$WORK/c.acked")))
  C_COUNT=$(wc -l <"$list")
  DOCTOR_RUNS=$((DOCTOR_RUNS + 1))
  doctor_ok c 2>>"$LOG" || failure doctor "the doctor on the compaction vault is not healthy (see the log)"
  C_ADOPTED=$adopted
}

category_compaction() {
  local quota=$1 kills=0 late=0 target k prefix fifo="$WORK/c.fifo" fd line printed pid d rc
  CATEGORY=compaction
  CAT_VAULTS=(c)
  mkdir -p "$WORK/c"
  : >"$WORK/c.acked"
  cb c init >/dev/null 2>>"$LOG" || {
    failure other "comeback init failed"
    return
  }
  local since=0
  C_VAULTS=1
  while ((kills < quota)) && ! too_many; do
    TRIAL=$((TRIAL + 1))
    # Past $ROTATE entries every write slows down (the document grows): a fresh vault.
    if ((C_COUNT > ROTATE)); then
      rm -rf "$WORK/c"
      mkdir -p "$WORK/c"
      : >"$WORK/c.acked"
      C_COUNT=0
      since=0
      C_VAULTS=$((C_VAULTS + 1))
      cb c init >/dev/null 2>>"$LOG" || {
        failure other "comeback init failed"
        return
      }
    fi
    # Re-time the compacting write as the document grows.
    if ((since % 25 == 0)); then c_calibrate; fi
    since=$((since + 1))
    # All of this vault's entries are in today's month, one document: the write that
    # makes its 64th incremental chunk since the last compaction compacts it.
    target=$(((C_COUNT / 64 + 1) * 64))
    k=$((target - C_COUNT))
    if ((k < 2)); then
      target=$((target + 64))
      k=$((k + 64))
    fi
    prefix="c$TRIAL"
    rm -f "$fifo"
    mkfifo "$fifo"
    venv c
    "${VENV[@]}" dev add-many --count 100000000 --prefix "$prefix" >"$fifo" 2>"$WORK/c.err" &
    pid=$!
    OURS[$pid]=1
    exec {fd}<"$fifo"
    printed=0
    : >"$WORK/c.ids"
    while ((printed < k - 1)) && read -r -t 60 -u "$fd" line; do
      printf 'entry\t%s\t%s %d\n' "$line" "$prefix" "$printed" >>"$WORK/c.acked"
      printed=$((printed + 1))
    done
    if ((printed < k - 1)); then
      kill -KILL "$pid" 2>/dev/null
      exec {fd}<&-
      wait "$pid" 2>/dev/null
      unset "OURS[$pid]"
      ACKED=$((ACKED + printed))
      failure other "add-many printed only $printed of the $((k - 1)) ids before the compacting write: $(head -c 300 "$WORK/c.err")"
      c_check "$prefix $printed"
      continue
    fi
    # Id k-1 is printed: the next write is the compacting one.
    local t1=${EPOCHREALTIME/./}
    rnd_between 0 "$C_TC"
    d=$R
    pause_until_us $((t1 + d))
    kill -KILL "$pid" 2>/dev/null
    while read -r -u "$fd" line; do
      [[ "$line" =~ ^[a-z0-9]+$ ]] || break
      printf 'entry\t%s\t%s %d\n' "$line" "$prefix" "$printed" >>"$WORK/c.acked"
      printed=$((printed + 1))
    done
    exec {fd}<&-
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    unset "OURS[$pid]"
    ACKED=$((ACKED + printed))
    if ((rc != 137)); then
      failure other "add-many ended by itself (exit $rc) after $printed of the $((k - 1)) writes before the compacting one: $(head -c 300 "$WORK/c.err")"
      c_check "$prefix $printed"
      continue
    fi
    c_check "$prefix $printed" || continue
    if ((printed == k - 1)); then
      kills=$((kills + 1))
      KILLS[compaction]=$kills
      if ((C_ADOPTED)); then
        NOTE[c:compacting-write-committed-unacknowledged]=$((${NOTE[c:compacting-write-committed-unacknowledged]:-0} + 1))
      else
        NOTE[c:compacting-write-rolled-back]=$((${NOTE[c:compacting-write-rolled-back]:-0} + 1))
      fi
      ((kills % 50 == 0)) && say "  (c) $kills kills, $((${EPOCHREALTIME/./} / 1000000 - START_S)) s"
    else
      # The compacting write finished before the kill, which landed in a later write.
      late=$((late + 1))
      KILLS[compaction:late]=$late
    fi
    log "trial $TRIAL: add-many killed $((d / 1000)) ms after id $((k - 1)) of $k (the compacting write), $printed printed; now $C_COUNT entries"
  done
  C_SUMMARY="$C_VAULTS vaults (a fresh one past $ROTATE entries)"
}

# ---------------------------------------------------------------------------------------
QA=$((N - 2 * (N / 3)))
QB=$((N / 3))
QC=$((N / 3))
say "fault-kill: $N kills ($QA writes, $QB sync, $QC compaction), seed $SEED, code $CODE, binary sha256 $BIN_SHA…"
say "work folder: $WORK"
say "(d) import: SKIPPED — \`comeback import\` does not exist yet (a later issue); no kills planned"

t=${EPOCHREALTIME/./}
category_writes "$QA"
TA=$(((${EPOCHREALTIME/./} - t) / 1000000))
say "(a) writes done in $TA s"
t=${EPOCHREALTIME/./}
category_sync "$QB"
TB=$(((${EPOCHREALTIME/./} - t) / 1000000))
say "(b) sync done in $TB s"
t=${EPOCHREALTIME/./}
category_compaction "$QC"
TC=$(((${EPOCHREALTIME/./} - t) / 1000000))
say "(c) compaction done in $TC s"
TOTAL_S=$((${EPOCHREALTIME/./} / 1000000 - START_S))

notes() { # the NOTE entries of category $1, as "name n, name n"
  local k out=""
  for k in $(printf '%s\n' "${!NOTE[@]}" | grep "^$1:" | sort); do out+="${k#*:} ${NOTE[$k]}, "; done
  echo "${out%, }"
}
kills_of() {
  local k out=""
  for k in $(printf '%s\n' "${!KILLS[@]}" | grep "^$1:" | sort); do out+="${k#*:} ${KILLS[$k]}, "; done
  echo "${out%, }"
}
TOTAL_KILLS=$((${KILLS[writes]:-0} + ${KILLS[sync]:-0} + ${KILLS[compaction]:-0} + ${KILLS[compaction:late]:-0}))
say ""
say "== fault-kill summary (code $CODE, seed $SEED, N $N)"
say "(a) writes:     ${KILLS[writes]:-0} kills ($(kills_of writes)); what became of the killed writes: $(notes a); ${A_SUMMARY:-}"
say "(b) sync:       ${KILLS[sync]:-0} kills ($(kills_of sync)); trials: $(notes b); ${B_SUMMARY:-}"
say "(c) compaction: ${KILLS[compaction]:-0} kills within the compacting write ($(notes c)), plus ${KILLS[compaction:late]:-0} that landed in the write after it; ${C_SUMMARY:-}"
say "(d) import:     skipped — \`comeback import\` does not exist yet"
say "kills: $TOTAL_KILLS in all; acknowledged writes: $ACKED"
say "checks: $LEDGER_CHECKS ledger checks ($RECORD_CHECKS acknowledged-record checks), $DOCTOR_RUNS doctor runs, $CONVERGENCE_CHECKS convergence checks"
say "failures: $FAIL_LOSS losses, $FAIL_DOCTOR doctor failures, $FAIL_OTHER other"
say "wall time: $TOTAL_S s (writes $TA s, sync $TB s, compaction $TC s)"
if ((FAIL_LOSS + FAIL_DOCTOR + FAIL_OTHER > 0)); then
  say "FAILED: see $LOG; the vaults of the first failures are in $WORK/failures"
  exit 1
fi
say "ok: no acknowledged write lost, every doctor healthy"
