#include "sim/cli/colour.h"

#include <fmt/color.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bootsim::cli {

namespace {

ColorMode g_mode = ColorMode::kAuto;

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

fmt::text_style style(Tone tone) {
  switch (tone) {
    case Tone::kPass: return fmt::fg(fmt::terminal_color::green) | fmt::emphasis::bold;
    case Tone::kFail: return fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
    case Tone::kFault: return fmt::fg(fmt::terminal_color::magenta) | fmt::emphasis::bold;
    case Tone::kSkip: return fmt::fg(fmt::terminal_color::yellow) | fmt::emphasis::bold;
    case Tone::kError: return fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
  }
  return {};
}

}  // namespace

void set_color_mode(std::string_view mode) {
  g_mode = mode == "always" ? ColorMode::kAlways : mode == "never" ? ColorMode::kNever : ColorMode::kAuto;
}

bool color_enabled(std::FILE* stream) {
  if (g_mode != ColorMode::kAuto) return g_mode == ColorMode::kAlways;
  if (env_set("NO_COLOR")) return false;
  if (env_set("CLICOLOR_FORCE") && std::strcmp(std::getenv("CLICOLOR_FORCE"), "0") != 0) return true;
  const char* term = std::getenv("TERM");
  return ::isatty(::fileno(stream)) && !(term && std::strcmp(term, "dumb") == 0);
}

std::string paint(std::string_view text, Tone tone, std::FILE* stream) {
  if (!color_enabled(stream)) return std::string(text);
  return fmt::format(style(tone), "{}", text);
}

}  // namespace bootsim::cli
