#!/bin/bash
# The man page and the bash completion, as `cmake --install` installs them (both generated from the CLI's
# own App at build time: sim/cli/cli_docs.h). Installs into a temporary prefix, then:
#   - man -l renders share/man/man1/bootsim.1, and groff reports no warning (-ww -z);
#   - the page documents every subcommand `bootsim --help` lists;
#   - share/bash-completion/completions/bootsim, sourced in bash, completes `bootsim sc` to `scenario`,
#     `bootsim sweep --va` to --vary and --variant, and `bootsim scenario x --color ` to the choices.
# usage: install_docs_test.sh CMAKE BUILD_DIR
set -u
cmake=$1 build=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }

"$cmake" --install "$build" --prefix "$prefix" >/dev/null || { echo "FAILED: cmake --install"; exit 1; }
page=$prefix/share/man/man1/bootsim.1
completion=$prefix/share/bash-completion/completions/bootsim
check "man page installed" '[ -s "$page" ]'
check "completion installed" '[ -s "$completion" ]'
check "bootsim installed" '[ -x "$prefix/bin/bootsim" ]'

warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
check "groff renders the page without warnings${warnings:+: $warnings}" '[ -z "$warnings" ]'
rendered=$(MANWIDTH=100 man -l "$page" 2>&1 | col -b)
check "man -l renders it" '[ -n "$rendered" ] && grep -q "EXIT STATUS" <<<"$rendered"'
# Every subcommand the help lists ("  scenario   Run scenario files…" under SUBCOMMANDS) has its section.
subs=$("$prefix/bin/bootsim" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
check "the help lists subcommands" '[ -n "$subs" ]'
for s in $subs; do
  check "the page documents bootsim $s" 'grep -q "bootsim $s " <<<"$rendered"'
done
check "the page documents --out's rule" 'grep -q "sweep.<scenario>" <<<"$rendered"'

complete_words() {  # complete_words WORD… : what the completion offers for the last word
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    _bootsim
    printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
check "bootsim sc<TAB> → scenario" '[ "$(complete_words bootsim sc)" = scenario ]'
check "bootsim sweep --va<TAB> → --vary --variant" '[ "$(complete_words bootsim sweep --va | sort | tr "\n" " ")" = "--variant --vary " ]'
check "bootsim scenario x --color <TAB> → auto always never" \
  '[ "$(complete_words bootsim scenario x --color "" | sort | tr "\n" " ")" = "always auto never " ]'
check "bootsim run --nbp x --responder n<TAB> → none net" \
  '[ "$(complete_words bootsim run --nbp x --responder n | sort | tr "\n" " ")" = "net none " ]'
exit $fail
