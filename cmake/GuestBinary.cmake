# guest_binary(NAME SOURCE [CODE16|CODE32] [ORG addr])
#
# Assembles a tiny guest program with GNU as, links it flat at ORG with ld and turns the raw bytes into a
# C++ header `<name>.bin.h` declaring `inline constexpr unsigned char <name>_bin[]`. The generated header
# lands in ${CMAKE_BINARY_DIR}/generated; add that to a target's include path to use it.
function(guest_binary name source)
  cmake_parse_arguments(GB "" "ORG" "" ${ARGN})
  if(NOT GB_ORG)
    set(GB_ORG 0)
  endif()
  set(gen ${CMAKE_BINARY_DIR}/generated)
  set(obj ${gen}/${name}.o)
  set(elf ${gen}/${name}.elf)
  set(bin ${gen}/${name}.bin)
  set(hdr ${gen}/${name}.bin.h)
  get_filename_component(src ${source} ABSOLUTE)
  # `.include "x.inc"` resolves against the source's folder (as would otherwise look in the build dir).
  get_filename_component(srcdir ${src} DIRECTORY)
  file(GLOB incs CONFIGURE_DEPENDS ${srcdir}/*.inc)
  add_custom_command(
    OUTPUT ${hdr}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
    COMMAND as --32 -I ${srcdir} -o ${obj} ${src}
    COMMAND ld -m elf_i386 -Ttext=${GB_ORG} -e 0 --oformat=binary -o ${bin} ${obj}
    COMMAND ${CMAKE_COMMAND} -DBIN=${bin} -DHDR=${hdr} -DNAME=${name} -P ${PROJECT_SOURCE_DIR}/cmake/BinToHeader.cmake
    DEPENDS ${src} ${incs} ${PROJECT_SOURCE_DIR}/cmake/BinToHeader.cmake
    COMMENT "Assembling guest program ${name}"
    VERBATIM)
  add_custom_target(${name}_bin DEPENDS ${hdr})
endfunction()

# guest_raw_binary(NAME SOURCE ORG OUTFILE): like guest_binary but keeps the raw image as a file
# (sentinel payloads are served to the guest as files, not compiled in).
function(guest_raw_binary name source org outfile)
  get_filename_component(src ${source} ABSOLUTE)
  get_filename_component(srcdir ${src} DIRECTORY)
  get_filename_component(outdir ${outfile} DIRECTORY)
  file(GLOB incs CONFIGURE_DEPENDS ${srcdir}/*.inc)
  set(gen ${CMAKE_BINARY_DIR}/generated)
  add_custom_command(
    OUTPUT ${outfile}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen} ${outdir}
    COMMAND as --32 -I ${srcdir} -o ${gen}/${name}.o ${src}
    COMMAND ld -m elf_i386 -Ttext=${org} -e 0 --oformat=binary -o ${outfile} ${gen}/${name}.o
    DEPENDS ${src} ${incs}
    COMMENT "Assembling payload ${name}"
    VERBATIM)
  add_custom_target(${name}_payload ALL DEPENDS ${outfile})
endfunction()
