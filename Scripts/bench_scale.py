#!/usr/bin/env python3
"""The memory at scale: the synthetic memory (Scripts/gen_synthetic_tm.py) at 10 million units on
tmkit's SQLite store and on its PostgreSQL store, measured in one run: import time and units a
second, the importing process's peak memory, size on disk, warm lookups (median and p99, from a
`tm lookup --batch` process), a cold one-shot lookup process, and exact recall (indexed lookups
against `--exhaustive`) on a few queries. So that a team can tell when to move.

Queries: half are sentences of the memory with one word changed, dropped or added (they find
their unit), half held-out sentences likewise changed (they mostly find nothing at 75%).
The PostgreSQL cluster is bench_tm.py's throw-away one (bench-out/pg, a Unix socket, 1 GB of
shared buffers, fsync off: the figures are the program's and the server's work, not the disk's).

usage: Scripts/bench_scale.py [--units 10000000] [--queries 1000] [--recall-queries 4]
                             [--no-pg-store] [--no-sqlite] [--tmkit BINARY]
Not in the test command: it takes about half an hour and 25 GB of disk.
"""
import argparse, json, os, random, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tm  # noqa: E402
from bench_tm import OUT, Postgres, perturb, timed  # noqa: E402


def lookups(memory, queries):
    qf = os.path.join(OUT, "scale-queries.txt")
    open(qf, "w", encoding="utf-8").write("\n".join(queries) + "\n")
    p = subprocess.run([bench_tm.TMKIT, "tm", "lookup", "--batch", qf, "--source-lang", "en", "--target-lang", "ru",
                        "--format", "json", "--timing", "--memory", memory], capture_output=True, text=True, check=True)
    import re
    m = re.search(r"median ([\d.]+) ms, p99 ([\d.]+) ms", p.stderr)
    results = [json.loads(l) for l in p.stdout.splitlines()]
    return float(m.group(1)), float(m.group(2)), sum(1 for r in results if r)


def recall(memory, queries):
    """Units found by indexed lookups and by --exhaustive (which reads every unit)."""
    found = expected = 0
    for q in queries:
        base = [bench_tm.TMKIT, "tm", "lookup", q, "--source-lang", "en", "--target-lang", "ru", "--format", "json",
                "--memory", memory, "--limit", "1000"]
        a = {m["id"] for m in json.loads(subprocess.run(base, capture_output=True, text=True, check=True).stdout)}
        b = {m["id"] for m in json.loads(subprocess.run(base + ["--exhaustive"], capture_output=True, text=True, check=True).stdout)}
        found += len(a & b)
        expected += len(b)
    return found, expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--recall-queries", type=int, default=4)
    ap.add_argument("--no-pg-store", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--tmkit")
    args = ap.parse_args()
    if args.tmkit:
        bench_tm.TMKIT = os.path.abspath(args.tmkit)
    else:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=os.path.dirname(HERE), check=True,
                       stdout=subprocess.DEVNULL)
    os.makedirs(OUT, exist_ok=True)
    label = f"{args.units // 1_000_000}m" if args.units % 1_000_000 == 0 else str(args.units)
    tsv = os.path.join(OUT, f"synthetic-{label}.tsv")
    heldout = os.path.join(OUT, f"synthetic-{label}-heldout.txt")
    if not os.path.exists(tsv) or not os.path.exists(heldout):
        t = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(HERE, "gen_synthetic_tm.py"), "--units", str(args.units), "-o", tsv,
                        "--holdout", "2000", "--holdout-file", heldout], check=True)
        print(f"generated {args.units:,} units in {time.perf_counter() - t:.0f} s")
    rng = random.Random(17)
    # Sentences of the memory: lines picked at random positions, read in one pass.
    picks = set(rng.sample(range(args.units), args.queries // 2))
    inside = []
    with open(tsv, encoding="utf-8") as f:
        f.readline()
        for i, line in enumerate(f):
            if i in picks:
                inside.append(line.split("\t")[0])
    vocab = [w for s in inside for w in s.split()]
    held = [l for l in open(heldout, encoding="utf-8").read().splitlines() if l]
    own = [perturb(s, rng, vocab) for s in inside]
    queries = own + [perturb(s, rng, vocab) for s in held[: args.queries - len(inside)]]
    rng.shuffle(queries)

    rows = []
    stores = ([] if args.no_sqlite else ["sqlite"]) + ([] if args.no_pg_store else ["postgres"])
    pg = Postgres() if "postgres" in stores else None
    try:
        for store in stores:
            if store == "sqlite":
                memory = os.path.join(OUT, f"synthetic-{label}.tmdb")
                for suffix in ("", "-wal", "-shm", "-journal"):
                    if os.path.exists(memory + suffix):
                        os.remove(memory + suffix)
            else:
                memory = pg.memory_url(f"scale_{label}")
            secs, peak_kb, p = timed([bench_tm.TMKIT, "tm", "import", tsv, "--memory", memory])
            print(f"{store}: {p.stdout.strip()[-160:]}")
            size = os.path.getsize(memory) / 1e6 if store == "sqlite" else pg.database_mb(f"scale_{label}")
            med, p99, hits = lookups(memory, queries)
            t = time.perf_counter()
            subprocess.run([bench_tm.TMKIT, "tm", "lookup", queries[0], "--source-lang", "en", "--target-lang", "ru", "--memory", memory],
                           check=True, capture_output=True)
            cold = (time.perf_counter() - t) * 1000
            # (On sentences of the memory: a held-out one seldom has a match, and shows nothing.)
            found, expected = recall(memory, own[: args.recall_queries])
            rows.append(dict(store=store, secs=secs, rate=args.units / secs, peak=peak_kb / 1024, size=size, med=med, p99=p99,
                             hits=hits, cold=cold, recall=(found, expected)))
            print(f"{store}: import {secs:.0f} s ({args.units / secs:,.0f} units/s), peak {peak_kb / 1024:,.0f} MB, {size:,.0f} MB on disk; "
                  f"warm median {med:.2f} ms, p99 {p99:.2f} ms ({hits} of {len(queries)} queries found a match); cold {cold:.0f} ms; "
                  f"recall {found}/{expected}", flush=True)
    finally:
        if pg:
            pg.stop()
    print()
    print(f"| synthetic, {args.units:,} units | import s | units/s | peak MB | on disk MB | warm median ms | warm p99 ms | cold process ms | recall |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['store']} | {r['secs']:.0f} | {r['rate']:,.0f} | {r['peak']:,.0f} | {r['size']:,.0f} | {r['med']:.2f} | {r['p99']:.2f} | "
              f"{r['cold']:.0f} | {r['recall'][0]}/{r['recall'][1]} |")
    if len(rows) == 2:
        a, b = rows
        print(f"PostgreSQL/SQLite: import {b['rate'] / a['rate']:.2f}× the units/s, lookup median {b['med'] / a['med']:.2f}×, "
              f"p99 {b['p99'] / a['p99']:.2f}×, size {b['size'] / a['size']:.2f}×")


if __name__ == "__main__":
    main()
