#!/usr/bin/env python3
"""tmkit on PostgreSQL, end to end, against a real server (Scripts/pg_cluster.sh starts one):

- the `tm` commands and `align --into` and `l10n import` on `--memory postgres://…?memory=NAME` give
  the same output as on a memory file (lookups, batch lookups, concordance, stats, list, export);
- `tm copy` file → PostgreSQL → file keeps every unit (the two exports are equal);
- the `glossary` commands, `qa --glossary` and `align --glossary` on `--glossary postgres://…?glossary=NAME`
  give the same output as on a glossary file; `glossary copy` there and back keeps every entry;
  `tmkit serve` serves a PostgreSQL glossary;
- bad input: an unreachable port, a wrong password, a database with other tables, a malformed
  URL: a clear message, exit 1, nothing written;
- `tmkit serve` on a PostgreSQL memory; with a streaming replica (a second cluster started here)
  and `--read-url`, a unit written through one server is read through another server that reads
  the replica, after replication.

usage: Scripts/pg_check.py --tmkit .build/debug/tmkit   (needs $TMKIT_PG_URL, $TMKIT_PG_DIR,
       $TMKIT_PG_PASSWORD from `eval "$(Scripts/pg_cluster.sh start)"`; --no-replica skips the replica)
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import ROOT, SAMPLE, check, finish  # noqa: E402
from server_check import Server, jrequest, request  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=".build/debug/tmkit")
    ap.add_argument("--no-replica", action="store_true")
    args = ap.parse_args()
    tmkit = os.path.abspath(args.tmkit)
    base = os.environ.get("TMKIT_PG_URL")
    if not base:
        print("pg_check: TMKIT_PG_URL is not set (eval \"$(Scripts/pg_cluster.sh start)\" first)")
        sys.exit(1)
    folder = tempfile.mkdtemp(prefix="tmkit-pgcheck-")
    run_id = uuid.uuid4().hex[:6]

    def cli(*a, stdin=None):
        env = dict(os.environ, TMKIT_MEMORY="", TMKIT_SERVER="")
        return subprocess.run([tmkit, *a], cwd=folder, capture_output=True, text=True, input=stdin, env=env)

    pg = f"{base}?memory=news-{run_id}"
    file = os.path.join(folder, "news.tmdb")
    ui = os.path.join(SAMPLE, "ui-strings.en-ru.tsv")
    en, ru = os.path.join(SAMPLE, "sentences-en.txt"), os.path.join(SAMPLE, "sentences-ru.txt")

    print("== The same commands on a memory file and on PostgreSQL")
    for m in (file, pg):
        r = cli("tm", "import", ui, "--memory", m)
        check(r.returncode == 0 and "added" in r.stdout, f"tm import into {m.split('?')[0][:40]}: {r.stdout.strip()[-80:]} {r.stderr.strip()[:200]}")
        r = cli("align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--into", m)
        check(r.returncode == 0 and "stored" in r.stdout, f"align --into: {r.stdout.strip()[-80:]} {r.stderr.strip()[:200]}")
        r = cli("tm", "add", "The ministry said on Friday.", "Министерство заявило в пятницу.", "--source-lang", "en", "--target-lang", "ru", "--memory", m)
        check(r.returncode == 0, f"tm add: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        r = cli("tm", "add", "The ministry said on Friday.", "МИД сообщил в пятницу.", "--source-lang", "en", "--target-lang", "ru", "--memory", m, "--overwrite")
        check(r.returncode == 0 and "replaced" in r.stdout, f"tm add --overwrite: {r.stdout.strip()}")
    sentences = [l.strip() for l in open(en, encoding="utf-8") if l.strip()]
    queries = sentences[:6] + ["The Defence Ministry said on Friday.", "Subscribe to our newsletter", "Iraq intends to fight"]
    same = 0
    for q in queries:
        outs = []
        for m in (file, pg):
            r = cli("tm", "lookup", q, "--source-lang", "en", "--target-lang", "ru", "--threshold", "50", "--format", "json", "--memory", m)
            outs.append(json.loads(r.stdout) if r.returncode == 0 else r.stderr)
        for o in outs:
            if isinstance(o, list):
                for mt in o:
                    for k in ("changedAt", "createdAt", "lastUsedAt", "created", "changed", "lastUsed"):
                        mt.get("unit", mt).pop(k, None)
        if outs[0] == outs[1]:
            same += 1
        else:
            import difflib
            a, b = (json.dumps(o, indent=1, ensure_ascii=False).splitlines() for o in outs)
            print("   differs:", q, "\n     " + "\n     ".join(list(difflib.unified_diff(a, b, "file", "postgres", n=1, lineterm=""))[:16]))
    check(same == len(queries), f"tm lookup --format json: {same} of {len(queries)} queries answer the same on both stores (dates aside)")
    batch = "\n".join(queries) + "\n"
    outs = [cli("tm", "lookup", "--batch", "-", "--source-lang", "en", "--target-lang", "ru", "--memory", m, stdin=batch) for m in (file, pg)]
    import re
    strip = lambda t: re.sub(r"changed \d{4}-\d\d-\d\dT[\d:]+Z", "changed D", t)
    if strip(outs[0].stdout) != strip(outs[1].stdout):
        import difflib
        print("     " + "\n     ".join(list(difflib.unified_diff(strip(outs[0].stdout).splitlines(), strip(outs[1].stdout).splitlines(), "file", "postgres", n=1, lineterm=""))[:20]))
    check(outs[0].returncode == 0 and strip(outs[0].stdout) == strip(outs[1].stdout) and len(outs[0].stdout) > 200,
          f"tm lookup --batch: the same text output ({len(outs[0].stdout)} bytes) {outs[1].stderr[:200]}")
    for args_ in (["tm", "concordance", "ministry", "--source-lang", "en", "--target-lang", "ru"],
                  ["tm", "concordance", "министерств", "--source-lang", "en", "--target-lang", "ru", "--side", "target"],
                  ["tm", "stats"], ["tm", "list", "--limit", "5", "--offset", "3"]):
        outs = [cli(*args_, "--memory", m) for m in (file, pg)]
        a, b = (strip(o.stdout).replace(file, "M").replace(pg.split("://")[1].split("@")[1], "M") for o in outs)
        b = b.replace(f"postgres://tmkit@M", "M")
        check(outs[0].returncode == 0 and outs[1].returncode == 0 and a == b and a.strip() != "",
              f"{' '.join(args_[:2])}{' ' + args_[2] if len(args_) > 2 else ''}: the same on both stores {outs[1].stderr[:200]}")
    exports = []
    for m, name in ((file, "a.tmx"), (pg, "b.tmx")):
        r = cli("tm", "export", name, "--memory", m)
        check(r.returncode == 0, f"tm export {name}: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        exports.append(open(os.path.join(folder, name), encoding="utf-8").read())
    norm = lambda t: "\n".join(l for l in t.splitlines() if "creationdate" not in l and "changedate" not in l and "<header" not in l)
    import re
    undate = lambda t: re.sub(r' (creationdate|changedate|lastusagedate)="[^"]*"', "", t)
    check(undate(exports[0]) == undate(exports[1]) and exports[0].count("<tu") > 30,
          f"tm export: the same TMX from both stores ({exports[0].count('<tu')} units, dates aside)")
    r = cli("tm", "verify", "--memory", pg)
    check(r.returncode == 0, f"tm verify on PostgreSQL: {r.stdout.strip()[:200]}")
    r = cli("tm", "optimize", "--memory", pg)
    check(r.returncode == 0 and "one part each" in r.stdout, f"tm optimize on PostgreSQL: {r.stdout.strip()[:200]} {r.stderr[:200]}")

    print("== tm copy: a file to PostgreSQL and back")
    copy_pg = f"{base}?memory=copy-{run_id}"
    back = os.path.join(folder, "back.tmdb")
    r = cli("tm", "copy", file, copy_pg)
    check(r.returncode == 0 and "units copied" in r.stdout, f"tm copy FILE URL: {r.stdout.strip()} {r.stderr.strip()[:200]}")
    r = cli("tm", "copy", file, copy_pg)
    check(r.returncode == 1 and "already holds" in r.stderr, f"a second copy into it is refused: {r.stderr.strip()}")
    r = cli("tm", "copy", copy_pg, back)
    check(r.returncode == 0 and "units copied" in r.stdout, f"tm copy URL FILE: {r.stdout.strip()} {r.stderr.strip()[:200]}")
    outs = []
    for m, name in ((file, "orig.tmx"), (back, "back.tmx")):
        cli("tm", "export", name, "--memory", m)
        outs.append(undate(open(os.path.join(folder, name), encoding="utf-8").read()))
    check(outs[0] == outs[1], "the memory copied there and back exports the same TMX")

    print("== The same glossary commands on a glossary file and on PostgreSQL")
    gpg = f"{base}?glossary=desk-{run_id}"
    gfile = os.path.join(folder, "desk.tbdb")
    terms = os.path.join(SAMPLE, "glossary.en-ru.tsv")
    article = os.path.join(SAMPLE, "article-en.txt")
    for g in (gfile, gpg):
        r = cli("glossary", "import", terms, "--glossary", g)
        check(r.returncode == 0 and "entries imported" in r.stdout, f"glossary import into {g.split('?')[0][:40]}: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        r = cli("glossary", "add", "airstrike", "авиаудар", "--source-lang", "en", "--target-lang", "ru", "--glossary", g)
        check(r.returncode == 0 and "added" in r.stdout, f"glossary add: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        r = cli("glossary", "add", "airstrike", "авиаудар", "--source-lang", "en", "--target-lang", "ru", "--note", "news", "--glossary", g)
        check(r.returncode == 0 and "already there; updated" in r.stdout, f"glossary add of a pair present updates it: {r.stdout.strip()}")
        entry = r.stdout.split()[1].rstrip(":")
        r = cli("glossary", "edit", entry, "--lang", "ru", "--text", "авиаудары", "--status", "deprecated", "--glossary", g)
        check(r.returncode == 0, f"glossary edit: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        r = cli("glossary", "remove", "1", "--glossary", g)
        check(r.returncode == 0, f"glossary remove: {r.stdout.strip()} {r.stderr.strip()[:200]}")
        r = cli("glossary", "remove", "1", "--glossary", g)
        check(r.returncode == 1 and "no entry 1" in r.stderr, f"a second remove: exit {r.returncode}, {r.stderr.strip()[:120]}")
    # Strings of the desk's site: a term translated otherwise, a deprecated term used, one right.
    strings = os.path.join(folder, "strings.en-ru.tsv")
    with open(strings, "w", encoding="utf-8") as f:
        f.write("key\ten\tru\nbanner\tThe Deputy Foreign Minister said\tПосол сказал\nmenu\tAirstrikes\tАвиаудары\nok\tISIL fighters\tбоевики ИГИЛ\n")
    commands = [
        ("glossary list --format json", ["glossary", "list", "--format", "json"]),
        ("glossary search", ["glossary", "search", "исламского государства"]),
        ("glossary search (a typo)", ["glossary", "search", "Ministri"]),
        ("glossary find", ["glossary", "find", "--file", article, "--source-lang", "en", "--target-lang", "ru", "--format", "json"]),
        ("glossary check", ["glossary", "check", en, ru, "--source-lang", "en", "--target-lang", "ru", "--format", "json"]),
        ("glossary export (TBX)", ["glossary", "export", "out.tbx", "--source-lang", "en", "--target-lang", "ru"]),
        ("glossary export (TSV)", ["glossary", "export", "out.tsv", "--source-lang", "en", "--target-lang", "ru"]),
        ("qa --glossary", ["qa", strings, "--source-lang", "en", "--target-lang", "ru", "--format", "json"]),
        ("align --glossary", ["align", en, ru, "--source-lang", "en", "--target-lang", "ru", "--presegmented", "--format", "json"]),
        ("glossary verify", ["glossary", "verify", "--format", "json"]),
    ]
    def undated(text, g):
        return "\n".join(l for l in text.replace(re.sub(r"://([^:@/]+):[^@]*@", r"://\1@", g), "G").splitlines()
                         if '"created' not in l and '"changed' not in l and '"seconds"' not in l and "Date>" not in l)
    for what, argv in commands:
        outs = []
        for g in (gfile, gpg):
            r = cli(*argv, "--glossary", g)
            text = r.stdout
            if argv[2] in ("out.tsv", "out.tbx"):
                text = open(os.path.join(folder, argv[2]), encoding="utf-8").read()
            outs.append((r.returncode, undated(text, g)))
        check(outs[0] == outs[1] and len(outs[0][1]) > 20, f"{what}: the same output from both stores (exit {outs[0][0]}, {len(outs[0][1])} characters)")
    r = cli("glossary", "list", "--glossary", f"{base}?glossary=absent-{run_id}")
    check(r.returncode == 1 and "has no glossary 'absent-" in r.stderr and "desk-" in r.stderr, f"a missing glossary names the others: {r.stderr.strip()[:200]}")
    copy_g = f"{base}?glossary=copy-{run_id}"
    back_g = os.path.join(folder, "back.tbdb")
    r = cli("glossary", "copy", gfile, copy_g)
    check(r.returncode == 0 and "entries" in r.stdout, f"glossary copy FILE URL: {r.stdout.strip()} {r.stderr.strip()[:200]}")
    r = cli("glossary", "copy", gfile, copy_g)
    check(r.returncode == 1 and "already holds" in r.stderr, f"a second copy into it is refused: {r.stderr.strip()[:160]}")
    r = cli("glossary", "copy", copy_g, back_g)
    check(r.returncode == 0, f"glossary copy URL FILE: {r.stdout.strip()} {r.stderr.strip()[:200]}")
    exports = []
    for g in (gfile, back_g):
        cli("glossary", "export", "copy.tbx", "--source-lang", "en", "--target-lang", "ru", "--glossary", g)
        # (Entry ids are each glossary's own: the copy numbers its entries from 1.)
        exports.append(re.sub(r' id="e\d+"', "", open(os.path.join(folder, "copy.tbx"), encoding="utf-8").read()))
    check(exports[0] == exports[1] and exports[0].count("<termEntry") > 5,
          f"the glossary copied there and back exports the same TBX ({exports[0].count('<termEntry')} entries)")

    print("== Bad input: a clear message, exit 1, nothing written")
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); free = s.getsockname()[1]; s.close()
    host_part = base.split("@")[1]
    port = host_part.split(":")[1].split("/")[0]
    cases = [
        (base.replace(f":{port}/", f":{free}/") + "?memory=x", "cannot reach PostgreSQL at 127.0.0.1:"),
        (base.replace(os.environ.get("TMKIT_PG_PASSWORD", "?"), "wrong") + "?memory=x", "refused user 'tmkit'"),
        (base + "?memroy=x", "unknown parameter 'memroy'"),
        (base.rsplit("/", 1)[0] + "/no_such_db?memory=x", "has no database 'no_such_db'"),
    ]
    for url, expected in cases:
        r = cli("tm", "add", "A.", "Б.", "--source-lang", "en", "--target-lang", "ru", "--memory", url)
        check(r.returncode == 1 and expected in r.stderr and "wrong" not in r.stderr,
              f"{expected}: exit {r.returncode}, {r.stderr.strip()[:160]}")
    r = cli("tm", "lookup", "Hello", "--source-lang", "en", "--target-lang", "ru", "--memory", f"{base}?memory=absent-{run_id}")
    check(r.returncode == 1 and "has no memory 'absent-" in r.stderr, f"a lookup in a missing memory: {r.stderr.strip()[:160]}")

    print("== tmkit serve on PostgreSQL, with a streaming replica for reads")
    tokens = os.path.join(folder, "Memories", "tokens.json")
    made = cli("serve", "token", "add", "desk", "--role", "write", "--tokens", tokens)
    desk_token = made.stdout.strip()
    server = Server(tmkit, folder, "--memory", f"news={pg}", "--glossary", f"desk={gpg}", "--public-read", "--tokens", tokens)
    try:
        s, body = jrequest(server.base, "GET", "/v1/memories/news/lookup?text=Subscribe&sourceLang=en&targetLang=ru")
        check(s == 200 and isinstance(body, list) and body and body[0]["score"] == 100, f"a lookup through the server: {s} {str(body)[:120]}")
        s, body = jrequest(server.base, "POST", "/v1/glossaries/desk/entries", token=desk_token,
                           body={"source": "sortie", "target": "боевой вылет", "sourceLang": "en", "targetLang": "ru"})
        check(s in (200, 201), f"a glossary entry added through the server: {s} {str(body)[:120]}")
        r = cli("glossary", "search", "боевые вылеты", "--glossary", gpg)
        check(r.returncode == 0 and "sortie" in r.stdout, f"the command line sees it in PostgreSQL: {r.stdout.strip()[:120]}")
        s, body = jrequest(server.base, "POST", "/v1/glossaries/desk/find", body={"text": "Two sorties were flown.", "sourceLang": "en", "targetLang": "ru"})
        check(s == 200 and "боевой вылет" in json.dumps(body, ensure_ascii=False), f"the server finds the term in a text: {s} {str(body)[:160]}")
    finally:
        server.stop()
    if args.no_replica:
        print("  (replica skipped: --no-replica)")
    else:
        env = subprocess.run([os.path.join(ROOT, "Scripts", "pg_cluster.sh"), "replica", os.environ["TMKIT_PG_DIR"]],
                             capture_output=True, text=True)
        check(env.returncode == 0, f"a streaming replica started: {env.stderr.strip()[:200]}")
        replica_dir = None
        try:
            vals = {}
            for line in env.stdout.splitlines():
                for part in line.replace("export ", "").split(" "):
                    if "=" in part:
                        k, v = part.split("=", 1)
                        vals[k] = v.strip("'")
            replica_dir, replica_url = vals["TMKIT_PG_REPLICA_DIR"], vals["TMKIT_PG_REPLICA_URL"]
            made = cli("serve", "token", "add", "writer", "--role", "write", "--tokens", tokens)
            token = made.stdout.strip()
            writer = Server(tmkit, folder, "--memory", f"news={pg}", "--tokens", tokens)
            reader = Server(tmkit, folder, "--memory", f"news={pg}", "--read-url", replica_url, "--public-read", "--tokens", tokens)
            try:
                text = f"Replicated sentence {run_id}."
                s, body = jrequest(writer.base, "POST", "/v1/memories/news/units", token=token,
                                   body={"source": text, "target": f"Реплицированное предложение {run_id}.", "sourceLang": "en", "targetLang": "ru"})
                check(s in (200, 201), f"a unit written through the primary's server: {s} {str(body)[:120]}")
                seen, waited = False, 0.0
                while waited < 10 and not seen:
                    s, body = jrequest(reader.base, "GET", "/v1/memories/news/lookup?text=" + text.replace(" ", "%20") + "&sourceLang=en&targetLang=ru")
                    seen = s == 200 and isinstance(body, list) and any(m.get("score") == 100 for m in body)
                    if not seen:
                        time.sleep(0.2); waited += 0.2
                check(seen, f"read through the replica's server after replication ({waited:.1f} s)")
                s, _ = jrequest(reader.base, "POST", "/v1/memories/news/units", token=token,
                                body={"source": "Written to the reader.", "target": "Записано.", "sourceLang": "en", "targetLang": "ru"})
                check(s in (200, 201), f"a write sent to the replica-reading server goes to the primary: {s}")
            finally:
                writer.stop()
                reader.stop()
        finally:
            if replica_dir:
                subprocess.run([os.path.join(ROOT, "Scripts", "pg_cluster.sh"), "stop", replica_dir])
    from checklib import failures
    if not failures:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"(work folder kept: {folder})")
    finish("PostgreSQL checks")


if __name__ == "__main__":
    main()
