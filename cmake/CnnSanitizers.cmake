# CNN_FUZZ: the libFuzzer targets of tests/fuzz (clang only; scripts/fuzz).
# Every target, the library included, gets coverage instrumentation and
# AddressSanitizer + UndefinedBehaviorSanitizer, so a finding points into
# the code that misbehaved. (The sanitizer test suite, scripts/test-sanitize,
# passes the same sanitizer flags in CMAKE_C_FLAGS instead, which the
# install test hands on to the programs it builds.)
option(CNN_FUZZ "Build the libFuzzer targets (clang)" OFF)

if(CNN_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CNN_FUZZ needs clang (libFuzzer): configure with CC=clang")
  endif()
  set(CNN_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                          -fno-omit-frame-pointer)
  add_compile_options(-fsanitize=fuzzer-no-link ${CNN_SANITIZER_FLAGS})
  add_link_options(${CNN_SANITIZER_FLAGS})
endif()
