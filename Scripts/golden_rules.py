#!/usr/bin/env python3
"""Score sentence segmenters on the Golden Rules (../shared/benchmarks/segmentation).

Runs tmkit (its own rules and ICU's bare iterator, through `tmkit segment --rules icu`) and,
when it is installed, pySBD on every case, in one run, and prints passes per language and set.
Scoring as the field does it: strip each segment, drop empty ones, compare the lists exactly.

usage: Scripts/golden_rules.py [--tmkit PATH] [--cases FILE] [--failures] [--min-en N --min-ru N]
"""
import argparse, collections, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def tmkit_segments(tmkit, text, lang, rules):
    p = subprocess.run([tmkit, "segment", "--lang", lang, "--rules", rules, "--format", "json"],
                       input=text.encode(), capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"tmkit failed on {text!r}: {p.stderr.decode()}")
    return [s["text"] for s in json.loads(p.stdout)]


def clean(segs):
    return [s.strip() for s in segs if s.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=os.path.join(ROOT, ".build/release/tmkit"))
    ap.add_argument("--cases", default=os.path.join(ROOT, "../shared/benchmarks/segmentation/golden_rules.jsonl"))
    ap.add_argument("--failures", action="store_true", help="print tmkit's failing cases")
    ap.add_argument("--min-en", type=int, help="exit 1 unless tmkit passes at least N English golden rules")
    ap.add_argument("--min-ru", type=int, help="exit 1 unless tmkit passes at least N Russian cases")
    args = ap.parse_args()

    try:
        import pysbd  # noqa
    except ImportError:
        pysbd = None
        print("(pySBD not installed: pip install pysbd to compare)", file=sys.stderr)

    cases = [json.loads(l) for l in open(args.cases, encoding="utf-8")]
    score = collections.defaultdict(lambda: collections.Counter())
    failures = []
    for c in cases:
        key = (c["lang"], c["set"])
        exp = clean(c["expected"])
        score[key]["total"] += 1
        got = clean(tmkit_segments(args.tmkit, c["text"], c["lang"], "tmkit"))
        if got == exp:
            score[key]["tmkit"] += 1
        else:
            failures.append((c, got))
        if clean(tmkit_segments(args.tmkit, c["text"], c["lang"], "icu")) == exp:
            score[key]["icu"] += 1
        if pysbd is not None:
            try:
                seg = pysbd.Segmenter(language=c["lang"], clean=False)
                if clean(seg.segment(c["text"])) == exp:
                    score[key]["pysbd"] += 1
            except Exception:
                pass

    print(f"{'language':8} {'set':16} {'cases':>5} {'tmkit':>6} {'pySBD':>6} {'bare ICU':>8}")
    per_lang = collections.defaultdict(collections.Counter)
    for (lang, s), c in sorted(score.items()):
        print(f"{lang:8} {s:16} {c['total']:5} {c['tmkit']:6} {c['pysbd'] if pysbd else '-':>6} {c['icu']:8}")
        per_lang[lang].update(c)
    print()
    for lang, c in sorted(per_lang.items()):
        print(f"{lang:8} {'all':16} {c['total']:5} {c['tmkit']:6} {c['pysbd'] if pysbd else '-':>6} {c['icu']:8}")
    if args.failures:
        for c, got in failures:
            print(f"\nFAIL {c['id']}: {c['text']!r}\n  expected {c['expected']}\n  got      {got}")
    en = score[("en", "golden")]["tmkit"]
    ru = sum(v["tmkit"] for (l, _), v in score.items() if l == "ru")
    if args.min_en is not None and en < args.min_en:
        print(f"English golden rules: {en} < {args.min_en}", file=sys.stderr); return 1
    if args.min_ru is not None and ru < args.min_ru:
        print(f"Russian cases: {ru} < {args.min_ru}", file=sys.stderr); return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
