#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small HTTP/1.1 server nobody in PatternScope wrote, for tst_proxy: it listens on 127.0.0.1 (a free
port, printed as its first line) and answers the way real servers do.

  /a, /b        200, Content-Length (keep-alive)
  /host         200, the Host field it was sent (GET, or POST with a body)
  /chunked      200, Transfer-Encoding: chunked, three chunks
  /events       200 text/event-stream, chunked as Node sends it: three events, then the end
  /stream       200 text/event-stream until close: an event every 100 ms, forever
  /hold         200 after holding the request 1.5 s (a long poll)
  /close-mid    200 promising 100 bytes, sending 10, then closing
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def plain(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        if self.path in ("/a", "/b"):
            self.plain(b"answer " + self.path[1:].encode() + b"\n")
        elif self.path == "/host":
            self.plain(self.headers["Host"].encode())
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"one ", b"two ", b"three\n"):
                self.chunk(part)
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/events":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b": hello\n\n")
            for i in range(1, 4):
                self.chunk(b"id: %d\nevent: price\ndata: %d.25\n\n" % (i, 40 + i))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            i = 0
            try:
                while True:
                    i += 1
                    self.wfile.write(b"id: %d\ndata: tick %d\n\n" % (i, i))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                return
        elif self.path == "/hold":
            time.sleep(1.5)
            self.plain(b"held\n")
        elif self.path == "/close-mid":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(404)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/host":
            self.plain(self.headers["Host"].encode())
        else:
            self.send_error(404)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
