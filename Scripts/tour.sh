#!/usr/bin/env bash
# The main job on the bundled sample: the Sputnik article and its Russian version.
# Builds tmkit (release) and walks through what it does. Each step prints what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product tmkit 2>&1 | tail -1
TMKIT=.build/release/tmkit
SAMPLE=Tests/Fixtures/sputnik

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "== 1. Segment: the English and Russian articles into sentences"
step "$TMKIT" segment "$SAMPLE/article-en.txt" --lang en
step "$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru
echo
echo "== JSON with offsets into the input (first two sentences)"
"$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru --format json | head -4
