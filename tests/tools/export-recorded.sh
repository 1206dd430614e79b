#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Records a short run of each PATTERN with the real binary and exports it as Mermaid and PlantUML, at
# both detail levels (PATTERN.mmd and PATTERN.textbook.mmd, ...), for check-mermaid.mjs and
# check-plantuml.sh to judge: what real runs write, not only the fixture.
#   export-recorded.sh PATTERNSCOPE OUTDIR PATTERN...
set -eu
if [ $# -lt 3 ]; then
    echo "usage: export-recorded.sh PATTERNSCOPE OUTDIR PATTERN..." >&2
    exit 2
fi
binary=$1
out=$2
shift 2
mkdir -p "$out"
# The runs take real time: record them side by side.
pids=""
for pattern in "$@"; do
    "$binary" record "$pattern" --duration 3s --seed 1 -o "$out/$pattern.pstrace.jsonl" &
    pids="$pids $!"
done
for pid in $pids; do
    wait "$pid"
done
for pattern in "$@"; do
    trace="$out/$pattern.pstrace.jsonl"
    "$binary" export "$trace" --format mermaid -o "$out/$pattern.mmd"
    "$binary" export "$trace" --format plantuml -o "$out/$pattern.puml"
    "$binary" export "$trace" --format mermaid --detail textbook -o "$out/$pattern.textbook.mmd"
    "$binary" export "$trace" --format plantuml --detail textbook -o "$out/$pattern.textbook.puml"
done
