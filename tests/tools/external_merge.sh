#!/bin/bash
# A sharded external-server run merges with its servers' log: `bootsim merge` copies each variant's
# <variant>.servers.log next to its pcap, and the merged report.json lists it among the artifacts as an
# unsharded run's does (a shard writes no report of its own). Skipped (exit 0) when the run was skipped (no network namespace here).
#
# usage: external_merge.sh BOOTSIM SCENARIO_XML WORK_DIR
set -u
bootsim=$1 xml=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$bootsim" scenario "$xml" --variant intel --shard 1/1 -q --out "$work/shard" >"$work/shard.out" 2>&1
rc=$?
log=$(find "$work/shard" -name 'intel.servers.log' | head -1)
if [ -z "$log" ]; then
  if grep -q SKIP "$work/shard.out"; then echo "skipped: the external run was skipped"; exit 0; fi
  echo "FAIL: the shard run (exit $rc) left no intel.servers.log"; cat "$work/shard.out"; exit 1
fi
"$bootsim" merge "$work/shard" --out "$work/merged" >"$work/merge.out" 2>&1
mrc=$?
[ "$mrc" -eq "$rc" ] || { echo "FAIL: merge exit $mrc, the shard's run exit $rc"; cat "$work/merge.out"; exit 1; }
rel=${log#"$work/shard/"}
cmp "$log" "$work/merged/$rel" || { echo "FAIL: $rel not in the merged folder (or not the same bytes)"; exit 1; }
listed=$(grep -o '"servers log": *"[^"]*"' "$(dirname "$work/merged/$rel")/report.json")
[ "$listed" = "\"servers log\": \"$(basename "$rel")\"" ] ||
  { echo "FAIL: the merged report.json lists '$listed' as the servers log, not $(basename "$rel")"; exit 1; }
echo "ok: $rel merged and listed in report.json"
