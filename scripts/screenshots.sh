#!/usr/bin/env bash
# Takes the README's screenshots (docs/screenshots/*.png) from the real app
# under Xvfb. Needs what `make test` installs; builds the app first.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory deps ui
cargo build --locked --bin chime --bin chime-app
NO_AT_BRIDGE=1 exec xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- node scripts/screenshots.mjs
