#!/usr/bin/env bash
# The whole test suite: unit and end-to-end tests, then the interoperability and benchmark-data
# checks that read ../shared when it is there. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# Each part's heading shows the minutes and seconds since the start.
section() { printf '== %s  [%d:%02d]\n' "$1" $((SECONDS / 60)) $((SECONDS % 60)); }

# A throwaway PostgreSQL cluster (initdb in /tmp as a non-root user, a free loopback port) for the
# PostgreSQL store's tests; stopped and removed at the end, whatever happens.
section "A throwaway PostgreSQL cluster"
eval "$(Scripts/pg_cluster.sh start)"
trap 'Scripts/pg_cluster.sh stop "$TMKIT_PG_DIR"' EXIT
echo "PostgreSQL on 127.0.0.1:$TMKIT_PG_PORT ($TMKIT_PG_DIR)"
export TMKIT_PG_URL

echo
section "swift test (unit and end-to-end; the store tests on both stores)"
swift build --build-tests 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | grep -v "^\[" || true

# The checks that only run tmkit on files (segmentation, interoperability, alignment) and the Debian
# package's check run on one core while `swift test` runs on the other (XCTest runs one test at a
# time); their output is shown after it. Nothing in them depends on timing, and none of them runs
# SwiftPM (whose lock on .build swift test holds).
offline_checks() {
SHARED=${TMKIT_SHARED:-../shared}
echo
section "Localization files: every catalog format filled from the fixture's memory is read back by translate-toolkit (or json/xml), msgfmt -c accepts the PO, an empty memory changes no byte (Debian's ru catalogs too)"
python3 Scripts/l10n_interop.py --tmkit .build/debug/tmkit
if [ -d "$SHARED/benchmarks/segmentation" ]; then
  echo
  section "Golden Rules (sentence segmentation): tmkit must pass all 48 English and 37 Russian"
  python3 Scripts/golden_rules.py --tmkit .build/debug/tmkit \
    --cases "$SHARED/benchmarks/segmentation/golden_rules.jsonl" --min-en 48 --min-ru 37
  echo
  section "Running text (Universal Dependencies dev files): tmkit's F1 at or above pySBD's on each, at least 0.95 (EWT 0.90)"
  python3 Scripts/golden_rules.py --tmkit .build/debug/tmkit --ud "$SHARED/benchmarks/segmentation/ud" --ud-check
  echo
  section "TMX interoperability: every sample from other tools round-trips, exports are DTD-valid and read by translate-toolkit"
  python3 Scripts/tmx_interop.py --tmkit .build/debug/tmkit --shared "$SHARED"
  echo
  section "Glossary interoperability: TBX v3, TBX 2008 and OmegaT glossaries import; TBX exports read by translate-toolkit; TSV-TBX round trip"
  python3 Scripts/glossary_interop.py --tmkit .build/debug/tmkit --shared "$SHARED"
  echo
  section "Alignment gold sets: tmkit's F1 must beat hunalign's on every set, and the Sputnik pair must match its gold"
  python3 Scripts/bench_align.py --tmkit .build/debug/tmkit --shared "$SHARED" --check --no-timing
else
  echo "(no $SHARED/benchmarks: interoperability checks skipped)"
fi
echo
section "Install: the Debian package (the debug build's objects linked again with the Swift runtime in; manual, completions) read, unpacked, installed and run"
Scripts/deb_check.sh --debug-build
}
offline_log=.build/offline-checks.log
offline_checks > "$offline_log" 2>&1 &
offline_pid=$!

trap 'pkill -TERM -P "$offline_pid" 2>/dev/null || true; kill "$offline_pid" 2>/dev/null || true; Scripts/pg_cluster.sh stop "$TMKIT_PG_DIR"' EXIT
# (--skip-build: the build above made everything; nothing may be linked again while the checks run it)
swift test --skip-build 2>&1 | tee .build/test.log | grep -E "error:|failed|Executed [0-9]+ tests" | tail -20
grep -q "with 0 failures" .build/test.log && ! grep -q "failed (" .build/test.log || { echo "swift test failed"; exit 1; }
# A PostgreSQL test never passes silently without its database.
if grep -E "PostgresStoreTests|StoreConformanceTests|BadDatabaseTests" .build/test.log | grep -i "skipped" > /dev/null; then
  echo "PostgreSQL tests were skipped: no database"; exit 1
fi
grep -q "Test Suite 'StoreConformanceTests' passed" .build/test.log || { echo "the PostgreSQL store tests did not run"; exit 1; }

echo
section "The checks on files and the Debian package, run beside swift test"
offline_status=0; wait "$offline_pid" || offline_status=$?
cat "$offline_log"
[ "$offline_status" = 0 ] || { echo "the checks on files failed"; exit 1; }

echo
section "A package that depends on tmkit's libraries by version builds (no unsafe flags) and runs"
Scripts/dependent_check.sh

echo
section "API documentation: a DocC archive for each library product, with its worked example"
Scripts/docs.sh

echo
section "Several processes on one memory: random writers of every kind, random SIGKILLs; every acknowledged write kept, verify passes"
python3 Scripts/stress.py --tmkit .build/debug/tmkit --seconds 35 --writers 6 --seed "${TMKIT_STRESS_SEED:-11}" \
  --max-import 1000 --big-import 20000 --queries 10

echo
section "PostgreSQL: the commands on a postgres:// memory answer as on a file, tm copy both ways, bad databases, serve with a streaming replica"
python3 Scripts/pg_check.py --tmkit .build/debug/tmkit

echo
section "Several processes on one PostgreSQL memory and glossary: random writers, SIGKILLs and two restarts of the database; every acknowledged write kept"
python3 Scripts/stress.py --tmkit .build/debug/tmkit --seconds 30 --writers 6 --seed "${TMKIT_STRESS_SEED:-11}" \
  --max-import 1000 --big-import 10000 --queries 10 --memory "$TMKIT_PG_URL?memory=stress" \
  --glossary "$TMKIT_PG_URL?glossary=stress" --pg-restart "$TMKIT_PG_DIR"

echo
section "Faults: a full disk, a read-only memory and glossary, damaged memory files"
python3 Scripts/faults.py --tmkit .build/debug/tmkit

echo
section "tmkit serve over HTTP on loopback: the API against the CLI's answers, tokens, bad input, amaGama as Weblate calls it, schemathesis"
python3 Scripts/server_check.py --tmkit .build/debug/tmkit --schemathesis

echo
section "The same server checks with the memories and the glossary in PostgreSQL (without schemathesis)"
python3 Scripts/server_check.py --tmkit .build/debug/tmkit --pg "$TMKIT_PG_URL"

echo
section "The web page in headless Chromium (Selenium): sign in, search, glossary, import, a read-only token"
python3 Scripts/web_check.py --tmkit .build/debug/tmkit

echo
echo "all checks passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
