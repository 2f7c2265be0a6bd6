# cmake --install: the library, the headers, a CMake package (cnn::cnn) and
# a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS cnn EXPORT cnnTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/cnn DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(CNN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cnn)
install(EXPORT cnnTargets NAMESPACE cnn:: DESTINATION ${CNN_CMAKE_DIR})
configure_package_config_file(cmake/cnnConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/cnnConfig.cmake INSTALL_DESTINATION ${CNN_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cnnConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cnnConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cnnConfigVersion.cmake
        DESTINATION ${CNN_CMAKE_DIR})

# pkg-config: a static library, so its dependencies go on the Libs line and
# in Requires (Requires.private would need `pkg-config --static`).
set(CNN_PC_LIBS "-lcnn -lm")
set(CNN_PC_REQUIRES "")
if(CNN_OPENMP)
  string(APPEND CNN_PC_LIBS " ${OpenMP_C_FLAGS}")
endif()
if(HWLOC_FOUND)
  string(APPEND CNN_PC_REQUIRES " hwloc")
endif()
if(CNN_HAVE_MPI)
  string(APPEND CNN_PC_REQUIRES " ompi-c")
endif()
if(ZLIB_FOUND)
  string(APPEND CNN_PC_REQUIRES " zlib")
endif()
if(PNG_FOUND)
  string(APPEND CNN_PC_REQUIRES " libpng")
endif()
# The prefix is found relative to the .pc file, so an install moved with
# `cmake --install --prefix DIR` (or by hand) still resolves.
file(RELATIVE_PATH CNN_PC_PREFIX_FROM_PCFILEDIR
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" CNN_PC_PREFIX_FROM_PCFILEDIR "${CNN_PC_PREFIX_FROM_PCFILEDIR}")
configure_file(cmake/cnn.pc.in ${CMAKE_CURRENT_BINARY_DIR}/cnn.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cnn.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
