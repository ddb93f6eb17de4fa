#!/usr/bin/env bash
# The Debian package: built by Scripts/make_deb.sh, read with dpkg-deb --info and --contents,
# unpacked with dpkg-deb -x into a temporary folder, and its tmkit run from there as an installed
# program (no checkout around it: its data goes to $XDG_DATA_HOME/tmkit).
# Usage: Scripts/deb_check.sh [--debug-build]
#   --debug-build (the test command's): the package and install.sh's install are made of the debug
#   build's objects, linked again with the Swift runtime in (Scripts/link_static.sh), instead of a
#   release build of their own: the same files, made and installed the same way, without a second
#   compilation of every module (11 minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
build=()
if [ "${1:-}" = "--debug-build" ]; then build=(--debug-build); fi
checkout=$(pwd)
work=$(mktemp -d /tmp/tmkit-debcheck-XXXXXX)
trap 'rm -rf "$work"' EXIT
deb=$(Scripts/make_deb.sh "${build[@]}" "$work/out" | tail -1)
fail() { echo "deb check: $*" >&2; exit 1; }
# Outputs are read whole before grep reads them: `cmd | grep -q` can end the pipe early, and
# pipefail then sees the writer's SIGPIPE (bash's echo writes a line at a time: it happened on CI).
info=$(dpkg-deb --info "$deb")
grep -q "Package: tmkit" <<< "$info" || fail "no Package: tmkit in $deb"
grep -Eq "Depends: libicu[0-9]+, libsqlite3-0, libcurl4, libxml2, libstdc\+\+6" <<< "$info" || fail "Depends is not ICU, SQLite and libcurl: $(grep Depends <<< "$info")"
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/tmkit ./usr/share/man/man1/tmkit.1.gz ./usr/share/bash-completion/completions/tmkit \
         ./usr/share/zsh/site-functions/_tmkit ./usr/share/fish/vendor_completions.d/tmkit.fish; do
  grep -q " $f\$" <<< "$contents" || fail "$f is missing from the package"
done
dpkg-deb -x "$deb" "$work/root"
tmkit="$work/root/usr/bin/tmkit"
libraries=$(ldd "$tmkit")
if grep -q libswiftCore <<< "$libraries"; then fail "the Swift runtime is not linked in: $(grep swift <<< "$libraries")"; fi
mkdir -p "$work/home"
cd "$work/home"
export XDG_DATA_HOME="$work/data" TMKIT_MEMORY="" TMKIT_GLOSSARY="" TMKIT_TOKENS="" TMKIT_SERVER=""
"$tmkit" --version >/dev/null
"$tmkit" tm add "Hello, world." "Привет, мир." --source-lang en --target-lang ru >/dev/null
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

# install.sh into a prefix of its own (no staging root), run from there as a user would.
(cd "$checkout" && Scripts/install.sh --prefix "$work/prefix" "${build[@]}") > "$work/install.log" 2>&1 || { tail -20 "$work/install.log"; fail "install.sh --prefix failed"; }
for f in bin/tmkit share/man/man1/tmkit.1.gz share/bash-completion/completions/tmkit share/zsh/site-functions/_tmkit share/fish/vendor_completions.d/tmkit.fish; do
  [ -s "$work/prefix/$f" ] || fail "install.sh --prefix did not install $f"
done
size=$(stat -c %s "$work/prefix/bin/tmkit")
sections=$(readelf -S "$work/prefix/bin/tmkit")
if grep -q '\.symtab\|\.debug_info' <<< "$sections"; then fail "the installed binary is not stripped"; fi
[ -n "${build[*]}" ] || [ "$size" -lt 100000000 ] || fail "the installed release binary is $size bytes"
lookup=$(XDG_DATA_HOME="$work/data2" "$work/prefix/bin/tmkit" tm lookup "Hello, world!" --source-lang en-US --target-lang ru 2>&1 || true)
[ -z "$lookup" ] || grep -q "no match\|no memory" <<< "$lookup" || fail "a fresh install found units it never stored: $lookup"
XDG_DATA_HOME="$work/data2" "$work/prefix/bin/tmkit" tm add "Hello, world." "Привет, мир." --source-lang en --target-lang ru >/dev/null
lookup=$(XDG_DATA_HOME="$work/data2" "$work/prefix/bin/tmkit" tm lookup "Hello, world!" --source-lang en-US --target-lang ru)
grep -q "Привет, мир." <<< "$lookup" || fail "the tmkit installed by install.sh does not find its unit"
echo "install.sh --prefix: installed and run: ok ($((size / 1000000)) MB binary, stripped)"

# dpkg -i into this system, then dpkg -r: as root only, and only when no tmkit package is installed here.
if [ "$(id -u)" != 0 ]; then
  echo "dpkg -i: not run (needs root; CI runs it)"
elif dpkg-query -W tmkit >/dev/null 2>&1; then
  echo "dpkg -i: not run (a tmkit package is already installed on this machine)"
else
  trap 'dpkg -r tmkit >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  dpkg -i "$deb" > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
  [ "$(dpkg-query -W -f='${Status}' tmkit)" = "install ok installed" ] || fail "dpkg does not list tmkit as installed"
  [ "$(command -v tmkit)" = /usr/bin/tmkit ] || fail "tmkit is not /usr/bin/tmkit on the PATH: $(command -v tmkit)"
  XDG_DATA_HOME="$work/data3" tmkit tm add "Good night." "Спокойной ночи." --source-lang en --target-lang ru >/dev/null
  lookup=$(XDG_DATA_HOME="$work/data3" tmkit tm lookup "Good night." --source-lang en --target-lang ru)
  grep -q "Спокойной ночи." <<< "$lookup" || fail "the dpkg-installed tmkit does not find its unit"
  dpkg -r tmkit > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r failed"; }
  [ ! -e /usr/bin/tmkit ] && [ ! -e /usr/share/man/man1/tmkit.1.gz ] || fail "dpkg -r left files behind"
  echo "dpkg -i, run, dpkg -r: ok"
fi
