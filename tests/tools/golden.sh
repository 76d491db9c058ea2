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
trap 'rm -f "$actual" "$actual.raw"' EXIT
"$bootsim" scenario "$xml" --out "$out" -j 2 >"$actual.raw" 2>/dev/null
rc=$?
# Literal replacement (\Q…\E: paths may hold regex characters), innermost first: the out folder lies in the
# build tree, which lies in the source tree. perl is in every Debian install (perl-base is essential).
mask() {
  OUT=$out BUILD=$build SRC=$src perl -pe \
    's/\Q$ENV{OUT}\E/<out>/g; s/\Q$ENV{BUILD}\E/<build>/g; s/\Q$ENV{SRC}\E/<src>/g;
     s/in [0-9]+\.[0-9]+ s wall/in <wall> s wall/g' "$1"
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
