#!/usr/bin/env python3
"""Segmentation throughput: tmkit vs ICU's bare sentence iterator vs pySBD, in one run.

Makes (or reuses) 10 MB corpora of English and Russian (Scripts/make_corpus.py), then times
  - tmkit segment --lang L FILE            (release build, tmkit's rules; best of 3)
  - tmkit segment --lang L --rules icu     (ICU's sentence iterator alone, same I/O; best of 3)
  - pySBD 0.3.x, paragraph by paragraph    (once; it is slow)
and prints MB/s and the ratios. Usage: Scripts/bench_segment.py [--mb 10] [--pysbd-mb N]
(--pysbd-mb limits pySBD to the first N MB of each corpus; its MB/s is reported as measured).
"""
import argparse, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out")


def best_of(n, cmd):
    best = None
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--pysbd-mb", type=float, default=None)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    subprocess.run([os.path.join(HERE, "setup.sh"), "--bench"], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tmkit = os.path.join(ROOT, ".build/release/tmkit")
    import pysbd

    rows = []
    for lang in ["en", "ru"]:
        path = os.path.join(OUT, f"corpus-{lang}-{a.mb:g}mb.txt")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), "--lang", lang, "--mb", str(a.mb), "-o", path], check=True)
        mb = os.path.getsize(path) / 1e6
        t_tmkit = best_of(3, [tmkit, "segment", path, "--lang", lang])
        t_icu = best_of(3, [tmkit, "segment", path, "--lang", lang, "--rules", "icu"])
        text = open(path, encoding="utf-8").read()
        if a.pysbd_mb:
            text = text[: int(a.pysbd_mb * 1e6)]
        paras = [p for p in text.split("\n\n") if p.strip()]
        seg = pysbd.Segmenter(language=lang, clean=False)
        t = time.perf_counter()
        n = 0
        for p in paras:
            n += len(seg.segment(p))
        t_pysbd = time.perf_counter() - t
        pysbd_mb = len(text.encode()) / 1e6
        rows.append((lang, mb, mb / t_tmkit, mb / t_icu, pysbd_mb / t_pysbd, pysbd_mb))

    print(f"\n{'lang':4} {'MB':>5} {'tmkit MB/s':>11} {'bare ICU MB/s':>14} {'pySBD MB/s':>11} {'tmkit/pySBD':>12} {'tmkit/ICU':>10}")
    for lang, mb, tk, icu, py, pymb in rows:
        print(f"{lang:4} {mb:5.1f} {tk:11.1f} {icu:14.1f} {py:11.3f} {tk / py:11.0f}x {tk / icu:10.2f}")
    print("(tmkit and bare ICU: whole `tmkit segment` processes, reading the file and printing one sentence a line;"
          f" pySBD over {rows[0][5]:.1f} MB in-process, paragraph by paragraph)")


if __name__ == "__main__":
    main()
