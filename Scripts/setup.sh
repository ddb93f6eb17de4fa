#!/usr/bin/env bash
# Installs what tmkit needs to build and test on Debian, when it is missing.
# Usage: Scripts/setup.sh [--bench|--tour]   (--bench adds the peers the benchmarks compare against;
# --tour leaves out what only the tests need: Chromium, Selenium, schemathesis)
set -euo pipefail

need=()
pkg-config --exists icu-uc icu-i18n 2>/dev/null || need+=(libicu-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v python3 >/dev/null || need+=(python3)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v msgfmt >/dev/null || need+=(gettext)
# A tmkit with the Swift runtime linked in (install.sh, the Debian package) links libcurl itself.
ls /usr/lib/*/libcurl.so >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
# The web page's browser test: Debian's Chromium and its driver.
if [ "${1:-}" != "--tour" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
  echo "setup: the Swift toolchain (6.x) is needed: put swift on PATH" >&2
  exit 1
fi

# The interoperability checks read tmkit's TMX back with translate-toolkit and lxml.
python3 -c "import translate.storage.tmx, lxml" 2>/dev/null || pip install -q translate-toolkit lxml 2>&1 | grep -v "^WARNING: Running pip as" || true
# The server's checks: Selenium drives Chromium; schemathesis tests the API against its OpenAPI file.
if [ "${1:-}" != "--tour" ]; then
  python3 -c "import selenium" 2>/dev/null || pip install -q selenium 2>&1 | grep -v "^WARNING: Running pip as" || true
  command -v schemathesis >/dev/null || pip install -q schemathesis 2>&1 | grep -v "^WARNING: Running pip as" || true
fi

if [ "${1:-}" = "--bench" ]; then
  # The peers the benchmarks compare against: pySBD (segmentation), rapidfuzz and PostgreSQL's
  # pg_trgm (memory lookups, through psycopg2). (bench_align.py quotes the aligners' published scores.)
  for mod in pysbd rapidfuzz psycopg2; do
    pkg=$mod; [ $mod = psycopg2 ] && pkg=psycopg2-binary
    python3 -c "import $mod" 2>/dev/null || pip install -q $pkg 2>&1 | grep -v "^WARNING: Running pip as" || true
  done
  bench_need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || bench_need+=(postgresql postgresql-contrib)
  if [ ${#bench_need[@]} -gt 0 ]; then
    echo "setup: installing ${bench_need[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${bench_need[@]}" >/dev/null
  fi
fi
