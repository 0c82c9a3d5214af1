#!/usr/bin/env bash
# The footprint figures of README.md ("Measured"), on a release build
# (`make dist`, or `cargo build --release --bins`):
#   1. `chime serve`, idle with one schedule: RSS, PSS, threads, shared
#      libraries mapped, and whether any GUI library is among them;
#   2. `chime jobs list` against it: median wall time (hyperfine) and peak
#      RSS (/usr/bin/time -v);
#   3. the desktop app 30 s after its window was closed to the tray: PSS
#      summed over the app and every process under it (WebKit's);
#   4. the same after 20 more close-and-reopen cycles (a second launch
#      reopens the window, as the tray's Open does).
# Needs a display with a window manager (wmctrl closes the window as its
# close button does), for example:
#   xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
#     bash -c 'openbox & scripts/measure-footprint.sh'
# Tools: hyperfine, wmctrl, openbox, curl (apt).
set -euo pipefail
BIN=${BIN:-target/release}
data=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$data"' EXIT

# Every process under $1, and $1.
tree() {
  echo "$1"
  for child in $(pgrep -P "$1" || true); do tree "$child"; done
}

# PSS in MB summed over the tree under $1 (shared pages counted once).
pss_mb() {
  local kb=0
  for p in $(tree "$1"); do
    kb=$((kb + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "scale=1; $kb / 1024" | bc
}

status_mb() { # PID FIELD: a /proc/PID/status figure in MB
  awk -v f="$2:" '$1 == f {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

echo "== chime serve, idle with one schedule"
"$BIN/chime" serve --port 0 --data-dir "$data/serve" > "$data/serve.out" &
serve=$!
until grep -q listening "$data/serve.out" 2>/dev/null; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$data/serve.out")
key=$(cat "$data/serve/api-key")
curl -sf -o /dev/null "http://127.0.0.1:$port/api/jobs" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' \
  -d '{"url": "https://example.com/tick", "repeat_every": "1 hour", "name": "hourly"}'
sleep 10
libs=$(awk '$6 ~ /\.so/ {print $6}' "/proc/$serve/maps" | sort -u)
echo "RSS $(status_mb $serve VmRSS) MB, PSS $(pss_mb $serve) MB," \
  "$(awk '/^Threads:/ {print $2}' /proc/$serve/status) threads," \
  "$(echo "$libs" | wc -l) shared libraries;" \
  "GUI libraries: $(echo "$libs" | grep -cE 'webkit2gtk|javascriptcoregtk|libgtk' || true)"

echo "== chime jobs list against it"
hyperfine -N --warmup 5 --runs 100 --export-json "$data/list.json" \
  "$BIN/chime jobs list --data-dir $data/serve" > /dev/null
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('median %.1f ms (min %.1f, max %.1f)' % (r['median']*1e3, r['min']*1e3, r['max']*1e3))" "$data/list.json"
/usr/bin/time -v "$BIN/chime" jobs list --data-dir "$data/serve" 2>&1 >/dev/null |
  awk '/Maximum resident/ {printf "peak RSS %.1f MB\n", $6 / 1024}'
kill "$serve"; wait "$serve" || true

echo "== the desktop app"
shown() { wmctrl -l | grep -q ' Chime$'; }
wait_until() { for _ in $(seq 300); do if "$@"; then return 0; fi; sleep 0.1; done; echo "timed out: $*" >&2; exit 1; }
hidden() { ! shown; }
close_and_settle() { wmctrl -c Chime; wait_until hidden; }
export CHIME_DATA_DIR="$data/app" CHIME_PORT=0
"$BIN/chime" &
app=$!
wait_until shown
sleep 10
echo "window open: PSS $(pss_mb $app) MB over $(tree $app | wc -l) processes"
close_and_settle
sleep 30
echo "30 s after closing: PSS $(pss_mb $app) MB over $(tree $app | wc -l) processes"
for _ in $(seq 20); do
  "$BIN/chime"   # a second launch: the first builds its window again
  wait_until shown
  sleep 3
  close_and_settle
  sleep 2
done
sleep 30
echo "after 20 close/reopen cycles, 30 s after closing: PSS $(pss_mb $app) MB over $(tree $app | wc -l) processes"
