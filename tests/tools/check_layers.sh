#!/bin/bash
# Each folder is a layer (README "Architecture"); a file may include headers of its own layer and of layers
# below it, never above. Prints every include that points upward and exits 1 if there is one.
# usage: check_layers.sh SOURCE_DIR
cd "${1:-.}" || exit 2
layers=(sim/core sim/proto sim/cpu nicmodels firmware sim/machine sim/net sim/world sim/facts sim/scenario reports sim/cli)
level_of() {
  local i
  for i in "${!layers[@]}"; do
    case "$1" in "${layers[$i]}"/*) echo "$i"; return;; esac
  done
  echo -1
}
bad=0 checked=0
while IFS= read -r file; do
  from=$(level_of "$file")
  [ "$from" -ge 0 ] || continue
  while IFS= read -r inc; do
    to=$(level_of "$inc")
    [ "$to" -ge 0 ] || continue
    checked=$((checked + 1))
    if [ "$to" -gt "$from" ]; then
      echo "$file includes $inc: ${layers[$from]} is below ${layers[$to]}"
      bad=1
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done < <(git ls-files 'sim/*' 'nicmodels/*' 'firmware/*' 'reports/*' | grep -E '\.(h|cpp)$')
[ "$checked" -gt 0 ] || { echo "no includes found under $PWD: wrong folder?"; exit 2; }
echo "$checked includes checked across ${#layers[@]} layers"
exit $bad
