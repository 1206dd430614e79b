#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Renders the icon's hicolor PNGs from its SVG source with rsvg-convert (Debian: librsvg2-bin).
# The PNGs are committed, so building and installing never need this; run it after editing the SVG:
#   resources/icons/render-icons.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=org.patternscope.PatternScope
command -v rsvg-convert >/dev/null || { echo "render-icons.sh: needs rsvg-convert (apt install librsvg2-bin)" >&2; exit 1; }
for size in 16 22 24 32 48 64 128 256; do
    mkdir -p "$here/hicolor/${size}x${size}"
    rsvg-convert --width "$size" --height "$size" --output "$here/hicolor/${size}x${size}/$name.png" "$here/$name.svg"
done
# Small, reproducible files: no timestamps or text chunks that change on every render.
if command -v optipng >/dev/null; then
    optipng -quiet -o2 -strip all "$here"/hicolor/*/"$name.png"
fi
