#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian bookworm packages PatternScope needs to build, test and run, and only those
# that are missing. Works as root, or as a user with sudo.
set -eu

packages="cmake ninja-build g++ pkgconf clang libclang-rt-14-dev
qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-svg-dev
qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libgl-dev
fonts-dejavu-core"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: everything needed is installed"
    exit 0
fi

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
