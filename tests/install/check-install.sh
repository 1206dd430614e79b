#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# sh check-install.sh PART BUILD_DIR SOURCE_DIR WORK_DIR VERSION   (run by ctest, see CMakeLists.txt)
#   tree     cmake --install into WORK_DIR/root with the prefix /usr; every file of expected-files.txt and no
#            stray one, icons as big as their directory says, the installed binary's --version, a trace opened
#            as a launcher passes it (patternscope FILE), desktop-file-validate, appstreamcli validate --no-net,
#            xmllint and update-mime-database on what landed, groff and lexgrog on the man page, and every command and option --help names in it.
#   deb      cpack -G DEB into WORK_DIR: dpkg-deb -c lists every expected file, dpkg-deb -f has the fields and
#            Depends names the Qt 6 runtime packages the binary links.
#   lintian  lintian on that package (in $DEB_DIR), failing on errors and warnings; skipped (exit 77) where
#            lintian is not installed.
set -eu
part=$1 build=$2 source=$3 work=$4 version=$5
app_id=org.patternscope.PatternScope
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "FAIL: $1 is not installed (sh cmake/install-deps.sh installs it)" >&2
        exit 1
    }
}
expected() { grep -v '^#' "$source/tests/install/expected-files.txt"; }
deb_name() { echo "patternscope_${version}_$(dpkg --print-architecture).deb"; }

check_tree() {
    rm -rf "$work" && mkdir -p "$work"
    root=$work/root
    if ! DESTDIR=$root cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1; then
        cat "$work/install.log" >&2
        fail "cmake --install failed"
        return
    fi
    for file in $(expected); do
        [ -f "$root/$file" ] || fail "not installed: /$file"
    done
    # Nothing beside them but more documentation (the docs folder as a whole), and nothing outside /usr.
    (cd "$root" && find . -type f | sed 's|^\./||' | sort) >"$work/installed.txt"
    expected | sort >"$work/expected.txt"
    for file in $(comm -23 "$work/installed.txt" "$work/expected.txt"); do
        case $file in
        usr/share/doc/patternscope/*) ;;
        *) fail "installed but not expected: /$file" ;;
        esac
    done

    # Each PNG is as big as its directory says (the IHDR's width and height, big-endian, at bytes 16 to 23).
    for png in "$root"/usr/share/icons/hicolor/*/apps/$app_id.png; do
        directory=$(basename "$(dirname "$(dirname "$png")")")
        size=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
        [ "$size" = "$directory" ] || fail "icon ${png#"$root"} is $size"
    done

    bin=$root/usr/bin/patternscope
    [ -x "$bin" ] || fail "/usr/bin/patternscope is not executable"
    out=$("$bin" --version 2>&1) || fail "patternscope --version failed: $out"
    [ "$out" = "patternscope $version" ] || fail "patternscope --version says '$out', not 'patternscope $version'"
    # A trace given as a launcher gives it (Exec=patternscope %F) opens: a screenshot run fails if it did not.
    # (Its own settings, so the user's Open Recent list does not get the fixture.)
    trace=$source/tests/data/sse-20-per-s.pstrace.jsonl
    XDG_CONFIG_HOME=$work/config QT_QPA_PLATFORM=offscreen "$bin" "$trace" --screenshot "$work/opened.png" --after 0s >"$work/open.log" 2>&1 \
        || fail "patternscope FILE did not open $trace: $(cat "$work/open.log")"
    [ -s "$work/opened.png" ] || fail "patternscope FILE --screenshot wrote no picture"
    zcat "$root/usr/share/doc/patternscope/changelog.gz" | head -n 1 | grep -q "^patternscope ($version) " \
        || fail "the changelog's first entry is not version $version (cmake/debian/changelog)"

    # The launcher: valid, starting a program that is installed, with an icon and file types that are.
    need desktop-file-validate
    desktop=$root/usr/share/applications/$app_id.desktop
    out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $out"
    echo "$out" | grep -E '(error|warning):' >&2 && fail "desktop-file-validate: $out"
    [ -n "$out" ] && echo "desktop-file-validate: $out"
    program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
    [ -x "$root/usr/bin/$program" ] || fail "the launcher's Exec=$program is not installed in /usr/bin"
    icon=$(sed -n 's/^Icon=//p' "$desktop")
    [ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "the launcher's Icon=$icon is not installed"
    mime_xml=$root/usr/share/mime/packages/$app_id.xml
    types=$(sed -n 's/^MimeType=//p' "$desktop" | tr ';' ' ')
    echo "$types" | grep -q 'application/x-pstrace+jsonl' || fail "the launcher does not open application/x-pstrace+jsonl"
    for type in $types; do
        grep -q "<mime-type type=\"$type\"" "$mime_xml" || grep -rqs "type=\"$type\"" /usr/share/mime/packages \
            || fail "the launcher opens $type, which no MIME definition defines"
    done

    need appstreamcli
    metainfo=$root/usr/share/metainfo/$app_id.metainfo.xml
    appstreamcli validate --no-net "$metainfo" >"$work/appstream.log" 2>&1 \
        || fail "appstreamcli validate --no-net: $(cat "$work/appstream.log")"
    launchable=$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' "$metainfo")
    [ -f "$root/usr/share/applications/$launchable" ] || fail "the metainfo's launchable '$launchable' is not installed"

    # The MIME definition: well-formed, and compiled by the tool desktops use without a complaint.
    need xmllint
    need update-mime-database
    xmllint --noout "$mime_xml" || fail "xmllint: $mime_xml is not well-formed"
    mkdir -p "$work/mime/packages" && cp "$mime_xml" "$work/mime/packages/"
    # (XDG_DATA_HOME: the database is in the search path, so it does not say it would not be found.)
    XDG_DATA_HOME=$work update-mime-database "$work/mime" >"$work/mime.log" 2>&1 || fail "update-mime-database failed"
    [ -s "$work/mime.log" ] && fail "update-mime-database: $(cat "$work/mime.log")"
    grep -qF ':application/x-pstrace+jsonl:*.pstrace.jsonl' "$work/mime/globs2" \
        || fail "update-mime-database made no *.pstrace.jsonl glob"
    grep -aqF 'application/x-pstrace+jsonl' "$work/mime/magic" || fail "update-mime-database made no magic for a trace"

    # The manual page: no groff warning, a NAME line for whatis, this version, and a place for every command and
    # option the binary's --help names (roff writes a hyphen as \-).
    need groff
    need lexgrog
    man=$root/usr/share/man/man1/patternscope.1.gz
    out=$(zcat "$man" | groff -man -Tutf8 -ww -z 2>&1)
    [ -z "$out" ] || fail "groff -man -ww: $out"
    lexgrog "$man" >/dev/null || fail "lexgrog finds no NAME section in patternscope.1"
    zcat "$man" >"$work/patternscope.1"
    grep -q "^\.TH PATTERNSCOPE 1 .*\"PatternScope $version\"" "$work/patternscope.1" \
        || fail "the man page's .TH does not name version $version"
    commands=$("$bin" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
    [ -n "$commands" ] || fail "patternscope --help lists no command"
    for command in $commands; do
        grep -Eq "^\.BI? \"?$command( |\"|\$)" "$work/patternscope.1" || fail "the man page has no entry for '$command'"
    done
    options=$({
        "$bin" --help
        for command in $commands; do "$bin" "$command" --help 2>/dev/null || true; done
    } | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    for option in $options; do
        roff=$(printf '%s' "$option" | sed 's/-/\\-/g')
        grep -qF -- "$roff" "$work/patternscope.1" || fail "the man page does not mention $option"
    done
}

check_deb() {
    need cpack
    need dpkg-deb
    rm -rf "$work" && mkdir -p "$work"
    if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1; then
        cat "$work/cpack.log" >&2
        fail "cpack -G DEB failed"
        return
    fi
    deb=$work/$(deb_name)
    [ -f "$deb" ] || {
        fail "cpack made no $(deb_name): $(ls "$work")"
        return
    }
    dpkg-deb -I "$deb"
    dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/contents.txt"
    for file in $(expected); do
        grep -qxF "./$file" "$work/contents.txt" || fail "the package lacks /$file"
    done
    [ "$(dpkg-deb -f "$deb" Package)" = patternscope ] || fail "Package is not patternscope"
    [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
    for field in Section Priority Homepage Description; do
        [ -n "$(dpkg-deb -f "$deb" $field)" ] || fail "no $field field"
    done
    dpkg-deb -f "$deb" Maintainer | grep -Eq '^[^<]+ <[^@ ]+@[^> ]+>$' || fail "Maintainer is not 'Name <address>'"
    depends=$(dpkg-deb -f "$deb" Depends)
    for package in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6websockets6 libqt6httpserver6 \
        libqt6svg6 libqt6charts6 libc6 libstdc++6; do
        case ", $depends," in
        *", $package "* | *", $package,"*) ;;
        *) fail "Depends lacks $package: $depends" ;;
        esac
    done
    [ "$failures" -eq 0 ] || cat "$work/cpack.log" >&2
}

check_lintian() {
    if ! command -v lintian >/dev/null 2>&1; then
        echo "SKIPPED: lintian is not installed (apt install lintian runs this check; install-deps.sh leaves it out)"
        exit 77
    fi
    deb=${DEB_DIR:?}/$(deb_name)
    [ -f "$deb" ] || {
        fail "no package to check: $deb (install_deb makes it)"
        return
    }
    # Info tags are shown and explained (README, "Install"); errors and warnings fail.
    status=0
    lintian --fail-on error,warning --info --display-info "$deb" >"$work.log" 2>&1 || status=$?
    grep -v 'running with root privileges' "$work.log" || true
    [ "$status" -eq 0 ] || fail "lintian reports errors or warnings"
}

case $part in
tree) check_tree ;;
deb) check_deb ;;
lintian) check_lintian ;;
*)
    echo "usage: check-install.sh tree|deb|lintian BUILD_DIR SOURCE_DIR WORK_DIR VERSION" >&2
    exit 2
    ;;
esac
if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "install $part: every check passed"
