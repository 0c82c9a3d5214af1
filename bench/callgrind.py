#!/usr/bin/env python3
"""Where `chime serve` spends its instructions, under callgrind.

Instruction counts hold steady on a shared, noisy machine where timings do not,
so they compare two builds, or show what one costs. Two profiles:

  burst   N one-off jobs due at one instant, created with instrumentation off;
          it is switched on just before the due instant and off once every job
          has arrived, so the profile is the drain alone (W1's).
  create  N one-off jobs due in a day, created over 4 keep-alive connections
          with instrumentation on (the `create` workload's path).
  calendar  this month's calendar, asked twice with instrumentation on (after
          once with it off), of a copy of the data folder `--data` (the scale
          workload's, kept with `chime-bench --workload scale --keep`).
  page    any API read `--path`, asked as the calendar is, of a copy of `--data`
          (a history or scale folder kept with `--keep`).

Usage: bench/callgrind.py {burst|create|calendar|page} [--jobs 3000] [--data DIR]
                          [--path /api/...] [--chime target/release/chime]
                          [--out callgrind.out]
Then: callgrind_annotate --inclusive=yes callgrind.out | head -60
Needs valgrind (apt) and a release build; see bench/README.md.
"""

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

from serve import Sink, read_path, start_chime, start_sink

# Creates a second under callgrind, with room to spare: the burst's due instant
# must come after its last create.
CREATES_UNDER_CALLGRIND = 100


def start_chime_under_callgrind(binary, out, copy_of=None):
    """`chime serve` under callgrind with instrumentation off, on a new data
    folder or a copy of `copy_of`; its port and key."""
    data = tempfile.mkdtemp(prefix="chime-callgrind-")
    if copy_of:
        shutil.copytree(copy_of, data, dirs_exist_ok=True)
    wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
    return start_chime(binary, data, wrapper)


def instrument(chime, on):
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(chime.pid)],
                   check=True, capture_output=True)


def create(port, key, sink_port, due, numbers):
    """Creates one job a number, due at `due`, over one keep-alive connection."""
    at = due.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for n in numbers:
        body = json.dumps({"method": "post", "url": f"http://127.0.0.1:{sink_port}/burst",
                           "body": {"n": n}, "scheduled_at": at})
        conn.request("POST", "/api/jobs", body, headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status not in (200, 201):
            sys.exit(f"a create was refused: {answer.status}")


def create_all(port, key, sink_port, due, jobs, connections=4):
    threads = [threading.Thread(target=create, args=(port, key, sink_port, due,
                                                     range(k, jobs, connections)))
               for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def month_path():
    """This month's calendar in UTC, as the scale workload asks it."""
    today = datetime.now(timezone.utc).date()
    month = today.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return f"/api/calendar?from={month}T00:00:00Z&to={following}T00:00:00Z&tz=UTC"


def read(chime, port, key, path, reads):
    """`path` once warm, then `reads` times with instrumentation on."""
    size = len(read_path(port, key, path))
    instrument(chime, True)
    for _ in range(reads):
        read_path(port, key, path)
    instrument(chime, False)
    print(f"{reads} reads of {path} ({size} bytes) under callgrind; divide by {reads}",
          file=sys.stderr)


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("profile", choices=["burst", "create", "calendar", "page"])
    args.add_argument("--data", help="calendar, page: the data folder to copy")
    args.add_argument("--path", help="page: the API read to profile")
    args.add_argument("--reads", type=int, default=2, help="calendar, page: reads profiled")
    args.add_argument("--jobs", type=int, default=3000)
    args.add_argument("--chime", default="target/release/chime")
    args.add_argument("--out", default="callgrind.out")
    a = args.parse_args()

    reading = a.profile in ("calendar", "page")
    if reading and not a.data:
        sys.exit(f"{a.profile} needs --data, a data folder kept by chime-bench --keep")
    if a.profile == "page" and not a.path:
        sys.exit("page needs --path, the API read to profile")
    sink_port = start_sink()
    chime, port, key = start_chime_under_callgrind(a.chime, a.out, a.data if reading else None)
    started = time.time()
    if reading:
        read(chime, port, key, a.path or month_path(), a.reads)
    elif a.profile == "create":
        instrument(chime, True)
        create_all(port, key, sink_port, datetime.now(timezone.utc) + timedelta(days=1), a.jobs)
        instrument(chime, False)
        print(f"{a.jobs} creates in {time.time() - started:.1f} s under callgrind", file=sys.stderr)
    else:
        lead = timedelta(seconds=a.jobs / CREATES_UNDER_CALLGRIND + 10)
        due = (datetime.now(timezone.utc) + lead).replace(microsecond=0)
        create_all(port, key, sink_port, due, a.jobs)
        if datetime.now(timezone.utc) > due - timedelta(seconds=1):
            sys.exit("the creates took longer than planned: the drain began before profiling")
        time.sleep((due - datetime.now(timezone.utc)).total_seconds() - 0.5)
        instrument(chime, True)
        while Sink.arrived < a.jobs:
            time.sleep(0.05)
        instrument(chime, False)
        drained = (datetime.now(timezone.utc) - due).total_seconds()
        print(f"{a.jobs} jobs drained in {drained:.1f} s under callgrind", file=sys.stderr)
    chime.terminate()
    chime.wait()
    print(f"profile in {a.out}: callgrind_annotate --inclusive=yes {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
