#!/bin/bash
# Shows that a change left the simulation alone: runs every shipped scenario (and one sweep) with two bootsim
# binaries and compares every trace, pcap and console log byte for byte, and the exit codes.
# usage: compare_artifacts.sh OLD_BOOTSIM NEW_BOOTSIM [SCENARIO_DIR]
# Exit 0 when all are identical; prints each difference otherwise. Reports (HTML/JSON/JUnit) are listed as
# "report differs" without failing: they hold wall times and may change on purpose.
set -u
old=$1 new=$2
dir=${3:-$(cd "$(dirname "$0")/../../scenarios" && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0 compared=0
run_both() {  # name, then the bootsim arguments without --out
  local name=$1; shift
  "$old" "$@" --out "$work/old/$name" >"$work/$name.old.stdout" 2>&1; local a=$?
  "$new" "$@" --out "$work/new/$name" >"$work/$name.new.stdout" 2>&1; local b=$?
  [ "$a" = "$b" ] || { echo "$name: exit code $a before, $b after"; status=1; }
  local f rel n=0
  while IFS= read -r f; do
    rel=${f#"$work/old/"}
    n=$((n + 1))
    if [ ! -f "$work/new/$rel" ]; then echo "$rel: missing after"; status=1
    elif ! cmp -s "$f" "$work/new/$rel"; then
      case "$rel" in
        *.jsonl|*.pcap|*.log) echo "$rel: DIFFERS"; status=1;;
        *) echo "$rel: report differs (not compared)";;
      esac
    fi
  done < <(find "$work/old/$name" -type f ! -name .bootsim.lock | sort)
  [ "$n" -gt 0 ] || { echo "$name: no artifacts written"; status=1; }
  compared=$((compared + n))
  echo "$name: exit $a, $n files compared"
}
shopt -s nullglob
scenarios=("$dir"/*.xml)
[ "${#scenarios[@]}" -gt 0 ] || { echo "no scenarios in $dir"; exit 2; }
for xml in "${scenarios[@]}"; do
  run_both "$(basename "$xml" .xml)" scenario "$xml" -j 2
done
run_both sweep sweep "$dir/broadcom_timeout.xml" --variant stock --vary 'machine[r640-01]/nic/@autoneg=1s..4s/1s' -j 2
echo "$compared files compared; $([ $status = 0 ] && echo identical || echo DIFFERENCES FOUND)"
exit $status
