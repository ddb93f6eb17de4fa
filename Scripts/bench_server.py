#!/usr/bin/env python3
"""Load benchmark of `tmkit serve` (on demand, not in CI): wrk on loopback, beside the in-process
`tm lookup --batch` rate and PostgreSQL pg_trgm under pgbench, in one run.

The server holds Debian's memory (bench-out/debian.tmdb, 1.4 million units) and the synthetic
million (bench-out/synthetic.tmdb); Scripts/bench_tm.py makes both. For each memory: lookups
(POST /v1/memories/NAME/lookup) from 64 connections for 30 s, a Lua script cycling through
bench_tm.py's perturbed queries: requests a second, p50 and p99 latency, the server's resident
memory over the run. Then on a copy of the synthetic million the same load while one client imports
100,000 units and 8 clients add units one by one; afterwards every acknowledged add must be in the
memory. Beside them: the `tm lookup --batch` rate of one process on the same queries (what HTTP
costs) and pg_trgm's rate from pgbench with 64 clients on the same strings and queries.

usage: Scripts/bench_server.py [--seconds 30] [--connections 64] [--tmkit BINARY] [--no-postgres] [--skip-debian]
"""
import argparse, json, os, random, re, shutil, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "bench-out")
sys.path.insert(0, HERE)
import bench_tm  # noqa: E402

LUA = r"""
-- Cycles through request bodies, one JSON lookup a line (written by bench_server.py).
local bodies = {}
for line in io.lines(os.getenv("TMKIT_BODIES")) do bodies[#bodies + 1] = line end
local path = os.getenv("TMKIT_PATH")
local counter = 0
local thread_offset = 0
function setup(thread) thread:set("thread_offset", math.random(1, #bodies)) end
function init(args) counter = thread_offset end
request = function()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end
"""


def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


class Sampler(threading.Thread):
    """The server's resident memory once a second."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop_flag = pid, [], False

    def run(self):
        while not self.stop_flag:
            self.samples.append(rss_kb(self.pid))
            time.sleep(1)


def wrk(base, memory, bodies_file, seconds, connections):
    lua = os.path.join(OUT, "lookup.lua")
    open(lua, "w").write(LUA)
    env = dict(os.environ, TMKIT_BODIES=bodies_file, TMKIT_PATH=f"/v1/memories/{memory}/lookup")
    p = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "--latency", "-s", lua, base],
                       capture_output=True, text=True, env=env, check=True)
    out = p.stdout

    def lat(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return dict(rps=rps, p50=lat("50"), p99=lat("99"), non2xx=int(errors.group(1)) if errors else 0, socket=sock.group(1) if sock else "")


def start_server(tmkit, memories, tokens):
    port_file = os.path.join(OUT, f"serve-port-{os.getpid()}")
    if os.path.exists(port_file):
        os.remove(port_file)
    log = open(os.path.join(OUT, "serve.log"), "w")
    args = [tmkit, "serve", "--public-read", "--tokens", tokens, "--port", "0", "--port-file", port_file]
    for name, path in memories:
        args += ["--memory", f"{name}={path}"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    while not os.path.exists(port_file):
        if proc.poll() is not None:
            raise SystemExit("the server did not start: see bench-out/serve.log")
        time.sleep(0.005)
    started = time.perf_counter() - t0
    return proc, f"http://127.0.0.1:{open(port_file).read().strip()}", started


def post(base, path, token, body=None, raw=None, timeout=600):
    h = {"Authorization": "Bearer " + token}
    data = json.dumps(body).encode() if body is not None else raw
    h["Content-Type"] = "application/json" if body is not None else "application/octet-stream"
    req = urllib.request.Request(base + path, data=data, headers=h, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def bodies(queries, path):
    with open(path, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps({"text": q, "sourceLang": "en", "targetLang": "ru", "threshold": 75, "limit": 5}, ensure_ascii=False) + "\n")
    return path


def pgbench_rate(pg, name, choices, queries, seconds, connections):
    """pg_trgm's lookups a second: pgbench with `connections` clients, each query a random one of `queries`."""
    cur = pg.load(name, choices)
    cur.execute(f"DROP TABLE IF EXISTS {name}_q; CREATE TABLE {name}_q (id int primary key, s text)")
    cur.executemany(f"INSERT INTO {name}_q VALUES (%s, %s)", list(enumerate(queries, 1)))
    cur.execute(f"ANALYZE {name}_q")
    script = os.path.join(pg.dir, f"{name}.sql")
    open(script, "w").write(f"\\set i random(1, {len(queries)})\n"
                            f"SELECT t.s, similarity(t.s, q.s) AS sim FROM {name} t, {name}_q q WHERE q.id = :i AND t.s % q.s ORDER BY sim DESC LIMIT 5;\n")
    os.chmod(script, 0o644)
    cmd = [os.path.join(pg.bin, "pgbench"), "-h", pg.dir, "-U", "postgres", "-n", "-c", str(connections), "-j", "2", "-T", str(seconds),
           "-f", script, "postgres"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return tps, float(lat.group(1)) if lat else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--tmkit")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--skip-debian", action="store_true")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    tmkit = os.path.abspath(args.tmkit) if args.tmkit else os.path.join(ROOT, ".build/release/tmkit")
    if not args.tmkit:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tmkit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    bench_tm.TMKIT = tmkit
    rng = random.Random(11)
    sets = []
    if not args.skip_debian:
        _, debian_choices, debian_queries = bench_tm.debian_set(rng, args.queries)
        sets.append(("debian", os.path.join(OUT, "debian.tmdb"), debian_choices, debian_queries))
    syn_choices, syn_queries = bench_tm.synthetic_set(rng, args.queries)
    sets.append(("synthetic", os.path.join(OUT, "synthetic.tmdb"), syn_choices, syn_queries))
    for _, path, _, _ in sets:
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run Scripts/bench_tm.py first (it imports both memories)")

    tokens = os.path.join(OUT, "bench-tokens.json")
    if os.path.exists(tokens):
        os.remove(tokens)
    writer = subprocess.run([tmkit, "serve", "token", "add", "bench", "--role", "write", "--tokens", tokens],
                            capture_output=True, text=True, check=True).stdout.strip()
    results = []
    # 1. Lookups only, both memories in one server.
    proc, base, started = start_server(tmkit, [(n, p) for n, p, _, _ in sets], tokens)
    start_both = started
    print(f"server started in {started * 1000:.0f} ms with {', '.join(n for n, _, _, _ in sets)}")
    try:
        for name, path, choices, queries in sets:
            bf = bodies(queries, os.path.join(OUT, f"bodies-{name}.jsonl"))
            # Warm-up (the pages the lookups read), then the measured run.
            wrk(base, name, bf, 5, args.connections)
            sampler = Sampler(proc.pid)
            sampler.start()
            r = wrk(base, name, bf, args.seconds, args.connections)
            sampler.stop_flag = True
            sampler.join()
            r.update(name=name, phase="lookups", rss_start=sampler.samples[0] / 1024, rss_max=max(sampler.samples) / 1024,
                     rss_end=sampler.samples[-1] / 1024)
            results.append(r)
            print(f"{name}: {r['rps']:.0f} lookups/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, RSS {r['rss_start']:.0f} → max {r['rss_max']:.0f} → {r['rss_end']:.0f} MB"
                  + (f", {r['non2xx']} non-2xx" if r["non2xx"] else ""))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)

    # 2. Lookups while one client imports 100,000 units and 8 clients add units one by one (a copy of the synthetic million).
    copy = os.path.join(OUT, "synthetic-serve.tmdb")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
    shutil.copyfile(os.path.join(OUT, "synthetic.tmdb"), copy)
    imp = os.path.join(OUT, "import-100k.tsv")
    with open(imp, "w", encoding="utf-8") as f:
        f.write("en\tru\n")
        lines = open(os.path.join(OUT, "synthetic-1m.tsv"), encoding="utf-8").read().splitlines()[1:100_001]
        for l in lines:
            en, ru = l.split("\t")[:2]
            f.write(f"Updated wording: {en}\tОбновлённая формулировка: {ru}\n")
    proc, base, started = start_server(tmkit, [("synthetic", copy)], tokens)
    acked, refused, lock = [], [], threading.Lock()
    stop = threading.Event()
    import_report = {}

    def adder(k):
        i = 0
        while not stop.is_set():
            body = {"sourceLang": "en", "targetLang": "ru", "source": f"Desk {k} adds sentence {i} during the load test.",
                    "target": f"Редакция {k} добавляет предложение {i} во время нагрузки."}
            try:
                r = post(base, "/v1/memories/synthetic/units", writer, body=body, timeout=60)
                with lock:
                    acked.append((r["id"], body["source"]))
            except Exception as e:  # noqa: BLE001
                with lock:
                    refused.append(str(e))
            i += 1

    def importer():
        t = time.perf_counter()
        import_report.update(post(base, "/v1/memories/synthetic/import?format=tsv&name=import-100k.tsv", writer, raw=open(imp, "rb").read()))
        import_report["wall"] = time.perf_counter() - t

    try:
        bf = os.path.join(OUT, "bodies-synthetic.jsonl")
        wrk(base, "synthetic", bf, 5, args.connections)
        threads = [threading.Thread(target=adder, args=(k,)) for k in range(8)] + [threading.Thread(target=importer)]
        sampler = Sampler(proc.pid)
        sampler.start()
        for t in threads:
            t.start()
        r = wrk(base, "synthetic", bf, args.seconds, args.connections)
        stop.set()
        for t in threads:
            t.join()
        sampler.stop_flag = True
        sampler.join()
        missing = []
        for uid, source in acked:
            req = urllib.request.Request(f"{base}/v1/memories/synthetic/units/{uid}")
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    u = json.loads(resp.read())
                if u["variants"][0]["text"] != source:
                    missing.append(uid)
            except Exception:  # noqa: BLE001
                missing.append(uid)
        r.update(name="synthetic", phase="lookups + import 100k + 8 adders", rss_start=sampler.samples[0] / 1024,
                 rss_max=max(sampler.samples) / 1024, rss_end=sampler.samples[-1] / 1024)
        results.append(r)
        print(f"synthetic under writes: {r['rps']:.0f} lookups/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; "
              f"import of {import_report.get('read')} units: {import_report.get('added')} added in {import_report.get('wall', float('nan')):.1f} s; "
              f"{len(acked)} adds acknowledged, {len(refused)} refused, {len(missing)} missing afterwards; RSS max {r['rss_max']:.0f} MB")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)

    # 3. In process: `tm lookup --batch` on the same queries; pg_trgm under pgbench.
    inproc = {}
    for name, path, choices, queries in sets:
        t = time.perf_counter()
        med, p99, _ = bench_tm.tmkit_lookups(path, queries)
        inproc[name] = (len(queries) / (time.perf_counter() - t), med, p99)
    pgrates = {}
    if not args.no_postgres:
        pg = bench_tm.Postgres()
        try:
            for name, path, choices, queries in sets:
                pgrates[name] = pgbench_rate(pg, name, choices, queries, args.seconds, args.connections)
        finally:
            pg.stop()

    print()
    print(f"| memory | load | lookups/s over HTTP ({args.connections} connections) | p50 ms | p99 ms | server RSS MB (start → max → end) | "
          f"tm lookup --batch lookups/s (one process) | HTTP ÷ in-process | pg_trgm lookups/s (pgbench, {args.connections} clients) | tmkit ÷ pg_trgm |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ip = inproc.get(r["name"], (float("nan"),) * 3)
        pgr = pgrates.get(r["name"], (float("nan"), float("nan")))
        print(f"| {r['name']} | {r['phase']} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rss_start']:.0f} → {r['rss_max']:.0f} → {r['rss_end']:.0f} | "
              f"{ip[0]:,.0f} | {r['rps'] / ip[0]:.2f} | {pgr[0]:,.1f} | {r['rps'] / pgr[0]:.0f} |")
    print(f"\nserver start (listening) with {', '.join(n for n, _, _, _ in sets)}: {start_both * 1000:.0f} ms")


if __name__ == "__main__":
    main()
