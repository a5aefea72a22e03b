# Sourced by the other scripts: one target folder outside the clone, so a second run
# (or CI on the same machine) reuses the build instead of starting cold.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/comeback-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export TAURI_DRIVER="${TAURI_DRIVER:-${XDG_CACHE_HOME:-$HOME/.cache}/comeback-tools/bin/tauri-driver}"
