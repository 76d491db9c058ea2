# Turns ${BIN} into a C++ header ${HDR} with `inline constexpr unsigned char ${NAME}_bin[]`.
file(READ ${BIN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${HDR} "// Generated from a guest assembly source; do not edit.\n#pragma once\n"
  "inline constexpr unsigned char ${NAME}_bin[] = {${bytes}};\n")
