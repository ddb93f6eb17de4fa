#!/usr/bin/env bash
# The Debian package: built by Scripts/make_deb.sh, read with dpkg-deb --info and --contents,
# unpacked with dpkg-deb -x into a temporary folder, and its tmkit run from there as an installed
# program (no checkout around it: its data goes to $XDG_DATA_HOME/tmkit).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/tmkit-debcheck-XXXXXX)
trap 'rm -rf "$work"' EXIT
deb=$(Scripts/make_deb.sh "$work/out" | tail -1)
fail() { echo "deb check: $*" >&2; exit 1; }
info=$(dpkg-deb --info "$deb")
echo "$info" | grep -q "Package: tmkit" || fail "no Package: tmkit in $deb"
echo "$info" | grep -Eq "Depends: libicu[0-9]+, libsqlite3-0, libcurl4, libxml2, libstdc\+\+6" || fail "Depends is not ICU, SQLite and libcurl: $(echo "$info" | grep Depends)"
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/tmkit ./usr/share/man/man1/tmkit.1.gz ./usr/share/bash-completion/completions/tmkit \
         ./usr/share/zsh/site-functions/_tmkit ./usr/share/fish/vendor_completions.d/tmkit.fish; do
  echo "$contents" | grep -q " $f\$" || fail "$f is missing from the package"
done
dpkg-deb -x "$deb" "$work/root"
tmkit="$work/root/usr/bin/tmkit"
if ldd "$tmkit" | grep -q libswiftCore; then fail "the Swift runtime is not linked in: $(ldd "$tmkit" | grep swift)"; fi
mkdir -p "$work/home"
cd "$work/home"
export XDG_DATA_HOME="$work/data" TMKIT_MEMORY="" TMKIT_GLOSSARY="" TMKIT_TOKENS="" TMKIT_SERVER=""
"$tmkit" --version >/dev/null
"$tmkit" tm add "Hello, world." "Привет, мир." --source-lang en --target-lang ru >/dev/null
# (Outputs are read whole before grep: grep -q would end a pipe early, and pipefail would see the writer's SIGPIPE.)
lookup=$("$tmkit" tm lookup "Hello, world." --source-lang en --target-lang ru)
grep -q "Привет, мир." <<< "$lookup" || fail "the unpacked tmkit does not find its unit"
where=$("$tmkit" where)
grep -q "memory: $work/data/tmkit/default.tmdb (default; exists)" <<< "$where" || fail "the data went elsewhere: $where"
[ ! -e "$work/home/Memories" ] || fail "a Memories/ folder was left in the current directory"
[ "$(printf 'Dr. Smith arrived. He left.' | "$tmkit" segment --lang en | wc -l)" = 2 ] || fail "segment"
manual=$(zcat "$work/root/usr/share/man/man1/tmkit.1.gz")
grep -q '^.SS tm lookup' <<< "$manual" || fail "the manual has no tm lookup"
bash -c "source '$work/root/usr/share/bash-completion/completions/tmkit' && complete -p tmkit" >/dev/null || fail "the bash completion does not load"
echo "$(basename "$deb"): info, contents, unpacked and run: ok ($(du -h "$deb" | cut -f1))"
