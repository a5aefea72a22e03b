#!/usr/bin/env python3
"""Time from starting comeback-app, as the application menu starts it, to Home drawn with
its data, on a given vault; without WebDriver.

Usage (a display, and the vault's key in a key file):
  DISPLAY=:94 python3 scripts/measure-launch-direct.py VAULT_DIR KEY_FILE APP_BINARY [RUNS]

`scripts/measure-launch.py` launches the app through tauri-driver and WebKitWebDriver,
which start it for automation: the page's navigation then begins 0.39-0.52 s after the
launch request. This script starts the binary itself and reads the app's own start-up
marks (COMEBACK_LOG, milliseconds since the process started) from its standard error.
"Home drawn" is the app's "first screen drawn" mark: Home tells the core once its data
is in the page and the frame holding it has been painted (requestAnimationFrame, then a
timer: `firstScreenDrawn` in ui/src/lib/ipc.ts). Launch is the moment just before the
process is started; the figure is when this script read the mark's line, so it includes
the pipe's small delay.

Each run starts the app in a process group of its own and ends it once the mark came.
Figures are in docs/BENCHMARKS.md.
"""
import os, signal, statistics, subprocess, sys, threading, time

vault, key, app = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
env = dict(os.environ, COMEBACK_VAULT=vault, COMEBACK_KEY_FILE=key, COMEBACK_LOG="comeback_app=debug")
PREFIX = "comeback-app launch:"

def one_run():
    marks, seen = [], threading.Event()
    t0 = time.time()
    proc = subprocess.Popen([app], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)

    def read():
        for line in proc.stderr:
            at = time.time() - t0
            if PREFIX in line:
                ms, _, what = line.split(PREFIX, 1)[1].strip().partition(" ms ")
                marks.append((what.strip(), float(ms) / 1000, at))
                if what.strip() == "first screen drawn":
                    seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not seen.wait(30):
            raise SystemExit("no 'first screen drawn' within 30 s: is the vault readable with this key, "
                             f"and its mirror whole (`comeback doctor`)? marks so far: {marks}")
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            time.sleep(0.5)
        proc.wait()
    return marks

homes = []
for run in range(runs):
    marks = one_run()
    drawn = next(m for m in marks if m[0] == "first screen drawn")
    homes.append(drawn[2])
    print("  app marks (s since the process started): " +
          ", ".join(f"{what} {s:.3f}" for what, s, _ in marks), file=sys.stderr)
    print(f"run {run}: home drawn with data {drawn[2]:.3f} s after launch "
          f"({drawn[1]:.3f} s by the app's clock, which starts in main)")
    time.sleep(1)
print(f"home drawn: {min(homes):.2f}-{max(homes):.2f} s, median {statistics.median(homes):.2f} s over {len(homes)} runs")
