#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Live memory of `serve`: CLIENTS outside SSE clients join `patternscope serve server-sent-events`,
(from 127.0.0.2, .3, …, 50 from each) read their stream for a while and leave, twice over (ROUNDS times); the server's resident memory is
printed after each round has joined and after it has left. The target: once the second round has
left, RSS is within 20% of its level after the first round left.

    bench/sse_rounds.py build/default/app/patternscope [--clients 200] [--rounds 2] [--hold 3]
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def join(port, count, round_no):
    clients = []
    for i in range(count):
        # The server takes at most 64 streams from one address: the clients come from several
        # loopback addresses, as a class would from several machines.
        s = socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.0.{2 + i // 50}", 0))
        s.sendall(f"GET /events?client=r{round_no}c{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  "Accept: text/event-stream\r\n\r\n".encode())
        clients.append(s)
    return clients


def read_for(clients, seconds):
    """Reads every stream until `seconds` have passed; returns how many got their answer's head."""
    answered = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select(clients, [], [], 0.2)
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 200") or (data and s in answered):
                answered.add(s)
    return len(answered)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--hold", type=float, default=3.0, help="seconds each round keeps its streams open")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after leaving before RSS is read")
    args = parser.parse_args()

    trace = tempfile.NamedTemporaryFile(suffix=".pstrace.jsonl", delete=False)
    trace.close()
    server = subprocess.Popen([args.binary, "serve", "server-sent-events", "--quiet", "--set", "latency=0ms",
                               "-o", trace.name],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        if not match:
            print("no banner:", banner, file=sys.stderr)
            return 1
        port = int(match.group(1))
        time.sleep(1)
        print(f"serve started: {rss_mb(server.pid):.1f} MB")
        left = []
        for round_no in range(1, args.rounds + 1):
            clients = join(port, args.clients, round_no)
            answered = read_for(clients, args.hold)
            joined = rss_mb(server.pid)
            for s in clients:
                s.close()
            time.sleep(args.settle)
            left.append(rss_mb(server.pid))
            print(f"round {round_no}: {answered}/{args.clients} streams answered, RSS {joined:.1f} MB with them, "
                  f"{left[-1]:.1f} MB once they left")
            sys.stdout.flush()
        ratio = left[-1] / left[0]
        print(f"RSS after the last round left / after the first: {ratio:.2f} (target <= 1.20: "
              f"{'met' if ratio <= 1.2 else 'MISSED'})")
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(trace.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
