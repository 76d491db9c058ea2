#include "sim/cli/cli_docs.h"

#include <sstream>
#include <vector>

#include "sim/core/errors.h"
#include "sim/scenario/shard.h"

namespace bootsim::cli {

namespace {

/// Text made safe for roff: backslashes and hyphens escaped, a leading '.' or '\'' neutralised.
std::string roff(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

/// The options a user sees: not hidden (CLI11 hides an option by an empty group).
std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); });
}

bool takes_value(const CLI::Option* o) { return o->get_type_size_max() > 0 && o->get_items_expected_max() > 0; }

/// "--jobs, -j N" style names (long first, as the help lists them).
std::string option_names(const CLI::Option* o) {
  std::string names;
  for (const auto& l : o->get_lnames()) names += (names.empty() ? "" : ", ") + std::string("--") + l;
  for (const auto& s : o->get_snames()) names += (names.empty() ? "" : ", ") + std::string("-") + s;
  return names;
}

/// The placeholder shown for an option's value: its type name without the validator's part.
std::string value_name(const CLI::Option* o) {
  std::string t = o->get_type_name();
  size_t colon = t.find(':');
  if (colon != std::string::npos) t = t.substr(0, colon);
  return t.empty() ? "VALUE" : t;
}

/// The fixed choices of an option whose validator is CLI::IsMember ("TEXT:{a,b,c}"); empty otherwise.
std::vector<std::string> choices(const CLI::Option* o) {
  std::string t = o->get_type_name();
  size_t open = t.find('{'), close = t.rfind('}');
  std::vector<std::string> out;
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::stringstream ss(t.substr(open + 1, close - open - 1));
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void man_option(std::ostringstream& m, const CLI::Option* o) {
  m << ".TP\n";
  if (o->get_positional()) {
    m << ".I " << roff(o->get_name()) << "\n";
  } else {
    m << "\\fB" << roff(option_names(o)) << "\\fR";
    if (takes_value(o)) m << " \\fI" << roff(value_name(o)) << "\\fR";
    m << "\n";
  }
  std::string d = o->get_description();
  std::vector<std::string> c = choices(o);
  if (!c.empty()) {
    std::string list;
    for (const auto& x : c) list += (list.empty() ? "" : ", ") + x;
    d += (d.empty() ? "" : " ") + std::string("(one of: ") + list + ")";
  }
  if (!o->get_default_str().empty() && takes_value(o)) d += " (default: " + o->get_default_str() + ")";
  if (o->get_required()) d += " Required.";
  m << roff(d) << "\n";
}

std::string synopsis(const CLI::App& sub) {
  std::string s = "bootsim " + sub.get_name();
  for (const CLI::Option* o : visible_options(sub))
    if (o->get_positional()) s += " " + o->get_name() + (o->get_items_expected_max() > 1 ? "..." : "");
  return s + " [OPTIONS]";
}

}  // namespace

std::string man_page(const CLI::App& app) {
  std::ostringstream m;
  m << ".\\\" Generated from bootsim's command line by bootsim-docgen (sim/cli/cli_docs.cpp); do not edit.\n";
  m << ".TH BOOTSIM 1 \"\" \"bootsim\" \"User Commands\"\n";
  m << ".SH NAME\nbootsim \\- run real network\\-boot firmware on an emulated PC in virtual time\n";
  m << ".SH SYNOPSIS\n.B bootsim\n.I COMMAND\n[\\fIOPTIONS\\fR]\n.br\n.B bootsim \\-\\-version\n";
  m << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n.PP\n"
    << roff("It runs Debian's unmodified iPXE (and PXELINUX, GRUB) instruction by instruction on an emulated "
            "BIOS and PXE ROM, against modeled NICs, on a virtual DHCP/TFTP/HTTP network, and judges scenario "
            "files' expectations against the trace. Every command takes --help.")
    << "\n";
  m << ".SH COMMANDS\n";
  for (const CLI::App* sub : subcommands(app)) {
    m << ".SS \"" << roff(synopsis(*sub)) << "\"\n" << roff(sub->get_description()) << "\n";
    for (const CLI::Option* o : visible_options(*sub)) man_option(m, o);
  }
  m << ".SH \"GLOBAL OPTIONS\"\n";
  for (const CLI::Option* o : visible_options(app)) man_option(m, o);
  m << ".SH \"OUTPUT FOLDERS\"\n"
    << roff("--out DIR is a root (default bootsim-out): scenario writes DIR/<scenario>/, sweep writes "
            "DIR/sweep-<scenario>/, a shard adds DIR/shard.json, merge writes what the unsharded run writes. "
            "A sweep run again into the same root replaces the cells the earlier one wrote.")
    << "\n";
  m << ".SH \"EXIT STATUS\"\n";
  struct Code { int code; const char* meaning; };
  for (const Code& c : {Code{kExitOk, "ran, and every expectation held"},
                        Code{kExitExpectationFailed, "an expectation failed"},
                        Code{kExitInvalidInput, "invalid input or usage (names the file or option)"},
                        Code{kExitGuestFault, "the simulated machine faulted"},
                        Code{kExitInternalError, "bootsim's own internal error"},
                        Code{scenario::kExitMergeRefused, "merge: the folders are not the shards of one whole run"}})
    m << ".TP\n.B " << c.code << "\n" << roff(c.meaning) << "\n";
  m << ".TP\n.B 129, 130, 143\n" << roff("scenario or sweep stopped by SIGHUP, SIGINT or SIGTERM, after writing its reports") << "\n";
  m << ".SH ENVIRONMENT\n"
    << ".TP\n.B NO_COLOR\n" << roff("no colour, as --color=never (unless CLICOLOR_FORCE is set)") << "\n"
    << ".TP\n.B CLICOLOR_FORCE\n" << roff("colour even when the output is not a terminal") << "\n"
    << ".TP\n.B BOOTSIM_CUSTOM_IPXE\n" << roff("your own iPXE build, for variants that name it") << "\n"
    << ".TP\n.B BOOTSIM_ALLOW_SERVERS\n" << roff("1: as --allow-servers") << "\n"
    << ".TP\n.B BOOTSIM_CACHE_DIR\n"
    << roff("the snapshot cache folder, where start-ups learned by one run are kept for the next (default "
            "$XDG_CACHE_HOME/bootsim, else ~/.cache/bootsim)") << "\n"
    << ".TP\n.B BOOTSIM_CACHE\n" << roff("off: no snapshot cache") << "\n"
    << ".TP\n.B BOOTSIM_SNAPSHOT\n" << roff("off: every machine runs its whole start-up (no sharing, no cache)") << "\n"
    << ".TP\n.B BOOTSIM_NO_SHARE\n" << roff("1: every variant or cell boots on its own, no shared boots") << "\n"
    << ".TP\n.B BOOTSIM_FAST_STRINGS\n"
    << roff("off: every pass of a REP MOVS/STOS runs in the CPU emulator, none done at once by the host (same "
            "results, slower)") << "\n"
    << ".TP\n.B BOOTSIM_UNICORN_STORES\n"
    << roff("library: Unicorn's own store path: every guest store takes the slow path, with "
            "page_collection_lock/unlock, instead of the fast path for pages without translated code and "
            "the no-ops Unicorn 2.1 has for the locks (same results, slower)") << "\n"
    << ".TP\n.B BOOTSIM_UNICORN_CR0\n"
    << roff("library: Unicorn's own CR0 write, which empties the TLB and jump cache at every switch between "
            "real and protected mode, instead of keeping them when paging is off (same results, slower)") << "\n";
  m << ".SH \"SEE ALSO\"\n" << roff("README.md and scenarios/README.md in bootsim's source tree.") << "\n";
  return m.str();
}

std::string bash_completion(const CLI::App& app) {
  std::ostringstream b;
  auto words = [](const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  auto all_names = [](const CLI::Option* o) {
    std::vector<std::string> n;
    for (const auto& l : o->get_lnames()) n.push_back("--" + l);
    for (const auto& s : o->get_snames()) n.push_back("-" + s);
    return n;
  };
  std::vector<std::string> commands, global;
  for (const CLI::App* sub : subcommands(app)) commands.push_back(sub->get_name());
  for (const CLI::Option* o : visible_options(app))
    for (const auto& n : all_names(o)) global.push_back(n);
  b << "# bash completion for bootsim, generated from its command line by bootsim-docgen (sim/cli/cli_docs.cpp).\n"
    << "_bootsim() {\n"
    << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
    << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
    << "    case ${COMP_WORDS[i]} in " << [&] {
         std::string alt;
         for (const auto& c : commands) alt += (alt.empty() ? "" : "|") + c;
         return alt;
       }() << ") cmd=${COMP_WORDS[i]}; break ;; esac\n"
    << "  done\n";
  // Values of options with fixed choices, wherever they appear.
  b << "  case $prev in\n";
  std::vector<std::string> seen;
  auto add_choices = [&](const CLI::App& a) {
    for (const CLI::Option* o : visible_options(a)) {
      std::vector<std::string> c = choices(o);
      if (c.empty() || o->get_positional()) continue;
      for (const auto& n : all_names(o)) {
        bool dup = false;
        for (const auto& s : seen) dup = dup || s == n;
        if (dup) continue;
        seen.push_back(n);
        b << "    " << n << ") COMPREPLY=($(compgen -W '" << words(c) << "' -- \"$cur\")); return ;;\n";
      }
    }
  };
  add_choices(app);
  for (const CLI::App* sub : subcommands(app)) add_choices(*sub);
  b << "  esac\n";
  b << "  local opts\n  case $cmd in\n";
  b << "    '') if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '" << words(global) << "' -- \"$cur\"));\n"
    << "        else COMPREPLY=($(compgen -W '" << words(commands) << "' -- \"$cur\")); fi\n"
    << "        return ;;\n";
  for (const CLI::App* sub : subcommands(app)) {
    std::vector<std::string> opts = global;
    for (const CLI::Option* o : visible_options(*sub))
      if (!o->get_positional())
        for (const auto& n : all_names(o)) opts.push_back(n);
    b << "    " << sub->get_name() << ") opts='" << words(opts) << "' ;;\n";
  }
  b << "  esac\n"
    << "  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n"
    << "  COMPREPLY=($(compgen -f -- \"$cur\"))\n"
    << "}\n"
    << "complete -o filenames -F _bootsim bootsim\n";
  return b.str();
}

}  // namespace bootsim::cli
