#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that PlantUML accepts diagrams: renders each FILE.puml to SVG in a scratch folder and fails,
# naming the file, on a syntax error or on the error picture PlantUML draws (with exit code 0) when
# it breaks while laying out. Needs Debian's `plantuml` (apt-get install plantuml).
set -u
if [ $# -eq 0 ]; then
    echo "usage: check-plantuml.sh FILE.puml..." >&2
    exit 2
fi
if ! command -v plantuml >/dev/null 2>&1; then
    echo "check-plantuml.sh: plantuml is not installed (apt-get install plantuml)" >&2
    exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for file in "$@"; do
    if [ ! -r "$file" ]; then
        echo "$file: cannot read" >&2
        status=1
        continue
    fi
    log="$out/plantuml.log"
    # -failfast2 stops with exit code 200 on a syntax error; headless: no display needed.
    if ! plantuml -Djava.awt.headless=true -tsvg -failfast2 -o "$out" "$file" >"$log" 2>&1; then
        echo "$file: plantuml refuses it:" >&2
        cat "$log" >&2
        # -syntax says where: ERROR, the line number, the reason.
        plantuml -Djava.awt.headless=true -syntax <"$file" 2>&1 | head -5 >&2
        status=1
        continue
    fi
    svg="$out/$(basename "${file%.*}").svg"
    if [ ! -s "$svg" ]; then
        echo "$file: plantuml wrote no SVG" >&2
        cat "$log" >&2
        status=1
    elif grep -q -e 'An error has occured' -e 'Syntax Error' -e 'java\.lang\.' "$svg"; then
        echo "$file: plantuml drew an error picture:" >&2
        grep -o -e 'An error has occured[^<]*' -e 'Syntax Error[^<]*' -e 'java\.lang\.[^<]*' "$svg" | head -3 >&2
        status=1
    else
        echo "$file: ok"
    fi
    rm -f "$svg"
done
exit $status
