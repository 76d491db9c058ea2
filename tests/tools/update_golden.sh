#!/bin/bash
# Regenerates every golden transcript (tests/golden/<name>.stdout) from the shipped scenarios with the
# bootsim of BUILD_DIR (default: build). Review the diff (git diff tests/golden) before committing.
# usage: tests/tools/update_golden.sh [BUILD_DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
for xml in "$src"/scenarios/*.xml; do
  name=$(basename "$xml" .xml)
  # External-server scenarios: their golden is the skip path, as ctest runs it (tests/CMakeLists.txt).
  env=()
  case "$name" in external_*) env=(BOOTSIM_EXTERNAL_FORBID=1 BOOTSIM_ALLOW_SERVERS=1) ;; esac
  env "${env[@]}" BOOTSIM_UPDATE_GOLDEN=1 "$src/tests/tools/golden.sh" "$build/bootsim" "$xml" "$src/tests/golden/$name.stdout" \
    "$build/golden-out/$name"
done
