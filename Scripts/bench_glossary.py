#!/usr/bin/env python3
"""Glossary recognition benchmark: generated English-Russian glossaries of 1,000, 10,000 and
100,000 entries (one to four words, words drawn from Debian's gettext catalogs, plus the Sputnik
terms), and a 5,000-word English article (the Sputnik article and catalog sentences). Prints, per
size, the time `tmkit glossary find --timing` takes to load the glossary, build its index and
find the terms, and the whole process time: how lookup grows with the glossary's size.
usage: Scripts/bench_glossary.py
"""
import os, random, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out")
TMKIT = os.path.join(ROOT, ".build/release/tmkit")
sys.path.insert(0, HERE)
from make_corpus import read_mo  # noqa: E402
import glob


def main():
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    rng = random.Random(5)
    en_words, ru_words, sentences = [], [], []
    for p in glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo"):
        for s, t in read_mo(p):
            if s and t:
                en_words += re.findall(r"[A-Za-z]{3,}", s)
                ru_words += re.findall(r"[А-Яа-яЁё]{3,}", t)
                if s.endswith(".") and 40 < len(s) < 200:
                    sentences.append(s)
    article = open(os.path.join(ROOT, "Tests/Fixtures/sputnik/article-en.txt"), encoding="utf-8").read()
    words = len(article.split())
    para = []
    while words < 5000:
        s = rng.choice(sentences)
        para.append(s)
        words += len(s.split())
    text = article + "\n\n" + " ".join(para) + "\n"
    art = os.path.join(OUT, "glossary-article.txt")
    open(art, "w", encoding="utf-8").write(text)
    fixture = open(os.path.join(ROOT, "Tests/Fixtures/sputnik/glossary.en-ru.tsv"), encoding="utf-8").read().splitlines()[1:]
    print(f"article: {len(text.split())} words")
    print("| entries | load ms | index ms | find ms | terms found | process ms |")
    print("|---|---|---|---|---|---|")
    for n in (1_000, 10_000, 100_000):
        tsv = os.path.join(OUT, f"glossary-{n}.tsv")
        seen = set()
        with open(tsv, "w", encoding="utf-8") as f:
            f.write("en\tru\tnote\n")
            for l in fixture:
                f.write(l + "\n")
            while len(seen) < n - len(fixture):
                k = rng.choice([1, 1, 2, 2, 2, 3, 4])
                term = " ".join(rng.choice(en_words) for _ in range(k))
                if term.lower() in seen:
                    continue
                seen.add(term.lower())
                f.write(f"{term}\t{' '.join(rng.choice(ru_words) for _ in range(k))}\t\n")
        g = os.path.join(OUT, f"glossary-{n}.tbdb")
        for x in (g, g + "-wal", g + "-shm"):
            if os.path.exists(x):
                os.remove(x)
        subprocess.run([TMKIT, "glossary", "import", tsv, "--glossary", g], check=True, capture_output=True)
        best = None
        for _ in range(3):
            t = time.perf_counter()
            p = subprocess.run([TMKIT, "glossary", "find", "--file", art, "--source-lang", "en", "--glossary", g, "--timing"],
                               capture_output=True, text=True, check=True)
            wall = (time.perf_counter() - t) * 1000
            m = re.search(r"loaded in ([\d.]+) ms, indexed in ([\d.]+) ms; (\d+) terms found in ([\d.]+) ms", p.stderr)
            row = (float(m.group(1)), float(m.group(2)), float(m.group(4)), int(m.group(3)), wall)
            best = row if best is None or row[4] < best[4] else best
        print(f"| {n:,} | {best[0]:.0f} | {best[1]:.0f} | {best[2]:.1f} | {best[3]} | {best[4]:.0f} |")


if __name__ == "__main__":
    main()
