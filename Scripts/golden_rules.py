#!/usr/bin/env python3
"""Score sentence segmenters on the Golden Rules (../shared/benchmarks/segmentation).

Runs tmkit (its own rules and ICU's bare iterator, through `tmkit segment --rules icu`) and,
when it is installed, pySBD on every case, in one run, and prints passes per language and set.
Scoring as the field does it: strip each segment, drop empty ones, compare the lists exactly.

usage: Scripts/golden_rules.py [--tmkit PATH] [--cases FILE] [--failures] [--min-en N --min-ru N]
       Scripts/golden_rules.py --ud [DIR] [--ud-check] [--tmkit PATH]

--ud scores running text instead: the Universal Dependencies dev files of DIR
(../shared/benchmarks/segmentation/ud) through that folder's score_ud.py, for tmkit, pySBD and
ICU's bare iterator in one run, and prints boundary F1 and the share of documents segmented
exactly. --ud-check exits 1 unless tmkit's F1 is at or above pySBD's on every file and at least
0.95 (0.90 on the e-mail-like English EWT); it leaves bare ICU out of its table.
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


def ud_table(args):
    folder = args.ud
    scorer = os.path.join(folder, "score_ud.py")
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith("-dev.jsonl"))
    if not files:
        raise SystemExit(f"no *-dev.jsonl files in {folder}")
    runs = {
        "tmkit": ["--cmd", f"{args.tmkit} segment --lang {{lang}}"],
        "pySBD": ["--peer", "pysbd"],
        "bare ICU": ["--cmd", f"{args.tmkit} segment --rules icu --lang {{lang}}"],
    }
    if args.ud_check:
        del runs["bare ICU"]  # what the check decides does not depend on it: the test command saves a third
    figures = {}
    for name, how in runs.items():
        out = f"/tmp/tmkit-ud-{os.getpid()}-{name.replace(' ', '_')}.json"
        p = subprocess.run([sys.executable, scorer, *files, *how, "--jobs", "2", "--json", out],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"score_ud.py failed for {name}:\n{p.stderr[-2000:]}")
        figures[name] = {r["file"]: r for r in json.load(open(out, encoding="utf-8"))["results"]}
        os.unlink(out)
    names = list(runs)
    print("UD dev files: boundary F1 (share of documents segmented exactly)")
    print(f"{'file':30}" + "".join(f"{n:>18}" for n in names))
    failures = []
    for f in files:
        base = os.path.basename(f)
        row = [figures[n][base] for n in names]
        print(f"{base.replace('-dev.jsonl', ''):30}" + "".join(f"{r['f1']:>10.3f} ({r['exact_share']:.3f})" for r in row))
        tm, sbd = row[0]["f1"], row[1]["f1"]
        floor = 0.90 if "EWT" in base else 0.95
        if round(tm, 3) < round(sbd, 3):
            failures.append(f"{base}: tmkit F1 {tm:.3f} below pySBD's {sbd:.3f}")
        if tm < floor:
            failures.append(f"{base}: tmkit F1 {tm:.3f} below {floor}")
    if args.ud_check and failures:
        for m in failures:
            print(m, file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=os.path.join(ROOT, ".build/release/tmkit"))
    ap.add_argument("--cases", default=os.path.join(ROOT, "../shared/benchmarks/segmentation/golden_rules.jsonl"))
    ap.add_argument("--failures", action="store_true", help="print tmkit's failing cases")
    ap.add_argument("--min-en", type=int, help="exit 1 unless tmkit passes at least N English golden rules")
    ap.add_argument("--min-ru", type=int, help="exit 1 unless tmkit passes at least N Russian cases")
    ap.add_argument("--ud", nargs="?", const=os.path.join(ROOT, "../shared/benchmarks/segmentation/ud"),
                    help="score the Universal Dependencies dev files (default folder: ../shared/benchmarks/segmentation/ud)")
    ap.add_argument("--ud-check", action="store_true", help="with --ud: exit 1 unless the aims are met")
    args = ap.parse_args()
    if args.ud:
        return ud_table(args)

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
