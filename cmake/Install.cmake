# SPDX-License-Identifier: GPL-3.0-or-later
# What `cmake --install` puts where (FHS places under the prefix, from GNUInstallDirs, included by the top
# CMakeLists), and the Debian package `cpack -G DEB` makes of it (README, "Install"). The binary's own rule
# is in app/CMakeLists.txt.

# Directories 0755 whatever the umask, so the package never ships group-writable ones.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)

# The desktop integration from resources/: the launcher entry, the AppStream metadata, the file types (named
# after the app id, as shared-mime-info's packages/ directory expects) and the icon in every size, where the
# freedesktop specifications tell desktops to look. dpkg's triggers refresh the desktop, MIME and icon caches.
set(app_id org.patternscope.PatternScope)
install(FILES resources/${app_id}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES resources/${app_id}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES resources/${app_id}.mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME ${app_id}.xml)
foreach(size 16 22 24 32 48 64 128 256)
    install(FILES resources/icons/hicolor/${size}x${size}/${app_id}.png
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()
install(FILES resources/icons/${app_id}.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

# The manual page: written by hand in docs/, with the version filled in, gzipped as man-db and Debian policy
# expect (-n: no name or time stamp inside, so the build is reproducible).
configure_file(${PROJECT_SOURCE_DIR}/docs/patternscope.1.in ${PROJECT_BINARY_DIR}/docs/patternscope.1 @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/docs/patternscope.1.gz
    COMMAND gzip -9nc patternscope.1 > patternscope.1.gz
    DEPENDS ${PROJECT_BINARY_DIR}/docs/patternscope.1
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/docs
    COMMENT "Compressing the manual page"
    VERBATIM)
add_custom_target(patternscope_manpage ALL DEPENDS ${PROJECT_BINARY_DIR}/docs/patternscope.1.gz)
install(FILES ${PROJECT_BINARY_DIR}/docs/patternscope.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The README and what its links lead to (docs/…, its screenshots), in the same layout so the links work.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs PATTERN patternscope.1.in EXCLUDE)
# Debian's copyright file, machine-readable (it names the licence in /usr/share/common-licenses), and the
# changelog Debian policy asks of a native package, gzipped like the manual page. Its first entry names the
# version being packaged (tests/install checks that).
install(FILES cmake/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/docs/changelog.gz
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/cmake/debian/changelog > changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/debian/changelog
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/docs
    COMMENT "Compressing the changelog"
    VERBATIM)
add_custom_target(patternscope_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/docs/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/docs/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: `cpack -G DEB` in the build directory makes patternscope_<version>_<arch>.deb.
# Depends comes from dpkg-shlibdeps (the Qt 6 and system libraries the binary really links, with the versions
# their symbols need); ffmpeg is only needed to export WebM and MP4, so it is recommended, not required.
set(PATTERNSCOPE_MAINTAINER "PatternScope maintainers <maintainers@patternscope.org>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME patternscope)
set(CPACK_PACKAGE_VENDOR PatternScope)
set(CPACK_PACKAGE_CONTACT ${PATTERNSCOPE_MAINTAINER})
set(CPACK_PACKAGE_HOMEPAGE_URL https://patternscope.org/)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "see how clients and servers talk, drawn as sequence diagrams")
# Lines of at most 80 characters, as Debian policy asks of a description (cpack indents them; an empty line
# becomes the " ." paragraph break).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "PatternScope runs a client/server communication pattern (request-response,\n"
    "short polling, long polling, WebSockets, Server-Sent Events, publish-subscribe,\n"
    "request-callback) with a real server and real clients on loopback sockets.\n"
    "Every connection goes through a link emulator that behaves like a network\n"
    "(latency, jitter, bandwidth, cuts); every message is recorded into a trace and\n"
    "drawn as a live sequence diagram.\n"
    "\n"
    "It compares patterns on one workload against what theory expects, serves a\n"
    "pattern to outside clients such as curl or a browser, replays recorded traces\n"
    "and browsers' HAR files, and exports diagrams to Mermaid, PlantUML, SVG, PNG,\n"
    "PDF, CSV, HAR and video.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ffmpeg)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
