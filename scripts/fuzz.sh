#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (see fuzz/README.md), each for SECONDS_PER_TARGET
# seconds (default 60), one after the other, under `nice -n 19`; prints each run's
# executions, coverage and any crash file, and exits non-zero if a target crashed.
# Run by hand, not in CI: a sanitizer build of every dependency takes too long there,
# so CI replays the committed corpora instead (tests/fuzz_corpus.rs).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# New inputs go to fuzz/work/<target>/ (not committed) while the committed corpus in
# fuzz/corpus/<target>/ is only read; README.md says how to fold them in.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(frame_decode ticket_decode load_chunks sync_session)
fi
# cargo-fuzz passes nightly flags (-Zsanitizer=address); a stable rustc takes them so.
export RUSTC_BOOTSTRAP=1
# A target folder of its own: the sanitizer flags would rebuild the shared one.
export CARGO_TARGET_DIR="${COMEBACK_FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/comeback-fuzz-target}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi
# Debug assertions and overflow checks on, as in the test build that replays the corpora.
flags=(-a)
nice -n 19 cargo fuzz build "${flags[@]}"

crashed=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/work/$t" "fuzz/artifacts/$t"
  log="fuzz/work/$t.log"
  echo "== $t: ${secs}s"
  status=0
  TIMEFORMAT='%R %U %S'
  { time nice -n 19 cargo fuzz run "${flags[@]}" "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; } 2>"fuzz/work/$t.time" || status=$?
  read -r wall user sys <"fuzz/work/$t.time" || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
  cpu=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.0f", u + s }')
  echo "   ${wall:-?}s wall, ${cpu}s CPU, ${execs:-?} execs, ${cov:-no coverage line}, exit $status"
  if [ "$status" -ne 0 ]; then
    crashed=1
    grep -E 'Test unit written to|SUMMARY|panicked at|ERROR: libFuzzer' "$log" | sed 's/^/   /' || true
    echo "   log: $log"
  fi
done
exit "$crashed"
