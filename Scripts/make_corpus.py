#!/usr/bin/env python3
"""Builds a large text corpus in English or Russian for segmentation benchmarks.

Real sentences from three sources on this machine, shuffled into paragraphs: the Sputnik
article pair (Tests/Fixtures), the Golden Rules cases when ../shared is there, and the
messages of Debian's gettext catalogs (/usr/share/locale/ru/LC_MESSAGES/*.mo: msgid in
English, msgstr in Russian), keeping the ones that read as sentences.

usage: Scripts/make_corpus.py --lang en|ru --mb 10 -o FILE [--seed 1]
"""
import argparse, glob, json, os, random, struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def read_mo(path):
    data = open(path, "rb").read()
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412DE else ">"
    _, n, orig, trans = struct.unpack(end + "4I", data[4:20])
    pairs = []
    for i in range(n):
        ol, oo = struct.unpack(end + "2I", data[orig + 8 * i: orig + 8 * i + 8])
        tl, to = struct.unpack(end + "2I", data[trans + 8 * i: trans + 8 * i + 8])
        src = data[oo: oo + ol].split(b"\0")[0]
        tgt = data[to: to + tl].split(b"\0")[0]
        try:
            pairs.append((src.decode("utf-8"), tgt.decode("utf-8")))
        except UnicodeDecodeError:
            pass
    return pairs


def sentence_like(s):
    s = s.strip()
    return 20 <= len(s) <= 400 and s[-1] in ".!?" and "%" not in s and "\n" not in s and "{" not in s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", choices=["en", "ru"], required=True)
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    sentences = []
    for path in glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo"):
        for src, tgt in read_mo(path):
            s = src if a.lang == "en" else tgt
            if src and tgt and sentence_like(s):
                sentences.append(s.strip())
    paragraphs = []
    art = open(os.path.join(ROOT, "Tests/Fixtures/sputnik", f"article-{a.lang}.txt"), encoding="utf-8").read()
    paragraphs += [p for p in art.split("\n\n") if p.strip()]
    golden = os.path.join(ROOT, "../shared/benchmarks/segmentation/golden_rules.jsonl")
    if os.path.exists(golden):
        for line in open(golden, encoding="utf-8"):
            c = json.loads(line)
            if c["lang"] == a.lang:
                paragraphs.append(c["text"].replace("\n", " "))
    rng = random.Random(a.seed)
    target = int(a.mb * 1_000_000)
    out, size = [], 0
    while size < target:
        if rng.random() < 0.15:
            p = rng.choice(paragraphs)
        else:
            p = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 7)))
        out.append(p)
        size += len(p.encode()) + 2
    with open(a.output, "w", encoding="utf-8") as f:
        f.write("\n\n".join(out) + "\n")
    print(f"{a.output}: {size / 1e6:.1f} MB, {len(out)} paragraphs from {len(sentences)} catalog sentences")


if __name__ == "__main__":
    main()
