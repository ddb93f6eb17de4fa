#!/usr/bin/env python3
"""TMX interoperability check (run by Scripts/test.sh).

For every real TMX file in ../shared/benchmarks/tmx/samples (Trados, OmegaT, Olifant, Okapi,
the LISA compliance kit) and for tmkit's own test files and the Sputnik memory:
  1. tmkit imports it into a fresh memory;
  2. tmkit exports the memory as TMX;
  3. the export is compared with the original, unit by unit, with lxml as the independent
     reader: languages, segment content (text and inline elements, canonicalised), tu and tuv
     props and notes, dates, users, usage counts;
  4. the export is checked with `xmllint --dtdvalid` against the TMX 1.4 DTD, and read back by
     translate-toolkit with the same number of units and the same source and target texts.
Exit 1 on any difference. usage: Scripts/tmx_interop.py [--tmkit PATH] [--shared ../shared]
"""
import argparse, glob, os, subprocess, sys, tempfile

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def canon_lang(tag):
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        out.append(p.upper() if len(p) == 2 and p.isalpha() else p.title() if len(p) == 4 and p.isalpha() else p.lower())
    return "-".join(out)


def canon_seg(el):
    """Text and inline elements of a <seg>, attribute order and quoting aside."""
    def node(e):
        return (e.tag, tuple(sorted(e.attrib.items())), e.text or "", tuple(node(c) for c in e), e.tail or "")
    return (el.text or "", tuple(node(c) for c in el))


def units(path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    root = etree.parse(path, parser).getroot()
    header = root.find("header")
    srclang = header.get("srclang") if header is not None else None
    out = []
    for tu in root.iter("tu"):
        tuvs = []
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            tuvs.append((canon_lang(lang), canon_seg(seg),
                         tuple(sorted((p.get("type") or p.get("type2") or "", p.text or "") for p in tuv.findall("prop"))),
                         tuple(sorted(n.text or "" for n in tuv.findall("note")))))
        props = sorted((p.get("type") or p.get("type2") or "", p.text or "") for p in tu.findall("prop"))
        attrs = {k: tu.get(k) for k in ("tuid", "creationdate", "creationid", "changedate", "changeid", "usagecount", "lastusagedate") if tu.get(k)}
        if "usagecount" in attrs and attrs["usagecount"] == "0":
            del attrs["usagecount"]
        out.append({"tuvs": sorted(tuvs), "props": props, "notes": sorted(n.text or "" for n in tu.findall("note")), "attrs": attrs})
    return srclang, out


def diff_units(a, b):
    problems = []
    if len(a) != len(b):
        problems.append(f"{len(a)} units in, {len(b)} out")
    for k, (x, y) in enumerate(zip(a, b)):
        # Attributes the original has must come back; tmkit may add its own (tuid, dates).
        lost = {k: v for k, v in x["attrs"].items() if y["attrs"].get(k) != v}
        if lost:
            problems.append(f"unit {k + 1}: tu attributes lost or changed: {lost} -> {y['attrs']}")
        for field in ("tuvs", "props", "notes"):
            if x[field] != y[field]:
                problems.append(f"unit {k + 1}: {field} differ:\n      in:  {x[field]}\n      out: {y[field]}")
    return problems


def toolkit_texts(path):
    from translate.storage import tmx
    store = tmx.tmxfile.parsefile(path)
    return [(u.source, u.target) for u in store.units]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=os.path.join(ROOT, ".build/debug/tmkit"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "../shared"))
    a = ap.parse_args()
    dtd = os.path.join(a.shared, "benchmarks/tmx/tmx14.dtd")
    files = sorted(glob.glob(os.path.join(a.shared, "benchmarks/tmx/samples/*.tmx")))
    files += sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/tmx/*.tmx")))
    tmp = tempfile.mkdtemp(prefix="tmkit-tmx-")
    failures = 0
    for f in files:
        name = os.path.basename(f)
        mem = os.path.join(tmp, name + ".tmdb")
        out = os.path.join(tmp, name + ".out.tmx")
        r = subprocess.run([a.tmkit, "tm", "import", f, "--memory", mem], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {name}: import: {r.stderr.strip()}"); failures += 1; continue
        r = subprocess.run([a.tmkit, "tm", "export", out, "--memory", mem], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {name}: export: {r.stderr.strip()}"); failures += 1; continue
        _, before = units(f)
        _, after = units(out)
        problems = diff_units(before, after)
        v = subprocess.run(["xmllint", "--noout", "--nowarning", "--dtdvalid", dtd, out], capture_output=True, text=True)
        if v.returncode != 0:
            problems.append("xmllint --dtdvalid: " + v.stderr.strip()[:500])
        try:
            tt_out = toolkit_texts(out)
            tt_in = toolkit_texts(f)
            if len(tt_out) != len(after):
                problems.append(f"translate-toolkit reads {len(tt_out)} units, the file has {len(after)}")
            for k, ((si, ti), (so, to)) in enumerate(zip(tt_in, tt_out)):
                # translate-toolkit reads no text from TMX 1.1 files (lang= instead of xml:lang):
                # then it must at least read a source from the export.
                # tmkit writes the source variant first; an original with the target first swaps them.
                for text in (si, ti):
                    if text and text not in (so, to):
                        problems.append(f"unit {k + 1}: translate-toolkit reads {(so, to)!r}, not the original's {text!r}")
                if not si and not so:
                    problems.append(f"unit {k + 1}: translate-toolkit reads no source text from the export")
        except Exception as e:  # noqa: BLE001
            problems.append(f"translate-toolkit: {type(e).__name__}: {e}")
        if problems:
            failures += 1
            print(f"FAIL {name}:")
            for p in problems[:10]:
                print("    " + p)
        else:
            print(f"ok   {name}: {len(before)} units round-trip; DTD-valid; translate-toolkit reads {len(after)} units")
    # tmkit's own memory of the Sputnik sample: aligned article pairs and UI strings.
    sp = os.path.join(ROOT, "Tests/Fixtures/sputnik")
    mem = os.path.join(tmp, "sputnik.tmdb")
    out = os.path.join(tmp, "sputnik.tmx")
    subprocess.run([a.tmkit, "align", os.path.join(sp, "article-en.txt"), os.path.join(sp, "article-ru.txt"), "--source-lang", "en",
                    "--target-lang", "ru", "--into", mem], check=True, capture_output=True)
    subprocess.run([a.tmkit, "tm", "import", os.path.join(sp, "ui-strings.en-ru.tsv"), "--memory", mem], check=True, capture_output=True)
    subprocess.run([a.tmkit, "tm", "export", out, "--memory", mem, "--source-lang", "en"], check=True, capture_output=True)
    v = subprocess.run(["xmllint", "--noout", "--nowarning", "--dtdvalid", dtd, out], capture_output=True, text=True)
    tt = toolkit_texts(out)
    en = [l for l in open(os.path.join(sp, "sentences-en.txt"), encoding="utf-8").read().splitlines() if l]
    ok = v.returncode == 0 and len(tt) == 21 and tt[0][0] == en[0]
    print(("ok   " if ok else "FAIL ") + f"Sputnik memory: {len(tt)} units exported; DTD {'valid' if v.returncode == 0 else 'INVALID'}; translate-toolkit reads them")
    files.append(out)
    failures += 0 if ok else 1
    print(f"{len(files) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
