#!/usr/bin/env bash
# Installs tmkit: the program (release build, the Swift runtime linked in, so that it needs only the
# system's ICU, SQLite and libcurl), bash, zsh and fish completions, and the manual page, all made
# from the command definitions.
# Usage: Scripts/install.sh [--prefix /usr/local] [--destdir DIR]   (DIR: a staging root, for packages)
#        [--debug-build]   (the test command's, after its build: the objects of its debug build in .build, linked again
#                           with the runtime in by Scripts/link_static.sh, instead of a release build;
#                           what is installed and how is the same, the program is slower and larger)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local
destdir=""
debug_build=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    --debug-build) debug_build=1; shift ;;
    *) echo "usage: Scripts/install.sh [--prefix /usr/local] [--destdir DIR] [--debug-build]" >&2; exit 2 ;;
  esac
done
if [ -n "$debug_build" ]; then
  linked=$(mktemp -d /tmp/tmkit-install-XXXXXX)
  trap 'rm -rf "$linked"' EXIT
  echo "install: the debug build's tmkit, linked again with the Swift runtime in" >&2
  Scripts/link_static.sh --configuration debug "$linked/tmkit"
  bin=$linked/tmkit
else
  Scripts/setup.sh --tour
  echo "install: building tmkit (release, Swift runtime linked statically; a first build takes some minutes)" >&2
  swift build -c release --product tmkit --static-swift-stdlib --scratch-path .build-static 2>&1 \
    | grep -E "error|warning: unre|Compiling [A-Za-z]+ |Build of" | grep -v "^\[" | awk '{ print "  " $0 }' >&2 || true
  bin=.build-static/release/tmkit
fi
[ -x "$bin" ] || { echo "install: the build failed" >&2; exit 1; }
root="$destdir$prefix"
install -d "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
  "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"
# Stripped: the symbols and debug sections are half of the linked file (137 MB → 78 MB).
install -m 0755 --strip "$bin" "$root/bin/tmkit"
"$bin" --generate-completion-script bash > "$root/share/bash-completion/completions/tmkit"
"$bin" --generate-completion-script zsh > "$root/share/zsh/site-functions/_tmkit"
"$bin" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/tmkit.fish"
python3 Scripts/make_manual.py --tmkit "$bin" -o "$root/share/man/man1/tmkit.1"
gzip -9nf "$root/share/man/man1/tmkit.1"
echo "install: $root/bin/tmkit, its manual (man tmkit) and completions for bash, zsh and fish" >&2
if [ -z "$destdir" ]; then
  echo "install: memories and glossaries go to \${XDG_DATA_HOME:-~/.local/share}/tmkit/ unless a folder has Memories/ (tmkit where tells)" >&2
fi
