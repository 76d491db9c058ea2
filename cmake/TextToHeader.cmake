# Turns ${SRC} into a C++ header ${HDR} with `inline const char* const ${NAME}` (its bytes and a NUL).
file(READ ${SRC} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${HDR} "// Generated from ${SRC}; do not edit.\n#pragma once\n"
  "inline constexpr unsigned char ${NAME}_bytes[] = {${bytes}0x00};\n"
  "inline const char* const ${NAME} = reinterpret_cast<const char*>(${NAME}_bytes);\n")
