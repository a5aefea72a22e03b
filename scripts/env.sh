# Sourced by the other scripts: one target folder outside the clone, so a second run
# (or CI on the same machine) reuses the build instead of starting cold.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/comeback-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export TAURI_DRIVER="${TAURI_DRIVER:-${XDG_CACHE_HOME:-$HOME/.cache}/comeback-tools/bin/tauri-driver}"
# Under CI, no incremental compilation: a target folder kept between runs otherwise grows
# by every run's incremental state (tens of GB) until the disk fills.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi
