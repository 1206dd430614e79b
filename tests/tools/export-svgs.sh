#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Exports each trace as an SVG picture with the real binary, for check-svg-labels.mjs to lay out
# in a browser: OUTDIR/NAME.svg (the wire detail level) and OUTDIR/NAME.textbook.svg for each
# NAME.pstrace.jsonl.
#   export-svgs.sh PATTERNSCOPE OUTDIR TRACE...
set -eu
if [ $# -lt 3 ]; then
    echo "usage: export-svgs.sh PATTERNSCOPE OUTDIR TRACE..." >&2
    exit 2
fi
binary=$1
out=$2
shift 2
mkdir -p "$out"
for trace in "$@"; do
    name=$(basename "$trace" .pstrace.jsonl)
    "$binary" export "$trace" --format svg -o "$out/$name.svg"
    "$binary" export "$trace" --format svg --detail textbook -o "$out/$name.textbook.svg"
done
