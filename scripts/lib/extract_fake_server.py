#!/usr/bin/env python3
"""A minimal Smole API stand-in for benchmarks (stdlib only).

POST /api/pipeline/file  multipart upload (read in chunks and discarded) -> 202 {"id","status":"queued"}
GET  /api/pipeline/{id}  -> running until --job-ms have passed, then completed, with createdAt/updatedAt
GET  /stats              -> {"requests", "posts", "gets", "jobs"}
Honours Idempotency-Key. With --hint N, 202 replies and pending polls carry Retry-After: N.
Prints the port it listens on (127.0.0.1) as its first line.
"""
import argparse
import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
jobs = {}
by_key = {}
stats = {"requests": 0, "posts": 0, "gets": 0, "jobs": 0}
ARGS = None


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK stall every keep-alive reply by ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def reply(self, status, obj, retry_after=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        with lock:
            stats["requests"] += 1
            stats["posts"] += 1
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 20))
            if not chunk:
                break
            n -= len(chunk)
        if self.path != "/api/pipeline/file":
            return self.reply(404, {"title": "not found", "code": "not_found"})
        key = self.headers.get("Idempotency-Key")
        now = time.time()
        with lock:
            jid = by_key.get(key) if key else None
            if jid is None:
                stats["jobs"] += 1
                jid = "job-%d" % stats["jobs"]
                jobs[jid] = (time.monotonic(), now)
                if key:
                    by_key[key] = jid
        self.reply(202, {"id": jid, "status": "queued"}, ARGS.hint)

    def do_GET(self):
        with lock:
            stats["requests"] += 1
            if self.path == "/stats":
                stats["requests"] -= 1
                s = dict(stats)
                return self.reply(200, s)
            stats["gets"] += 1
        jid = self.path.rsplit("/", 1)[-1]
        with lock:
            job = jobs.get(jid)
        if job is None:
            return self.reply(404, {"title": "no such job", "code": "job_expired"})
        mono, wall = job
        d = ARGS.job_ms / 1000.0
        if time.monotonic() - mono < d:
            return self.reply(200, {"id": jid, "status": "running", "createdAt": iso(wall), "updatedAt": iso(time.time())}, ARGS.hint)
        self.reply(200, {"id": jid, "status": "completed", "extraction": {"data": {"job": jid}},
                         "createdAt": iso(wall), "updatedAt": iso(wall + d)})


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--job-ms", type=int, default=300)
    p.add_argument("--hint", type=int, default=None)
    ARGS = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.request_queue_size = 256
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
