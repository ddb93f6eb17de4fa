#!/usr/bin/env bash
# Builds a Debian package of tmkit (dpkg-deb) into the folder given (default .build/deb).
# It installs /usr/bin/tmkit, its manual page and completions, and depends on Debian's ICU, SQLite
# and libcurl packages (the Swift runtime is linked in).
# Usage: Scripts/make_deb.sh [--debug-build] [OUTDIR]   → OUTDIR/tmkit_VERSION_ARCH.deb
#   (--debug-build: the test command's, see Scripts/install.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build=()
if [ "${1:-}" = "--debug-build" ]; then build=(--debug-build); shift; fi
out=${1:-.build/deb}
stage=$(mktemp -d /tmp/tmkit-deb-XXXXXX)
trap 'rm -rf "$stage"' EXIT
Scripts/install.sh --prefix /usr --destdir "$stage/root" "${build[@]}"
version=$("$stage/root/usr/bin/tmkit" --version)
arch=$(dpkg --print-architecture)
icu=$(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*' 2>/dev/null | grep -E '^libicu[0-9]+$' | head -1)
mkdir -p "$stage/root/DEBIAN" "$out"
installed=$(du -sk "$stage/root/usr" | cut -f1)
cat > "$stage/root/DEBIAN/control" <<CONTROL
Package: tmkit
Version: $version
Architecture: $arch
Maintainer: tmkit developers <tmkit@localhost>
Installed-Size: $installed
Depends: ${icu:-libicu72}, libsqlite3-0, libcurl4, libxml2, libstdc++6
Section: text
Priority: optional
Homepage: https://github.com/tmkit/tmkit
Description: translation memory and localization toolkit
 Segments articles into sentences with ICU, aligns them with their
 translations, keeps translation memories and glossaries (SQLite), reads and
 writes TMX, TBX, XLIFF, PO and UI-string files, checks translations, and
 serves memories and glossaries over HTTP (tmkit serve).
CONTROL
deb="$out/tmkit_${version}_${arch}.deb"
# xz (dpkg-deb's default) takes a minute on the debug build's 139 MB program: gzip's fastest level
# for that one, which is only ever unpacked by the test.
compression=(); [ ${#build[@]} -eq 0 ] || compression=(-Zgzip -z1)
dpkg-deb --root-owner-group "${compression[@]}" --build "$stage/root" "$deb" >/dev/null
echo "$deb"
