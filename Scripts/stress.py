#!/usr/bin/env python3
"""Stress and fault test: several processes write one memory and one glossary at once while random
writers are killed with SIGKILL; afterwards every acknowledged write must be there exactly once.

Each writer thread runs tmkit commands one after another, of every kind that writes: tm add, tm
import (TSV, PO, TMX), l10n import (PO), align --into, tm remove, tm optimize, glossary add, glossary
import. A write is acknowledged when its command exits 0 with its success line; the script logs it.
A killer sends SIGKILL to a random running tmkit process at random moments (mid-import,
mid-optimize, mid-commit). At the end:

- every acknowledged unit is in the memory exactly once (a removed one not at all), and every
  acknowledged glossary entry is in the glossary;
- an import is all or nothing: of each file's units, all are there or none (all when acknowledged);
- `tm verify` and `glossary verify` pass;
- indexed lookups equal `--exhaustive` on sampled queries.

Traffic is local processes on local files only; the run is bounded by --seconds and --max-ops.

With --memory postgres://…?memory=NAME the memory is in PostgreSQL (and with --glossary
postgres://…?glossary=NAME the glossary), and
with --pg-restart DIR the PostgreSQL cluster in DIR (Scripts/pg_cluster.sh) is restarted (fast
shutdown: every connection cut, transactions in flight rolled back) at random moments, twice by
default: writes cut off then are not acknowledged, and must be all or nothing.

usage: Scripts/stress.py [--tmkit .build/debug/tmkit] [--seconds 90] [--writers 6] [--seed 1]
                         [--kill-mean 1.5] [--max-ops 100000] [--queries 20] [--max-import 3000]
                         [--big-import 30000] [--keep DIR] [--memory URL] [--pg-restart DIR [--restarts 2]]
Exit status 0 when nothing was lost and both stores verify; 1 otherwise.
"""
import faulthandler
import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time

sys.stdout.reconfigure(line_buffering=True)

WORDS = ("desk news report minister talks border city council vote budget energy market price "
         "storm river school court health water trade summit agency statement week people").split()
RU = ("новости доклад министр переговоры граница город совет голос бюджет энергия рынок цена "
      "буря река школа суд здоровье вода торговля саммит агентство заявление неделя люди").split()


class Run:
    def __init__(self, args):
        self.args = args
        self.tmkit = os.path.abspath(args.tmkit)
        self.dir = args.keep or tempfile.mkdtemp(prefix="tmkit-stress-")
        os.makedirs(self.dir, exist_ok=True)
        self.memory = args.memory or os.path.join(self.dir, "stress.tmdb")
        self.restarts = 0
        self.glossary = args.glossary or os.path.join(self.dir, "stress.tbdb")
        self.lock = threading.Lock()
        self.procs = set()
        self.deadline = time.time() + args.seconds
        self.ops = 0
        self.counts = {}
        # What was acknowledged: sources of single units, import batches, glossary pairs, removals.
        self.units = {}        # source -> target (acknowledged adds and aligned pairs)
        self.maybe_units = {}  # source -> target of writes not acknowledged (killed or failed)
        self.batches = []      # (tag, n, acknowledged)
        self.removed = set()   # sources whose unit was removed (acknowledged)
        self.maybe_removed = set()
        self.terms = set()     # (source, target)
        self.kills = 0
        self.errors = []       # unexpected failures (not a kill, not a busy timeout)
        self.busy = 0

    def count(self, kind, outcome):
        with self.lock:
            self.counts.setdefault(kind, {}).setdefault(outcome, 0)
            self.counts[kind][outcome] += 1

    def run_cmd(self, args, stdin=None):
        """Runs tmkit; returns (returncode, stdout, stderr); -9 when killed."""
        p = subprocess.Popen([self.tmkit] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, text=True)
        with self.lock:
            self.procs.add(p)
        try:
            out, err = p.communicate(stdin, timeout=300)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            self.errors.append(f"timed out: tmkit {' '.join(args[:3])}")
        finally:
            with self.lock:
                self.procs.discard(p)
        return p.returncode, out, err

    def judge(self, kind, rc, err, args):
        """'ok', 'killed' or 'failed' (a busy timeout is an honest failure; anything else is an error)."""
        if rc == 0:
            self.count(kind, "acknowledged")
            return "ok"
        if rc == -signal.SIGKILL:
            self.count(kind, "killed")
            return "killed"
        self.count(kind, "failed")
        if "another process has been writing" in err:
            with self.lock:
                self.busy += 1
        elif ("no memory here" in err or "no glossary here" in err or "has no memory 'stress" in err
              or "has no glossary 'stress" in err):
            pass  # (optimize or verify before any writer created the store: the right answer)
        elif self.args.pg_restart and ("PostgreSQL" in err and ("was closed" in err or "cannot reach" in err
                                                                 or "shutting down" in err or "starting up" in err
                                                                 or "terminating connection" in err)):
            with self.lock:
                self.busy += 1  # (cut off by the restart of the database: not acknowledged, honestly)
        else:
            with self.lock:
                self.errors.append(f"tmkit {' '.join(args[:2])} exited {rc}: {err.strip()[:300]}")
        return "failed"


def sentence(rng, tag, i):
    ws = [rng.choice(WORDS) for _ in range(rng.randint(3, 9))]
    return f"{tag} {i} " + " ".join(ws) + ".", f"{tag} {i} " + " ".join(rng.choice(RU) for _ in ws) + "."


def writer(run, w, seed):
    rng = random.Random(seed)
    n = 0
    mine = []  # acknowledged sources this writer may remove
    work = os.path.join(run.dir, f"w{w}")
    os.makedirs(work, exist_ok=True)
    while time.time() < run.deadline:
        with run.lock:
            if run.ops >= run.args.max_ops:
                return
            run.ops += 1
        n += 1
        tag = f"s{run.args.seed}w{w}n{n}"
        kind = rng.choices(["add", "tsv", "po", "tmx", "l10n", "align", "remove", "optimize", "gadd", "gimport"],
                           [30, 8, 4, 4, 4, 5, 6, 2, 12, 3])[0]
        if kind == "add":
            src, tgt = sentence(rng, tag, 0)
            args = ["tm", "add", src, tgt, "--source-lang", "en", "--target-lang", "ru", "--memory", run.memory]
            rc, out, err = run.run_cmd(args)
            if run.judge(kind, rc, err, args) == "ok" and "added" in out:
                with run.lock:
                    run.units[src] = tgt
                mine.append(src)
            else:
                with run.lock:
                    run.maybe_units[src] = tgt
        elif kind in ("tsv", "po", "tmx", "l10n"):
            count = rng.choice([1, 5, 50, 400, run.args.max_import]) if kind != "l10n" else rng.choice([1, 20, 300])
            if kind in ("tsv", "tmx") and rng.random() < 0.08:
                # A large import: its index flushes take the paths a small one does not (the
                # duplicate keys sorted on another thread, the log synced in the background).
                count = run.args.big_import
            pairs = [sentence(rng, tag, i) for i in range(count)]
            path = os.path.join(work, f"{tag}.{ 'tsv' if kind == 'tsv' else 'tmx' if kind == 'tmx' else 'po'}")
            write_file(path, kind, pairs)
            if kind == "l10n":
                args = ["l10n", "import", path, "--source-lang", "en", "--target-lang", "ru", "--memory", run.memory]
            else:
                args = ["tm", "import", path, "--memory", run.memory] + (["--target-lang", "ru"] if kind == "po" else [])
            rc, out, err = run.run_cmd(args)
            ok = run.judge(kind, rc, err, args) == "ok"
            with run.lock:
                run.batches.append((tag, count, ok))
        elif kind == "align":
            pairs = [sentence(rng, tag, i) for i in range(3)]
            s, t = os.path.join(work, f"{tag}.en.txt"), os.path.join(work, f"{tag}.ru.txt")
            open(s, "w").write("\n".join(p[0] for p in pairs) + "\n")
            open(t, "w").write("\n".join(p[1] for p in pairs) + "\n")
            args = ["align", s, t, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--into", run.memory,
                    "--min-score", "0", "--force"]
            rc, out, err = run.run_cmd(args)
            ok = run.judge(kind, rc, err, args) == "ok"
            with run.lock:
                run.batches.append((tag, 3, ok))
        elif kind == "remove":
            if not mine:
                continue
            src = mine.pop(rng.randrange(len(mine)))
            rc, out, err = run.run_cmd(["tm", "concordance", src, "--source-lang", "en", "--format", "json", "--memory", run.memory])
            if rc != 0:  # (killed, or waiting past the busy timeout: tried again later)
                mine.append(src)
                continue
            hits = [h for h in json.loads(out or "[]") if h.get("source") == src]
            if len(hits) != 1:
                with run.lock:
                    run.errors.append(f"before removing, '{src}' found {len(hits)} times (rc {rc}: {err.strip()[:200]})")
                continue
            uid = hits[0]["id"] if "id" in hits[0] else hits[0]["unit"]["id"]
            args = ["tm", "remove", str(uid), "--memory", run.memory]
            rc, out, err = run.run_cmd(args)
            ok = run.judge(kind, rc, err, args) == "ok"
            with run.lock:
                (run.removed if ok else run.maybe_removed).add(src)
        elif kind == "optimize":
            args = ["tm", "optimize", "--memory", run.memory] + (["--no-compact"] if rng.random() < 0.5 else [])
            rc, out, err = run.run_cmd(args)
            run.judge(kind, rc, err, args)
        elif kind == "gadd":
            src, tgt = f"term {tag}", f"термин {tag}"
            args = ["glossary", "add", src, tgt, "--source-lang", "en", "--target-lang", "ru", "--glossary", run.glossary]
            rc, out, err = run.run_cmd(args)
            if run.judge(kind, rc, err, args) == "ok":
                with run.lock:
                    run.terms.add((src, tgt))
        elif kind == "gimport":
            path = os.path.join(work, f"{tag}.glossary.tsv")
            rows = [(f"term {tag} {i}", f"термин {tag} {i}") for i in range(rng.choice([2, 30, 200]))]
            open(path, "w").write("en\tru\n" + "".join(f"{a}\t{b}\n" for a, b in rows))
            args = ["glossary", "import", path, "--glossary", run.glossary]
            rc, out, err = run.run_cmd(args)
            if run.judge(kind, rc, err, args) == "ok":
                with run.lock:
                    run.terms.update(rows)


def esc_xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_file(path, kind, pairs):
    with open(path, "w", encoding="utf-8") as f:
        if kind == "tsv":
            f.write("en\tru\n")
            for s, t in pairs:
                f.write(f"{s}\t{t}\n")
        elif kind in ("po", "l10n"):
            f.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n\n')
            for i, (s, t) in enumerate(pairs):
                f.write(f'msgctxt "k{i}"\nmsgid "{s}"\nmsgstr "{t}"\n\n')
        else:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="stress" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="en" datatype="plaintext"/><body>\n')
            for s, t in pairs:
                f.write(f'<tu><tuv xml:lang="en"><seg>{esc_xml(s)}</seg></tuv><tuv xml:lang="ru"><seg>{esc_xml(t)}</seg></tuv></tu>\n')
            f.write("</body></tmx>\n")


def killer(run, seed):
    rng = random.Random(seed)
    while time.time() < run.deadline:
        time.sleep(rng.expovariate(1 / run.args.kill_mean))
        with run.lock:
            procs = [p for p in run.procs if p.poll() is None]
        if procs:
            p = rng.choice(procs)
            try:
                os.kill(p.pid, signal.SIGKILL)
                with run.lock:
                    run.kills += 1
            except ProcessLookupError:
                pass


def restarter(run, seed):
    """Restarts the PostgreSQL cluster at random moments of the run (fast shutdown, then start)."""
    rng = random.Random(seed)
    span = run.args.seconds
    moments = sorted(rng.uniform(0.2 * span, 0.8 * span) for _ in range(run.args.restarts))
    t0 = time.time()
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pg_cluster.sh")
    for m in moments:
        delay = t0 + m - time.time()
        if delay > 0:
            time.sleep(delay)
        p = subprocess.run([script, "restart", run.args.pg_restart], capture_output=True, text=True)
        with run.lock:
            if p.returncode == 0:
                run.restarts += 1
            else:
                run.errors.append(f"the PostgreSQL restart failed: {p.stderr.strip()[:300]}")


def check(run):
    problems = []
    export = os.path.join(run.dir, "final.tsv")
    p = subprocess.run([run.tmkit, "tm", "export", export, "--source-lang", "en", "--target-lang", "ru", "--memory", run.memory],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return [f"export failed: {p.stderr.strip()}"], {}
    found = {}
    with open(export, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        si, ti = header.index("en"), header.index("ru")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            found.setdefault(cols[si], []).append(cols[ti])
    lost = dup = resurrected = 0
    for src, tgt in run.units.items():
        got = found.get(src, [])
        if src in run.removed:
            if got:
                resurrected += 1
                problems.append(f"removed unit still there: {src}")
        elif src in run.maybe_removed:
            if len(got) > 1:
                dup += 1
        elif len(got) != 1 or got[0] != tgt:
            if not got:
                lost += 1
            else:
                dup += 1
            problems.append(f"acknowledged unit found {len(got)} times: {src} -> {got[:3]}")
    for src in run.maybe_units:
        if len(found.get(src, [])) > 1:
            dup += 1
            problems.append(f"unacknowledged unit stored {len(found[src])} times: {src}")
    by_tag = {}
    for src in found:
        by_tag[src.split(" ", 1)[0]] = by_tag.get(src.split(" ", 1)[0], 0) + len(found[src])
    partial = 0
    for tag, n, ok in run.batches:
        got = by_tag.get(tag, 0)
        if ok and got != n:
            lost += n - got if got < n else 0
            problems.append(f"acknowledged import {tag}: {got} of {n} units")
        elif not ok and got not in (0, n):
            partial += 1
            problems.append(f"unacknowledged import {tag} left {got} of {n} units (not all or nothing)")
    # Glossary.
    g = os.path.join(run.dir, "final.glossary.tsv")
    terms = set()
    glossary_made = run.glossary.startswith("postgres") or os.path.exists(run.glossary)
    if glossary_made:
        p = subprocess.run([run.tmkit, "glossary", "export", g, "--source-lang", "en", "--target-lang", "ru", "--glossary", run.glossary],
                           capture_output=True, text=True)
        if p.returncode != 0:
            problems.append(f"glossary export failed: {p.stderr.strip()}")
        else:
            with open(g, encoding="utf-8") as f:
                f.readline()
                for line in f:
                    cols = line.rstrip("\n").split("\t")
                    if len(cols) >= 2:
                        terms.add((cols[0], cols[1]))
    glost = len(run.terms - terms)
    for t in sorted(run.terms - terms)[:10]:
        problems.append(f"acknowledged glossary entry missing: {t}")
    # Verify both stores.
    verify_failures = 0
    for args in (["tm", "verify", "--memory", run.memory], ["glossary", "verify", "--glossary", run.glossary]):
        if args[0] == "glossary" and not glossary_made:
            continue
        p = subprocess.run([run.tmkit] + args, capture_output=True, text=True)
        if p.returncode != 0:
            verify_failures += 1
            problems.append(f"{' '.join(args[:2])} failed: {(p.stdout + p.stderr).strip()[:1500]}")
    # Indexed lookups against exhaustive ones on sampled queries (perturbed stored sources).
    rng = random.Random(run.args.seed)
    sample = rng.sample(sorted(found), min(run.args.queries, len(found)))
    queries = []
    for s in sample:
        w = s.split()
        w[rng.randrange(len(w))] = rng.choice(WORDS)
        queries.append(" ".join(w))
    qf = os.path.join(run.dir, "queries.txt")
    open(qf, "w").write("\n".join(queries) + "\n")
    outs = []
    for extra in ([], ["--exhaustive"]):
        p = subprocess.run([run.tmkit, "tm", "lookup", "--batch", qf, "--source-lang", "en", "--target-lang", "ru", "--format", "json",
                            "--threshold", "60", "--limit", "10", "--memory", run.memory] + extra, capture_output=True, text=True)
        if p.returncode != 0:
            problems.append(f"lookup {extra} failed: {p.stderr.strip()[:300]}")
            outs.append(None)
        else:
            outs.append([[(m["id"], m["score"]) for m in json.loads(l)] for l in p.stdout.splitlines()])
    lookup_mismatch = 0
    if outs[0] is not None and outs[1] is not None:
        for q, a, b in zip(queries, outs[0], outs[1]):
            if a != b:
                lookup_mismatch += 1
                problems.append(f"indexed lookup differs from exhaustive for '{q}': {a[:5]} vs {b[:5]}")
    stats = dict(lost=lost, duplicated=dup, resurrected=resurrected, partial_imports=partial, glossary_lost=glost,
                 verify_failures=verify_failures, lookup_mismatches=lookup_mismatch, queries=len(queries),
                 units_in_memory=sum(len(v) for v in found.values()), glossary_entries=len(terms))
    return problems, stats


def main():
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tmkit", default=".build/debug/tmkit")
    ap.add_argument("--seconds", type=float, default=90)
    ap.add_argument("--writers", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kill-mean", type=float, default=1.5, help="mean seconds between kills")
    ap.add_argument("--max-ops", type=int, default=100000)
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--queries", type=int, default=20, help="sampled queries compared with --exhaustive at the end")
    ap.add_argument("--max-import", type=int, default=3000, help="units in the largest usual import file")
    ap.add_argument("--big-import", type=int, default=30000, help="units of the rare large import (8%% of TSV and TMX imports)")
    ap.add_argument("--memory", help="a postgres:// URL of the memory (default: a file in the work folder)")
    ap.add_argument("--glossary", help="a postgres:// URL of the glossary (default: a file in the work folder)")
    ap.add_argument("--pg-restart", help="the folder of a Scripts/pg_cluster.sh cluster to restart during the run")
    ap.add_argument("--restarts", type=int, default=2, help="restarts of the database during the run")
    args = ap.parse_args()
    run = Run(args)
    t0 = time.time()
    threads = [threading.Thread(target=writer, args=(run, w, args.seed * 1000 + w)) for w in range(args.writers)]
    threads.append(threading.Thread(target=killer, args=(run, args.seed * 1000 + 999)))
    if args.pg_restart:
        threads.append(threading.Thread(target=restarter, args=(run, args.seed * 1000 + 998)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - t0
    problems, stats = check(run)
    acknowledged = sum(c.get("acknowledged", 0) for c in run.counts.values())
    print(f"stress: seed {args.seed}, {args.writers} writers, {elapsed:.0f} s, {run.ops} writes tried, "
          f"{acknowledged} acknowledged, {run.kills} kills, {run.busy} busy timeouts or cut connections"
          + (f", {run.restarts} restarts of PostgreSQL" if args.pg_restart else ""))
    for kind in sorted(run.counts):
        c = run.counts[kind]
        print(f"  {kind:9} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print("  after: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    for e in run.errors[:20]:
        print("unexpected failure: " + e)
    for p in problems[:40]:
        print("problem: " + p)
    bad = problems or run.errors
    print(f"stress: {'FAILED' if bad else 'ok'}: writes lost {stats.get('lost', '?')}, verify failures {stats.get('verify_failures', '?')}")
    if not args.keep and not bad:
        shutil.rmtree(run.dir, ignore_errors=True)
    elif bad:
        print(f"(work folder kept: {run.dir})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
