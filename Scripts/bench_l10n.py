#!/usr/bin/env python3
"""Pre-translation benchmark: tmkit against translate-toolkit's `pretranslate`, same memory, same files.

Debian's Russian catalogs (/usr/share/locale/ru/LC_MESSAGES/*.mo) are split by package into two
halves. The first half becomes a memory (tmkit's, and its TMX export for translate-toolkit); the
second half, unpacked with msgunfmt and emptied with msgfilter, is pre-translated by both tools
(threshold 75%). Prints the time of each and how many strings each filled exactly and fuzzily.
usage: Scripts/bench_l10n.py [--timeout 1200]
"""
import argparse, glob, os, re, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out", "l10n")
TMKIT = os.path.join(ROOT, ".build/release/tmkit")


def count(po_dir):
    exact = fuzzy = total = 0
    for f in glob.glob(os.path.join(po_dir, "*.po")):
        text = open(f, encoding="utf-8").read()
        for block in text.split("\n\n"):
            if 'msgid ""\nmsgstr ""' in block or "msgid " not in block:
                continue
            total += 1
            filled = re.search(r'msgstr(?:\[0\])? "(?!")', block) or re.search(r'msgstr(?:\[0\])? ""\n"', block)
            if filled:
                if "fuzzy" in block.split("msgid")[0]:
                    fuzzy += 1
                else:
                    exact += 1
    return total, exact, fuzzy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=1200)
    a = ap.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    src_dir, tk_out, tm_out = (os.path.join(OUT, d) for d in ("input", "tt-out", "tmkit-out"))
    for d in (src_dir, tk_out, tm_out):
        os.makedirs(d)
    subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    mos = sorted(glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo"))
    memory_half, test_half = mos[0::2], mos[1::2]
    mem = os.path.join(OUT, "half.tmdb")
    subprocess.run([TMKIT, "tm", "import", *memory_half, "--memory", mem], check=True, capture_output=True)
    tmx = os.path.join(OUT, "half.tmx")
    subprocess.run([TMKIT, "tm", "export", tmx, "--memory", mem, "--source-lang", "en", "--target-lang", "ru"], check=True, capture_output=True)
    for mo in test_half:
        name = os.path.basename(mo)[:-3]
        full = os.path.join(OUT, name + ".full.po")
        subprocess.run(["msgunfmt", mo, "-o", full], check=True)
        subprocess.run(["msgfilter", "--keep-header", "-i", full, "-o", os.path.join(src_dir, name + ".po"), "sed", "-e", "/.*/d"],
                       check=True, capture_output=True)
    t = time.perf_counter()
    for f in sorted(glob.glob(os.path.join(src_dir, "*.po"))):
        subprocess.run([TMKIT, "l10n", "pretranslate", f, "--target-lang", "ru", "--memory", mem, "--min-score", "75",
                        "-o", os.path.join(tm_out, os.path.basename(f))], check=True, capture_output=True)
    tmkit_secs = time.perf_counter() - t
    t = time.perf_counter()
    try:
        # translate-toolkit 3.20 needs a template (it fails on findunit without one): the input itself.
        subprocess.run(["pretranslate", "--tm", tmx, "-s", "75", "-i", src_dir, "-t", src_dir, "-o", tk_out, "--progress", "none"],
                       check=True, capture_output=True, timeout=a.timeout)
        tt_secs = time.perf_counter() - t
    except subprocess.TimeoutExpired:
        tt_secs = float("inf")
    total, te, tf = count(tm_out)
    _, ke, kf = count(tk_out)
    print(f"memory: {len(memory_half)} catalogs; pre-translated: {len(test_half)} catalogs, {total} strings")
    print("| tool | time s | exact/context fills | fuzzy fills (≥75%) |")
    print("|---|---|---|---|")
    print(f"| tmkit | {tmkit_secs:.1f} | {te} | {tf} |")
    print(f"| translate-toolkit pretranslate | {tt_secs:.1f} | {ke} | {kf} |")
    if tt_secs != float("inf"):
        print(f"tmkit is {tt_secs / tmkit_secs:.1f} times as fast")
    for f in glob.glob(os.path.join(tm_out, "*.po"))[:5]:
        r = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", f], capture_output=True, text=True)
        print(f"msgfmt -c {os.path.basename(f)}: {'ok' if r.returncode == 0 else r.stderr.strip()[:200]}")


if __name__ == "__main__":
    main()
