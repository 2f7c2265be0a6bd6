# Optional and required libraries of libcnn. Each found one defines
# CNN_HAVE_<NAME> for the sources; the code states what it does without it.
find_package(PkgConfig QUIET)

set(CNN_PC_REQUIRES_PRIVATE "")
set(CNN_PC_LIBS_PRIVATE "-lm")

if(CNN_OPENMP)
  find_package(OpenMP REQUIRED COMPONENTS C)
endif()

if(CNN_HWLOC AND PKG_CONFIG_FOUND)
  pkg_check_modules(HWLOC IMPORTED_TARGET hwloc)
endif()
if(CNN_HWLOC AND NOT HWLOC_FOUND)
  message(WARNING "hwloc not found: the topology comes from sysfs/sysconf")
endif()

find_package(ZLIB QUIET)
find_package(PNG QUIET)

function(cnn_link_dependencies target)
  target_link_libraries(${target} PUBLIC m)
  if(CNN_OPENMP)
    target_link_libraries(${target} PUBLIC OpenMP::OpenMP_C)
  endif()
  if(HWLOC_FOUND)
    target_link_libraries(${target} PRIVATE PkgConfig::HWLOC)
    target_compile_definitions(${target} PRIVATE CNN_HAVE_HWLOC=1)
  endif()
  if(ZLIB_FOUND)
    target_link_libraries(${target} PRIVATE ZLIB::ZLIB)
    target_compile_definitions(${target} PRIVATE CNN_HAVE_ZLIB=1)
  endif()
  if(PNG_FOUND)
    target_link_libraries(${target} PRIVATE PNG::PNG)
    target_compile_definitions(${target} PRIVATE CNN_HAVE_PNG=1)
  endif()
endfunction()
