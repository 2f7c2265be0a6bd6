#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then builds the program of
# tests/consumer against it twice, through find_package(cnn CONFIG) and
# through pkg-config, and runs both (each checks its own convolution
# output). README.md's example must be that same program.
set -euo pipefail
: "${CNN_SOURCE_DIR:?}" "${CNN_BINARY_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer="$CNN_SOURCE_DIR/tests/consumer"
# The build's own compiler and C flags (a sanitizer build needs both to link
# too: clang's sanitizer runtime and OpenMP library, not gcc's).
cflags=$(sed -n 's/^CMAKE_C_FLAGS:STRING=//p' "$CNN_BINARY_DIR/CMakeCache.txt")
cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$CNN_BINARY_DIR/CMakeCache.txt")

cmake --install "$CNN_BINARY_DIR" --prefix "$work/prefix" >"$work/install.log"

echo "== find_package(cnn CONFIG)"
cmake -S "$consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$cflags" >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/cmake/consumer"

echo "== pkg-config --cflags --libs cnn"
pc_dir=$(dirname "$(find "$work/prefix" -name cnn.pc | head -n 1)")
flags=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs cnn)
echo "flags: $flags"
# shellcheck disable=SC2086 # the flags are words
"$cc" -std=c11 $cflags -o "$work/consumer-pc" "$consumer/main.c" $flags
"$work/consumer-pc"

echo "== README.md shows tests/consumer/main.c"
awk '/^```c$/ {inside = 1; next} /^```$/ {inside = 0} inside' \
    "$CNN_SOURCE_DIR/README.md" >"$work/readme.c"
diff -u "$consumer/main.c" "$work/readme.c"
echo "test_install: 3 passed, 0 failed"
