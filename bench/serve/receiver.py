#!/usr/bin/env python3
"""A webhook receiver for benchmarks and crash trials, on loopback: answers 204 to every
POST, and appends each request's Idempotency-Key to the file given (one per line), so a
script can count deliveries and tell a resend (same key) from a duplicate notice (two keys
for one change). Prints "listening on PORT" once ready.

Usage: receiver.py KEYS_FILE [PORT]"""
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

keys_path = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
lock = threading.Lock()
out = open(keys_path, "a", buffering=1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        key = self.headers.get("Idempotency-Key", "-")
        with lock:
            out.write(key + "\n")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
