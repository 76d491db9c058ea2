#!/bin/bash
# Golden transcripts: a shipped scenario's stdout, checked in as tests/golden/<name>.stdout, compared in CI
# (ctest golden.<name>). What changes from run to run or machine to machine is masked before comparing:
# the wall time ("in 1.07 s wall" → "in <wall> s wall"), the --out folder (<out>), the source tree
# (<src>) and the build tree (<build>).
#
# usage: golden.sh BOOTSIM SCENARIO.xml GOLDEN.stdout OUT_DIR
#   Runs `BOOTSIM scenario SCENARIO.xml --out OUT_DIR -j 2`, masks its stdout and compares it with GOLDEN
#   (a diff on failure). Exit 0 when equal and bootsim exited as in the golden's first line; 1 otherwise.
#   BOOTSIM_UPDATE_GOLDEN=1 writes GOLDEN instead. To regenerate every golden file in one command:
#     tests/tools/update_golden.sh [BUILD_DIR]
set -u
bootsim=$1 xml=$2 golden=$3 out=$4
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$(dirname "$bootsim")" && pwd)
# Absolute paths, so that the masks match however the caller spelled them.
xml=$(cd "$(dirname "$xml")" && pwd)/$(basename "$xml")
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$bootsim" scenario "$xml" --out "$out" -j 2 >"$actual.raw" 2>/dev/null
rc=$?
# Literal replacement (paths may hold regex characters): longest first, the out folder may be in the build.
mask() {
  python3 -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
for path, name in sorted(zip(sys.argv[2::2], sys.argv[3::2]), key=lambda p: -len(p[0])):
    text = text.replace(path, name)
text = re.sub(r"in [0-9]+\.[0-9]+ s wall", "in <wall> s wall", text)
sys.stdout.write(text)' "$1" "$out" "<out>" "$build" "<build>" "$src" "<src>"
}
{ echo "exit $rc"; mask "$actual.raw"; } >"$actual"
rm -f "$actual.raw"
if [ "${BOOTSIM_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$actual" "$golden"
  echo "wrote $golden"
  exit 0
fi
if [ ! -f "$golden" ]; then
  echo "no golden file $golden; create it with BOOTSIM_UPDATE_GOLDEN=1 $0 $*"
  exit 1
fi
if ! diff -u "$golden" "$actual"; then
  echo "stdout differs from $golden (above: - golden, + this run). If the change is intended, regenerate:"
  echo "  tests/tools/update_golden.sh $build"
  exit 1
fi
