#!/usr/bin/env bash
# The link-cut fault campaign: three devices (A, B, C), each a `comeback` vault in a
# network namespace of its own, joined by veth pairs to a bridge in a fourth namespace;
# B and C pair with A. Each round writes on the devices (adds, edits and deletes of their
# own records, of six kinds, the shared profile, sometimes a bulk run), runs `serve` on A and `sync --once`
# on B, C or both, and cuts a link at a random moment while the sync runs — the bridge
# port taken down, or every packet dropped both ways (a `blackhole` qdisc on the device's
# eth0 and on its bridge port: 100% loss with the link up; `tc … netem loss 100%` would do
# the same where the kernel has netem) — for 0.2 to 5 s, or one time in five for 10 to
# 25 s (past the syncing side's 20 s timeout), then restores it.
# Only a cut that found a sync still running counts. After N (default 100) such cuts, a
# final sync (serve on A; B, C, B sync once; up to three rounds) must bring the three to
# the same records of every kind, every acknowledged write (with its last acknowledged
# value; deleted ones gone) on every device, no id or written value listed twice, and
# `comeback doctor` healthy on each. Prints a summary; exits 1 on divergence, a
# duplicate, a loss or an unhealthy doctor (and keeps its work folder).
#
#   sudo bash scripts/fault-linkcut.sh [N]    (root, iproute2; by hand, not in CI; 100 took 40 min)
# Each device sends at 1 Mbit/s (a tbf qdisc), so a sync takes a while. The
# namespaces are named cbf<pid>…, made and removed by this script (also on Ctrl-C).
# FAULT_SEED (default 20261130) seeds the choices; COMEBACK_BIN runs another binary;
# FAULT_KEEP=1 keeps the work folder after a clean run too.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/fault-common.sh

N="${1:-100}"
[[ "$N" =~ ^[0-9]+$ ]] && ((N >= 1)) || {
  echo "usage: $0 [N ≥ 1]" >&2
  exit 2
}
[ "$(id -u)" = 0 ] || {
  echo "fault-linkcut: creates network namespaces and needs root: sudo -E bash $0 $N" >&2
  exit 1
}
for tool in ip tc; do
  command -v "$tool" >/dev/null || {
    echo "fault-linkcut: \`$tool\` is missing: apt-get install iproute2" >&2
    exit 1
  }
done
SEED="${FAULT_SEED:-20261130}"
RANDOM=$SEED
WORK="$(mktemp -d "${TMPDIR:-/tmp}/comeback-fault-linkcut.XXXXXX")"
START_S=$((${EPOCHREALTIME/./} / 1000000))
LOG="$WORK/log"
mkdir -p "$WORK/home"
DEVICES=(A B C)
SHAPE=(tbf rate 1mbit burst 16kb latency 400ms)

TAG="cbf$$"
BR="${TAG}br"
MADE_NS=()
declare -A OURS=()
KEEP="${FAULT_KEEP:-0}"
cleanup() {
  local pid ns
  for pid in "${!OURS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null
  # Deleting a namespace deletes the veth ends in it, and so the pairs.
  for ns in "${MADE_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "$KEEP" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; KEEP=1; exit 130' INT TERM
fault_binary
START_S=$((${EPOCHREALTIME/./} / 1000000)) # the wall time leaves the build out

say() { echo "$*" | tee -a "$LOG"; }
log() { echo "[$((${EPOCHREALTIME/./} / 1000000 - START_S)) s] $*" >>"$LOG"; }
must() {
  "$@" 2>>"$LOG" || {
    say "fault-linkcut: setting up the network failed at: $*"
    exit 1
  }
}

FAIL_LOSS=0 FAIL_DOCTOR=0 FAIL_DIVERGED=0 FAIL_DUP=0 FAIL_OTHER=0
failure() {
  local type=$1
  shift
  case $type in
    loss) FAIL_LOSS=$((FAIL_LOSS + 1)) ;;
    doctor) FAIL_DOCTOR=$((FAIL_DOCTOR + 1)) ;;
    diverged) FAIL_DIVERGED=$((FAIL_DIVERGED + 1)) ;;
    dup) FAIL_DUP=$((FAIL_DUP + 1)) ;;
    *) FAIL_OTHER=$((FAIL_OTHER + 1)) ;;
  esac
  KEEP=1
  local n=$((FAIL_LOSS + FAIL_DOCTOR + FAIL_DIVERGED + FAIL_DUP + FAIL_OTHER))
  if ((n <= 30)); then say "FAILURE [$type] (round $ROUND): $*"; else log "FAILURE [$type] (round $ROUND): $*"; fi
}

running() {
  local st=""
  read -r _ _ st _ 2>/dev/null <"/proc/$1/stat" || return 1
  [ "$st" != Z ]
}
# Waits for process $1 at most $2 seconds; WRC is its exit status, or -1 (still running).
wait_deadline() {
  local pid=$1 until=$((${EPOCHREALTIME/./} + $2 * 1000000))
  while ((${EPOCHREALTIME/./} < until)); do
    if ! running "$pid"; then
      WRC=0
      wait "$pid" 2>/dev/null || WRC=$?
      unset "OURS[$pid]"
      return 0
    fi
    pause_us 20000
  done
  WRC=-1
}

# ---------------------------------------------------------------------------------------
# The network: namespace ${TAG}X per device, its eth0 (10.79.0.n/24) one end of a veth
# pair whose other end, port ${TAG}pX, is on bridge br0 in namespace $BR. Every eth0
# carries the shaping; a loss cut replaces it, and the bridge port's default qdisc, with
# `blackhole`.
net_up() {
  local i=0 d ns port
  must ip netns add "$BR"
  MADE_NS+=("$BR")
  must ip -n "$BR" link set lo up
  must ip -n "$BR" link add br0 type bridge
  must ip -n "$BR" link set br0 up
  for d in "${DEVICES[@]}"; do
    i=$((i + 1))
    ns="${TAG}$d"
    port="${TAG}p$d"
    must ip netns add "$ns"
    MADE_NS+=("$ns")
    NETNS[$d]=$ns
    must ip link add "${TAG}v$d" type veth peer name "$port"
    must ip link set "${TAG}v$d" netns "$ns"
    must ip link set "$port" netns "$BR"
    must ip -n "$ns" link set "${TAG}v$d" name eth0
    must ip -n "$ns" addr add "10.79.0.$i/24" dev eth0
    must ip -n "$ns" link set eth0 up
    must ip -n "$ns" link set lo up
    must ip -n "$BR" link set "$port" master br0
    must ip -n "$BR" link set "$port" up
    must tc -n "$ns" qdisc add dev eth0 root "${SHAPE[@]}"
  done
}
cut() { # device method
  case $2 in
    down) ip -n "$BR" link set "${TAG}p$1" down ;;
    loss)
      tc -n "${TAG}$1" qdisc replace dev eth0 root blackhole &&
        tc -n "$BR" qdisc replace dev "${TAG}p$1" root blackhole
      ;;
  esac 2>>"$LOG" || failure other "cutting $1's link ($2) failed"
}
restore() { # device method
  case $2 in
    down) ip -n "$BR" link set "${TAG}p$1" up ;;
    loss)
      tc -n "${TAG}$1" qdisc replace dev eth0 root "${SHAPE[@]}" &&
        tc -n "$BR" qdisc del dev "${TAG}p$1" root
      ;;
  esac 2>>"$LOG" || failure other "restoring $1's link ($2) failed"
}

# ---------------------------------------------------------------------------------------
# Writes, and the ledger of what was acknowledged: id → kind, value, present|deleted.
# A device edits and deletes only records it wrote, so the value every device must end
# with is the last one acknowledged.
KINDS_ALL=(entry:text win:title contact:name mood:note worry:text next:title story:title
  event:title project:name outreach:message intro:to debrief:id)
declare -A FIELD=()
for spec in "${KINDS_ALL[@]}"; do FIELD[${spec%%:*}]=${spec#*:}; done
declare -A L_KIND=() L_VAL=() L_STATE=() L_OWNER=()
declare -A OWN_IDS=() # device → space-separated ids it wrote
ACKED=0 PENDING=0

WORDS=(morning walk letter rain interview coffee notes garden call river promise
  train window bread plan quiet friend music paper dinner road evening doubt hope)
value() {
  local n i
  rnd 40
  n=$((R + 1))
  V="$1"
  for ((i = 0; i < n; i++)); do
    rnd ${#WORDS[@]}
    V+=" ${WORDS[R]}"
  done
}
random_date() {
  rnd 8
  local y=$((2019 + R))
  rnd 12
  local m=$((R + 1))
  rnd 28
  D=$(printf '%04d-%02d-%02d' "$y" "$m" $((R + 1)))
}

# Runs `comeback ARGS` on device $1 to its end; OUT is its stdout, RC its status.
run() {
  local d=$1
  shift
  RC=0
  OUT="$(cb "$d" "$@" 2>"$WORK/op.err")" || RC=$?
}

# One write on device $1; SEQ numbers the values.
SEQ=0
write_one() {
  local d=$1 kind id op ids
  SEQ=$((SEQ + 1))
  value "r$ROUND-$d-$SEQ"
  random_date
  read -r -a ids <<<"${OWN_IDS[$d]:-}"
  rnd 100
  op=add
  id=""
  if ((R >= 70)) && ((${#ids[@]} > 0)); then
    local p=$R
    rnd ${#ids[@]}
    id=${ids[R]}
    if [ "${L_STATE[$id]}" = present ]; then
      if ((p < 92)); then op=edit; else op=delete; fi
    else
      id="" # deleted already: add instead
    fi
  fi
  case $op in
    add)
      local kinds=(entry entry entry win contact mood worry event)
      rnd ${#kinds[@]}
      kind=${kinds[R]}
      case $kind in
        entry) ARGS=(entry add --text "$V" --date "$D") ;;
        win) ARGS=(win add --title "$V" --date "$D") ;;
        contact) ARGS=(contact add --name "$V") ;;
        mood) ARGS=(mood add --mood 3 --note "$V" --date "$D") ;;
        worry) ARGS=(worry add --text "$V") ;;
        event) ARGS=(event add --title "$V" --date "$D") ;;
      esac
      ;;
    edit)
      kind=${L_KIND[$id]}
      if [ "$kind" = entry ]; then
        ARGS=(entry edit "$id" --text "$V")
      else
        ARGS=("$kind" set "$id" --set "${FIELD[$kind]}=$V")
      fi
      ;;
    delete)
      kind=${L_KIND[$id]}
      ARGS=("$kind" delete "$id")
      ;;
  esac
  run "$d" "${ARGS[@]}"
  if ((RC != 0)); then
    failure other "\`comeback ${ARGS[*]:0:3}\` on $d exited $RC: $(head -c 300 "$WORK/op.err")"
    return
  fi
  ACKED=$((ACKED + 1))
  PENDING=$((PENDING + 1))
  case $op in
    add)
      id=${OUT//[[:space:]]/}
      L_KIND[$id]=$kind
      L_VAL[$id]=$V
      L_STATE[$id]=present
      L_OWNER[$id]=$d
      OWN_IDS[$d]+=" $id"
      ;;
    edit) L_VAL[$id]=$V ;;
    delete) L_STATE[$id]=deleted ;;
  esac
}

# A bulk run of `dev add-many` on device $1 (entries in today's month).
write_bulk() {
  local d=$1 n id i=0
  rnd_between 50 400
  n=$R
  run "$d" dev add-many --count "$n" --prefix "r$ROUND-$d-bulk"
  ((RC == 0)) || failure other "\`comeback dev add-many\` on $d exited $RC: $(head -c 300 "$WORK/op.err")"
  while read -r id; do
    [[ "$id" =~ ^[a-z0-9]+$ ]] || continue
    L_KIND[$id]=entry
    L_VAL[$id]="r$ROUND-$d-bulk $i"
    L_STATE[$id]=present
    L_OWNER[$id]=$d
    i=$((i + 1))
  done <<<"$OUT"
  ACKED=$((ACKED + i))
  PENDING=$((PENDING + i))
}

# The profile is one record every device may change: it is compared across devices
# (the final dumps), not against the ledger, since edits of it from two devices merge.
write_profile() {
  value "r$ROUND-$1-profile"
  run "$1" profile set --what-happened "$V"
  ((RC == 0)) || failure other "\`comeback profile set\` on $1 exited $RC: $(head -c 300 "$WORK/op.err")"
  ACKED=$((ACKED + 1))
}

writes() {
  local d n j
  for d in "${DEVICES[@]}"; do
    rnd 20
    ((R == 0)) && write_profile "$d"
    rnd 10
    ((R < 8)) || continue
    rnd 10
    if ((R < 2)); then
      write_bulk "$d"
    else
      rnd_between 1 4
      n=$R
      for ((j = 0; j < n; j++)); do write_one "$d"; done
    fi
  done
}

# ---------------------------------------------------------------------------------------
# Sync.
serve_a() { # starts `serve` on A; SPID once it listens
  venv A
  "${VENV[@]}" serve --no-mdns >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SPID=$!
  OURS[$SPID]=1
  local t
  for ((t = 0; t < 1500; t++)); do
    grep -q '^listening on port' "$WORK/serve.out" 2>/dev/null && return 0
    running "$SPID" || break
    pause_us 10000
  done
  failure other "serve on A did not start listening: $(head -c 300 "$WORK/serve.err")"
  kill -KILL "$SPID" 2>/dev/null
  return 1
}
stop_serve() {
  running "$SPID" && kill -TERM "$SPID" 2>/dev/null
  wait_deadline "$SPID" 30
  if ((WRC == -1)); then
    failure other "serve on A did not stop within 30 s of SIGTERM"
    kill -KILL "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    unset "OURS[$SPID]"
  elif ((WRC != 0)); then
    failure other "serve on A exited $WRC on SIGTERM: $(head -c 300 "$WORK/serve.err")"
  fi
}
declare -A CPID=()
sync_start() { # device: `sync --once` in the background
  venv "$1"
  "${VENV[@]}" sync --once --no-mdns --json --timeout 20 >"$WORK/sync.$1.out" 2>"$WORK/sync.$1.err" &
  CPID[$1]=$!
  OURS[$!]=1
}

# ---------------------------------------------------------------------------------------
# Checks.
doctors() {
  local d
  for d in "${DEVICES[@]}"; do
    DOCTOR_RUNS=$((DOCTOR_RUNS + 1))
    doctor_ok "$d" 2>>"$LOG" || failure doctor "the doctor on $d is not healthy (see the log)"
  done
}

# Every record of every kind on device $1, as sorted JSON lines (version left out) in
# $WORK/dump.$1, and with version in $WORK/dump.$1.v; the profile too.
dump() {
  local d=$1 spec kind
  : >"$WORK/dump.$d.u"
  : >"$WORK/dump.$d.vu"
  for spec in "${KINDS_ALL[@]}"; do
    kind=${spec%%:*}
    if ! cb "$d" "$kind" list --json --limit 100000000 >"$WORK/dump.json" 2>"$WORK/op.err"; then
      failure other "\`comeback $kind list\` on $d failed: $(head -c 300 "$WORK/op.err")"
      continue
    fi
    jq -c --arg k "$kind" '.[] | {kind: $k} + del(.version)' <"$WORK/dump.json" >>"$WORK/dump.$d.u"
    jq -c --arg k "$kind" '.[] | {kind: $k, id, version}' <"$WORK/dump.json" >>"$WORK/dump.$d.vu"
  done
  if cb "$d" profile show --json >"$WORK/dump.json" 2>"$WORK/op.err"; then
    jq -c '{kind: "profile"} + del(.version)' <"$WORK/dump.json" >>"$WORK/dump.$d.u"
  else
    failure other "\`comeback profile show\` on $d failed: $(head -c 300 "$WORK/op.err")"
  fi
  LC_ALL=C sort "$WORK/dump.$d.u" >"$WORK/dump.$d"
  LC_ALL=C sort "$WORK/dump.$d.vu" >"$WORK/dump.$d.v"
}

# The ledger against device $1's lists: every present record with its value, no deleted
# one, nothing unknown, no id or value twice.
ledger_check() {
  local d=$1 list="$WORK/list.$d" id line
  KINDS=("${KINDS_ALL[@]}")
  if ! list_tsv "$d" "$list" 2>>"$LOG"; then
    failure other "listing $d failed (see the log)"
    return
  fi
  : >"$WORK/expected.u"
  : >"$WORK/deleted"
  for id in "${!L_KIND[@]}"; do
    if [ "${L_STATE[$id]}" = present ]; then
      printf '%s\t%s\t%s\n' "${L_KIND[$id]}" "$id" "${L_VAL[$id]}" >>"$WORK/expected.u"
    else
      printf '%s\n' "$id" >>"$WORK/deleted"
    fi
  done
  LC_ALL=C sort "$WORK/expected.u" >"$WORK/expected"
  LEDGER_CHECKS=$((LEDGER_CHECKS + 1))
  RECORD_CHECKS=$((RECORD_CHECKS + ${#L_KIND[@]}))
  while IFS= read -r line; do
    id=$(cut -f2 <<<"$line")
    failure loss "$d: acknowledged $(cut -f1 <<<"$line") $id (written on ${L_OWNER[$id]}) should read \"$(cut -f3 <<<"$line" | head -c 100)\": $(awk -F'\t' -v i="$id" '$2 == i { print "reads \"" substr($3, 1, 100) "\""; f = 1 } END { if (!f) print "absent" }' "$list")"
  done < <(LC_ALL=C comm -23 "$WORK/expected" "$list")
  while IFS= read -r id; do
    failure loss "$d: $id was deleted on ${L_OWNER[$id]} (acknowledged) but is listed"
  done < <(awk -F'\t' 'FILENAME == ARGV[1] { x[$1] = 1; next } ($2 in x) { print $2 }' "$WORK/deleted" "$list")
  while IFS= read -r line; do
    failure other "$d lists a record nobody wrote: $(head -c 200 <<<"$line")"
  done < <(awk -F'\t' 'FILENAME == ARGV[1] { k[$2] = 1; next } FILENAME == ARGV[2] { k[$1] = 1; next }
             !($2 in k) { print }' "$WORK/expected" "$WORK/deleted" "$list")
  while IFS= read -r id; do
    failure dup "$d lists id $id more than once"
  done < <(cut -f2 "$list" | LC_ALL=C sort | uniq -d)
  while IFS= read -r line; do
    failure dup "$d lists the value \"$(head -c 100 <<<"$line")\" under more than one id"
  done < <(cut -f1,3 "$list" | LC_ALL=C sort | uniq -d)
}

# ---------------------------------------------------------------------------------------
say "fault-linkcut: $N mid-sync cuts, seed $SEED, code $CODE, binary sha256 $BIN_SHA…"
say "work folder: $WORK; namespaces ${TAG}*"
net_up
for d in "${DEVICES[@]}"; do
  mkdir -p "$WORK/$d"
  cb "$d" init >/dev/null 2>>"$LOG" || {
    say "fault-linkcut: comeback init on $d failed"
    exit 1
  }
done
ROUND=0
# Something on each device before pairing, which the first syncs merge, and a profile.
for d in "${DEVICES[@]}"; do write_one "$d"; done
cb A profile set --happened-on 2026-01-15 --what-happened "the profile, set on A" >/dev/null 2>>"$LOG" || {
  say "fault-linkcut: comeback profile set on A failed"
  exit 1
}
pair() { # joiner: A invites, the joiner joins
  venv A
  "${VENV[@]}" devices invite --json --yes --timeout 60 --no-mdns >"$WORK/invite.out" 2>"$WORK/invite.err" &
  local ipid=$! t ticket=""
  OURS[$ipid]=1
  for ((t = 0; t < 1000; t++)); do
    ticket="$(head -1 "$WORK/invite.out" 2>/dev/null | jq -r '.ticket // empty' 2>/dev/null)"
    [ -n "$ticket" ] && break
    pause_us 20000
  done
  if [ -z "$ticket" ] || ! cb "$1" devices join "$ticket" --yes --no-mdns >>"$LOG" 2>&1; then
    say "fault-linkcut: $1 could not join A: $(head -c 300 "$WORK/invite.err")"
    exit 1
  fi
  wait_deadline "$ipid" 60
  ((WRC == 0)) || {
    say "fault-linkcut: devices invite on A exited $WRC: $(head -c 300 "$WORK/invite.err")"
    exit 1
  }
}
pair B
pair C
PENDING=0
say "B and C paired with A over the namespaces' network ($(printf '%s ' "${SHAPE[@]}")each way)"

CUTS=0 MISSED=0 LEDGER_CHECKS=0 RECORD_CHECKS=0 DOCTOR_RUNS=0
declare -A CUT_BY=() AFTER=()
SCALE=100 # percent: the cut moment's range, scaled to how long syncs turn out to take
T0=${EPOCHREALTIME/./}
while ((CUTS < N)); do
  ROUND=$((ROUND + 1))
  writes
  rnd 4
  case $R in
    0) clients=(B) ;;
    1) clients=(C) ;;
    *) clients=(B C) ;;
  esac
  # Whose link: a client's, or A's (which cuts every client at once).
  rnd 4
  if ((R == 0)); then victim=A; else
    rnd ${#clients[@]}
    victim=${clients[R]}
  fi
  rnd 2
  if ((R == 0)); then method=down; else method=loss; fi
  # When: within how long such a sync takes here, ~0.5 s plus ~1.5 ms a record.
  e=$(((500000 + 1500 * PENDING) * SCALE / 100))
  rnd_between 0 "$e"
  at=$R
  # How long: mostly a blip (0.2-5 s) a sync can ride out, sometimes (one in five)
  # 10-25 s, longer than the syncing side's 20 s timeout.
  rnd 5
  if ((R == 0)); then rnd_between 10000 25000; else rnd_between 200 5000; fi
  hold=$R
  serve_a || continue
  t0=${EPOCHREALTIME/./}
  for d in "${clients[@]}"; do sync_start "$d"; done
  pause_until_us $((t0 + at))
  hit=0
  for d in "${clients[@]}"; do
    if [ "$victim" = A ] || [ "$victim" = "$d" ]; then running "${CPID[$d]}" && hit=1; fi
  done
  cut "$victim" "$method"
  pause_us $((hold * 1000))
  restore "$victim" "$method"
  outcome=""
  for d in "${clients[@]}"; do
    wait_deadline "${CPID[$d]}" 40
    if ((WRC == -1)); then
      failure other "sync --once on $d did not end within 40 s of the link coming back"
      kill -KILL "${CPID[$d]}" 2>/dev/null
      wait "${CPID[$d]}" 2>/dev/null
      unset "OURS[${CPID[$d]}]"
    fi
    outcome+="$d exit $WRC "
    if ((hit)) && { [ "$victim" = A ] || [ "$victim" = "$d" ]; }; then
      if ((WRC == 0)); then AFTER[completed]=$((${AFTER[completed]:-0} + 1)); else AFTER[failed]=$((${AFTER[failed]:-0} + 1)); fi
    fi
  done
  stop_serve
  case "$outcome" in
    *"exit 0 "*"exit 0 "* | "$d exit 0 ") PENDING=0 ;;
    *"exit 0 "*) PENDING=$((PENDING / 2)) ;;
  esac
  if ((hit)); then
    CUTS=$((CUTS + 1))
    CUT_BY[$victim-$method]=$((${CUT_BY[$victim-$method]:-0} + 1))
    ((SCALE < 400)) && SCALE=$((SCALE + 2))
  else
    MISSED=$((MISSED + 1))
    ((SCALE > 30)) && SCALE=$((SCALE * 85 / 100))
  fi
  log "round $ROUND: ${clients[*]} sync with A; $victim's link $method at $((at / 1000)) ms for $hold ms ($([ $hit = 1 ] && echo mid-sync || echo 'after the sync ended')); $outcome"
  doctors
  ((CUTS % 10 == 0 && hit)) && say "  $CUTS cuts, round $ROUND, $(((${EPOCHREALTIME/./} - T0) / 1000000)) s"
done
CUT_S=$(((${EPOCHREALTIME/./} - T0) / 1000000))

# The final sync: every link up, serve on A; B, C and B again sync once; up to three
# rounds, until all three list the same records.
ROUNDS=$ROUND
ROUND=final
T1=${EPOCHREALTIME/./}
converged=0
for r in 1 2 3; do
  serve_a || continue
  for d in B C B; do
    RC=0
    cb "$d" sync --once --no-mdns --timeout 60 >>"$LOG" 2>&1 || RC=$?
    log "final round $r: sync --once on $d exited $RC"
  done
  stop_serve
  for d in "${DEVICES[@]}"; do dump "$d"; done
  if cmp -s "$WORK/dump.A" "$WORK/dump.B" && cmp -s "$WORK/dump.A" "$WORK/dump.C"; then
    converged=$r
    break
  fi
done
FINAL_S=$(((${EPOCHREALTIME/./} - T1) / 1000000))
if ((converged == 0)); then
  for d in B C; do
    cmp -s "$WORK/dump.A" "$WORK/dump.$d" ||
      failure diverged "A and $d differ after three final rounds: $(diff "$WORK/dump.A" "$WORK/dump.$d" | head -4 | cut -c1-200 | tr '\n' ' ')"
  done
fi
heads_same=yes
cmp -s "$WORK/dump.A.v" "$WORK/dump.B.v" && cmp -s "$WORK/dump.A.v" "$WORK/dump.C.v" || heads_same=no
for d in "${DEVICES[@]}"; do ledger_check "$d"; done
doctors
devices_ok=yes
for d in "${DEVICES[@]}"; do
  n=$(cb "$d" devices list --json 2>>"$LOG" | jq 'length' 2>/dev/null)
  [ "$n" = 3 ] || {
    devices_ok=no
    failure other "$d lists $n devices, not 3"
  }
done
RECORDS=$(wc -l <"$WORK/dump.A")
PRESENT=0
for id in "${!L_STATE[@]}"; do [ "${L_STATE[$id]}" = present ] && PRESENT=$((PRESENT + 1)); done
TOTAL_S=$((${EPOCHREALTIME/./} / 1000000 - START_S))

by=""
for k in $(printf '%s\n' "${!CUT_BY[@]}" | sort); do by+="$k ${CUT_BY[$k]}, "; done
say ""
say "== fault-linkcut summary (code $CODE, seed $SEED, N $N)"
say "cuts: $CUTS mid-sync over $ROUNDS rounds (${by%, }); $MISSED more cut after the sync had ended (not counted)"
say "syncs a cut hit (a cut of A's link hits every syncing device): ${AFTER[completed]:-0} completed anyway once the link was back, ${AFTER[failed]:-0} failed"
say "writes acknowledged: $ACKED (adds, edits, deletes, profile changes); of the ${#L_KIND[@]} records written, $PRESENT are present at the end, $((${#L_KIND[@]} - PRESENT)) deleted"
say "final sync: $([ $converged -gt 0 ] && echo "converged in round $converged" || echo "DID NOT CONVERGE in 3 rounds"); $RECORDS records on each device (every kind and the profile); same document heads on all three: $heads_same; every device lists 3 devices: $devices_ok"
say "checks: $LEDGER_CHECKS ledger checks ($RECORD_CHECKS acknowledged-record checks), $DOCTOR_RUNS doctor runs, 3 full dumps compared"
say "failures: $FAIL_DIVERGED divergences, $FAIL_DUP duplicates, $FAIL_LOSS losses, $FAIL_DOCTOR doctor failures, $FAIL_OTHER other"
say "wall time: $TOTAL_S s (cut rounds $CUT_S s, final sync and checks $FINAL_S s)"
if ((FAIL_LOSS + FAIL_DOCTOR + FAIL_DIVERGED + FAIL_DUP + FAIL_OTHER > 0)); then
  say "FAILED: see $LOG"
  exit 1
fi
say "ok: the three devices converged, nothing lost or doubled, every doctor healthy"
