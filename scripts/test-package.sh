#!/usr/bin/env bash
# Checks a Debian package made by scripts/package.sh, as a person would meet it: its
# control data (the name, version and the WebKitGTK it depends on), then, unpacked into
# a throwaway root, both programs in /usr/bin, the desktop entry and the icon; runs the
# unpacked `comeback --version`, makes a vault with the unpacked `comeback`, and starts
# the unpacked `comeback-app` on it under X until its "Comeback" window appears.
#
#   bash scripts/test-package.sh path/to/comeback_0.1.0_amd64.deb
#
# Uses $DISPLAY when set, otherwise starts its own Xvfb. With COMEBACK_PACKAGE_SHOT=FILE
# it also saves a picture of the screen with the window on it (needs ImageMagick's
# `import`). Every check fails loudly; none is skipped.
set -euo pipefail

fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
ok() { echo "test-package: ok: $*"; }

[ "$#" -eq 1 ] || fail "usage: bash scripts/test-package.sh PATH.deb"
deb="$(realpath "$1")"
[ -f "$deb" ] || fail "no package at $deb; build one with: bash scripts/package.sh"
for tool in dpkg-deb xwininfo Xvfb; do
  command -v "$tool" >/dev/null || fail "$tool is missing; run: bash scripts/setup.sh"
done

work="$(mktemp -d)"
app_pid=""
xvfb_pid=""
cleanup() {
  if [ -n "$app_pid" ]; then kill -- "-$app_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

# The control data: what apt reads before installing.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = comeback ] || fail "the package is named '$(field Package)', not comeback"
version="$(field Version)"
[ -n "$version" ] || fail "the package has no Version"
[ "$(field Architecture)" = amd64 ] || fail "the package is for '$(field Architecture)', not amd64"
[ "$(basename "$deb")" = "comeback_${version}_amd64.deb" ] ||
  fail "the file is named $(basename "$deb"), not comeback_${version}_amd64.deb"
depends="$(field Depends)"
for need in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -Eq "(^|, )$need( |,|$)" <<<"$depends" || fail "Depends does not name $need: $depends"
done
ok "comeback $version for amd64, depends on WebKitGTK ($depends)"

# The files, unpacked as dpkg would lay them out.
root="$work/root"
dpkg-deb -x "$deb" "$root"
for prog in comeback comeback-app; do
  [ -x "$root/usr/bin/$prog" ] || fail "usr/bin/$prog is missing or not executable"
done
ok "usr/bin/comeback and usr/bin/comeback-app"

desktop=("$root"/usr/share/applications/*.desktop)
[ "${#desktop[@]}" -eq 1 ] && [ -f "${desktop[0]}" ] ||
  fail "expected one desktop entry in usr/share/applications, found: ${desktop[*]}"
entry() { sed -n "s/^$1=//p" "${desktop[0]}"; }
[ "$(entry Name)" = Comeback ] || fail "the desktop entry's Name is '$(entry Name)', not Comeback"
[ "$(entry Exec)" = comeback-app ] || fail "the desktop entry's Exec is '$(entry Exec)', not comeback-app"
[ "$(entry Type)" = Application ] || fail "the desktop entry's Type is '$(entry Type)', not Application"
icon_name="$(entry Icon)"
icons=("$root"/usr/share/icons/hicolor/*/apps/"$icon_name".png)
[ -f "${icons[0]}" ] || fail "no icon named $icon_name under usr/share/icons/hicolor"
ok "desktop entry Comeback (Exec=comeback-app) with icon ${icons[0]#"$root"}"

# The command-line program: its version is the package's.
said="$("$root/usr/bin/comeback" --version)"
[ "$said" = "comeback $version" ] || fail "comeback --version printed '$said', not 'comeback $version'"
ok "comeback --version: $said"

# A vault made by the unpacked CLI, with its key in a file (no keychain needed), which
# the unpacked app then opens.
export COMEBACK_VAULT="$work/vault" COMEBACK_KEY_FILE="$work/vault.key"
"$root/usr/bin/comeback" init >/dev/null || fail "comeback init could not make a vault"
"$root/usr/bin/comeback" entry add --text "Installed from the package." --mood 4 >/dev/null ||
  fail "comeback entry add failed on the new vault"
ok "comeback init and entry add on a throwaway vault"

if [ -z "${DISPLAY:-}" ]; then
  n=87
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$n"
  for _ in $(seq 100); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.1; done
  xwininfo -root >/dev/null 2>&1 || fail "Xvfb on $DISPLAY did not start"
fi

# The app in its own process group, so everything it starts stops with it.
app_log="$work/app.log"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  setsid "$root/usr/bin/comeback-app" >"$app_log" 2>&1 &
else
  setsid dbus-run-session -- "$root/usr/bin/comeback-app" >"$app_log" 2>&1 &
fi
app_pid=$!
# Patience for a cold start on a slow machine, not a speed requirement.
window=""
for _ in $(seq 600); do
  window="$(xwininfo -root -tree | grep -E '"Comeback": \(' || true)"
  [ -n "$window" ] && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$app_log" >&2; fail "comeback-app exited before showing a window"; }
  sleep 0.1
done
[ -n "$window" ] || { cat "$app_log" >&2; fail "no window titled Comeback appeared within 60 s"; }
ok "the unpacked comeback-app opened its window: $(sed 's/^ *//' <<<"$window" | head -1)"

if [ -n "${COMEBACK_PACKAGE_SHOT:-}" ]; then
  command -v import >/dev/null || fail "COMEBACK_PACKAGE_SHOT needs ImageMagick's import (apt-get install imagemagick)"
  sleep "${COMEBACK_PACKAGE_SHOT_WAIT:-5}" # let the page render
  import -window root "$COMEBACK_PACKAGE_SHOT"
  ok "screen saved to $COMEBACK_PACKAGE_SHOT"
fi

kill -- "-$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=""
echo "test-package: passed ($(basename "$deb"))"
