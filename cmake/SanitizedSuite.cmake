# ctest -P script: configure, build and test bootsim with BOOTSIM_SANITIZE=ON in BUILD_DIR.
# Any step failing (including a sanitizer report, which aborts the test that caused it) fails the test.
# External-server tests (label "external") run on the wall clock and are left out too.
# Leaks inside libslirp's own teardown are not ours to fix (cmake/lsan-suppressions.txt says which).
if(DEFINED ENV{LSAN_OPTIONS})
  set(ENV{LSAN_OPTIONS} "$ENV{LSAN_OPTIONS}:suppressions=${SOURCE_DIR}/cmake/lsan-suppressions.txt")
else()
  set(ENV{LSAN_OPTIONS} "suppressions=${SOURCE_DIR}/cmake/lsan-suppressions.txt")
endif()
# Left out under sanitizers (CI's 90 minutes): tests that only re-run, in a second way, code the suite already
# runs under them. golden.NAME re-runs scenario.xml.NAME's scenario to compare its stdout; shared_prefix compares
# shared and unshared runs of scenarios whose runs (and the shelf, in unit_StretchShelf and the sweeps) are tested
# here anyway; readme.doctest runs shipped commands. They still run in the normal suite. Measured in the ASan
# suite of 0107a01: 1710 s of test time (855 s wall at -j 2) of 5358 s.
set(SANITIZED_SKIP "^golden\\.|shared_prefix|^readme\\.")
foreach(step
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${BUILD_DIR};-G;Ninja;-DCMAKE_BUILD_TYPE=Debug;-DBOOTSIM_SANITIZE=ON"
    "${CMAKE_COMMAND};--build;${BUILD_DIR}"
    "${CMAKE_CTEST_COMMAND};--test-dir;${BUILD_DIR};--output-on-failure;-j;2;-LE;slow|external;-E;${SANITIZED_SKIP}")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${step}")
    message(FATAL_ERROR "sanitized suite: '${shown}' failed (${rc})")
  endif()
endforeach()
