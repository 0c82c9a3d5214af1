"""What the bench's scripts share: a sink that answers Chime's requests and counts
them, `chime serve` started on a data folder (under a wrapper such as valgrind, or
none), and an API read. Imported by callgrind.py, jobs_view.py and after_idle.py."""

import http.client
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    """Answers 200 at once and counts what arrived."""

    protocol_version = "HTTP/1.1"
    arrived = 0
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Sink.lock:
            Sink.arrived += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def start_sink():
    """The sink on a free port of 127.0.0.1; its port."""
    ThreadingHTTPServer.request_queue_size = 4096
    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    sink.daemon_threads = True
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    return sink.server_port


def start_chime(binary, data, wrapper=()):
    """`chime serve` on `data` and a free port, run under `wrapper`; once it
    listens, the process, its port and its API key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIME_")}
    chime = subprocess.Popen(
        [*wrapper, binary, "serve", "--allow-http", "--port", "0", "--data-dir", data],
        stderr=subprocess.PIPE, text=True, env=env)
    for line in chime.stderr:
        found = re.search(r"UI is at http://127\.0\.0\.1:(\d+)", line)
        if found:
            break
    else:
        sys.exit(f"chime serve ended before listening (exit {chime.wait()})")
    # Keep reading its stderr, so a full pipe never stops it.
    threading.Thread(target=lambda: [None for _ in chime.stderr], daemon=True).start()
    key = open(os.path.join(data, "api-key")).read().strip()
    return chime, int(found.group(1)), key


def read_path(port, key, path, conn=None):
    """GET `path` (on `conn`, kept alive, if given); its body."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        sys.exit(f"{path} was refused: {answer.status} {body[:200]!r}")
    return body
