#!/usr/bin/env bash
# A short training run, a resume, an evaluation and a prediction of the cnn
# program under valgrind memcheck: no invalid access, no use of
# uninitialized memory, no definite or indirect leak. Skipped (77) without
# valgrind, and in sanitizer builds (the two do not mix).
set -euo pipefail
: "${CNN_BINARY_DIR:?}" "${CNN_TEST_DATA_DIR:?}"
cnn="$CNN_BINARY_DIR/cnn"
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }
if grep -q -- '-fsanitize' "$CNN_BINARY_DIR/CMakeCache.txt"; then
  echo "a sanitizer build: valgrind does not run it"
  exit 77
fi
[ -x "$cnn" ] || { echo "test_valgrind: $cnn is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A small data set from the subset: 128 training and 64 test images.
subset="$CNN_TEST_DATA_DIR/mnist-subset"
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))"
         printf "\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
cut_set() { # SPLIT COUNT
  gunzip -c "$subset/$1-images-idx3-ubyte.gz" >"$work/all-images"
  gunzip -c "$subset/$1-labels-idx1-ubyte.gz" >"$work/all-labels"
  { printf '\x00\x00\x08\x03'; be32 "$2"; be32 28; be32 28
    head -c $((16 + $2 * 784)) "$work/all-images" | tail -c $(($2 * 784)); } \
    >"$work/$1-images-idx3-ubyte"
  { printf '\x00\x00\x08\x01'; be32 "$2"; head -c $((8 + $2)) "$work/all-labels" | tail -c "$2"; } \
    >"$work/$1-labels-idx1-ubyte"
}
cut_set train 128
cut_set t10k 64
# One test image as a PGM.
{ printf 'P5\n28 28\n255\n'; head -c $((16 + 784)) "$work/t10k-images-idx3-ubyte" | tail -c 784; } \
  >"$work/digit.pgm"

failures=0
memcheck() { # NAME STATUS ARGS...: runs cnn ARGS under memcheck, expecting STATUS
  local name=$1 want=$2 got=0
  shift 2
  echo "== cnn $*"
  valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect -q --log-file="$work/$name.vg" \
    "$cnn" "$@" >"$work/$name.out" 2>&1 || got=$?
  if [ "$got" -ne "$want" ] || [ -s "$work/$name.vg" ]; then
    echo "FAIL: cnn $*: exit status $got (want $want)"
    cat "$work/$name.out" "$work/$name.vg"
    failures=$((failures + 1))
  fi
}
model="conv 4 5x5 pad 2, relu, maxpool 2, conv 4 3x3, tanh, avgpool 2, fc 16, sigmoid, fc 10"
memcheck train 0 train --model "$model" --epochs 1 --batch 32 --threads 1 --data "$work" \
  --save "$work/ck" --save-every 3 --log "$work/log.csv" --plot "$work/plot.svg"
memcheck resume 0 train --resume "$work/ck" --epochs 1 --threads 1 --data "$work" --save "$work/ck"
memcheck eval 0 eval "$work/ck" --data "$work" --batch 64 --threads 1
memcheck predict 0 predict "$work/ck" "$work/digit.pgm" --threads 1
memcheck bad-data 1 train --data "$work/none" --epochs 1
echo "test_valgrind: $failures failed"
[ "$failures" -eq 0 ]
