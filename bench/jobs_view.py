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
import http.server
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

CHIME = sys.argv[1] if len(sys.argv) > 1 else 'target/release/chime'
SCHEDULES = int(sys.argv[2]) if len(sys.argv) > 2 else 100
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 22
RUNS = '/api/jobs?schedule_id={}&limit=20&order_by=%5B%22scheduled_at%22%2C%22desc%22%5D'
LISTS = ['/api/schedules?limit=100', '/api/jobs?limit=100&schedule_id=none&order_by=%5B%22inserted_at%22%2C%22desc%22%5D']


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        self.rfile.read(int(self.headers.get('content-length') or 0))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ThreadedServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class Api:
    def __init__(self, port, key):
        self.port, self.headers = port, {'authorization': f'Bearer {key}', 'content-type': 'application/json'}
        self.connect()

    def connect(self):
        self.conn = http.client.HTTPConnection('127.0.0.1', self.port)

    def call(self, method, path, body=None):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise SystemExit(f'{method} {path}: {response.status} {data[:300]!r}')
        return data


def start(data):
    port = 7700 + os.getpid() % 200
    proc = subprocess.Popen([CHIME, 'serve', '--allow-http', '--data-dir', data, '--port', str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            conn = http.client.HTTPConnection('127.0.0.1', port)
            conn.request('GET', '/api/status')
            conn.getresponse().read()
            return proc, Api(port, open(f'{data}/api-key').read().strip())
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    proc.kill()
    raise SystemExit('chime serve did not start')


def main():
    sink = ThreadedServer(('127.0.0.1', 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    proc, api = start(tempfile.mkdtemp(prefix='chime-jobs-view-'))
    try:
        for i in range(SCHEDULES):
            api.call('POST', '/api/jobs', {'name': f'report {i}', 'method': 'post',
                                           'url': f'http://127.0.0.1:{sink.server_address[1]}/r/{i}',
                                           'body': {'report': i, 'text': 'x' * 200}, 'repeat_every': '1 second'})
        time.sleep(SECONDS)
        api.connect()  # the idle connection was closed meanwhile
        shown = json.loads(api.call('GET', LISTS[0]))['data']
        for round_ in range(3):
            start_at = time.perf_counter()
            for path in LISTS:
                api.call('GET', path)
            lists = time.perf_counter() - start_at
            size = runs = 0
            for schedule in shown:
                data = api.call('GET', RUNS.format(schedule['id']))
                size += len(data)
                runs += len(json.loads(data)['data'])
            rows = time.perf_counter() - start_at - lists
            print(f'round {round_ + 1}: the lists {lists * 1000:.1f} ms; the runs of {len(shown)} rows '
                  f'({runs} jobs) {rows * 1000:.1f} ms and {size / 1e6:.2f} MB of JSON, '
                  f'{rows * 1000 / len(shown):.2f} ms and {size / 1e3 / len(shown):.1f} kB a row')
    finally:
        proc.terminate()
        proc.wait()


if __name__ == '__main__':
    main()
