#!/usr/bin/env python3
"""Faults beyond a kill, each a check against the built tool on real files:

- the disk fills up during an import (a small tmpfs when run as root, else a file-size limit):
  a clear error, exit 1, and the memory as it was (same units, verify passes, lookups work);
- a read-only memory (and glossary): writes fail with a clear error, lookups still work (a
  read-only mount when run as root, else chmod);
- a memory file truncated, or with bytes overwritten: every command exits with a clear error or
  `tm verify` reports the damage; never a crash (no signal, no stack trace).

usage: Scripts/faults.py [--tmkit .build/debug/tmkit]
"""
import argparse, os, random, resource, shutil, subprocess, sys, tempfile

sys.stdout.reconfigure(line_buffering=True)

FAILS = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILS.append(what)


def tmkit(*args, limit_bytes=None):
    def preexec():
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([TMKIT] + list(args), capture_output=True, text=True, preexec_fn=preexec, timeout=600)


def crashed(p):
    return p.returncode < 0 or "Fatal error" in p.stderr or "Stack dump" in p.stderr or "Segmentation" in p.stderr


def tsv(path, n, tag):
    with open(path, "w", encoding="utf-8") as f:
        f.write("en\tru\n")
        for i in range(n):
            f.write(f"{tag} sentence number {i} about the budget vote of the city council\t{tag} предложение {i} о голосовании по бюджету\n")


def units(memory):
    p = tmkit("tm", "stats", "--format", "json", "--memory", memory)
    import json
    return json.loads(p.stdout)["units"] if p.returncode == 0 else None


def mounted(size_kb):
    d = tempfile.mkdtemp(prefix="tmkit-fault-")
    if os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", d]).returncode == 0:
        return d, True
    return d, False


def unmount(d, is_mount):
    if is_mount:
        subprocess.run(["umount", d])
    shutil.rmtree(d, ignore_errors=True)


def disk_full(work):
    print("== the disk fills up during an import")
    d, is_mount = mounted(4096)
    try:
        memory = os.path.join(d, "m.tmdb")
        small = os.path.join(work, "small.tsv")
        tsv(small, 200, "first")
        p = tmkit("tm", "import", small, "--memory", memory)
        check(p.returncode == 0, f"a memory of 200 units made ({p.stderr.strip()[:200]})")
        big = os.path.join(work, "big.tsv")
        tsv(big, 60000, "second")
        limit = None if is_mount else os.path.getsize(memory) + 2_000_000
        print(f"  ({'a 4 MB tmpfs' if is_mount else 'a file-size limit of %d bytes' % limit})")
        p = tmkit("tm", "import", big, "--memory", memory, limit_bytes=limit)
        check(p.returncode == 1 and not crashed(p), f"the import fails with exit 1 (got {p.returncode})")
        msg = p.stderr.strip()
        check(memory in msg and "nothing was changed" in msg and ("disk is full" in msg or "could not be written" in msg),
              f"the error names the memory, the cause and that nothing was changed: {msg[:300]}")
        check(units(memory) == 200, "the memory holds its 200 units")
        p = tmkit("tm", "verify", "--memory", memory)
        check(p.returncode == 0, f"tm verify passes ({p.stdout.strip()[-200:]})")
        p = tmkit("tm", "lookup", "first sentence number 7 about the budget vote of the city council", "--source-lang", "en",
                  "--target-lang", "ru", "--memory", memory)
        check(p.returncode == 0 and "first предложение 7" in p.stdout, "lookups work")
        p = tmkit("tm", "add", "After the failed import.", "После неудачного импорта.", "--source-lang", "en", "--target-lang", "ru",
                  "--memory", memory)
        check(p.returncode == 0 and units(memory) == 201, "a small write fits again afterwards")
    finally:
        unmount(d, is_mount)


def read_only(work):
    print("== a read-only memory and glossary")
    d, is_mount = mounted(65536)
    try:
        memory, glossary = os.path.join(d, "m.tmdb"), os.path.join(d, "g.tbdb")
        small = os.path.join(work, "ro.tsv")
        tsv(small, 50, "ro")
        check(tmkit("tm", "import", small, "--memory", memory).returncode == 0, "memory made")
        check(tmkit("glossary", "add", "city council", "городской совет", "--source-lang", "en", "--target-lang", "ru",
                    "--glossary", glossary).returncode == 0, "glossary made")
        if is_mount:
            ok = subprocess.run(["mount", "-o", "remount,ro", d]).returncode == 0
            how = "a read-only mount"
        else:
            os.chmod(memory, 0o444); os.chmod(glossary, 0o444); os.chmod(d, 0o555)
            ok = True
            how = "chmod a-w"
        check(ok, f"made read-only ({how})")
        p = tmkit("tm", "add", "New.", "Новое.", "--source-lang", "en", "--target-lang", "ru", "--memory", memory)
        check(p.returncode == 1 and not crashed(p) and "read-only" in p.stderr and memory in p.stderr,
              f"tm add: a clear error: {p.stderr.strip()[:300]}")
        p = tmkit("tm", "import", small, "--memory", memory)
        check(p.returncode == 1 and "read-only" in p.stderr, f"tm import: a clear error: {p.stderr.strip()[:200]}")
        p = tmkit("tm", "lookup", "ro sentence number 3 about the budget vote of the city council", "--source-lang", "en",
                  "--target-lang", "ru", "--memory", memory)
        check(p.returncode == 0 and "ro предложение 3" in p.stdout, f"tm lookup works: {p.stderr.strip()[:200]}")
        p = tmkit("tm", "concordance", "budget vote", "--source-lang", "en", "--memory", memory)
        check(p.returncode == 0 and "ro sentence" in p.stdout, "tm concordance works")
        p = tmkit("tm", "verify", "--memory", memory)
        check(p.returncode == 0, f"tm verify works ({p.stdout.strip()[-100:]} {p.stderr.strip()[:200]})")
        p = tmkit("glossary", "add", "vote", "голосование", "--source-lang", "en", "--target-lang", "ru", "--glossary", glossary)
        check(p.returncode == 1 and "read-only" in p.stderr and glossary in p.stderr, f"glossary add: a clear error: {p.stderr.strip()[:200]}")
        p = tmkit("glossary", "find", "The city council met.", "--source-lang", "en", "--target-lang", "ru", "--glossary", glossary)
        check(p.returncode == 0 and "городской совет" in p.stdout, f"glossary find works: {p.stderr.strip()[:200]}")
    finally:
        if is_mount:
            subprocess.run(["mount", "-o", "remount,rw", d])
        else:
            os.chmod(d, 0o755)
        unmount(d, is_mount)


def damaged(work):
    print("== a memory truncated or overwritten")
    base = os.path.join(work, "base.tmdb")
    src = os.path.join(work, "damage.tsv")
    tsv(src, 3000, "dmg")
    check(tmkit("tm", "import", src, "--memory", base).returncode == 0, "a memory of 3,000 units made")
    size = os.path.getsize(base)
    rng = random.Random(7)
    cases = [("truncated to half", lambda f: f.truncate(size // 2)),
             ("truncated to 100 bytes", lambda f: f.truncate(100)),
             ("header overwritten", lambda f: (f.seek(0), f.write(b"garbage" * 10))),
             ("pages in the middle overwritten", lambda f: (f.seek(size // 3), f.write(bytes(rng.randrange(256) for _ in range(40000))))),
             ("the last page overwritten with zeros", lambda f: (f.seek(size - 16384), f.write(bytes(16384))))]
    for name, damage in cases:
        m = os.path.join(work, "damaged.tmdb")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(m + suffix):
                os.remove(m + suffix)
        shutil.copy(base, m)
        with open(m, "r+b") as f:
            damage(f)
        outcomes = []
        clean = True
        for args in (["tm", "stats"], ["tm", "lookup", "dmg sentence number 5 about the budget vote", "--source-lang", "en", "--target-lang", "ru"],
                     ["tm", "concordance", "budget", "--source-lang", "en"], ["tm", "export", os.path.join(work, "out.tmx")],
                     ["tm", "add", "x y z.", "икс.", "--source-lang", "en", "--target-lang", "ru"], ["tm", "verify"]):
            p = tmkit(*args, "--memory", m)
            if crashed(p):
                clean = False
                outcomes.append(f"{args[1]} CRASHED ({p.returncode}): {p.stderr.strip()[-300:]}")
            elif p.returncode != 0 and ("tmkit: " not in p.stderr and "problem:" not in p.stdout):
                clean = False
                outcomes.append(f"{args[1]} exit {p.returncode} without a message")
            else:
                outcomes.append(f"{args[1]} {p.returncode}")
        verify = tmkit("tm", "verify", "--memory", m)
        found = verify.returncode != 0
        check(clean and found, f"{name}: no crash, verify reports it (exit {verify.returncode}); " + ", ".join(outcomes))
        if not found:
            print("    verify said: " + verify.stdout.strip()[:300])
        msg = tmkit("tm", "stats", "--memory", m).stderr.strip()
        if msg:
            print("    stats said: " + msg[:200])


def main():
    global TMKIT
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", default=".build/debug/tmkit")
    args = ap.parse_args()
    TMKIT = os.path.abspath(args.tmkit)
    work = tempfile.mkdtemp(prefix="tmkit-faults-")
    try:
        disk_full(work)
        read_only(work)
        damaged(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"faults: {'FAILED: ' + str(len(FAILS)) if FAILS else 'all'} checks {'failed' if FAILS else 'passed'}")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
