#!/bin/bash
# Every trace kind declared in sim/core/trace_kinds.cpp's vocabulary has an emitter: some source outside
# sim/core makes an event of it (`trace_kind::NAME`). A kind listed but never emitted (as `counter` once
# was) is a lie in the documentation and in the reports' known kinds. Prints each such kind; exits 1 if any.
# usage: check_trace_emitters.sh SOURCE_DIR
cd "${1:-.}" || exit 2
kinds=$(grep -o 'declare_kind<[A-Za-z]*>' sim/core/trace_kinds.cpp | sed 's/declare_kind<\(.*\)>/\1/')
[ -n "$kinds" ] || { echo "no declare_kind<...>() in sim/core/trace_kinds.cpp: wrong folder?"; exit 2; }
sources=$(git ls-files 'sim/*' 'firmware/*' 'nicmodels/*' | grep -E '\.(h|cpp)$' | grep -v '^sim/core/trace')
bad=0 n=0
for k in $kinds; do
  n=$((n + 1))
  if ! grep -qE "trace_kind::$k\b" $sources; then
    echo "trace kind $k is declared but nothing emits it"
    bad=1
  fi
done
echo "$n declared trace kinds checked for an emitter"
exit $bad
