#!/usr/bin/env python3
"""Glossary interoperability check (run by Scripts/test.sh).

1. Real termbases from other tools in ../shared/benchmarks/tmx/samples (TBX v3 TBX-Min, two TBX
   2008 martif files, OmegaT's TSV glossary) import; tmkit's TBX export of each is well-formed and
   translate-toolkit's TBX reader finds every entry with its first term.
2. Round trip of the Sputnik glossary: TSV -> store -> TBX -> store -> TSV gives back every line.
usage: Scripts/glossary_interop.py [--tmkit PATH] [--shared ../shared]
"""
import argparse, glob, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(*cmd):
    p = subprocess.run(list(cmd), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[1:4])}: {p.stderr.strip()}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=os.path.join(ROOT, ".build/debug/tmkit"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "../shared"))
    a = ap.parse_args()
    from translate.storage import tbx
    tmp = tempfile.mkdtemp(prefix="tmkit-gloss-")
    failures = 0
    samples = sorted(glob.glob(os.path.join(a.shared, "benchmarks/tmx/samples/*.tbx")))
    samples.append(os.path.join(a.shared, "benchmarks/tmx/samples/omegat_glossary_ru_en.txt"))
    for f in samples:
        name = os.path.basename(f)
        g = os.path.join(tmp, name + ".tbdb")
        out = os.path.join(tmp, name + ".out.tbx")
        try:
            extra = ["--source-lang", "ru", "--target-lang", "en"] if f.endswith(".txt") else []
            imported = int(run(a.tmkit, "glossary", "import", f, "--glossary", g, *extra).split(":")[-1].split()[0])
            src = "ru" if f.endswith(".txt") else "en"
            run(a.tmkit, "glossary", "export", out, "--glossary", g, "--source-lang", src, "--target-lang", "en" if src == "ru" else "fr")
            subprocess.run(["xmllint", "--noout", out], check=True, capture_output=True)
            store = tbx.tbxfile.parsefile(out)
            listed = [e for e in __import__("json").loads(run(a.tmkit, "glossary", "list", "--glossary", g, "--lang", src, "--format", "json"))]
            ok = len(store.units) == len(listed) and all(u.source for u in store.units)
            print(("ok   " if ok else "FAIL ") + f"{name}: {imported} entries imported; the TBX export is well-formed; translate-toolkit reads {len(store.units)} entries")
            failures += 0 if ok else 1
        except Exception as e:  # noqa: BLE001
            print(f"FAIL {name}: {e}")
            failures += 1
    # Round trip TSV -> store -> TBX -> store -> TSV.
    tsv = os.path.join(ROOT, "Tests/Fixtures/sputnik/glossary.en-ru.tsv")
    g1, g2 = os.path.join(tmp, "a.tbdb"), os.path.join(tmp, "b.tbdb")
    tbxfile, back = os.path.join(tmp, "sputnik.tbx"), os.path.join(tmp, "back.tsv")
    run(a.tmkit, "glossary", "import", tsv, "--glossary", g1)
    run(a.tmkit, "glossary", "export", tbxfile, "--glossary", g1, "--source-lang", "en", "--target-lang", "ru")
    run(a.tmkit, "glossary", "import", tbxfile, "--glossary", g2)
    run(a.tmkit, "glossary", "export", back, "--glossary", g2, "--source-lang", "en", "--target-lang", "ru")
    original = [l.rstrip("\t") for l in open(tsv, encoding="utf-8").read().splitlines() if l]
    returned = [l.rstrip("\t") for l in open(back, encoding="utf-8").read().splitlines() if l]
    ok = original == returned
    print(("ok   " if ok else "FAIL ") + f"Sputnik glossary: TSV -> store -> TBX -> store -> TSV {'keeps every field' if ok else 'differs'}")
    if not ok:
        for x, y in zip(original, returned):
            if x != y:
                print(f"    {x!r}\n    {y!r}")
    failures += 0 if ok else 1
    print(f"{len(samples) + 1 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
