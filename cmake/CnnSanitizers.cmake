# Sanitizer and fuzzing builds. Both instrument every target, the library
# included, so a report points into the code that misbehaved.
#
#   CNN_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer; any report
#                 ends the process (no recovery). scripts/test-sanitize.
#   CNN_FUZZ      the libFuzzer targets of tests/fuzz (clang only); implies
#                 CNN_SANITIZE and adds coverage instrumentation. scripts/fuzz.
option(CNN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CNN_FUZZ "Build the libFuzzer targets (clang; implies CNN_SANITIZE)" OFF)

if(CNN_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CNN_FUZZ needs clang (libFuzzer): configure with CC=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(CNN_SANITIZE OR CNN_FUZZ)
  set(CNN_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                          -fno-omit-frame-pointer)
  add_compile_options(${CNN_SANITIZER_FLAGS})
  add_link_options(${CNN_SANITIZER_FLAGS})
endif()
