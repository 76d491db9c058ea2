#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz/ (README "Fuzzing").
#
#   tests/fuzz/run_fuzzers.sh TARGET|all SECONDS [libFuzzer options…]
#   e.g. tests/fuzz/run_fuzzers.sh dhcp 60
#        tests/fuzz/run_fuzzers.sh all 300
#        tests/fuzz/run_fuzzers.sh guest_nbp 0 -runs=10000     (a run count instead of a time)
# One process per target (libFuzzer -jobs= would put the statistics in fuzz-N.log files instead).
#
# Needs the fuzz build (clang, ASan+UBSan, libFuzzer); configured here when missing:
#   CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DBOOTSIM_FUZZ=ON -DBOOTSIM_TESTS=OFF
# (BUILD_FUZZ=DIR picks another folder). Each target starts from the checked-in seeds in
# tests/fuzz/corpus/TARGET/ (read only) and grows its own corpus in DIR/fuzz-corpus/TARGET/; a crash is
# written to DIR/fuzz-crashes/TARGET/ and ends that target's run with a non-zero status. To keep a crash
# as a regression test, copy it into tests/fuzz/corpus/TARGET/ (ctest replays that folder) and fix it.
# Prints each target's executions; the script's status is non-zero when any target found something.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
TARGET=$1
SECONDS_EACH=$2
shift 2
BUILD=${BUILD_FUZZ:-build-fuzz}
ALL=(scenario_loader dhcp http tftp frames pxe_dispatch guest_nbp)
if [ "$TARGET" = all ]; then
  targets=("${ALL[@]}")
elif [[ " ${ALL[*]} " == *" $TARGET "* ]]; then
  targets=("$TARGET")
else
  echo "run_fuzzers.sh: unknown target '$TARGET' (one of: ${ALL[*]}, all)" >&2
  exit 2
fi
if ! [[ "$SECONDS_EACH" =~ ^[0-9]+$ ]]; then
  echo "run_fuzzers.sh: SECONDS must be a whole number, not '$SECONDS_EACH'" >&2
  exit 2
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBOOTSIM_FUZZ=ON -DBOOTSIM_TESTS=OFF || exit 2
fi
cmake --build "$BUILD" --target "${targets[@]/#/fuzz_}" || exit 2

# Per-target limits: input size, and for whole boots a longer timeout and more memory.
declare -A OPTS=(
  [scenario_loader]="-max_len=8192"
  [dhcp]="-max_len=4096"
  [http]="-max_len=4096"
  [tftp]="-max_len=4096"
  [frames]="-max_len=1600"
  [pxe_dispatch]="-max_len=4096"
  [guest_nbp]="-max_len=1024 -timeout=900 -rss_limit_mb=4096"
)

status=0
for t in "${targets[@]}"; do
  corpus="$BUILD/fuzz-corpus/$t"
  crashes="$BUILD/fuzz-crashes/$t"
  log="$BUILD/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  time_opt=()
  [ "$SECONDS_EACH" -gt 0 ] && time_opt=(-max_total_time="$SECONDS_EACH")
  # shellcheck disable=SC2086  # OPTS entries are option lists
  "$BUILD/tests/fuzz/fuzz_$t" "${time_opt[@]}" ${OPTS[$t]} -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$@" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  execs=$(grep -h 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2 + 0}')
  if [ $rc -eq 0 ]; then
    printf '%-16s %12s executions, nothing found (log: %s)\n' "$t" "$execs" "$log"
  else
    status=1
    printf '%-16s %12s executions, FOUND something (exit %d): %s\n' "$t" "$execs" "$rc" "$log"
    grep -h -m3 -E 'ERROR: |fuzz: |SUMMARY: |Test unit written' "$log" | sed 's/^/    /'
  fi
done
exit $status
