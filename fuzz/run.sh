#!/usr/bin/env bash
# Runs every fuzz target for RUNS inputs (default 1,000,000) on the stable
# toolchain, one after another, and prints each one's inputs, time and
# result. From the repository's root: fuzz/run.sh [RUNS] [TARGET...]
#
# Stable Rust has no -Zsanitizer, so the targets build with
# `--sanitizer none`: libFuzzer's coverage guidance works (it needs only
# -Cpasses=sancov-module and -Cllvm-args, which are stable); a panic, an
# overflow (built with -a, debug assertions) or a stack overflow is a crash.
# The corpus grows in fuzz/corpus/TARGET (not committed); the committed
# seeds are fuzz/seeds/TARGET; a crasher lands in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-1000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(create_json create_form cron_zone duration_instant dynamic_render curl_import)
fi
cargo fuzz build --sanitizer none -a
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  start=$(date +%s)
  status=0
  cargo fuzz run --sanitizer none -a "$target" "corpus/$target" "seeds/$target" -- \
    -runs="$runs" -timeout=10 -entropic_scale_per_exec_time=1 -print_final_stats=1 \
    2> "corpus/$target.log" || status=$?
  took=$(( $(date +%s) - start ))
  done_runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "corpus/$target.log" | grep -o '[0-9]*$' || echo "?")
  echo "$target: $done_runs inputs in ${took}s, exit $status (log: fuzz/corpus/$target.log)"
done
