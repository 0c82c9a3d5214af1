#!/usr/bin/env python3
"""What a commit's sync costs when the log grows, and with zeros laid ahead.

Writes COMMITS commits of 13 pages with their frame headers (what a create's
commit writes to the WAL) to a file in DIR, each followed by `fdatasync`, the
way SQLite commits with `synchronous=FULL`:

- append: the file grows with every commit (SQLite's own log in a burst);
- zeros N: a write that reaches the end first lays N KiB of zeros past it
  (`ZEROS_AHEAD` in crates/engine/src/store/vfs.rs);
- fallocate: the whole file reserved up front, its blocks left unwritten;
- overwrite: the whole file written and synced up front, as a reused log.

One line each: the average, median and 99th percentile of a commit.

Usage: bench/log_sync.py [DIR] [COMMITS]   (defaults: /tmp 1500)
"""

import os
import sys
import time

FRAME = 4096 + 24
PAGES = 13


def run(path, mode, commits, ahead=0):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    commit = b"x" * (FRAME * PAGES)
    if mode == "fallocate":
        os.posix_fallocate(fd, 0, len(commit) * commits)
        os.fsync(fd)
    elif mode == "overwrite":
        os.write(fd, b"\0" * (len(commit) * commits))
        os.fsync(fd)
    laid, end, took = 0, 0, []
    for _ in range(commits):
        start = time.perf_counter()
        os.pwrite(fd, commit, end)
        end += len(commit)
        if ahead and end >= laid:
            os.pwrite(fd, b"\0" * ahead, end)
            laid = end + ahead
        os.fdatasync(fd)
        took.append(time.perf_counter() - start)
    os.close(fd)
    os.unlink(path)
    took.sort()
    us = lambda s: f"{s * 1e6:.0f} µs"
    name = f"zeros {ahead >> 10} KiB" if ahead else mode
    print(
        f"{name:>16}: {us(sum(took) / commits)} a commit, median {us(took[commits // 2])}, "
        f"p99 {us(took[int(commits * 0.99)])}"
    )


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    path = os.path.join(folder, "log-sync-test.bin")
    for mode, ahead in [("append", 0), ("zeros", 256 << 10), ("zeros", 1 << 20),
                        ("zeros", 4 << 20), ("fallocate", 0), ("overwrite", 0)]:
        run(path, mode, commits, ahead)


if __name__ == "__main__":
    main()
