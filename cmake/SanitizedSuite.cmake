# ctest -P script: configure, build and test bootsim with BOOTSIM_SANITIZE=ON in BUILD_DIR.
# Any step failing (including a sanitizer report, which aborts the test that caused it) fails the test.
# External-server tests (label "external") run on the wall clock and are left out too.
# Leaks inside libslirp's own teardown are not ours to fix (cmake/lsan-suppressions.txt says which).
if(DEFINED ENV{LSAN_OPTIONS})
  set(ENV{LSAN_OPTIONS} "$ENV{LSAN_OPTIONS}:suppressions=${SOURCE_DIR}/cmake/lsan-suppressions.txt")
else()
  set(ENV{LSAN_OPTIONS} "suppressions=${SOURCE_DIR}/cmake/lsan-suppressions.txt")
endif()
foreach(step
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${BUILD_DIR};-G;Ninja;-DCMAKE_BUILD_TYPE=Debug;-DBOOTSIM_SANITIZE=ON"
    "${CMAKE_COMMAND};--build;${BUILD_DIR}"
    "${CMAKE_CTEST_COMMAND};--test-dir;${BUILD_DIR};--output-on-failure;-j;2;-LE;slow|external")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${step}")
    message(FATAL_ERROR "sanitized suite: '${shown}' failed (${rc})")
  endif()
endforeach()
