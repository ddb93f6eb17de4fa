#!/usr/bin/env bash
# OmegaT uses a tmkit export: builds the Sputnik memory, exports it as TMX into an OmegaT
# project's tm/auto/ folder, lets OmegaT 3.6 (Debian's `omegat` package) translate the English
# sentences in console mode, and checks that every sentence the memory holds was translated
# with the memory's Russian (exact matches from tm/auto are inserted by OmegaT).
# usage: Scripts/omegat_check.sh [TMKIT]
set -euo pipefail
cd "$(dirname "$0")/.."
TMKIT=${1:-.build/release/tmkit}
if [ ! -f /usr/share/omegat/OmegaT.jar ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq omegat >/dev/null
fi
WORK=$(mktemp -d)
P=$WORK/project
mkdir -p "$P/source" "$P/target" "$P/tm/auto" "$P/glossary" "$P/dictionary" "$P/omegat" "$WORK/config"
SAMPLE=Tests/Fixtures/sputnik
"$TMKIT" align "$SAMPLE/article-en.txt" "$SAMPLE/article-ru.txt" --source-lang en --target-lang ru --into "$WORK/m.tmdb" >/dev/null 2>&1
"$TMKIT" tm import "$SAMPLE/ui-strings.en-ru.tsv" --memory "$WORK/m.tmdb" >/dev/null
"$TMKIT" tm export "$P/tm/auto/tmkit.tmx" --memory "$WORK/m.tmdb" --source-lang en --target-lang ru >/dev/null
# The source file: the English sentences and the UI strings, plus one line the memory does not have,
# each a paragraph of its own (OmegaT's text filter joins the lines of a paragraph).
{ cat "$SAMPLE/sentences-en.txt"; cut -f2 "$SAMPLE/ui-strings.en-ru.tsv" | tail -n +2; echo "This sentence is not in the memory at all."; } \
  | sed 'G' > "$P/source/article.txt"
cat > "$P/omegat.project" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>EN</source_lang>
        <target_lang>RU</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneRussianTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
XML
java -Djava.awt.headless=true -jar /usr/share/omegat/OmegaT.jar --mode=console-translate \
  --config-dir="$WORK/config" --disable-project-locking --no-team "$P" > "$WORK/omegat.log" 2>&1 || { tail -20 "$WORK/omegat.log"; exit 1; }
python3 - "$P" "$SAMPLE" <<'PY'
import sys
p, sample = sys.argv[1], sys.argv[2]
src = [l for l in open(f"{p}/source/article.txt", encoding="utf-8").read().splitlines() if l]
out = [l for l in open(f"{p}/target/article.txt", encoding="utf-8").read().splitlines() if l]
pairs = {}
en = open(f"{sample}/sentences-en.txt", encoding="utf-8").read().splitlines()
ru = open(f"{sample}/sentences-ru.txt", encoding="utf-8").read().splitlines()
gold = [l for l in open(f"{sample}/gold-alignment.txt", encoding="utf-8").read().splitlines() if l.startswith("[")]
for b in gold:
    s, t = [x.strip("[]") for x in b.split(":")]
    if s and t and "," not in s:
        pairs[en[int(s)]] = " ".join(ru[int(k)] for k in t.split(","))
for l in open(f"{sample}/ui-strings.en-ru.tsv", encoding="utf-8").read().splitlines()[1:]:
    k, e, r = l.split("\t")
    pairs[e] = r
expected = sum(1 for s in src if s in pairs)
used = sum(1 for s, o in zip(src, out) if s in pairs and o == pairs[s])
untouched = sum(1 for s, o in zip(src, out) if s not in pairs and o == s)
print(f"OmegaT 3.6 console-translate: {used} of {expected} lines the memory holds were translated with its Russian; "
      f"{untouched} of {len(src) - expected} other lines left in English")
for s, o in zip(src, out):
    if s in pairs and o != pairs[s]: print("  not translated:", s[:70], "->", o[:50])
sys.exit(0 if used == expected and len(out) == len(src) else 1)
PY
