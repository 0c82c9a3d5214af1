#!/usr/bin/env python3
"""How busy the machine's cores are, every 50 ms for SECONDS, from /proc/stat.

Run beside a workload to tell a drain bound by the cores (busy near 1.0
throughout, as W1's is) from one waiting on the disk or a round trip (busy
well under it, as creates are). One line a sample: unix time, the fraction
of all cores busy, and a bar.

Usage: bench/cpu_busy.py 60 > busy.txt & target/release/chime-bench --workload burst
"""

import sys
import time


def totals():
    """All jiffies, and those idle or waiting on I/O, summed over cores."""
    fields = [int(f) for f in open("/proc/stat").readline().split()[1:]]
    return sum(fields), fields[3] + fields[4]


def main():
    end = time.time() + float(sys.argv[1])
    before = totals()
    while time.time() < end:
        time.sleep(0.05)
        now = totals()
        spent, idle = now[0] - before[0], now[1] - before[1]
        busy = 1 - idle / spent if spent else 0.0
        print(f"{time.time():.2f} {busy:.2f} {'#' * round(busy * 20)}", flush=True)
        before = now


if __name__ == "__main__":
    main()
