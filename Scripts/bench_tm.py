#!/usr/bin/env python3
"""Translation-memory benchmark: tmkit against rapidfuzz (brute force) and PostgreSQL pg_trgm.

Two memories, measured in one run:
  debian     every gettext catalog of this machine (/usr/share/locale/*/LC_MESSAGES/*.mo), all
             languages, except a tenth of the Russian catalogs, held out for queries;
  synthetic  1,000,000 distinct English-Russian units (Scripts/gen_synthetic_tm.py).
Queries: held-out English strings with one word changed, dropped or added; recall on the synthetic
memory: its own strings so changed (its held-out strings seldom have a match).
For each memory it prints import throughput and peak memory; warm lookups (median, p99) from a
`tm lookup --batch` process; 5,000 new units imported into the large memory, and lookups after; a cold one-shot `tm lookup` process; recall against
`--exhaustive`; and rapidfuzz `process.extract` (top 5, fuzz.ratio) and pg_trgm (GiST index,
`%` and ORDER BY similarity, LIMIT 5) on the same English strings and queries, with ratios.

Each memory is measured on tmkit's SQLite store (a file) and, unless --no-pg-store, on its
PostgreSQL store (a postgres:// memory in the same throw-away cluster as pg_trgm's tables): import
units/s, lookup median and p99, database size, recall; with the ratios PostgreSQL/SQLite.

usage: Scripts/bench_tm.py [--queries 2000] [--peer-queries 300] [--recall-queries 100] [--reuse-exhaustive] [--skip-debian] [--skip-synthetic]
                          [--no-postgres] [--no-pg-store] [--reuse] [--tmkit BINARY]  (--tmkit: compare two builds in one session)
"""
import argparse, glob, json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out")
TMKIT = os.path.join(ROOT, ".build/release/tmkit")
sys.path.insert(0, HERE)
from make_corpus import read_mo  # noqa: E402


def perturb(s, rng, vocab):
    w = s.split()
    i = rng.randrange(len(w))
    op = rng.randrange(3)
    if op == 0:
        w[i] = rng.choice(vocab)
    elif op == 1 and len(w) > 2:
        del w[i]
    else:
        w.insert(i, rng.choice(vocab))
    return " ".join(w)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def timed(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}… failed: {p.stderr[-2000:]}")
    peak_kb = int(p.stderr.strip().splitlines()[-1])
    return time.perf_counter() - t, peak_kb, p


def tmkit_lookups(memory, queries, threshold=75):
    qf = os.path.join(OUT, "queries.txt")
    open(qf, "w", encoding="utf-8").write("\n".join(queries) + "\n")
    p = subprocess.run([TMKIT, "tm", "lookup", "--batch", qf, "--source-lang", "en", "--target-lang", "ru",
                        "--format", "json", "--timing", "--memory", memory, "--threshold", str(threshold)],
                       capture_output=True, text=True, check=True)
    m = re.search(r"median ([\d.]+) ms, p99 ([\d.]+) ms, mean ([\d.]+) ms", p.stderr)
    results = [json.loads(l) for l in p.stdout.splitlines()]
    return float(m.group(1)), float(m.group(2)), results


def recall(memory, queries, reference=None, threshold=75):
    """Indexed lookups against `--exhaustive` ones: (found, expected, the exhaustive answers). With
    `reference` (the exhaustive answers of the same memory on the other store, the same units under
    the same ids) the exhaustive lookups are not run again: on PostgreSQL each reads the whole
    memory over the connection, 9 seconds a query on the million."""
    qf = os.path.join(OUT, "recall-queries.txt")
    open(qf, "w", encoding="utf-8").write("\n".join(queries) + "\n")
    base = [TMKIT, "tm", "lookup", "--batch", qf, "--source-lang", "en", "--target-lang", "ru", "--format", "json",
            "--memory", memory, "--threshold", str(threshold), "--limit", "1000"]
    a = subprocess.run(base, capture_output=True, text=True, check=True).stdout.splitlines()
    b = reference if reference is not None else subprocess.run(base + ["--exhaustive"], capture_output=True, text=True, check=True).stdout.splitlines()
    found = expected = 0
    for x, y in zip(a, b):
        xs = {(m["id"], m["score"]) for m in json.loads(x)}
        ys = {(m["id"], m["score"]) for m in json.loads(y)}
        expected += len(ys)
        found += len(xs & ys)
    return found, expected, b


def cold(memory, query, runs=7):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([TMKIT, "tm", "lookup", query, "--source-lang", "en", "--target-lang", "ru", "--memory", memory],
                       check=True, capture_output=True)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


def rapidfuzz_times(choices, queries):
    from rapidfuzz import fuzz, process
    ts = []
    for q in queries:
        t = time.perf_counter()
        process.extract(q, choices, scorer=fuzz.ratio, limit=5)
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), pct(ts, 0.99)


class Postgres:
    """A throw-away PostgreSQL cluster on a Unix socket in bench-out/ (Debian's postgresql)."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, capture_output=True)
            bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.bin = bins[-1]
        import psycopg2  # (first: a failure here must not leave a cluster running)
        self.dir = os.path.join(OUT, "pg")
        if os.path.exists(os.path.join(self.dir, "data", "postmaster.pid")):
            # A cluster an interrupted run left running: stopped before its folder goes. (Left
            # alone, it notices its lock file gone a minute later, shuts down and removes the
            # socket file, which is the new cluster's too.)
            subprocess.run(["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0) +
                           [os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        shutil.chown(self.dir, "postgres") if os.geteuid() == 0 else None
        self.run_as([os.path.join(self.bin, "initdb"), "-D", self.dir + "/data", "-U", "postgres", "--no-sync"])
        self.run_as([os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-o",
                     f"-k {self.dir} -c listen_addresses='' -c shared_buffers=1GB -c fsync=off -c max_wal_size=16GB -c checkpoint_timeout=30min", "-l", self.dir + "/log", "-w", "start"])
        self.conn = psycopg2.connect(host=self.dir, user="postgres", dbname="postgres")
        self.conn.autocommit = True
        self.conn.cursor().execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    def memory_url(self, name):
        """A new, empty database for a tmkit memory; its postgres:// URL (the cluster's Unix socket)."""
        cur = self.conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS tm_{name}")
        cur.execute(f"CREATE DATABASE tm_{name}")
        return f"postgres://postgres@/tm_{name}?host={self.dir}&port=5432&memory={name}"

    def database_mb(self, name):
        cur = self.conn.cursor()
        cur.execute(f"SELECT pg_database_size('tm_{name}')")
        return cur.fetchone()[0] / 1e6

    def run_as(self, cmd):
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, capture_output=True)

    def load(self, name, choices):
        """Table `name` (s text) holding `choices`, with pg_trgm's GiST index; its cursor."""
        import io
        cur = self.conn.cursor()
        cur.execute(f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} (s text)")
        buf = io.StringIO("".join(c.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ") + "\n" for c in choices))
        cur.copy_expert(f"COPY {name}(s) FROM STDIN", buf)
        cur.execute(f"CREATE INDEX ON {name} USING gist (s gist_trgm_ops)")
        cur.execute(f"ANALYZE {name}")
        return cur

    def times(self, name, choices, queries):
        cur = self.load(name, choices)
        ts = []
        for q in queries:
            t = time.perf_counter()
            cur.execute(f"SELECT s, similarity(s, %s) AS sim FROM {name} WHERE s %% %s ORDER BY sim DESC LIMIT 5", (q, q))
            cur.fetchall()
            ts.append((time.perf_counter() - t) * 1000)
        return statistics.median(ts), pct(ts, 0.99)

    def stop(self):
        self.conn.close()
        self.run_as([os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-m", "fast", "stop"])


def bench(name, memory, import_cmd, units_hint, choices, queries, args, pg, store="sqlite", peers=None,
          recall_queries=None, reference=None):
    """One memory on one store. `recall_queries`: the queries recall is measured on (default
    `queries`); `reference`: the other store's results of the same memory (its exhaustive answers)."""
    if args.reuse and store == "sqlite" and os.path.exists(memory):
        # A memory from an earlier run: lookups only (import figures are not measured).
        out = subprocess.run([TMKIT, "tm", "stats", "--memory", memory, "--format", "json"], capture_output=True, text=True, check=True).stdout
        secs, peak, units = float("nan"), float("nan"), json.loads(out)["units"]
    else:
        if store == "sqlite":
            for f in glob.glob(memory + "*"):
                os.remove(f)
        secs, peak, p = timed(import_cmd)
        # (One process for all the files: `--files-from`. Earlier runs used xargs, which ran two.)
        counts = [int(n) for n in re.findall(r"(\d+) units read", p.stdout)]
        units = sum(counts) if counts else units_hint
    warm_med, warm_p99, results = tmkit_lookups(memory, queries)
    hits = sum(1 for r in results if r)
    rq = (recall_queries or queries)[: args.recall_queries]
    ref = reference or {}
    found, expected, exhaustive = recall(memory, rq, ref.get("exhaustive"))
    cold_ms = cold(memory, queries[0])
    peer_q = queries[: args.peer_queries]
    if peers:
        rf, pgt = peers
    else:
        rf = rapidfuzz_times(choices, peer_q)
        pgt = pg.times(name.replace("-", "_"), choices, peer_q[: max(20, args.peer_queries // 3)]) if pg else (float("nan"),) * 2
    size = os.path.getsize(memory) / 1e6 if store == "sqlite" else pg.database_mb(name.replace("-", "_"))
    stored = json.loads(subprocess.run([TMKIT, "tm", "stats", "--memory", memory, "--format", "json"],
                                       capture_output=True, text=True, check=True).stdout)["units"]
    # A translator's everyday import: 5,000 new units into the large memory (its keys go to the
    # delta tables), then lookups again, and their recall.
    small_s, _, _ = timed([TMKIT, "tm", "import", small_tsv(), "--memory", memory])
    after_med, _, _ = tmkit_lookups(memory, queries[:500])
    after_found, after_expected, after_exhaustive = recall(memory, rq[: args.recall_queries // 2], ref.get("after_exhaustive"))
    return dict(name=name, store=store, units=units, stored=stored, import_s=secs, import_rate=units / secs, peak_mb=peak / 1024, size_mb=size,
                warm_med=warm_med, warm_p99=warm_p99, hits=hits, queries=len(queries), cold=cold_ms,
                recall=(found, expected), rf=rf, pg=pgt, choices=len(choices),
                small_s=small_s, after_med=after_med, after_recall=(after_found, after_expected),
                exhaustive=exhaustive, after_exhaustive=after_exhaustive, exhaustive_from=ref.get("store", store))


def small_tsv():
    """5,000 English-Russian units no memory of the benchmark holds: synthetic lines, reworded."""
    path = os.path.join(OUT, "small-5k.tsv")
    if not os.path.exists(path):
        lines = open(os.path.join(OUT, "synthetic-1m.tsv"), encoding="utf-8").read().splitlines()[1:]
        rows = [l.split("\t") for l in lines[500_000:505_000]]
        with open(path, "w", encoding="utf-8") as f:
            f.write("en\tru\n")
            for en, ru in rows:
                f.write(f"Revised: {en}\tИсправлено: {ru}\n")
    return path


def debian_set(rng, n):
    """Debian's catalogs less a tenth of the Russian ones (their file list), the English strings of the
    rest (for the peers), and `n` queries: held-out strings with one word changed."""
    mos = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/*.mo"))
    ru = [m for m in mos if "/locale/ru/" in m]
    held = set(ru[::10])
    kept = [m for m in mos if m not in held]
    en_ru = []
    for m in kept:
        if m.startswith("/usr/share/locale/ru/"):
            en_ru += [s for s, t in read_mo(m) if s and t]
    vocab = [w for s in en_ru for w in s.split() if w.isalpha()]
    pool = sorted({s for m in held for s, t in read_mo(m) if s and 3 <= len(s.split()) <= 20 and "\n" not in s})
    rng.shuffle(pool)
    queries = [perturb(s, rng, vocab) for s in pool[:n]]
    listfile = os.path.join(OUT, "debian-mo-files.txt")
    open(listfile, "w").write("\n".join(kept))
    return listfile, sorted(set(en_ru)), queries


def synthetic_set(rng, n):
    """The synthetic million's English strings, `n` queries (held-out strings with one word
    changed) and recall queries: the memory's own strings with one word changed (held-out strings
    of this random memory seldom have a match at 75%, and recall over no match shows nothing)."""
    tsv = os.path.join(OUT, "synthetic-1m.tsv")
    heldout = os.path.join(OUT, "synthetic-heldout.txt")
    if not os.path.exists(tsv) or not os.path.exists(heldout):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_synthetic_tm.py"), "--units", "1000000", "-o", tsv,
                        "--holdout", "3000", "--holdout-file", heldout], check=True)
    choices = [l.split("\t")[0] for l in open(tsv, encoding="utf-8").read().splitlines()[1:]]
    vocab = [w for s in choices[:20000] for w in s.split()]
    held = [l for l in open(heldout, encoding="utf-8").read().splitlines() if l]
    own = [perturb(s, rng, vocab) for s in rng.sample(choices, 500)]
    return choices, [perturb(s, rng, vocab) for s in held[:n]], own


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--peer-queries", type=int, default=300)
    ap.add_argument("--recall-queries", type=int, default=100)
    ap.add_argument("--skip-debian", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--no-postgres", action="store_true", help="no PostgreSQL at all (neither pg_trgm nor tmkit's PostgreSQL store)")
    ap.add_argument("--no-pg-store", action="store_true", help="not tmkit's PostgreSQL store")
    ap.add_argument("--reuse-exhaustive", action="store_true",
                    help="PostgreSQL's recall against the SQLite store's exhaustive answers (the same units, the same ids) instead of its own --exhaustive")
    ap.add_argument("--reuse", action="store_true", help="reuse memories left by an earlier run (no import timing)")
    ap.add_argument("--tmkit", help="this tmkit binary instead of building .build/release/tmkit (to compare two builds in one session)")
    args = ap.parse_args()
    if args.tmkit:
        global TMKIT
        TMKIT = os.path.abspath(args.tmkit)
    os.makedirs(OUT, exist_ok=True)
    if not args.tmkit:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    pg = None if args.no_postgres else Postgres()
    rng = random.Random(11)
    rows = []
    tsv = os.path.join(OUT, "synthetic-1m.tsv")
    heldout = os.path.join(OUT, "synthetic-heldout.txt")
    if not os.path.exists(tsv) or not os.path.exists(heldout):
        # (Made first: the 5,000 new units of both memories come from it too.)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_synthetic_tm.py"), "--units", "1000000", "-o", tsv,
                        "--holdout", "3000", "--holdout-file", heldout], check=True)
    try:
        if not args.skip_debian:
            listfile, choices, queries = debian_set(rng, args.queries)
            rows.append(bench("debian", os.path.join(OUT, "debian.tmdb"),
                              [TMKIT, "tm", "import", "--files-from", listfile, "--memory", os.path.join(OUT, "debian.tmdb")],
                              0, choices, queries, args, pg))
            if pg and not args.no_pg_store:
                url = pg.memory_url("debian")
                rows.append(bench("debian", url, [TMKIT, "tm", "import", "--files-from", listfile, "--memory", url],
                                  0, choices, queries, args, pg, store="postgres", peers=(rows[-1]["rf"], rows[-1]["pg"]),
                                  reference=rows[-1] if args.reuse_exhaustive else None))
        if not args.skip_synthetic:
            choices, queries, own = synthetic_set(rng, args.queries)
            rows.append(bench("synthetic-1m", os.path.join(OUT, "synthetic.tmdb"),
                              [TMKIT, "tm", "import", tsv, "--memory", os.path.join(OUT, "synthetic.tmdb")],
                              1_000_000, choices, queries, args, pg, recall_queries=own))
            if pg and not args.no_pg_store:
                url = pg.memory_url("synthetic_1m")
                rows.append(bench("synthetic-1m", url, [TMKIT, "tm", "import", tsv, "--memory", url],
                                  1_000_000, choices, queries, args, pg, store="postgres", peers=(rows[-1]["rf"], rows[-1]["pg"]),
                                  recall_queries=own, reference=rows[-1] if args.reuse_exhaustive else None))
    finally:
        if pg:
            pg.stop()

    print()
    print("| memory | store | units read | units stored | import units/s | import peak MB | file or database MB | warm median ms | warm p99 ms | cold process ms | recall vs exhaustive | rapidfuzz median ms (strings) | pg_trgm median ms | ×rapidfuzz | ×pg_trgm |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f, e = r["recall"]
        if r["exhaustive_from"] != r["store"]:
            e = f"{e} (exhaustive: {r['exhaustive_from']})"
        print(f"| {r['name']} | {r['store']} | {r['units']:,} | {r['stored']:,} | {r['import_rate']:,.0f} | {r['peak_mb']:.0f} | {r['size_mb']:.0f} | "
              f"{r['warm_med']:.2f} | {r['warm_p99']:.2f} | {r['cold']:.0f} | {f}/{e} | {r['rf'][0]:.1f} ({r['choices']:,}) | "
              f"{r['pg'][0]:.1f} | {r['rf'][0] / r['warm_med']:.0f} | {r['pg'][0] / r['warm_med']:.0f} |")
    by = {(r["name"], r["store"]): r for r in rows}
    for name in dict.fromkeys(r["name"] for r in rows):
        a, b = by.get((name, "sqlite")), by.get((name, "postgres"))
        if a and b:
            print(f"{name}: PostgreSQL/SQLite: import {b['import_rate'] / a['import_rate']:.2f}× the units/s, lookup median "
                  f"{b['warm_med'] / a['warm_med']:.2f}× and p99 {b['warm_p99'] / a['warm_p99']:.2f}×, size {b['size_mb'] / a['size_mb']:.2f}×; "
                  f"pg_trgm median / tmkit-on-PostgreSQL median {b['pg'][0] / b['warm_med']:.0f}×")
    for r in rows:
        print(f"{r['name']} ({r['store']}): {r['hits']}/{r['queries']} queries had a match at 75% or more; rapidfuzz p99 {r['rf'][1]:.1f} ms, pg_trgm p99 {r['pg'][1]:.1f} ms")
    for r in rows:
        f, e = r["after_recall"]
        print(f"{r['name']} ({r['store']}): 5,000 new units imported into it in {r['small_s']:.2f} s ({5000 / r['small_s']:,.0f} units/s); "
              f"then warm median {r['after_med']:.2f} ms (500 queries), recall {f}/{e}")


if __name__ == "__main__":
    main()
