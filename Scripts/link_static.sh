#!/usr/bin/env bash
# Links the tmkit program once more from the objects of the release build in .build, with the Swift
# runtime and Foundation linked in (`-static-stdlib`), so that it needs only the system's ICU, SQLite,
# libcurl and libxml2. The installed program and the Debian package are made of the very objects the
# tests ran: one build instead of two (`swift build --static-swift-stdlib` compiles every module
# again, against the static runtime's modules, and the tests cannot be built that way: XCTest exists
# only as a shared library).
# Usage: Scripts/link_static.sh [--configuration release|debug] OUT
#   (after `swift build -c CONFIGURATION --product tmkit`; the test command packages its debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=release
if [ "${1:-}" = "--configuration" ]; then configuration=$2; shift 2; fi
out=${1:?usage: Scripts/link_static.sh [--configuration release|debug] OUT}
manifest=.build/$configuration.yaml
[ -f "$manifest" ] || { echo "link_static: no $configuration build in .build" >&2; exit 1; }

# The command SwiftPM linked the program with, from its build manifest, writing to OUT instead.
mapfile -d '' link < <(python3 - "$manifest" "$out" "$configuration" <<'PY'
import json, re, sys
manifest, out, configuration = sys.argv[1:4]
text = open(manifest, encoding="utf-8").read()
m = re.search(r'^  "C\.tmkit-[^"]*-' + configuration + r'\.exe":\n(?:    .*\n)*?    args: (\[.*\])$', text, re.M)
if not m:
    sys.exit("link_static: no link command for tmkit in " + manifest)
args = json.loads(m.group(1))
i = args.index("-o")
args[i + 1] = out
sys.stdout.write("\0".join(args) + "\0")
PY
)
[ ${#link[@]} -gt 3 ] || { echo "link_static: could not read the link command from $manifest" >&2; exit 1; }

# The libraries the static Foundation needs besides itself (its C parts, libcurl, libxml2): a module
# that imports what tmkit imports names them when compiled against the static runtime and not
# otherwise. Asked of this toolchain, so that a newer one's list is found the same way.
probe=$(mktemp -d /tmp/tmkit-link-XXXXXX)
trap 'rm -rf "$probe"' EXIT
printf 'import Foundation\nimport FoundationXML\nimport FoundationNetworking\nimport Dispatch\n' > "$probe/p.swift"
swiftc -c "$probe/p.swift" -module-name p -o "$probe/shared.o"
swiftc -c "$probe/p.swift" -module-name p -static-stdlib -o "$probe/static.o"
autolink=$(dirname "$(command -v swiftc)")/swift-autolink-extract
"$autolink" "$probe/shared.o" -o - | tr ' ' '\n' | sort -u > "$probe/shared.txt"
"$autolink" "$probe/static.o" -o - | tr ' ' '\n' | sort -u > "$probe/static.txt"
mapfile -t extra < <(comm -13 "$probe/shared.txt" "$probe/static.txt" | grep -v '^$')

# (Foundation's static library makes the linker warn that it calls mktemp: not tmkit's to fix.)
"${link[@]}" -static-stdlib "${extra[@]}" 2> >(grep -v "the use of \`mktemp' is dangerous" >&2)
libraries=$(ldd "$out")
if grep -q 'libswiftCore\|libFoundation' <<< "$libraries"; then
  echo "link_static: $out still loads the Swift runtime: $(grep -o 'lib[A-Za-z_]*swift[A-Za-z_]*\.so' <<< "$libraries" | sort -u | paste -sd' ')" >&2
  exit 1
fi
