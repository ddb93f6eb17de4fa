#!/usr/bin/env python3
"""Localization files against the tools that read them (run by Scripts/test.sh).

1. The fixture's UI strings are written in each catalog format as its tools write it (PO,
   XLIFF 1.2 and 2.0, String Catalog, JSON, .strings, Android strings.xml, TSV); `tmkit l10n
   pretranslate` fills them from a memory built from ui-strings.en-ru.tsv. translate-toolkit reads
   every output it has a reader for (PO, XLIFF 1.2, JSON, .strings, Android) and must find the
   same units with the Russian texts of the fixture; the String Catalog and XLIFF 2.0 are checked
   with Python's json and xml readers. `msgfmt -c` must accept the PO output.
2. With a memory that knows none of the strings, every file comes back byte for byte, and so do
   Debian's Russian gettext catalogs (msgunfmt of /usr/share/locale/ru/LC_MESSAGES/*.mo).
3. A document through XLIFF: `tmkit l10n extract` of the fixture's English article is read by
   translate-toolkit, which writes the gold Russian sentences as targets; `tmkit l10n merge` must
   give the article with exactly those sentences replaced.
"""
import argparse
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from translate.storage import aresource, jsonl10n, po, properties, xliff

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "sputnik", "ui-strings.en-ru.tsv")


def rows():
    lines = open(FIXTURE, encoding="utf-8").read().splitlines()[1:]
    return [tuple(l.split("\t")) for l in lines if l]


def esc_xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def catalogs(rs):
    out = {}
    p = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n'
    for k, en, _ in rs:
        p += f'\nmsgctxt "{k}"\nmsgid "{en}"\nmsgstr ""\n'
    out["ui.po"] = p
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
         '  <file original="ui" source-language="en" target-language="ru" datatype="plaintext">\n    <body>\n')
    for k, en, _ in rs:
        x += f'      <trans-unit id="{k}">\n        <source>{esc_xml(en)}</source>\n      </trans-unit>\n'
    out["ui.xlf"] = x + "    </body>\n  </file>\n</xliff>\n"
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
         'srcLang="en" trgLang="ru">\n  <file id="ui">\n')
    for k, en, _ in rs:
        x += f'    <unit id="{k}">\n      <segment>\n        <source>{esc_xml(en)}</source>\n      </segment>\n    </unit>\n'
    out["ui2.xliff"] = x + "  </file>\n</xliff>\n"
    # A String Catalog as Xcode writes it: keys sorted, two spaces, " : ".
    cat = {"sourceLanguage": "en", "strings": {k: {"extractionState": "manual", "localizations": {
        "en": {"stringUnit": {"state": "translated", "value": en}}}} for k, en, _ in rs}, "version": "1.0"}
    out["Localizable.xcstrings"] = json.dumps(cat, ensure_ascii=False, indent=2, sort_keys=True, separators=(",", " : "))
    nested = {}
    for k, en, _ in rs:
        g, rest = k.split(".", 1)
        nested.setdefault(g, {})[rest] = en
    out["en.json"] = json.dumps(nested, ensure_ascii=False, indent=2) + "\n"
    out["Localizable.strings"] = "\n".join(f'/* {k} */\n"{k}" = "{en}";\n' for k, en, _ in rs)
    out["strings.xml"] = ('<?xml version="1.0" encoding="utf-8"?>\n<resources>\n' +
                          "".join(f'    <string name="{k.replace(".", "_")}">{esc_xml(en)}</string>\n' for k, en, _ in rs) +
                          "</resources>\n")
    out["ui.tsv"] = "key\ten\tru\n" + "\n".join(f"{k}\t{en}\t" for k, en, _ in rs) + "\n"
    return out


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


def read_back(name, path):
    """{key: target} as the format's reader sees the output file."""
    data = open(path, "rb").read()
    if name.endswith(".po"):
        store = po.pofile(data)
        return {u.getcontext(): u.target for u in store.units if not u.isheader()}, "translate-toolkit po"
    if name.endswith(".xlf"):
        store = xliff.xlifffile(data)
        return {u.xmlelement.get("id"): u.target for u in store.units}, "translate-toolkit xliff"
    if name.endswith(".json"):
        store = jsonl10n.JsonNestedFile(data)
        return {u.getid().lstrip("."): u.target or u.source for u in store.units}, "translate-toolkit json"
    if name.endswith(".strings"):
        store = properties.stringsutf8file(io.BytesIO(data))
        return {u.name: u.source for u in store.units}, "translate-toolkit strings"
    if name.endswith(".xml"):
        store = aresource.AndroidResourceFile(data)
        return {u.getid(): u.target or u.source for u in store.units}, "translate-toolkit android"
    if name.endswith(".xcstrings"):
        cat = json.loads(data)
        return {k: v["localizations"]["ru"]["stringUnit"]["value"] for k, v in cat["strings"].items()
                if "ru" in v.get("localizations", {})}, "json"
    if name.endswith(".xliff"):
        ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
        root = ET.fromstring(data)
        return {u.get("id"): u.find("x:segment/x:target", ns).text for u in root.iter("{%s}unit" % ns["x"])}, "xml.etree"
    if name.endswith(".tsv"):
        lines = data.decode().splitlines()
        return {l.split("\t")[0]: l.split("\t")[2] for l in lines[1:] if l}, "tsv"
    raise ValueError(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=".build/debug/tmkit")
    ap.add_argument("--debian", type=int, default=12, help="how many of Debian's ru catalogs to round-trip")
    a = ap.parse_args()
    tmkit = os.path.abspath(a.tmkit)
    rs = rows()
    expected = {k: ru for k, _, ru in rs}
    work = tempfile.mkdtemp(prefix="tmkit-l10n-")
    failures = 0
    memory = os.path.join(work, "ui.tmdb")
    run([tmkit, "l10n", "import", FIXTURE, "--target-lang", "ru", "--memory", memory])
    empty = os.path.join(work, "empty.tmdb")
    run([tmkit, "tm", "add", "unrelated", "несвязанный", "--source-lang", "en", "--target-lang", "ru", "--memory", empty])
    for name, text in catalogs(rs).items():
        path = os.path.join(work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        base, ext = os.path.splitext(path)
        out = base + ".ru" + ext
        run([tmkit, "l10n", "pretranslate", path, "--target-lang", "ru", "--memory", memory, "-o", out])
        got, reader = read_back(name, out)
        want = {(k.replace(".", "_") if name.endswith(".xml") else k): v for k, v in expected.items()}
        ok = got == want
        extra = ""
        if name.endswith(".po") and shutil.which("msgfmt"):
            r = subprocess.run(["msgfmt", "-c", "-o", os.devnull, out], capture_output=True, text=True)
            ok = ok and r.returncode == 0
            extra = ", msgfmt -c " + ("accepts it" if r.returncode == 0 else "refuses it: " + r.stderr.strip())
        same = os.path.join(work, "same-" + name)
        run([tmkit, "l10n", "pretranslate", path, "--target-lang", "ru", "--memory", empty, "-o", same])
        unchanged = open(same, "rb").read() == text.encode()
        ok = ok and unchanged
        print(f"{'ok  ' if ok else 'FAIL'} {name:24} {len(got)}/{len(want)} units read back by {reader} with the fixture's Russian"
              f"{extra}; empty memory: {'same bytes' if unchanged else 'CHANGED'}")
        if not ok:
            failures += 1
            for k in sorted(set(got) | set(want)):
                if got.get(k) != want.get(k):
                    print(f"     {k}: got {got.get(k)!r}, want {want.get(k)!r}")
    # A document through XLIFF: tmkit extracts the English article, translate-toolkit reads it and
    # writes the gold Russian sentences as targets (1-1 beads of the fixture's gold alignment),
    # tmkit merges: those sentences replace theirs, every other byte of the article stays.
    fixtures = os.path.dirname(FIXTURE)
    article = os.path.join(work, "article-en.txt")
    shutil.copy(os.path.join(fixtures, "article-en.txt"), article)
    run([tmkit, "l10n", "extract", article, "--target-lang", "ru"])
    en = open(os.path.join(fixtures, "sentences-en.txt"), encoding="utf-8").read().splitlines()
    ru = open(os.path.join(fixtures, "sentences-ru.txt"), encoding="utf-8").read().splitlines()
    pairs = {}
    for line in open(os.path.join(fixtures, "gold-alignment.txt"), encoding="utf-8"):
        if line.startswith("["):
            src, tgt = (json.loads(side) for side in line.strip().split(":"))
            if len(src) == 1 and len(tgt) == 1:
                pairs[en[src[0]]] = ru[tgt[0]]
    store = xliff.xlifffile.parsefile(article + ".xlf")
    units = [u for u in store.units if not u.isheader()]
    filled = 0
    for u in units:
        if u.source in pairs:
            u.target = pairs[u.source]
            filled += 1
    translated = os.path.join(work, "article-en.ru.xlf")
    with open(translated, "wb") as f:
        f.write(bytes(store))
    merged_path = os.path.join(work, "article.ru.txt")
    out = run([tmkit, "l10n", "merge", translated, "-o", merged_path])
    merged = open(merged_path, encoding="utf-8").read()
    original = open(article, encoding="utf-8").read()
    expected_doc = original
    for u in units:
        if u.source in pairs:
            expected_doc = expected_doc.replace(u.source, pairs[u.source], 1)
    ok = len(units) == len(en) and filled > 0 and merged == expected_doc and f"{filled} of {len(units)} segments translated" in out
    print(f"{'ok  ' if ok else 'FAIL'} document via XLIFF: translate-toolkit read {len(units)} units of tmkit's extract and wrote {filled} "
          f"targets; tmkit merged them {'into the expected article' if merged == expected_doc else 'WRONGLY'}")
    if not ok:
        failures += 1
    # Debian's catalogs, as msgunfmt writes them.
    mos = sorted(glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo"))[: a.debian]
    if mos and shutil.which("msgunfmt"):
        same_count = 0
        for mo in mos:
            p = os.path.join(work, os.path.basename(mo)[:-3] + ".po")
            with open(p, "w", encoding="utf-8") as f:
                f.write(run(["msgunfmt", mo]))
            same = p + ".same.po"
            run([tmkit, "l10n", "pretranslate", p, "--target-lang", "ru", "--memory", empty, "-o", same])
            if open(same, "rb").read() == open(p, "rb").read():
                same_count += 1
            else:
                print(f"FAIL {os.path.basename(p)}: written back with changes")
                failures += 1
        print(f"{'ok  ' if same_count == len(mos) else 'FAIL'} Debian ru catalogs (msgunfmt): {same_count}/{len(mos)} written back byte for byte")
    else:
        print("(no Debian ru catalogs or no msgunfmt: that round trip skipped)")
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{failures} check(s) failed")
        sys.exit(1)
    print("all localization interoperability checks passed")


if __name__ == "__main__":
    main()
