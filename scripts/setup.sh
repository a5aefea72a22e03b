#!/usr/bin/env bash
# Installs what building and testing Comeback needs on Debian 12: the Tauri/WebKitGTK
# build libraries, the Secret Service (gnome-keyring) the keychain tests talk to, D-Bus,
# Xvfb and x11-utils (the package test looks for the app's window with `xwininfo`),
# dbus-bin (`dbus-monitor`: the end-to-end test watches the app's notifications go out),
# and iproute2 (`ip`, `tc`) for the network-namespace test (tests/netns.rs, which
# needs root). Idempotent and quick when everything is there already.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config perl make curl file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  gnome-keyring dbus dbus-bin dbus-x11 libsecret-tools xvfb xauth webkit2gtk-driver x11-utils
  iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "setup: Node.js 20 or newer (with npm) is needed for the UI; install it (for example from nodejs.org or NodeSource)" >&2
  exit 1
}

command -v cargo >/dev/null || {
  echo "setup: cargo is missing; install Rust 1.95 or newer with rustup (https://rustup.rs)" >&2
  exit 1
}
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true

# tauri-driver (the WebDriver bridge for the end-to-end tests), built once into a cache
# folder outside the clone.
TOOLS="${XDG_CACHE_HOME:-$HOME/.cache}/comeback-tools"
if [ ! -x "$TOOLS/bin/tauri-driver" ]; then
  echo "setup: building tauri-driver (once)"
  CARGO_TARGET_DIR="$TOOLS/build" cargo install --quiet --root "$TOOLS" tauri-driver --version '^2' --locked
  rm -rf "$TOOLS/build"
fi
