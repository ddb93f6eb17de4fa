#!/usr/bin/env bash
# API documentation of the library products with DocC (swift-docc-plugin): one archive a module in
# OUTDIR (default .build/docs), each with its catalog's overview and worked example.
# Usage: Scripts/docs.sh [OUTDIR]      (open OUTDIR/MODULE.doccarchive, or serve it as static files)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/docs}
mkdir -p "$out"
for module in ICUText Segmentation TranslationMemory Alignment Formats Glossary; do
  rm -rf "$out/$module.doccarchive"
  log=$(swift package --allow-writing-to-directory "$out" generate-documentation --target "$module" \
          --output-path "$out/$module.doccarchive" --disable-indexing 2>&1) || { echo "$log" | tail -20; echo "docs: $module failed"; exit 1; }
  page="$out/$module.doccarchive/data/documentation/$(echo "$module" | tr '[:upper:]' '[:lower:]').json"
  [ -f "$page" ] || { echo "docs: no page for $module in its archive"; exit 1; }
  grep -q "A worked example" "$page" || { echo "docs: $module's page lacks its worked example"; exit 1; }
  # Every public parameter documented: a warning (an undocumented or misnamed parameter) fails.
  if grep -q "warning:" <<< "$log"; then
    grep -A1 "warning:" <<< "$log" | grep -E "warning:|-->" | paste - - | sed "s|\.\./|Sources/$module/|"
    echo "docs: $module has DocC warnings"; exit 1
  fi
  echo "docs: $module → $out/$module.doccarchive (no warnings)"
done
