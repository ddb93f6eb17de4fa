#!/usr/bin/env python3
"""TMX benchmark: tmkit against translate-toolkit, reading and writing the same TMX in one run.

Memories: the English-Russian units of Debian's gettext catalogs (about 51,000) and, when
bench-out/synthetic-1m.tsv exists (Scripts/gen_synthetic_tm.py), the synthetic 1,000,000-unit
memory. For each: tmkit exports the memory (units/s, peak memory); tmkit parses the TMX
without storing (`tm import --dry-run`); tmkit imports it into a new memory (parse, store,
index); translate-toolkit reads the same file (`tmxfile.parsefile`) and writes it back
(units made with `addtranslation` and the file serialized, as its converters write TMX; and,
for reference, only serializing the tree it parsed), each in its own process so peak memory is its own.
translate-toolkit is timed inside its process (not Python's start and exit); tmkit's parsing too
(the seconds `tm import --dry-run` prints; the whole process is printed beside it), its export and
import as whole processes. Every quick measurement is the fastest of --runs runs (default 3): the machine's speed
drifts too much between minutes for single runs to give steady ratios. The import runs once. translate-toolkit is run on
the synthetic memory's first 100,000 units only (it holds the whole file in memory).

usage: Scripts/bench_tmx.py [--skip-synthetic] [--runs 3] [--tmkit BINARY]
"""
import argparse, glob, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out")
TMKIT = os.path.join(ROOT, ".build/release/tmkit")


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {p.stderr[-1500:]}")
    return secs, int(p.stderr.strip().splitlines()[-1]) / 1024, p.stdout


# translate-toolkit's reading timed inside the process (parsefile only: not the interpreter's start
# and the teardown of the tree at exit, which take as long again), as the issue measured it.
TT_READ = ("from translate.storage import tmx; import sys, time; t = time.perf_counter(); "
           "s = tmx.tmxfile.parsefile(sys.argv[1]); print(len(s.units), time.perf_counter() - t)")
# translate-toolkit writing a TMX as a converter does (po2tmx, tmkit's export): units made from
# the pairs (addtranslation) and the file serialized. The pairs are read first and not timed.
TT_WRITE = ("from translate.storage import tmx; import sys, time; s = tmx.tmxfile.parsefile(sys.argv[1]); "
            "pairs = [(u.source, u.target) for u in s.units]; t = time.perf_counter(); "
            "out = tmx.tmxfile(sourcelanguage='en', targetlanguage='ru'); "
            "[out.addtranslation(a, 'en', b, 'ru') for a, b in pairs]; "
            "open(sys.argv[2], 'wb').write(bytes(out)); print(len(pairs), time.perf_counter() - t)")
# Only serializing the tree it has just parsed (no units made): lxml's C writer alone.
TT_SERIALIZE = ("from translate.storage import tmx; import sys, time; s = tmx.tmxfile.parsefile(sys.argv[1]); t = time.perf_counter(); "
                "open(sys.argv[2], 'wb').write(bytes(s)); print(len(s.units), time.perf_counter() - t)")


def first_units(src, dst, n):
    """The first n units of a TMX file written by tmkit (one <tu> block after another)."""
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
        count = 0
        for line in f:
            g.write(line)
            if line.strip() == "</tu>":
                count += 1
                if count >= n:
                    break
        g.write("  </body>\n</tmx>\n")


def bench(name, memory, runs):
    """Each quick measurement `runs` times, tmkit's and translate-toolkit's interleaved (so that both
    see the machine in the same states), the fastest of each counting."""
    tmx = os.path.join(OUT, f"{name}.tmx")
    secs, peak, out = timed([TMKIT, "tm", "export", tmx, "--memory", memory])
    units = int(re.search(r"(\d+) units", out).group(1))
    tt_file, tt_units = tmx, units
    if units > 150_000:
        tt_file = os.path.join(OUT, f"{name}-100k.tmx")
        first_units(tmx, tt_file, 100_000)
        tt_units = 100_000
    tt_out = os.path.join(OUT, f"{name}-tt.tmx")
    times = {k: [] for k in ["export", "parse", "parse_process", "tt_read", "tt_write", "tt_serialize"]}
    peaks = {k: 0.0 for k in times}

    def note(key, secs, peak):
        times[key].append(secs)
        peaks[key] = max(peaks[key], peak)

    for _ in range(runs):
        secs, peak, out = timed([TMKIT, "tm", "export", tmx, "--memory", memory])
        note("export", secs, peak)
        secs, peak, out = timed([sys.executable, "-c", TT_WRITE, tt_file, tt_out])
        note("tt_write", float(out.split()[1]), peak)
        secs, peak, out = timed([TMKIT, "tm", "import", tmx, "--dry-run"])
        # Parsing timed as translate-toolkit's is, inside the process (tmkit prints the seconds its
        # reading took); the whole process (with its start, about 20 ms) is kept beside it.
        note("parse", float(re.search(r"\(([\d.]+) s\)", out).group(1)), peak)
        note("parse_process", secs, peak)
        secs, peak, out = timed([sys.executable, "-c", TT_READ, tt_file])
        note("tt_read", float(out.split()[1]), peak)
        secs, peak, out = timed([sys.executable, "-c", TT_SERIALIZE, tt_file, tt_out])
        note("tt_serialize", float(out.split()[1]), peak)
    row = dict(name=name, units=units, mb=os.path.getsize(tmx) / 1e6)
    for key in ["export", "parse"]:
        row[key] = (units / min(times[key]), peaks[key])
    row["parse_process"] = units / min(times["parse_process"])
    for key in ["tt_read", "tt_write"]:
        row[key] = (tt_units / min(times[key]), peaks[key])
    row["tt_serialize"] = tt_units / min(times["tt_serialize"])
    fresh = os.path.join(OUT, f"{name}-reimport.tmdb")
    for f in glob.glob(fresh + "*"):
        os.remove(f)
    secs, peak, out = timed([TMKIT, "tm", "import", tmx, "--memory", fresh])
    row["import"] = (units / secs, peak)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="runs of each quick measurement; the fastest counts")
    ap.add_argument("--tmkit", help="this tmkit binary instead of building .build/release/tmkit (to compare two builds in one session)")
    a = ap.parse_args()
    if a.tmkit:
        global TMKIT
        TMKIT = os.path.abspath(a.tmkit)
    os.makedirs(OUT, exist_ok=True)
    if not a.tmkit:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    rows = []
    deb = os.path.join(OUT, "debian-ru.tmdb")
    for f in glob.glob(deb + "*"):
        os.remove(f)
    subprocess.run([TMKIT, "tm", "import", *sorted(glob.glob("/usr/share/locale/ru/LC_MESSAGES/*.mo")), "--memory", deb],
                   check=True, capture_output=True)
    rows.append(bench("debian-en-ru", deb, a.runs))
    syn_tsv = os.path.join(OUT, "synthetic-1m.tsv")
    if not a.skip_synthetic and os.path.exists(syn_tsv):
        syn = os.path.join(OUT, "synthetic.tmdb")
        if not os.path.exists(syn):
            subprocess.run([TMKIT, "tm", "import", syn_tsv, "--memory", syn], check=True, capture_output=True)
        rows.append(bench("synthetic-1m", syn, a.runs))
    print("\n| memory | units | TMX MB | tmkit export u/s (peak MB) | tt write u/s (peak MB) | export ratio | tt serialize-only u/s | tmkit parse u/s (peak MB) | tt read u/s (peak MB) | parse ratio | tmkit parse, whole process u/s | tmkit import u/s (peak MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['name']} | {r['units']:,} | {r['mb']:.0f} | {r['export'][0]:,.0f} ({r['export'][1]:.0f}) | {r['tt_write'][0]:,.0f} ({r['tt_write'][1]:.0f}) | "
              f"{r['export'][0] / r['tt_write'][0]:.1f}x | {r['tt_serialize']:,.0f} | {r['parse'][0]:,.0f} ({r['parse'][1]:.0f}) | {r['tt_read'][0]:,.0f} ({r['tt_read'][1]:.0f}) | "
              f"{r['parse'][0] / r['tt_read'][0]:.2f}x | {r['parse_process']:,.0f} | {r['import'][0]:,.0f} ({r['import'][1]:.0f}) |")


if __name__ == "__main__":
    main()
