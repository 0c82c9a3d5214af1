#!/usr/bin/env python3
"""One read after idle seconds, as a person's first search comes some time after
a start.

Usage: bench/after_idle.py CHIME DATA PATH [GAPS]

Copies the data folder DATA (a history run's, kept with `chime-bench --workload
history --keep`), starts `chime serve` on the copy, and reads PATH after each of
GAPS, comma-separated seconds (default 10,2,0,0: ten seconds after the start, then
after two, then back to back), each on a new connection. Prints each read's time.
"""
import shutil
import sys
import tempfile
import time

from serve import read_path, start_chime

CHIME, DATA, PATH = sys.argv[1:4]
GAPS = [float(g) for g in (sys.argv[4] if len(sys.argv) > 4 else '10,2,0,0').split(',')]

with tempfile.TemporaryDirectory(prefix='chime-after-idle-') as tmp:
    data = shutil.copytree(DATA, f'{tmp}/data')
    chime, port, key = start_chime(CHIME, data)
    try:
        took = []
        for gap in GAPS:
            time.sleep(gap)
            start = time.perf_counter()
            read_path(port, key, PATH)
            took.append(f'after {gap:g} s: {(time.perf_counter() - start) * 1e3:.2f} ms')
        print('; '.join(took))
    finally:
        chime.terminate()
        chime.wait()
