#!/usr/bin/env bash
# Builds the Debian package a person installs: `comeback_<version>_amd64.deb`, made by
# Tauri's bundler from tauri.conf.json, holding the app (/usr/bin/comeback-app, its
# desktop entry "Comeback" and icon) and the command-line program (/usr/bin/comeback),
# with the Debian packages it needs declared, so `apt-get install ./comeback_*.deb`
# brings in WebKitGTK. The last line printed is the package's absolute path.
#
#   bash scripts/package.sh           # release build: the package to hand out
#   bash scripts/package.sh --debug   # from the debug build `cargo test` already made
#                                     # (scripts/test.sh checks the package this way)
#
# Nothing is downloaded outside the package registries (Debian, crates.io, npm): the
# Tauri CLI is an npm dev dependency of ui/ and only the `deb` bundle is made (the
# AppImage bundler would fetch its own tools).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
cargo_profile=(--release)
tauri_profile=()
case "${1:-}" in
  "") ;;
  --debug) profile=debug cargo_profile=() tauri_profile=(--debug) ;;
  *) echo "package: unknown argument '$1'; use no argument (release) or --debug" >&2; exit 2 ;;
esac

bash scripts/setup.sh
source scripts/env.sh

# The Tauri CLI comes with the UI's npm packages; install them unless they are in place.
if ! npm --prefix ui ls --depth=0 >/dev/null 2>&1 || [ ! -x ui/node_modules/.bin/tauri ]; then
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi

# Both programs in one cargo run over the workspace, without the CLI's `dev` feature (a
# person's build has no hidden tools). The same features as `scripts/test.sh`'s last
# build, so with --debug this reuses what it built.
echo "package: building comeback and comeback-app ($profile)" >&2
cargo build "${cargo_profile[@]}" --locked --workspace --bins
bin_dir="$CARGO_TARGET_DIR/$profile"

# The bundler puts the CLI beside the app. Its path depends on the target folder and
# the profile, so it is handed to Tauri here rather than written in tauri.conf.json.
files_config="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/comeback\":\"$bin_dir/comeback\"}}}}}"

bundle_dir="$bin_dir/bundle/deb"
rm -rf "$bundle_dir"
echo "package: bundling the .deb with Tauri" >&2
# Tauri's own cargo build gets the same workspace-wide arguments, so it finds the app
# built above up to date instead of building it again with other features.
ui/node_modules/.bin/tauri build "${tauri_profile[@]}" --bundles deb --ci \
  --config "$files_config" -- --locked --workspace >&2

made=("$bundle_dir"/*.deb)
if [ "${#made[@]}" -ne 1 ] || [ ! -f "${made[0]}" ]; then
  echo "package: expected one .deb in $bundle_dir, found: ${made[*]}" >&2
  exit 1
fi
# Tauri names the file after the product ("Comeback_…"); the Debian way is the
# package's own name, version and architecture, as apt and dpkg spell them.
name="$(dpkg-deb -f "${made[0]}" Package)"
version="$(dpkg-deb -f "${made[0]}" Version)"
arch="$(dpkg-deb -f "${made[0]}" Architecture)"
deb="$bundle_dir/${name}_${version}_${arch}.deb"
if [ "${made[0]}" != "$deb" ]; then mv "${made[0]}" "$deb"; fi
echo "$deb"
