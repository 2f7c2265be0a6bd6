# Warnings, floating-point contraction, and the per-ISA kernel folders.
#
# The baseline binary runs on any x86-64 or AArch64 CPU: ISA flags apply only
# to the files of kernels/<isa>/, and the dispatch table decides at run time
# whether they may be called. -ffp-contract=off everywhere: the compiler never
# fuses a*b+c on its own, so the scalar reference gives the same bits on every
# machine and every FMA is one a kernel asked for.

add_compile_options(-Wall -Wextra -ffp-contract=off)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(CNN_ARCH_X86_64 ON)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(CNN_ARCH_AARCH64 ON)
endif()

# Flags per ISA folder; -mno-* keeps a higher ISA from leaking into a lower one.
set(CNN_FLAGS_AVX2 -mavx2 -mfma -mf16c -mno-avx512f)
set(CNN_FLAGS_AVX512 -mavx512f -mavx512vl -mavx512dq -mavx512bw -mavx2 -mfma)
set(CNN_FLAGS_NEON "")

# Kernels stamped out for dozens of tile shapes: under UndefinedBehaviorSanitizer
# (a check in every unrolled intrinsic) clang 14 spends minutes on each of
# these files, so they are built with AddressSanitizer only.
set(CNN_MANY_TILE_KERNELS f32_conv_wgrad_kv f32_conv_wgrad_kv_ymm f32_conv_dgrad_cv
    f32_conv_dgrad_cv_ymm f32_conv_dgrad_kv f32_conv_direct f32_conv_direct_rows)

function(cnn_add_isa_kernels target)
  set(isas)
  if(CNN_ARCH_X86_64)
    list(APPEND isas AVX2 AVX512)
  elseif(CNN_ARCH_AARCH64)
    list(APPEND isas NEON)
  endif()
  foreach(isa IN LISTS isas)
    string(TOLOWER ${isa} dir)
    file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/${dir}/*.c)
    if(sources)
      target_sources(${target} PRIVATE ${sources})
      set_source_files_properties(${sources} PROPERTIES
        COMPILE_OPTIONS "${CNN_FLAGS_${isa}}")
      # The sanitizer suite passes its flags in CMAKE_C_FLAGS, the fuzz build
      # as compile options (cmake/CnnSanitizers.cmake): both get the exemption.
      if(CMAKE_C_FLAGS MATCHES "-fsanitize=[^ ]*undefined" OR CNN_FUZZ)
        foreach(source IN LISTS sources)
          get_filename_component(name ${source} NAME_WE)
          if(name IN_LIST CNN_MANY_TILE_KERNELS)
            set_property(SOURCE ${source} APPEND PROPERTY COMPILE_OPTIONS -fno-sanitize=undefined)
          endif()
        endforeach()
      endif()
      target_compile_definitions(${target} PUBLIC CNN_HAVE_${isa}=1)
    endif()
  endforeach()
endfunction()
