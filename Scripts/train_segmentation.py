#!/usr/bin/env python3
"""Learn tmkit's sentence statistics (Punkt-style) from a book and write them as Swift source.

For each language, from the prose paragraphs of The Debian Administrator's Handbook (Debian's
`debian-handbook` package: Raphaël Hertzog and Roland Mas, GPL-2+ or CC BY-SA 3.0; the statistics
are shipped under CC BY-SA 3.0 with that attribution), segmented by tmkit itself:

* for the most frequent words (case-folded): how often the word opens a sentence, and how often
  it is written in lower case and capitalised inside one. That tells the segmenter which words
  open sentences (a break before them after an abbreviation is likely; "the", "i", "why" after a
  question mark in lower-case text are starts) and which are ordinary lower-case words that a
  capital only marks as a sentence's first word ("5 a.m. Officials said");
* abbreviations in the Punkt sense: tokens that end in a period and are followed by a lower-case
  word, a digit or a comma more often than not, and that are rarely written without the period.

The output replaces Sources/Segmentation/SentenceStatisticsData.swift. Training is offline and
on demand; the result is committed (small: a few thousand words a language).

usage: Scripts/train_segmentation.py [--tmkit PATH] [--words N] [--out FILE] [--report]
"""
import argparse, collections, glob, html, json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BOOK = "/usr/share/doc/debian-handbook/html"
LANGS = {"en": "en-US", "ru": "ru-RU", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
OPENERS = "\"'“”‘’«»„‚([{¿¡—–-*•"


def ensure_book():
    if os.path.isdir(BOOK):
        return
    if os.geteuid() != 0:
        sys.exit("train_segmentation: needs Debian's debian-handbook package (apt-get install -y debian-handbook)")
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "debian-handbook"], check=True)


def paragraphs(folder):
    """Prose paragraphs, with markup removed and code blocks left out."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.html"))):
        page = open(path, encoding="utf-8").read()
        page = re.sub(r"<pre.*?</pre>", " ", page, flags=re.S)
        # A paragraph is <div class="para">, up to the first block nested in it.
        for m in re.finditer(r'<div class="para">(.*?)(?=</div>|<div)', page, flags=re.S):
            text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
            text = " ".join(text.split())
            if len(WORD.findall(text)) >= 4:
                out.append(text)
    return out


def segment(tmkit, lang, paras):
    p = subprocess.run([tmkit, "segment", "--lang", lang, "--format", "json", "--input", "text"],
                       input="\n\n".join(paras).encode(), capture_output=True, check=True)
    return [s["text"] for s in json.loads(p.stdout)]


def learn(sentences, top):
    initial = collections.Counter()
    lower_mid = collections.Counter()
    cap_mid = collections.Counter()
    total = collections.Counter()
    dotted = collections.Counter()        # "w." followed by lower case, a digit or a comma
    dotted_any = collections.Counter()    # "w." anywhere
    plain = collections.Counter()         # "w" without a period
    for s in sentences:
        body = s.lstrip(OPENERS + " ")
        words = list(WORD.finditer(s))
        for i, m in enumerate(words):
            w = m.group(0)
            key = w.lower()
            total[key] += 1
            if i == 0 and m.start() == len(s) - len(body):
                initial[key] += 1
            elif w[0].isupper():
                cap_mid[key] += 1
            else:
                lower_mid[key] += 1
        tokens = s.split()
        for i, tok in enumerate(tokens[:-1]):
            core = tok.lstrip(OPENERS)
            if core.endswith(".") and not core.endswith(".."):
                core = core[:-1].lower()
                if core and all(c.isalpha() or c == "." for c in core) and core[0].isalpha():
                    dotted_any[core] += 1
                    nxt = tokens[i + 1]
                    if nxt[0].islower() or nxt[0].isdigit() or nxt[0] == ",":
                        dotted[core] += 1
            else:
                plain[core.rstrip(",;:!?)]}\"'»”").lower()] += 1
    words = [w for w, _ in total.most_common(top)]
    abbreviations = sorted(w for w, n in dotted.items()
                           if n >= 2 and len(w) <= 6 and n * 2 > dotted_any[w] and plain[w] <= n)
    return words, initial, lower_mid, cap_mid, abbreviations


def swift_literal(lines):
    body = "\n".join(lines)
    assert '"""' not in body and "\\" not in body
    return '"""\n' + body + '\n"""'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=os.path.join(ROOT, ".build/release/tmkit"))
    ap.add_argument("--words", type=int, default=2500, help="words kept a language (by frequency)")
    ap.add_argument("--out", default=os.path.join(ROOT, "Sources/Segmentation/SentenceStatisticsData.swift"))
    ap.add_argument("--report", action="store_true", help="print the strongest starters and the abbreviations")
    args = ap.parse_args()
    ensure_book()
    parts = []
    for lang, folder in LANGS.items():
        paras = paragraphs(os.path.join(BOOK, folder))
        sentences = segment(args.tmkit, lang, paras)
        words, initial, lower_mid, cap_mid, abbreviations = learn(sentences, args.words)
        rows = [f"{w}\t{initial[w]}\t{lower_mid[w]}\t{cap_mid[w]}" for w in words]
        print(f"{lang}: {len(paras)} paragraphs, {len(sentences)} sentences, {len(words)} words, "
              f"{len(abbreviations)} abbreviations", file=sys.stderr)
        if args.report:
            share = sorted(words, key=lambda w: -initial[w] / max(1, initial[w] + lower_mid[w] + cap_mid[w]))
            print("  starters:", " ".join(w for w in share[:60] if initial[w] >= 5), file=sys.stderr)
            print("  abbreviations:", " ".join(abbreviations), file=sys.stderr)
        parts.append((lang, len(sentences), rows, abbreviations))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("// Generated by Scripts/train_segmentation.py: do not edit by hand.\n")
        f.write("// Statistics learnt from The Debian Administrator's Handbook (Raphaël Hertzog, Roland Mas;\n")
        f.write("// debian-handbook 11), used under CC BY-SA 3.0; these tables are CC BY-SA 3.0 as well.\n")
        f.write("// A row: word (lower case), sentences it opens, lower-case and capitalised uses inside one.\n\n")
        f.write("extension SentenceStatistics {\n")
        f.write("    static let trained: [String: (sentences: Int, words: String, abbreviations: String)] = [\n")
        for lang, n, rows, abbreviations in parts:
            f.write(f'        "{lang}": ({n}, {swift_literal(rows)},\n')
            f.write(f'              "{" ".join(abbreviations)}"),\n')
        f.write("    ]\n}\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
