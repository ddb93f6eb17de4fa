#!/usr/bin/env bash
# API documentation of the library products with DocC (swift-docc-plugin): one archive a module in
# OUTDIR (default .build/docs), each with its catalog's overview and worked example.
# Usage: Scripts/docs.sh [OUTDIR]      (open OUTDIR/MODULE.doccarchive, or serve it as static files)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/docs}
mkdir -p "$out"
modules=(ICUText Segmentation TranslationMemory Alignment Formats Glossary)
# One run of the plugin for the six (one build of their symbol graphs); each archive goes to a
# folder of its own in OUTDIR.
targets=(); for module in "${modules[@]}"; do targets+=(--target "$module"); rm -rf "$out/$module.doccarchive"; done
log=$(swift package --allow-writing-to-directory "$out" generate-documentation "${targets[@]}" \
        --output-path "$out" --disable-indexing 2>&1) || { echo "$log" | tail -20; echo "docs: the plugin failed"; exit 1; }
# Every public parameter documented: a warning (an undocumented or misnamed parameter) fails.
if grep -q "warning:" <<< "$log"; then
  grep -A1 "warning:" <<< "$log" | grep -E "warning:|-->" | paste - -
  echo "docs: DocC warnings"; exit 1
fi
for module in "${modules[@]}"; do
  archive=$(find "$out" -maxdepth 2 -name "$module.doccarchive" -type d | head -1)
  [ -n "$archive" ] || { echo "docs: no archive for $module in $out"; ls "$out"; exit 1; }
  [ "$archive" = "$out/$module.doccarchive" ] || { rm -rf "$out/$module.doccarchive"; mv "$archive" "$out/$module.doccarchive"; }
  page="$out/$module.doccarchive/data/documentation/$(echo "$module" | tr '[:upper:]' '[:lower:]').json"
  [ -f "$page" ] || { echo "docs: no page for $module in its archive"; exit 1; }
  grep -q "A worked example" "$page" || { echo "docs: $module's page lacks its worked example"; exit 1; }
  echo "docs: $module → $out/$module.doccarchive (no warnings)"
done
