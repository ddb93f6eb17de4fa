#!/usr/bin/env bash
# The main job on the bundled sample: the Sputnik article and its Russian version.
# Builds tmkit (release) and walks through what it does. Each step prints what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product tmkit 2>&1 | tail -1
TMKIT=.build/release/tmkit
SAMPLE=Tests/Fixtures/sputnik

step() { printf '\n\033[1m$'; printf ' %q' "$@"; printf '\033[0m\n'; "$@"; }

echo "== 1. Segment: the English and Russian articles into sentences"
step "$TMKIT" segment "$SAMPLE/article-en.txt" --lang en
step "$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru
echo
echo "== JSON with offsets into the input (first two sentences)"
"$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru --format json | head -4

echo
echo "== 2. Align the English article with its Russian version (note the 2-1 bead and the sentence only the Russian has)"
step "$TMKIT" align "$SAMPLE/article-en.txt" "$SAMPLE/article-ru.txt" --source-lang en --target-lang ru --format tsv

echo
echo "== 3. Store: the aligned pairs and the site's UI strings into the default memory"
MEM=Memories/default.tmdb
export TMKIT_MEMORY=$MEM
rm -f "$MEM" "$MEM-wal" "$MEM-shm"
step "$TMKIT" align "$SAMPLE/article-en.txt" "$SAMPLE/article-ru.txt" --source-lang en --target-lang ru --into "$MEM"
step "$TMKIT" tm import "$SAMPLE/ui-strings.en-ru.tsv"
step "$TMKIT" tm add "Iraq intends to strengthen cooperation with Russia in the fight against the Islamic State group." \
  "Ирак намерен укреплять сотрудничество с Россией в борьбе с группировкой «Исламское государство»." --source-lang en --target-lang ru

echo
echo "== 4. Look up: fuzzy matches with the differences marked"
step "$TMKIT" tm lookup "So far, the Russian Aerospace Forces have carried out around 2,000 sorties, destroying some 3,000 terrorist targets." --source-lang en --target-lang ru
step "$TMKIT" tm lookup "Iraq intends to strengthen its cooperation with Syria in the fight against the Islamic State." --source-lang en --target-lang ru
echo
echo "== Concordance: where does a phrase occur?"
step "$TMKIT" tm concordance "islamic state" --source-lang en --target-lang ru
step "$TMKIT" tm stats
echo
echo "== 5. Glossary: the desk's terms, found in the Russian article in their inflected forms, and a check of the translation"
export TMKIT_GLOSSARY=Glossaries/default.tbdb
rm -f "$TMKIT_GLOSSARY" "$TMKIT_GLOSSARY-wal" "$TMKIT_GLOSSARY-shm"
step "$TMKIT" glossary import "$SAMPLE/glossary.en-ru.tsv"
step "$TMKIT" glossary find --file "$SAMPLE/article-ru.txt" --source-lang ru --target-lang en
"$TMKIT" align "$SAMPLE/article-en.txt" "$SAMPLE/article-ru.txt" --source-lang en --target-lang ru 2>/dev/null | tail -n +2 | awk -F'\t' '$1 != "" && $2 != ""' > Memories/pairs.tsv
cut -f1 Memories/pairs.tsv > Memories/pairs.en; cut -f2 Memories/pairs.tsv > Memories/pairs.ru
step "$TMKIT" glossary check Memories/pairs.en Memories/pairs.ru --source-lang en --target-lang ru
rm -f Memories/pairs.tsv Memories/pairs.en Memories/pairs.ru

echo
echo "== 6. Export the memory as TMX 1.4b, and import it into a second memory"
step "$TMKIT" tm export Memories/sputnik.tmx --source-lang en --target-lang ru
head -14 Memories/sputnik.tmx
rm -f Memories/roundtrip.tmdb
step "$TMKIT" tm import Memories/sputnik.tmx --memory Memories/roundtrip.tmdb
step "$TMKIT" tm stats --memory Memories/roundtrip.tmdb

echo
echo "== 7. QA: the Russian UI string that leaked into the English page, and the UI strings' translations"
step "$TMKIT" qa "$SAMPLE/page-en.txt" --lang en || true
step "$TMKIT" qa "$SAMPLE/ui-strings.en-ru.tsv" --source-lang en --target-lang ru --glossary "$TMKIT_GLOSSARY"
