#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Recomputes the figures `patternscope compare` prints from the trace files it wrote, with nothing
but Python's json module: a check on the app that does not trust the app.

    python3 docs/patterns/figures.py compare-seed3/*.pstrace.jsonl

Definitions (the same as patterns/core/metrics.cpp and figures.cpp):
- items produced: notes that carry an "item" id (the producer's "item N produced" note), first per id;
- a delivery: a delivered message (a "delivered" line follows it) whose "items" [first, last] reach a
  participant with role client, subscriber or external; each (receiver, item) counts once, its first
  copy; further copies are duplicates;
- delay: the delivering message's "received" minus the item's note "at" (microseconds);
  mean is the integer mean (truncated); p50/p95 are nearest-rank: the ceil(f*n)-th smallest;
- requests: messages of kind http-request; empty answers: http-response with status 204;
- bytes on the wire: the sum of "up" + "down" over connection-closed lines, and for a connection never
  closed (a trace cut short) the "bytes" of the messages delivered on it;
- peak open connections: +1 at each "opened", -1 at each "closed", closes first at equal times;
- lost messages: "lost" lines, but for unheard close answers: a lost ws-close sent on a connection whose
  receiver had sent a ws-close before it (lower seq) and a TCP "close" no later than the loss, on a
  connection not closed for reason "cut" (Qt 6.4 closes TCP without waiting for the answer);
- requests/bytes per item: divided by the deliveries.
"""
import json
import math
import sys


def figures(path):
    participants, notes_at, messages, delivered, lost_at = {}, {}, {}, {}, {}
    opened, closed, bytes_on_wire, header, close_reason = {}, {}, 0, {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            t = r["t"]
            if t == "header":
                header = r
            elif t == "participant":
                participants[r["id"]] = r["role"]
            elif t == "note" and "item" in r and r["item"] >= 0:
                notes_at.setdefault(r["item"], r["at"])
            elif t == "message":
                messages[r["seq"]] = r
            elif t == "delivered":
                delivered[r["seq"]] = r["received"]
                for key in ("bytes", "conn"):  # the receiver may know them better
                    if key in r and r[key] >= 0:
                        messages[r["seq"]][key] = r[key]
            elif t == "lost":
                lost_at[r["seq"]] = r["at"]
            elif t == "connection":
                opened[r["id"]] = r["opened"]
            elif t == "connection-closed":
                closed[r["id"]] = r["closed"]
                close_reason[r["id"]] = r.get("reason", "")
                bytes_on_wire += r.get("up", 0) + r.get("down", 0)
    for seq, m in messages.items():
        if seq in delivered and m.get("conn", -1) in opened and m["conn"] not in closed:
            bytes_on_wire += m.get("bytes", 0)
    first_close_frame, tcp_closed = {}, {}
    for seq in sorted(messages):
        m = messages[seq]
        key = (m.get("conn", -1), m["from"])
        if m["kind"] == "ws-close":
            first_close_frame.setdefault(key, seq)
        elif m["kind"] == "close":
            tcp_closed.setdefault(key, m["sent"])

    def unheard_answer(seq):
        m = messages[seq]
        peer = (m.get("conn", -1), m["to"])
        return (m["kind"] == "ws-close" and first_close_frame.get(peer, seq + 1) < seq
                and tcp_closed.get(peer, lost_at[seq] + 1) <= lost_at[seq]
                and close_reason.get(m.get("conn", -1)) != "cut")

    unheard = sum(1 for seq in lost_at if unheard_answer(seq))
    lost = len(lost_at) - unheard
    clients = {pid for pid, role in participants.items() if role in ("client", "subscriber", "external")}
    seen, delays, duplicates = set(), [], 0
    for seq in sorted(messages):
        m = messages[seq]
        if seq not in delivered or "items" not in m or m["to"] not in clients:
            continue
        first, last = m["items"]
        for item in range(first, last + 1):
            if (m["to"], item) in seen:
                duplicates += 1
                continue
            seen.add((m["to"], item))
            if item in notes_at:
                delays.append(delivered[seq] - notes_at[item])
    delays.sort()
    requests = sum(1 for m in messages.values() if m["kind"] == "http-request")
    empty = sum(1 for m in messages.values() if m["kind"] == "http-response" and m.get("status") == 204)
    changes = sorted([(at, 1) for at in opened.values()] + [(at, -1) for at in closed.values()])
    open_now = peak = 0
    for _, change in changes:
        open_now += change
        peak = max(peak, open_now)

    def rank(fraction):
        return delays[min(max(math.ceil(fraction * len(delays)) - 1, 0), len(delays) - 1)] if delays else None

    n = len(seen)
    return {
        "pattern": header.get("pattern"),
        "itemsProduced": len(notes_at),
        "clients": len(clients),
        "deliveries": n,
        "delayUs": {"count": len(delays), "mean": sum(delays) // len(delays) if delays else None,
                    "p50": rank(0.50), "p95": rank(0.95), "max": delays[-1] if delays else None},
        "requests": requests,
        "requestsPerItem": requests / n if n else 0,
        "emptyAnswers": empty,
        "bytesOnWire": bytes_on_wire,
        "bytesPerItem": bytes_on_wire / n if n else 0,
        "connections": len(opened),
        "peakOpenConnections": peak,
        "lostMessages": lost,
        "unheardCloseAnswers": unheard,
        "duplicates": duplicates,
        "undelivered": max(0, len(notes_at) * len(clients) - n),
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(json.dumps([figures(p) for p in sys.argv[1:]], indent=2))
