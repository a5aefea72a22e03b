#!/usr/bin/env python3
"""Time from launching comeback-app to the first screen with data, on a given vault.

Usage (a display, and the vault's key in a key file):
  DISPLAY=:94 python3 scripts/measure-launch.py VAULT_DIR KEY_FILE APP_BINARY [RUNS]

It starts tauri-driver, opens a WebDriver session (which launches the app), and polls
until the Home screen shows content; then clicks Journal and polls until entries show.
Each WebDriver poll is a round trip of 20-150 ms on a busy machine, so the script also
leaves a watcher in the page that notes (every few milliseconds, with the page's own
clock) when the content first showed: "in page" is that moment, after launch or after
the click, without the polling's delay.
With COMEBACK_LOG=comeback_app=debug set, the app's own start-up marks (milliseconds
since the process started) go to this script's standard error. The page's marks
(`comeback:*`, with the click) are printed in seconds after the launch request; "drawn
mark" is Home's, made as its data is in the page, which the watcher misses when Home
drew before the first poll came. MEASURE_TIMING=1 adds the navigation's own timing
(when it began after the launch request, and its steps).
Figures for the one-year and ten-year journals are in docs/BENCHMARKS.md.

tauri-driver, WebKitWebDriver and the app run in a process group of their own, which
the script ends when it is done (or fails), so the next run finds the vault free.
"""
import json, os, signal, socket, subprocess, sys, time, urllib.error, urllib.request

vault, key, app = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
driver_bin = os.environ.get("TAURI_DRIVER", os.path.expanduser("~/.cache/comeback-tools/bin/tauri-driver"))

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

port, native = free_port(), free_port()
env = dict(os.environ, COMEBACK_VAULT=vault, COMEBACK_KEY_FILE=key)
log = None if os.environ.get("COMEBACK_LOG") else subprocess.DEVNULL
driver = subprocess.Popen([driver_bin, "--port", str(port), "--native-port", str(native)],
                          env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
base = f"http://127.0.0.1:{port}"

def req(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request(base + path, method=method, data=data, headers={"Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(r, timeout=60))
    except urllib.error.HTTPError as e:
        return {"error": e.read().decode()[:300]}

# Installed by the first poll that reaches the app's page (again if the page was replaced):
# notes when Home first shows content, and answers that moment (0 until then).
HOME_WATCH = """
const shown = () => { const e = document.querySelector('[data-testid=view-home]'); return e && e.innerText.length > 50; };
if (!window.__cbHomeWatch) {
  window.__cbHomeWatch = true;
  const look = () => { if (shown()) window.__cbHomeAt = Date.now(); else setTimeout(look, 3); };
  look();
}
return window.__cbHomeAt || 0;
"""

# Installed before the click: notes the click, then when the first entry shows.
JOURNAL_WATCH = """
document.addEventListener('click', () => {
  window.__cbClickAt = Date.now();
  window.__cbClickPerf = performance.now(); const look = () => { if (document.querySelector('[data-testid=entry-item]')) window.__cbJournalAt = Date.now(); else setTimeout(look, 2); };
  look();
}, { capture: true, once: true });
"""

def poll(sid, script, until, limit=30, what="the page"):
    start = time.time()
    while time.time() - start < limit:
        v = req("POST", f"/session/{sid}/execute/sync", {"script": script, "args": []}).get("value")
        if until(v):
            return v
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {what} (a vault whose Journal is empty never shows an entry: run `comeback doctor` on it)")

try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/status", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    for run in range(runs):
        for attempt in range(3):
            t0 = time.time()
            try:
                sid = req("POST", "/session", {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}})["value"]["sessionId"]
                break
            except Exception as e:  # the driver sometimes drops a new session's connection
                print(f"  no session ({e!r}); trying again", file=sys.stderr)
                time.sleep(3)
        else:
            raise SystemExit("the driver gave no session three times")
        window = time.time() - t0
        home_seen = poll(sid, HOME_WATCH, lambda v: (v or 0) > 0, what="Home's data") / 1000 - t0
        home = time.time() - t0
        req("POST", f"/session/{sid}/execute/sync", {"script": JOURNAL_WATCH, "args": []})
        el = req("POST", f"/session/{sid}/element", {"using": "css selector", "value": "[data-testid=nav-journal]"})
        req("POST", f"/session/{sid}/element/{list(el['value'].values())[0]}/click", {})
        t1 = time.time()
        poll(sid, "return document.querySelectorAll('[data-testid=entry-item]').length", lambda v: (v or 0) > 0, what="the Journal's first entry")
        journal = time.time() - t1
        journal_seen = poll(sid, "return window.__cbJournalAt - window.__cbClickAt", lambda v: v is not None, limit=2) / 1000
        marks = req("POST", f"/session/{sid}/execute/sync", {"script": "return [performance.timeOrigin, performance.getEntriesByType('mark').filter(m => m.name.startsWith('comeback:')).map(m => [m.name.slice(9), m.startTime]).concat(window.__cbClickPerf ? [['click', window.__cbClickPerf]] : []).sort((a, b) => a[1] - b[1])]", "args": []}).get("value")
        if os.environ.get("MEASURE_TIMING"):
            nav = req("POST", f"/session/{sid}/execute/sync", {"script": "const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, n ? [n.fetchStart, n.responseEnd, n.domInteractive, n.domContentLoadedEventEnd, n.loadEventEnd] : null, performance.getEntriesByType('resource').map(r => [r.name.split('/').pop(), r.startTime, r.responseEnd])]", "args": []}).get("value")
            print(f"  page timing (s after launch, origin {nav[0] / 1000 - t0:.3f}): navigation {nav[1]}, resources {nav[2]}", file=sys.stderr)
        drawn = ""
        if marks and marks[1]:
            origin = marks[0] / 1000 - t0
            print("  window marks (s after launch): " + ", ".join(f"{n} {origin + ms / 1000:.3f}" for n, ms in marks[1]), file=sys.stderr)
            # The page's own mark, made as Home's data is in the page: the watcher above
            # notes the moment it is installed if Home drew before the first poll came.
            at = [origin + ms / 1000 for n, ms in marks[1] if n == "home drawn"]
            drawn = f", drawn mark {at[0]:.2f} s" if at else ""
        print(f"run {run}: window {window:.2f} s, home with data {home:.2f} s (in page {home_seen:.2f} s{drawn}), "
              f"journal list {journal * 1000:.0f} ms (in page {journal_seen * 1000:.0f} ms)")
        req("DELETE", f"/session/{sid}")
        time.sleep(0.5)
finally:
    # The driver, WebKitWebDriver and any app still running share the driver's group.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(driver.pid, sig)
        except ProcessLookupError:
            break
        time.sleep(1)
    driver.wait()
