#!/usr/bin/env bash
# A package that depends on tmkit's libraries by version builds and runs: SwiftPM refuses unsafe
# build flags in a dependency, so none may creep back into Package.swift.
# Clones this checkout's HEAD into a temporary folder, tags it, and builds a small consumer that
# imports Segmentation, TranslationMemory and Glossary from it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/tmkit-dependent-XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/tmkit"
git -C "$work/tmkit" tag 99.0.0
mkdir -p "$work/consumer/Sources/consumer"
cat > "$work/consumer/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "consumer",
    dependencies: [.package(url: "file://$work/tmkit", from: "99.0.0")],
    targets: [.executableTarget(name: "consumer", dependencies: [
        .product(name: "Segmentation", package: "tmkit"),
        .product(name: "TranslationMemory", package: "tmkit"),
        .product(name: "Glossary", package: "tmkit"),
    ])]
)
SWIFT
cat > "$work/consumer/Sources/consumer/main.swift" <<'SWIFT'
import Foundation
import Glossary
import Segmentation
import TranslationMemory

let sentences = try SentenceSegmenter(language: "en").segment("Dr. Smith arrived. He spoke at 10 a.m. today.").map(\.text)
let path = NSTemporaryDirectory() + "consumer-\(getpid()).tmdb"
defer { for s in ["", "-wal", "-shm"] { unlink(path + s) } }
let store = try MemoryStore(path: path, create: true)
_ = try store.add([TranslationUnit(variants: [Variant(language: "en", text: "Hello, world."), Variant(language: "ru", text: "Привет, мир.")])])
let match = try store.lookup("Hello, world.", sourceLanguage: "en", targetLanguage: "ru").first
let terms = try TermRecognizer(entries: [TermEntry(terms: [Term(language: "en", text: "world"), Term(language: "ru", text: "мир")])],
                               language: "en").find(in: "A new world.")
print("\(sentences.count) sentences; match \(match?.score ?? 0)% \(match?.target?.text ?? "-"); term \(terms.first?.term.text ?? "-")")
SWIFT
# The worked examples of the DocC catalogs, one executable target each, compiled (not run: they name
# files of their own), so that the documentation cannot drift from the API.
examples=""
for module in ICUText Segmentation TranslationMemory Alignment Formats Glossary; do
  mkdir -p "$work/consumer/Sources/example$module"
  python3 - "Sources/$module/$module.docc/$module.md" "$work/consumer/Sources/example$module/main.swift" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
code = re.search(r"```swift\n(.*?)```", text, re.S).group(1)
prelude = "let englishArticle = \"Iraq intends to act. Talks went on.\"\nlet russianArticle = \"Ирак намерен действовать. Переговоры шли.\"\n"
lines = code.splitlines()
imports = [l for l in lines if l.startswith("import ")]
body = [l for l in lines if not l.startswith("import ")]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(imports) + "\n" + prelude + "\n".join(body) + "\n")
PY
  deps=$(grep -o '^import [A-Za-z]*' "$work/consumer/Sources/example$module/main.swift" | awk '{print $2}' | grep -v Foundation \
         | sed 's/.*/.product(name: "&", package: "tmkit")/' | paste -sd, -)
  examples="$examples    .executableTarget(name: \"example$module\", dependencies: [$deps]),\n"
done
python3 - "$work/consumer/Package.swift" "$examples" <<'PY'
import sys
p, extra = sys.argv[1], sys.argv[2].replace("\\n", "\n")
s = open(p).read()
s = s.replace("    targets: [", "    targets: [\n" + extra, 1)
open(p, "w").write(s)
PY
cd "$work/consumer"
swift build 2>&1 | grep -E "error|unsafe|Build complete" || true
for module in ICUText Segmentation TranslationMemory Alignment Formats Glossary; do
  [ -x ".build/debug/example$module" ] || { echo "the worked example of $module's documentation does not compile"; swift build --product "example$module" 2>&1 | grep error | head; exit 1; }
done
echo "the worked examples of the six modules' documentation compile"
out=$(.build/debug/consumer)
echo "$out"
[ "$out" = "2 sentences; match 100% Привет, мир.; term world" ] || { echo "the consumer's output is not the expected one"; exit 1; }
echo "a package depending on tmkit 99.0.0 (this checkout) builds and runs"

# Three of the worked examples run, in a folder of their own, and print what their comments say.
mkdir -p "$work/run" && cd "$work/run"
cat > segment.srx <<'SRX'
<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="yes"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Default">
        <rule break="no"><beforebreak>\bDr\.</beforebreak><afterbreak>\s</afterbreak></rule>
        <rule break="yes"><beforebreak>[.?!]+</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern=".*" languagerulename="Default"/></maprules>
  </body>
</srx>
SRX
expect_output() {  # module, expected output
  local got
  got=$("$work/consumer/.build/debug/example$1" 2>&1) || { echo "the worked example of $1 fails: $got"; exit 1; }
  [ "$got" = "$2" ] || { printf 'the worked example of %s prints\n%s\ninstead of what its comments say:\n%s\n' "$1" "$got" "$2"; exit 1; }
}
expect_output Segmentation "0 39 Dr. Smith arrived at 10 a.m. on Friday.
40 67 He met the U.S. delegation."
expect_output TranslationMemory "80 МИД сообщил в пятницу.
replace Foreign → Defence"
expect_output Glossary 'Исламского государства → ["Islamic State"]'
echo "the worked examples of Segmentation, TranslationMemory and Glossary print what their comments say"
