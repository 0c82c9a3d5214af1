#!/usr/bin/env python3
"""What opening the jobs view asks of the API, with schedules that have run.

Usage: bench/jobs_view.py [CHIME] [SCHEDULES] [SECONDS]

Starts `chime serve` on a temp folder, makes SCHEDULES schedules of every second
(a 200-byte JSON body each) to a local sink, lets them run SECONDS, then reads what
the view reads: its first page of schedules and of one-off jobs, and each schedule
row's last 20 runs (`GET /api/jobs?schedule_id=…&limit=20`), three times. It prints
the lists' time, and the time and JSON of the rows' runs: every row's (as the view
asked before rows waited to be on screen) and per row.
"""
import http.client
import json
import sys
import tempfile
import time

from serve import read_path, start_chime, start_sink

CHIME = sys.argv[1] if len(sys.argv) > 1 else 'target/release/chime'
SCHEDULES = int(sys.argv[2]) if len(sys.argv) > 2 else 100
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 22
RUNS = '/api/jobs?schedule_id={}&limit=20&order_by=%5B%22scheduled_at%22%2C%22desc%22%5D'
LISTS = ['/api/schedules?limit=100', '/api/jobs?limit=100&schedule_id=none&order_by=%5B%22inserted_at%22%2C%22desc%22%5D']


def make_schedules(port, key, sink_port):
    conn = http.client.HTTPConnection('127.0.0.1', port)
    headers = {'Authorization': f'Bearer {key}', 'Content-Type': 'application/json'}
    for i in range(SCHEDULES):
        body = {'name': f'report {i}', 'method': 'post', 'url': f'http://127.0.0.1:{sink_port}/r/{i}',
                'body': {'report': i, 'text': 'x' * 200}, 'repeat_every': '1 second'}
        conn.request('POST', '/api/jobs', json.dumps(body), headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 201:
            sys.exit(f'a create was refused: {answer.status}')


def main():
    sink_port = start_sink()
    chime, port, key = start_chime(CHIME, tempfile.mkdtemp(prefix='chime-jobs-view-'))
    try:
        make_schedules(port, key, sink_port)
        time.sleep(SECONDS)
        conn = http.client.HTTPConnection('127.0.0.1', port)  # one keep-alive connection, as the view's
        shown = json.loads(read_path(port, key, LISTS[0], conn))['data']
        for round_ in range(3):
            start_at = time.perf_counter()
            for path in LISTS:
                read_path(port, key, path, conn)
            lists = time.perf_counter() - start_at
            size = runs = 0
            for schedule in shown:
                data = read_path(port, key, RUNS.format(schedule['id']), conn)
                size += len(data)
                runs += len(json.loads(data)['data'])
            rows = time.perf_counter() - start_at - lists
            print(f'round {round_ + 1}: the lists {lists * 1000:.1f} ms; the runs of {len(shown)} rows '
                  f'({runs} jobs) {rows * 1000:.1f} ms and {size / 1e6:.2f} MB of JSON, '
                  f'{rows * 1000 / len(shown):.2f} ms and {size / 1e3 / len(shown):.1f} kB a row')
    finally:
        chime.terminate()
        chime.wait()


if __name__ == '__main__':
    main()
