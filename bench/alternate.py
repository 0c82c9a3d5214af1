#!/usr/bin/env python3
"""Two builds' W1 drains, alternated, on a machine whose speed moves by the hour.

A full run of each build an hour apart compares the hours as much as the builds.
This runs `chime-bench --workload burst` on build A, then on B, ROUNDS times
(each run is three bursts on fresh folders), so both see the same spells, and
prints each burst's drain (last arrival after the due instant), then each
build's median, min-max and how many met the 0.4 s target, and B's median over
A's.

Usage: bench/alternate.py A B [--rounds 4] [--bench target/release/chime-bench]
Example: cp target/release/chime /tmp/chime-before   # then build the change
         bench/alternate.py /tmp/chime-before target/release/chime
"""

import argparse
import re
import statistics
import subprocess

DRAIN = re.compile(r"run \d+: last arrival ([0-9.]+) s after the due instant")
TARGET_S = 0.4


def drains(bench, chime):
    """Each burst's drain, in seconds, of one `chime-bench --workload burst` run."""
    run = subprocess.run(
        [bench, "--workload", "burst", "--chime", chime],
        capture_output=True,
        text=True,
    )
    found = [float(s) for s in DRAIN.findall(run.stderr + run.stdout)]
    if run.returncode not in (0, 1) or not found:
        raise SystemExit(f"chime-bench on {chime} failed:\n{run.stderr[-2000:]}")
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--bench", default="target/release/chime-bench")
    args = p.parse_args()
    seen = {args.a: [], args.b: []}
    for n in range(1, args.rounds + 1):
        for chime in (args.a, args.b):
            runs = drains(args.bench, chime)
            seen[chime].extend(runs)
            print(f"round {n} {chime}: " + " ".join(f"{d:.3f}" for d in runs), flush=True)
    for chime, all_runs in seen.items():
        met = sum(d <= TARGET_S for d in all_runs)
        print(
            f"{chime}: median {statistics.median(all_runs):.3f} s "
            f"({min(all_runs):.3f}-{max(all_runs):.3f}), "
            f"met in {met} of {len(all_runs)}"
        )
    ratio = statistics.median(seen[args.b]) / statistics.median(seen[args.a])
    print(f"B's median over A's: {ratio:.2f}")


if __name__ == "__main__":
    main()
