#!/usr/bin/env python3
"""Test doubles for scripts/health-monitor.sh, standard library only.

  fake_engine.py engine --control FILE --port-file FILE   # GET /ready and /v1/health/details
  fake_engine.py sink --out-dir DIR --port-file FILE      # records every POST /<name> body as a line of DIR/<name>.jsonl

Both listen on an ephemeral port of 127.0.0.1 and write it to --port-file once they accept connections. The engine
reads its behaviour from the first word of the control file on every request (healthy when the file is missing):
healthy, not_ready, slow, open_circuit, hang, no_details, garbage, sparse, pretty (open_circuit, indented, with
escapes, nested objects, an empty list and a pool that is not required), needs_key (/v1/health/details answers 401
unless the request carries X-API-Key: monitor-key).
"""
import argparse
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_S = 0.3
HANG_S = 10


def worker(wid, circuit="closed"):
    return {"id": wid, "circuit": circuit, "in_flight": 0, "max_concurrency": 16, "error_rate": 0.0,
            "p95_ms": 120.5, "last_success": "2026-11-22T08:00:00Z", "healthy": circuit == "closed"}


def pools(strong_circuit="closed", sonnet2_circuit="closed"):
    return [
        {"name": "strong", "required": True, "usable": strong_circuit != "open", "waiting": 0,
         "workers": [worker("opus-1", strong_circuit)]},
        {"name": "fast", "required": True, "usable": True, "waiting": 0,
         "workers": [worker("sonnet-1"), worker("sonnet-2", sonnet2_circuit)]},
    ]


READY = (200, {"status": "ready", "ready": True})
DEGRADED = (503, {"status": "degraded", "ready": False, "reasons": ["pool strong has no usable worker"]})


def answer(mode, path):
    """(status, body) for a GET of path in this mode; body is a dict, a str, or None for 404."""
    if mode == "not_ready":
        ready, details = DEGRADED, dict(DEGRADED[1], pools=pools(strong_circuit="open"))
    elif mode == "open_circuit":
        ready, details = READY, dict(READY[1], pools=pools(sonnet2_circuit="open"))
    elif mode == "pretty":
        tricky = pools(sonnet2_circuit="open")
        tricky[1]["workers"][0]["labels"] = {"zone": "eu-1", "note": "a \"quoted\" \\ value\nwith a newline"}
        tricky.append({"name": "idle", "required": False, "usable": False, "waiting": 0, "workers": []})
        ready, details = READY, dict(READY[1], pools=tricky, note="\t\u00e9")
    elif mode == "sparse":
        ready, details = READY, {"pools": [{"name": "fast", "workers": [{"id": "w1"}]}]}
    else:
        ready, details = READY, dict(READY[1], pools=pools())
    if path == "/ready":
        return ready
    if path == "/v1/health/details":
        if mode == "no_details":
            return 404, None
        if mode == "garbage":
            return 200, "<html>not json</html>"
        return ready[0], details
    return 404, None


class Engine(BaseHTTPRequestHandler):
    control = None

    def do_GET(self):
        mode = read_mode(self.control)
        if mode == "slow":
            time.sleep(SLOW_S)
        elif mode == "hang":
            time.sleep(HANG_S)
        path = self.path.split("?", 1)[0]
        if mode == "needs_key" and path == "/v1/health/details" and self.headers.get("X-API-Key") != "monitor-key":
            self.send(401, "application/problem+json", {"title": "Unauthorized", "status": 401})
            return
        status, body = answer(mode, path)
        if body is None:
            self.send(status, "application/problem+json", {"title": "Not Found", "status": status})
        else:
            self.send(status, "application/json", body, indent=2 if mode == "pretty" else None)

    def send(self, status, content_type, body, indent=None):
        data = (body if isinstance(body, str) else json.dumps(body, indent=indent)).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the monitor gave up waiting (hang mode)

    def log_message(self, *args):
        pass


class Sink(BaseHTTPRequestHandler):
    out_dir = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        name = os.path.basename(self.path.strip("/")) or "default"
        with open(os.path.join(self.out_dir, name + ".jsonl"), "ab") as f:
            f.write(body.rstrip(b"\n") + b"\n")
        status = 500 if name.startswith("broken") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def read_mode(control):
    try:
        with open(control) as f:
            words = f.read().split()
            return words[0] if words else "healthy"
    except FileNotFoundError:
        return "healthy"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["engine", "sink"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--control", help="engine: file whose first word is the mode")
    parser.add_argument("--out-dir", help="sink: directory for the recorded bodies")
    args = parser.parse_args()
    if args.role == "engine":
        handler = type("BoundEngine", (Engine,), {"control": args.control})
    else:
        handler = type("BoundSink", (Sink,), {"out_dir": args.out_dir})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
