#!/bin/bash
# An interrupted external-server run leaves nothing behind: start `bootsim scenario` on an external
# scenario, wait until its servers run (a process whose network namespace differs from ours, started by
# bootsim's helper), send SIGINT, and check that bootsim exits with 130, that none of those processes is
# left, and that their network namespace is gone (no process in it). Skipped (exit 0) where external
# servers are not permitted.
#
# usage: external_cleanup.sh BOOTSIM SCENARIO.xml OUT_DIR
set -u
bootsim=$1 xml=$2 out=$3
if [ "$(id -u)" != 0 ] || [ ! -w /dev/net/tun ]; then echo "skipped: needs root and /dev/net/tun"; exit 0; fi
rm -rf "$out"; mkdir -p "$out"
my_ns=$(readlink /proc/self/ns/net)
"$bootsim" scenario "$xml" --out "$out" -j 1 >"$out/stdout" 2>"$out/stderr" &
pid=$!
# The servers: descendants of this bootsim (other runs may have servers of their own) in another
# network namespace.
descendants() {
  local all; all=$(ps -e -o pid=,ppid=)
  local set=" $pid " grew=1
  while [ $grew = 1 ]; do
    grew=0
    while read -r p pp; do
      case "$set" in *" $pp "*) case "$set" in *" $p "*) ;; *) set="$set$p "; grew=1 ;; esac ;; esac
    done <<<"$all"
  done
  echo $set
}
in_other_ns() {
  for p in $(descendants); do
    ns=$(readlink /proc/$p/ns/net 2>/dev/null) || continue
    [ "$ns" != "$my_ns" ] && echo "$p $ns"
  done | sort -u
}
found=""
for _ in $(seq 1 100); do
  found=$(in_other_ns)
  [ "$(echo "$found" | grep -c .)" -ge 3 ] && break  # the helper and at least two server processes
  sleep 0.1
done
if [ -z "$found" ]; then echo "FAIL: no server process appeared in another network namespace"; kill -9 $pid; exit 1; fi
echo "servers running: $found"
ns=$(echo "$found" | awk '{print $2}' | sort -u)
sleep 1
kill -INT $pid
wait $pid
rc=$?
echo "bootsim exited $rc"
[ "$rc" = 130 ] || { echo "FAIL: expected exit 130 after SIGINT"; cat "$out/stderr"; exit 1; }
left=""
for p in $(ps -e -o pid=); do
  n=$(readlink /proc/$p/ns/net 2>/dev/null) || continue
  for x in $ns; do [ "$n" = "$x" ] && left="$left $p"; done
done
if [ -n "$left" ]; then echo "FAIL: processes left in the servers' namespace:$left"; ps -o pid,args -p "$(echo $left | tr ' ' ,)"; exit 1; fi
echo "ok: no server process and no process in namespace $ns remain"
