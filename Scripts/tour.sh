#!/usr/bin/env bash
# The main job on the bundled sample: the Sputnik article and its Russian version.
# Builds tmkit (release) and walks through what it does. Each step prints what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --tour
echo "== Building tmkit (release; a first build takes a few minutes: its modules are listed as they compile)"
swift build -c release --product tmkit 2>&1 | grep --line-buffered -E "Compiling [A-Za-z]+ [A-Za-z+]+\.swift|error|Build of" \
  | awk '/Compiling/ { if (!seen[$3]++) print "  compiling " $3; next } { print "  " $0 }'

TMKIT=.build/release/tmkit
SAMPLE=Tests/Fixtures/sputnik

step() { printf '\n\033[1m$'; printf ' %q' "$@"; printf '\033[0m\n'; "$@"; }

echo "== 1. Segment: the English and Russian articles into sentences"
step "$TMKIT" segment "$SAMPLE/article-en.txt" --lang en
step "$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru
echo
echo "== JSON with offsets into the input (first two sentences)"
"$TMKIT" segment "$SAMPLE/article-ru.txt" --lang ru --format json | head -3

echo
echo "== A page as HTML: the article in a page with navigation, a script and inline tags (written to Memories/)"
python3 - "$SAMPLE/article-en.txt" Memories/article-en.html <<'PY'
import sys, html
paras = [p.strip() for p in open(sys.argv[1], encoding="utf-8").read().split("\n\n") if p.strip()]
body = "".join(f"<p>{html.escape(p, quote=False).replace('Islamic State', '<b>Islamic State</b>', 1)}</p>\n" for p in paras[1:])
open(sys.argv[2], "w", encoding="utf-8").write(
    f"<!DOCTYPE html>\n<html><head><title>{html.escape(paras[0])} | Sputnik International</title><script>var x = '<p>no</p>';</script></head>\n"
    f"<body><nav><a href='/'>Subscribe</a> <a href='/feed'>Newsfeed</a></nav>\n<article><h1>{html.escape(paras[0])}</h1>\n{body}</article></body></html>\n")
PY
step "$TMKIT" segment Memories/article-en.html --lang en
"$TMKIT" segment Memories/article-en.html --lang en --format json | grep -m1 markup

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
# This sentence was aligned together with the next one (a 2-1 bead), so alone it scores below the
# default 75%: tmkit says how close the best unit is, and a lower threshold shows it.
step "$TMKIT" tm lookup "So far, the Russian Aerospace Forces have carried out around 2,000 sorties, destroying some 3,000 terrorist targets." --source-lang en --target-lang ru
step "$TMKIT" tm lookup "So far, the Russian Aerospace Forces have carried out around 2,000 sorties, destroying some 3,000 terrorist targets." --source-lang en --target-lang ru --threshold 48
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
echo "== 6. Export the memory as TMX 1.4b, and import it into a second memory; a TSV export; optimize"
step "$TMKIT" tm export Memories/sputnik.tmx --source-lang en --target-lang ru
head -14 Memories/sputnik.tmx
rm -f Memories/roundtrip.tmdb
step "$TMKIT" tm import Memories/sputnik.tmx --memory Memories/roundtrip.tmdb
step "$TMKIT" tm stats --memory Memories/roundtrip.tmdb
# The same pair as TSV, for a spreadsheet (tm import reads it back), and the memory tidied.
step "$TMKIT" tm export Memories/sputnik.tsv --source-lang en --target-lang ru
head -4 Memories/sputnik.tsv
step "$TMKIT" tm optimize

echo
echo "== 7. QA: the Russian UI string that leaked into the English page, and the UI strings' translations"
step "$TMKIT" qa "$SAMPLE/page-en.txt" --lang en || true
step "$TMKIT" qa "$SAMPLE/ui-strings.en-ru.tsv" --source-lang en --target-lang ru --glossary "$TMKIT_GLOSSARY"

echo
echo "== 8. Localization files: the site's UI strings as an Xcode String Catalog and a gettext template, pre-translated from the memory"
python3 - "$SAMPLE/ui-strings.en-ru.tsv" <<'PY'
import sys, json
rows = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:] if l]
cat = {"sourceLanguage": "en", "version": "1.0", "strings": {k: {"extractionState": "manual", "localizations": {
    "en": {"stringUnit": {"state": "translated", "value": en}}}} for k, en, _ in rows}}
cat["strings"]["comments.count"] = {"localizations": {"en": {"stringUnit": {"state": "translated", "value": "%lld new comments"}}}}
open("Memories/Localizable.xcstrings", "w", encoding="utf-8").write(json.dumps(cat, ensure_ascii=False, indent=2, sort_keys=True, separators=(",", " : ")))
po = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n'
po += "".join(f'\nmsgctxt "{k}"\nmsgid "{en}"\nmsgstr ""\n' for k, en, _ in rows) + '\n#, c-format\nmsgid "%lld new comments"\nmsgstr ""\n'
open("Memories/ui.ru.po", "w", encoding="utf-8").write(po)
PY
step "$TMKIT" tm add "%d new comments" "%d новых комментариев" --source-lang en --target-lang ru
step "$TMKIT" l10n analyze Memories/ui.ru.po Memories/Localizable.xcstrings --target-lang ru
step "$TMKIT" l10n pretranslate Memories/Localizable.xcstrings --target-lang ru -o Memories/Localizable.ru.xcstrings
grep -n -B3 -A3 '"ru" : {' Memories/Localizable.ru.xcstrings | sed -n 1,16p
step "$TMKIT" l10n pretranslate Memories/ui.ru.po --target-lang ru -o Memories/ui.filled.po
tail -4 Memories/ui.filled.po
step "$TMKIT" qa Memories/Localizable.ru.xcstrings --source-lang en --target-lang ru || true

echo
echo "== 9. A document through XLIFF: the English article extracted, pre-translated from the memory, merged back"
step "$TMKIT" l10n extract "$SAMPLE/article-en.txt" --target-lang ru -o Memories/article-en.xlf
step "$TMKIT" l10n pretranslate Memories/article-en.xlf --target-lang ru -o Memories/article-en.ru.xlf
step "$TMKIT" l10n merge Memories/article-en.ru.xlf -o Memories/article.ru.txt
head -n 5 Memories/article.ru.txt

echo
echo "== 10. A desk's server: the memory and glossary over HTTP (tmkit's API, amaGama's API, a web page)"
rm -f Memories/tour-tokens.json
TOKEN=$("$TMKIT" serve token add tour --role read --tokens Memories/tour-tokens.json 2>/dev/null)
echo "\$ $TMKIT serve token add tour --role read --tokens Memories/tour-tokens.json   → a token, shown once (stored as a SHA-256 digest)"
rm -f Memories/tour-port
"$TMKIT" serve --tokens Memories/tour-tokens.json --port 0 --port-file Memories/tour-port 2> Memories/tour-server.log &
SERVER=$!
for _ in $(seq 100); do [ -s Memories/tour-port ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat Memories/tour-port)"
echo "\$ $TMKIT serve --tokens Memories/tour-tokens.json --port 0 &   → listening on $BASE (the web page is at $BASE/)"
echo
echo "\$ curl -H 'Authorization: Bearer …' '$BASE/v1/memories/default/lookup?text=…&sourceLang=en&targetLang=ru&threshold=60'"
curl -s -G -H "Authorization: Bearer $TOKEN" "$BASE/v1/memories/default/lookup" \
  --data-urlencode "text=Iraq intends to strengthen its cooperation with Syria in the fight against the Islamic State." \
  -d sourceLang=en -d targetLang=ru -d threshold=60 | python3 -c '
import json, sys
for m in json.load(sys.stdin): print("  %d%%  %s\n        %s" % (m["score"], m["source"], m["target"]))'
echo
echo "\$ curl -H 'Authorization: Bearer …' '$BASE/tmserver/en/ru/unit/Subscribe'   (amaGama's URL, as Weblate calls it)"
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/tmserver/en/ru/unit/Subscribe"; echo
echo
echo "\$ kill -TERM $SERVER   (finishes the requests in flight and exits 0)"
kill -TERM "$SERVER"; wait "$SERVER" && echo "  the server stopped; its log:" && sed 's/^/  /' Memories/tour-server.log | tail -4
