#!/usr/bin/env bash
# How fast can SQLite itself store a million units in tmkit's memory layout? This inserts the rows
# of 1,000,000 units (two variants each, about 60 bytes of text, the text stored four times as
# tmkit stores it: text, norm, keys, search) with the same tables and indexes, from the sqlite3
# shell, in one transaction, with no tmkit code involved. It is the floor under `tm import` with
# this layout (posting lists, duplicate checks and text preparation come on top).
#
# usage: Scripts/bench_sqlite_floor.sh [UNITS]
set -euo pipefail
units=${1:-1000000}
db=$(mktemp -d)/floor.db
trap 'rm -rf "$(dirname "$db")"' EXIT
command -v sqlite3 >/dev/null || apt-get install -y sqlite3 >/dev/null
start=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=DELETE;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-65536;
CREATE TABLE unit (id INTEGER PRIMARY KEY, created_at REAL, created_by TEXT, changed_at REAL, changed_by TEXT,
  origin_file TEXT, origin_key TEXT, context_prev TEXT, context_next TEXT, usage_count INTEGER NOT NULL DEFAULT 0,
  props TEXT, notes TEXT, last_used REAL);
CREATE TABLE variant (id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
  lang TEXT NOT NULL, lang_key TEXT NOT NULL, text TEXT NOT NULL, norm TEXT NOT NULL, keys TEXT NOT NULL,
  word_count INTEGER NOT NULL, search TEXT NOT NULL, markup TEXT, props TEXT, notes TEXT, norm_hash INTEGER NOT NULL DEFAULT 0);
CREATE INDEX variant_unit ON variant(unit_id);
CREATE INDEX variant_norm_hash ON variant(norm_hash);
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $units)
INSERT INTO unit(id, created_at, changed_at, usage_count, props)
SELECT i, 1.7e9, 1.7e9, 0, '[{"type":"x-tmx-tuid","value":"' || i || '"}]' FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2 * $units)
INSERT INTO variant(unit_id, lang, lang_key, text, norm, keys, word_count, search, norm_hash)
SELECT (i + 1) / 2, 'en', 'en', printf('%d Some sentence of about sixty bytes of text with words %d', i, i * 7),
       printf('%d Some sentence of about sixty bytes of text with words %d', i, i * 7),
       printf('%d some sentence of about sixty bytes of text with words %d', i, i * 7), 12,
       printf('%d some sentence of about sixty bytes of text with words %d', i, i * 7), random() FROM s;
COMMIT;
SQL
end=$(date +%s.%N)
python3 - "$start" "$end" "$units" <<'PY'
import sys
secs = float(sys.argv[2]) - float(sys.argv[1])
units = int(sys.argv[3])
print(f"sqlite3 alone: {units:,} units (rows and indexes, no posting lists) in {secs:.1f} s = {units / secs:,.0f} units a second")
PY
