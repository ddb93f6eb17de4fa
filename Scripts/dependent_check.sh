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
cd "$work/consumer"
swift build 2>&1 | grep -E "error|unsafe|Build complete" || true
out=$(.build/debug/consumer)
echo "$out"
[ "$out" = "2 sentences; match 100% Привет, мир.; term world" ] || { echo "the consumer's output is not the expected one"; exit 1; }
echo "a package depending on tmkit 99.0.0 (this checkout) builds and runs"
