#!/usr/bin/env bash
# Runs every case of tests/bad_inputs.tsv through the real cnn program: each
# must end with its expected exit status (never a crash, a hang or a
# sanitizer report) and print its message substring on stderr, a substring
# specific to that case (checked at the end). The bad
# files are made here, in a temporary directory, from the committed MNIST
# subset and a checkpoint this script trains.
set -euo pipefail
: "${CNN_SOURCE_DIR:?}" "${CNN_BINARY_DIR:?}" "${CNN_TEST_DATA_DIR:?}"
cnn="$CNN_BINARY_DIR/cnn"
table="$CNN_SOURCE_DIR/tests/bad_inputs.tsv"
if [ ! -x "$cnn" ]; then
  echo "test_bad_inputs: $cnn is missing: build with CNN_BUILD_CLI=ON" >&2
  exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SUBSET="$CNN_TEST_DATA_DIR/mnist-subset"

# ---- helpers -------------------------------------------------------------
# bytes HEX...: the bytes with those hex values.
bytes() { local h; for h in "$@"; do printf "\\x$h"; done; }
be32() { bytes "$(printf %02x $(($1 >> 24 & 255)))" "$(printf %02x $(($1 >> 16 & 255)))" \
               "$(printf %02x $(($1 >> 8 & 255)))" "$(printf %02x $(($1 & 255)))"; }
# patch FILE OFFSET: overwrites FILE from OFFSET with stdin.
patch() { dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# offset_of FILE TEXT: byte offset of the first TEXT in FILE.
offset_of() { grep -obUa -m1 -F "$2" "$1" | head -n1 | cut -d: -f1; }
# fix_crc FILE: rewrites a checkpoint's trailing CRC-32 to match its content
# (gzip's trailer holds the CRC-32 of what it compressed, little-endian).
fix_crc() {
  local size; size=$(stat -c %s "$1")
  head -c $((size - 4)) "$1" | gzip -c | tail -c 8 | head -c 4 | patch "$1" $((size - 4))
}
# data_dir NAME: a data set directory of links to the good raw files, in
# which a case then replaces one file.
good="$T/good"
data_dir() {
  mkdir -p "$T/$1"
  local f
  for f in "$good"/*; do ln -s "$f" "$T/$1/$(basename "$f")"; done
}
# own DIR FILE: makes DIR/FILE a private copy of the good file, to patch in
# place (writing through the link would change the good file).
own() { rm -f "$T/$1/$2"; cp "$good/$2" "$T/$1/$2"; }

# ---- the files the table names ---------------------------------------------
mkdir -p "$good"
for f in "$SUBSET"/*.gz; do gunzip -c "$f" >"$good/$(basename "$f" .gz)"; done
TI=train-images-idx3-ubyte TL=train-labels-idx1-ubyte
VI=t10k-images-idx3-ubyte VL=t10k-labels-idx1-ubyte

data_dir d-empty; rm "$T/d-empty/$TI"; : >"$T/d-empty/$TI"
data_dir d-short-header; rm "$T/d-short-header/$TI"; head -c 10 "$good/$TI" >"$T/d-short-header/$TI"
data_dir d-short-body; rm "$T/d-short-body/$TI"; head -c 1000 "$good/$TI" >"$T/d-short-body/$TI"
data_dir d-short-labels; rm "$T/d-short-labels/$TL"; head -c 1000 "$good/$TL" >"$T/d-short-labels/$TL"
data_dir d-magic; own d-magic $TI; bytes 1f | patch "$T/d-magic/$TI" 0
data_dir d-type; own d-type $TI; bytes 0d | patch "$T/d-type/$TI" 2
data_dir d-rank; own d-rank $TI; bytes 02 | patch "$T/d-rank/$TI" 3
data_dir d-label-rank; own d-label-rank $TL; bytes 03 | patch "$T/d-label-rank/$TL" 3
data_dir d-counts; rm "$T/d-counts/$TL"
{ bytes 00 00 08 01; be32 1999; head -c 2007 "$good/$TL" | tail -c 1999; } >"$T/d-counts/$TL"
data_dir d-label-10; own d-label-10 $TL; bytes 0a | patch "$T/d-label-10/$TL" 13
data_dir d-label-255; own d-label-255 $TL; bytes ff | patch "$T/d-label-255/$TL" 2007
data_dir d-test-label; own d-test-label $VL; bytes 0c | patch "$T/d-test-label/$VL" 8
data_dir d-zero-count; own d-zero-count $TI; be32 0 | patch "$T/d-zero-count/$TI" 4
data_dir d-zero-rows; own d-zero-rows $TI; be32 0 | patch "$T/d-zero-rows/$TI" 8
data_dir d-wide; own d-wide $TI; be32 5000 | patch "$T/d-wide/$TI" 12
data_dir d-huge; rm "$T/d-huge/$TI" "$T/d-huge/$TL"
{ bytes 00 00 08 03; be32 2147483647; be32 4096; be32 4096; head -c 64 /dev/zero; } >"$T/d-huge/$TI"
{ bytes 00 00 08 01; be32 2147483647; head -c 64 /dev/zero; } >"$T/d-huge/$TL"
data_dir d-huge-gzip; rm "$T/d-huge-gzip/$TI" "$T/d-huge-gzip/$TL"
gzip -c "$T/d-huge/$TI" >"$T/d-huge-gzip/$TI.gz"; cp "$T/d-huge/$TL" "$T/d-huge-gzip/$TL"
data_dir d-trailing; rm "$T/d-trailing/$TI"; { cat "$good/$TI"; bytes 07; } >"$T/d-trailing/$TI"
data_dir d-garbled-gzip; rm "$T/d-garbled-gzip/$TI"
{ head -c 40 "$SUBSET/$TI.gz"; head -c 64 /dev/zero | tr '\0' 'Z'; tail -c +105 "$SUBSET/$TI.gz"; } \
  >"$T/d-garbled-gzip/$TI.gz"
data_dir d-cut-gzip; rm "$T/d-cut-gzip/$TI"
head -c $(($(stat -c %s "$SUBSET/$TI.gz") / 2)) "$SUBSET/$TI.gz" >"$T/d-cut-gzip/$TI.gz"
data_dir d-gzip-text; rm "$T/d-gzip-text/$TI"; echo "not an IDX file" | gzip -c >"$T/d-gzip-text/$TI.gz"
data_dir d-no-labels; rm "$T/d-no-labels/$TL"
data_dir d-dir; rm "$T/d-dir/$TI"; mkdir "$T/d-dir/$TI"
# 14x14 images: the first 196 bytes of each 28x28 one (the content does not matter).
data_dir d-small; rm "$T/d-small/$VI"
{ bytes 00 00 08 03; be32 500; be32 14; be32 14; head -c $((16 + 500 * 196)) "$good/$VI" | tail -c $((500 * 196)); } \
  >"$T/d-small/$VI"
echo "plain text" >"$T/text.txt"
: >"$T/empty"

# A good checkpoint, and broken copies of it.
CK="$T/good.ck"
"$cnn" train --model mlp --epochs 1 --threads 1 --micro-batch 8 --data "$SUBSET" --save "$CK" >"$T/train.log" ||
  { cat "$T/train.log"; exit 1; }
ck_size=$(stat -c %s "$CK")
ck_copy() { cp "$CK" "$T/$1"; }
ck_copy c-magic; bytes 58 | patch "$T/c-magic" 0
ck_copy c-version; bytes 02 | patch "$T/c-version" 8
ck_copy c-version0; bytes 00 | patch "$T/c-version0" 8
ck_copy c-crc; bytes 5a 5a | patch "$T/c-crc" $((ck_size - 100))
head -c $((ck_size / 2)) "$CK" >"$T/c-truncated"
head -c $((ck_size - 2)) "$CK" >"$T/c-no-crc"
head -c 10 "$CK" >"$T/c-header-only"
# The model says fc 60 where the tensors were saved for fc 50.
ck_copy c-layers; printf 'fc 60' | patch "$T/c-layers" "$(offset_of "$CK" 'fc 50')"; fix_crc "$T/c-layers"
ck_copy c-model-text; printf 'fx 50' | patch "$T/c-model-text" "$(offset_of "$CK" 'fc 50')"; fix_crc "$T/c-model-text"
ck_copy c-tensor-name; printf 'Z' | patch "$T/c-tensor-name" "$(offset_of "$CK" '.fc.weight')"; fix_crc "$T/c-tensor-name"
ck_copy c-optimizer; printf 'adxm' | patch "$T/c-optimizer" "$(offset_of "$CK" 'adam')"; fix_crc "$T/c-optimizer"
# A tensor count far beyond the file (the count sits after the texts and six u64).
count_at=$(($(offset_of "$CK" 'micro_batch=8') + 13 + 48))
ck_copy c-count; bytes ff ff ff 7f | patch "$T/c-count" $count_at; fix_crc "$T/c-count"
ck_copy c-count-low; bytes 01 00 00 00 | patch "$T/c-count-low" $count_at; fix_crc "$T/c-count-low"

# Images: PGM and PNG, broken in several ways.
printf 'P5\n28 28\n255\n' >"$T/pgm-short"; head -c 100 /dev/zero >>"$T/pgm-short"
printf 'P5\n0 28\n255\n' >"$T/pgm-zero"
printf 'P5\n100000 100000\n255\n' >"$T/pgm-huge"; head -c 100 /dev/zero >>"$T/pgm-huge"
printf 'P5\n28 28\n0\n' >"$T/pgm-maxval0"; head -c 784 /dev/zero >>"$T/pgm-maxval0"
printf 'P2\n2 2\n255\n1 2 3 x\n' >"$T/pgm-ascii-bad"
printf 'P2\n2 2\n15\n1 2 3 99\n' >"$T/pgm-sample"
{ bytes 89 50 4e 47 0d 0a 1a 0a; head -c 100 /dev/zero; } >"$T/png-garbage"
bytes 89 50 4e 47 0d 0a 1a 0a >"$T/png-signature-only"

# ---- the cases -----------------------------------------------------------
cases=0 failures=0
declare -A expected # case name -> its expected substring
mkdir "$T/err"
while IFS=$'\t' read -r name status message command; do
  [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
  cases=$((cases + 1))
  eval "args=($command)"
  # Leading NAME=VALUE words set the environment of that run.
  envs=()
  while [ ${#args[@]} -gt 0 ] && [[ "${args[0]}" =~ ^[A-Z_]+= ]]; do
    envs+=("${args[0]}")
    args=("${args[@]:1}")
  done
  got=0
  err="$T/err/$name"
  env "${envs[@]}" timeout 60 "$cnn" "${args[@]}" >"$T/out" 2>"$err" </dev/null || got=$?
  expected[$name]=$message
  problem=""
  if [ "$got" != "$status" ]; then
    problem="exit status $got, expected $status"
  elif ! grep -qF -- "$message" "$err"; then
    problem="stderr lacks \"$message\""
  fi
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    echo "FAIL $name: $problem"
    echo "  cnn $command"
    sed 's/^/  stderr: /' "$err" | head -n 20
  fi
done <"$table"

# Each expected substring names its case: it may appear in the stderr of
# no other case than those that expect the very same substring (one
# problem met through several commands). A substring such as "10" or
# "expected" would also match a different failure, and prove nothing.
for name in "${!expected[@]}"; do
  message=${expected[$name]}
  others=()
  while read -r other; do
    other=$(basename "$other")
    [ "${expected[$other]}" = "$message" ] || others+=("$other")
  done < <(grep -lF -- "$message" "$T"/err/*)
  if [ ${#others[@]} -gt 0 ]; then
    failures=$((failures + 1))
    echo "FAIL $name: \"$message\" also matches the stderr of ${others[*]}"
  fi
done
echo "test_bad_inputs: $((cases - failures)) passed, $failures failed of $cases"
[ "$cases" -ge 40 ] || { echo "expected at least 40 cases"; exit 1; }
[ "$failures" -eq 0 ]
