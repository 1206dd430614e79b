#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One-way delay of HTTP at zero emulated latency: `patternscope record request-response` with latency,
interval and processing all 0 for a few seconds, then each HTTP message's `delivered.received - sent`
from the trace (docs/trace-format.md). The target: p50 at most 200 us over requests and answers together.
Also prints the round trips a second the run made.

    bench/http_delay.py build/default/app/patternscope [--seconds 3] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

TARGET_P50_US = 200


def measure(binary, seconds):
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "rr.pstrace.jsonl")
        subprocess.run([binary, "record", "request-response", "--set", "latency=0ms", "--set", "interval=0ms",
                        "--set", "processing=0ms", "--duration", f"{seconds}s", "--seed", "1", "-o", path],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        sent, kinds, delays = {}, {}, {}
        with open(path) as trace:
            for line in trace:
                record = json.loads(line)
                if record["t"] == "message" and record["kind"].startswith("http-"):
                    sent[record["seq"]] = record["sent"]
                    kinds[record["seq"]] = record["kind"]
                elif record["t"] == "delivered" and record["seq"] in sent:
                    delays.setdefault(kinds[record["seq"]], []).append(record["received"] - sent[record["seq"]])
    return delays


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    medians = []
    for run in range(1, args.repeat + 1):
        delays = measure(args.binary, args.seconds)
        every = [d for values in delays.values() for d in values]
        if not every:
            print(f"run {run}: no HTTP message arrived")
            return 1
        parts = ", ".join(f"{kind} p50 {percentile(v, 0.5)} us" for kind, v in sorted(delays.items()))
        trips = len(delays.get("http-response", [])) / args.seconds
        print(f"run {run}: {len(every)} HTTP messages, p50 {percentile(every, 0.5)} us, p99 {percentile(every, 0.99)} us "
              f"({parts}); {trips:.0f} round trips/s")
        medians.append(percentile(every, 0.5))
    worst = max(medians)
    print(f"worst p50 {worst} us (target <= {TARGET_P50_US} us): {'met' if worst <= TARGET_P50_US else 'MISSED'}")
    return 0 if worst <= TARGET_P50_US else 1


if __name__ == "__main__":
    sys.exit(main())
