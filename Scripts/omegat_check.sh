#!/usr/bin/env bash
# OmegaT uses a tmkit export: builds the Sputnik memory, exports it as TMX into an OmegaT
# project's tm/auto/ folder, lets OmegaT 3.6 (Debian's `omegat` package) translate the English
# sentences in console mode, and checks that every sentence the memory holds was translated
# with the memory's Russian (exact matches from tm/auto are inserted by OmegaT). Part 2 does the same
# for an article as Markdown through `tmkit l10n extract --copy-source`, OmegaT and `tmkit l10n merge`.
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
# OmegaT in console mode translates PROJECT with the preferences in CONFIG; its log goes to LOG.
omegat_translate() {
  java -Djava.awt.headless=true -jar /usr/share/omegat/OmegaT.jar --mode=console-translate \
    --config-dir="$2" --disable-project-locking --no-team "$1" > "$3" 2>&1 || { tail -20 "$3"; exit 1; }
}
omegat_translate "$P" "$WORK/config" "$WORK/omegat.log"
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

# Part 2: an article through XLIFF and OmegaT. The English and Russian articles as Markdown (the
# same words bold and linked in both) are aligned into a memory whose TMX export goes to tm/auto;
# the English one is extracted with --copy-source (OmegaT translates only existing targets),
# OmegaT translates it, and tmkit merges OmegaT's XLIFF into the Russian article.
P2=$WORK/project2
mkdir -p "$P2/source" "$P2/target" "$P2/tm/auto" "$P2/glossary" "$P2/dictionary" "$P2/omegat"
cp "$P/omegat.project" "$P2/omegat.project"
python3 - "$SAMPLE" "$WORK" <<'PY'
import sys
sample, work = sys.argv[1], sys.argv[2]
def md(article, bold, link):
    paras = [p.strip() for p in article.split("\n\n") if p.strip()]
    head = paras.pop(0)
    body, bd, ld = "", False, False
    for p in paras:
        if not bd and bold in p: p = p.replace(bold, f"**{bold}**", 1); bd = True
        if not ld and link in p: p = p.replace(link, f"[{link}](https://example.com/)", 1); ld = True
        body += p + "\n\n"
    return f"# {head}\n\n{body}"
open(f"{work}/en.md", "w", encoding="utf-8").write(md(open(f"{sample}/article-en.txt", encoding="utf-8").read(), "Islamic State", "Russian Foreign Ministry"))
open(f"{work}/ru.md", "w", encoding="utf-8").write(md(open(f"{sample}/article-ru.txt", encoding="utf-8").read(), "Исламского государства", "МИД"))
PY
"$TMKIT" align "$WORK/en.md" "$WORK/ru.md" --source-lang en --target-lang ru --into "$WORK/md.tmdb" >/dev/null 2>&1
"$TMKIT" tm export "$P2/tm/auto/tmkit.tmx" --memory "$WORK/md.tmdb" --source-lang en --target-lang ru >/dev/null
"$TMKIT" l10n extract "$WORK/en.md" --target-lang ru --copy-source -o "$P2/source/article.xlf" >/dev/null
# OmegaT reads the inline codes of an external TMX (bpt, ept, ph, it) only with its "TMX level 2"
# option; without it, it drops them and cannot match a sentence with codes.
mkdir -p "$WORK/config2"
cat > "$WORK/config2/omegat.prefs" <<'XML'
<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
  </preference>
</omegat>
XML
omegat_translate "$P2" "$WORK/config2" "$WORK/omegat2.log"
"$TMKIT" l10n merge "$P2/target/article.xlf" -o "$WORK/merged.ru.md" > "$WORK/merge.out"
python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
want = open(f"{work}/ru.md", encoding="utf-8").read().splitlines()
got = open(f"{work}/merged.ru.md", encoding="utf-8").read().splitlines()
en = open(f"{work}/en.md", encoding="utf-8").read().splitlines()
same = sum(1 for g, w in zip(got, want) if g == w and w)
plain = [k for k, (g, w) in enumerate(zip(got, want)) if w and g != w and "**" not in en[k] and "](" not in en[k]]
coded = [k for k, (g, w) in enumerate(zip(got, want)) if w and g != w and ("**" in en[k] or "](" in en[k])]
print(f"OmegaT 3.6 on a tmkit XLIFF extract: {open(f'{work}/merge.out').read().strip()}; {same} of {sum(1 for w in want if w)} "
      f"paragraphs of the Russian article exactly, {len(coded)} with inline codes not; other paragraphs that differ: {len(plain)} "
      "(the memory has no unit for them: a 2-1 bead, a sentence with no English)")
sys.exit(0 if len(got) == len(want) and not coded and len(plain) <= 2 else 1)
PY
