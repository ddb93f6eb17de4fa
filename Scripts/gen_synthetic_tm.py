#!/usr/bin/env python3
"""Generates a synthetic English-Russian memory as TSV: N distinct units whose words follow
the frequencies of real text (the messages of Debian's gettext catalogs), 3 to 24 words each.

usage: Scripts/gen_synthetic_tm.py --units 1000000 -o FILE [--seed 7] [--holdout N --holdout-file F]
--holdout writes N more distinct English sentences (not in the memory) to F, for queries.
"""
import argparse, glob, os, random, re, struct, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_corpus import read_mo  # noqa: E402

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--holdout", type=int, default=0)
    ap.add_argument("--holdout-file")
    a = ap.parse_args()
    en_words, ru_words = [], []
    for path in glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo"):
        for src, tgt in read_mo(path):
            if src and tgt:
                en_words += WORD.findall(src)
                ru_words += WORD.findall(tgt)
    rng = random.Random(a.seed)
    seen = set()
    total = a.units + a.holdout
    held = []
    with open(a.output, "w", encoding="utf-8") as f:
        f.write("en\tru\n")
        while len(seen) < total:
            n = rng.randint(3, 24)
            en = " ".join(rng.choice(en_words) for _ in range(n))
            en = en[0].upper() + en[1:] + rng.choice([".", ".", ".", "?", "!", ""])
            if en in seen:
                continue
            seen.add(en)
            if len(seen) <= a.units:
                ru = " ".join(rng.choice(ru_words) for _ in range(max(2, n + rng.randint(-2, 2))))
                f.write(f"{en}\t{ru[0].upper() + ru[1:]}.\n")
            else:
                held.append(en)
    if a.holdout_file:
        with open(a.holdout_file, "w", encoding="utf-8") as f:
            f.write("\n".join(held) + "\n")
    print(f"{a.output}: {a.units} units" + (f", {len(held)} held-out sentences in {a.holdout_file}" if held else ""))


if __name__ == "__main__":
    main()
