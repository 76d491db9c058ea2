// Colour for verdicts and errors on a terminal. `--color=auto|always|never` picks the mode; in auto mode
// the conventions other tools follow apply: NO_COLOR (set, non-empty) turns colour off, CLICOLOR_FORCE
// (set, not "0") turns it on even when the stream is not a terminal, otherwise colour only on a TTY
// whose TERM is not "dumb". Pipes, files and CI logs get plain text unless asked otherwise.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace bootsim::cli {

enum class ColorMode { kAuto, kAlways, kNever };
enum class Tone { kPass, kFail, kFault, kSkip, kError };

/// "auto", "always", "never" (CLI11 checks the spelling).
void set_color_mode(std::string_view mode);
/// Whether text written to `stream` is coloured now.
bool color_enabled(std::FILE* stream);
/// `text` in the tone's colour (bold) when colour is on for `stream`, else `text` unchanged.
std::string paint(std::string_view text, Tone tone, std::FILE* stream = stdout);

}  // namespace bootsim::cli
