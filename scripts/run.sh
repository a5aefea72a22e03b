#!/usr/bin/env bash
# Installs what Comeback needs, builds it, and opens the app.
# The vault lives in the platform data folder unless COMEBACK_VAULT names another.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
npm --prefix ui ci --no-audit --no-fund --loglevel=error
npm --prefix ui run build
cargo build --release --workspace --bins
echo "run: the CLI is at $CARGO_TARGET_DIR/release/comeback"
exec "$CARGO_TARGET_DIR/release/comeback-app"
