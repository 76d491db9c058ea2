#!/bin/bash
# xmllint against the generated XML Schemas (sim/scenario/schema_xsd.cpp).
#
# usage: xsd_check.sh shipped SOURCE_DIR
#   Every shipped scenario (scenarios/*.xml and scenarios/*/*.xml whose root is <scenario>) validates against
#   scenarios/bootsim-scenario.xsd, every profile file (nicmodels/profiles/*.xml) against nic-profile.xsd.
# usage: xsd_check.sh agree SOURCE_DIR BOOTSIM
#   The schema and the loader (`bootsim check`) accept and refuse the examples in
#   tests/scenario/xsd_examples/ as tests/scenario/xsd_examples/cases.txt says; a case the schema cannot
#   express is listed there with xsd=ok loader=bad and the reason.
set -u
mode=$1 src=$2
command -v xmllint >/dev/null || { echo "xmllint is missing: apt-get install libxml2-utils (.ci/setup)"; exit 1; }
fail=0
case "$mode" in
shipped)
  n=0
  for f in "$src"/scenarios/*.xml "$src"/scenarios/*/*.xml; do
    [ -f "$f" ] || continue
    grep -q "<scenario[ >]" "$f" || continue
    grep -q 'xsi:noNamespaceSchemaLocation="[./]*bootsim-scenario.xsd"' "$f" ||
      { echo "$f: no xsi:noNamespaceSchemaLocation=\"bootsim-scenario.xsd\" on <scenario>"; fail=1; }
    xmllint --noout --schema "$src/scenarios/bootsim-scenario.xsd" "$f" 2>&1 | grep -v " validates$" && fail=1
    n=$((n + 1))
  done
  for f in "$src"/nicmodels/profiles/*.xml; do
    xmllint --noout --schema "$src/nicmodels/profiles/nic-profile.xsd" "$f" 2>&1 | grep -v " validates$" && fail=1
    n=$((n + 1))
  done
  [ "$n" -gt 3 ] || { echo "found only $n files under $src"; exit 1; }
  echo "$n files checked"
  ;;
agree)
  bootsim=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
  dir=$src/tests/scenario/xsd_examples
  n=0
  while read -r file xsd loader why; do
    case "$file" in ''|'#'*) continue;; esac
    n=$((n + 1))
    if xmllint --noout --schema "$src/scenarios/bootsim-scenario.xsd" "$dir/$file" >/dev/null 2>&1; then got_xsd=ok; else got_xsd=bad; fi
    if (cd "$dir" && "$bootsim" check "$file" --color=never >/dev/null 2>&1); then got_loader=ok; else got_loader=bad; fi
    if [ "xsd=$got_xsd" != "$xsd" ] || [ "loader=$got_loader" != "$loader" ]; then
      echo "$file: expected $xsd $loader, got xsd=$got_xsd loader=$got_loader ($why)"
      fail=1
    fi
  done < "$dir/cases.txt"
  [ "$n" -gt 0 ] || { echo "no cases in $dir/cases.txt"; exit 1; }
  echo "$n cases checked"
  ;;
*) echo "usage: $0 shipped|agree SOURCE_DIR [BOOTSIM]"; exit 2;;
esac
exit $fail
