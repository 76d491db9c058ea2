# embed_text(NAME SOURCE)
#
# Turns a text file of the source tree (a style sheet, a script) into a C++ header `<NAME>.h` declaring
# `inline const char* const NAME`, the file's bytes followed by a NUL, so the code that uses it keeps the
# text in a file of its own language. The header lands in ${CMAKE_BINARY_DIR}/generated; list it among a
# target's sources (to make it) and add that folder to the target's include path (to find it).
function(embed_text name source)
  set(gen ${CMAKE_BINARY_DIR}/generated)
  set(hdr ${gen}/${name}.h)
  get_filename_component(src ${source} ABSOLUTE)
  add_custom_command(
    OUTPUT ${hdr}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
    COMMAND ${CMAKE_COMMAND} -DSRC=${src} -DHDR=${hdr} -DNAME=${name} -P ${PROJECT_SOURCE_DIR}/cmake/TextToHeader.cmake
    DEPENDS ${src} ${PROJECT_SOURCE_DIR}/cmake/TextToHeader.cmake
    COMMENT "Embedding ${source} as ${name}"
    VERBATIM)
endfunction()
