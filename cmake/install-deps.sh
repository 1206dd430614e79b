#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian bookworm packages PatternScope needs to build, test and run (ffmpeg encodes the WebM
# and MP4 exports), and only those that are missing; then the npm packages the export tests check against
# (Mermaid's parser and the HAR 1.2 schema validator, playwright-core to lay SVG exports out in chromium),
# into tests/tools.
# Works as root, or as a user with sudo.
set -eu

# libqt6opengl6-dev: Qt6Charts' CMake package needs Qt6OpenGL's, which bookworm's qt6-charts-dev does not pull in.
# desktop-file-utils … file: the install tests (tests/install) validate the launcher, metainfo, MIME file and man
# page, and build the Debian package (cpack runs dpkg-shlibdeps and file); lintian is left out (heavy), that check
# is skipped without it.
# curl and python3: the proxy tests (tests/cli/tst_proxy) put curl and a Python http.server on either side of it.
# zlib1g-dev: PNG exports are deflated a band at a time.
# libmosquitto-dev libhiredis-dev: publish-subscribe's real-broker clients; mosquitto redis-server: the brokers its
# tests start on loopback (the packages' own services are not needed and may stay stopped).
packages="cmake ninja-build g++ pkgconf clang libclang-rt-14-dev
qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-svg-dev qt6-charts-dev libqt6opengl6-dev
qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libgl-dev
fonts-dejavu-core plantuml chromium ffmpeg curl python3
desktop-file-utils appstream libxml2-utils shared-mime-info groff-base man-db dpkg-dev file
libmosquitto-dev libhiredis-dev mosquitto redis-server zlib1g-dev"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done
# Any Node.js 18 or later will do; Debian's if there is none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi

if [ -z "$missing" ]; then
    echo "install-deps: every Debian package needed is installed"
else
    if [ "$(id -u)" -eq 0 ]; then
        as_root=""
    elif command -v sudo >/dev/null 2>&1; then
        as_root="sudo"
    else
        echo "install-deps: missing packages:$missing; run this as root or install sudo" >&2
        exit 1
    fi
    echo "install-deps: installing$missing"
    $as_root apt-get update -q
    # shellcheck disable=SC2086 # the list is meant to split into words
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

tools="$(dirname "$0")/../tests/tools"
# Again whenever package-lock.json has changed since the last install.
if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    echo "install-deps: installing the npm packages of tests/tools (mermaid, jsdom, dompurify, har-validator, playwright-core)"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi
