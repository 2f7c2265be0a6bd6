#!/usr/bin/env bash
# mpirun -np R cnn train computes what one process computes, bit for bit:
#  - lenet5, one epoch: the same checkpoint (weights, optimizer state, RNG)
#    and the same epoch row (losses, accuracies) from 1 rank x 2 threads,
#    2 ranks x 1 thread, 2 ranks x 2 threads and 3 ranks x 1 thread;
#  - a checkpoint written by R ranks resumes exactly on any other number
#    (2 -> 3 ranks, 1 -> 2 ranks, 3 ranks -> a plain process).
set -euo pipefail
. "$(dirname "$0")/mpi_common.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
row() { grep -E '^ +[0-9]+ ' "$1" | awk '{print $1, $2, $3, $4, $5}'; }

echo "== one epoch, ranks x threads"
job 1 2 --epochs 1 --save "$work/1x2.ck" >"$work/1x2.out"
for shape in 2x1 2x2 3x1; do
  job "${shape%x*}" "${shape#*x}" --epochs 1 --save "$work/$shape.ck" >"$work/$shape.out" ||
    fail "$shape: mpirun failed"
  cmp -s "$work/1x2.ck" "$work/$shape.ck" || fail "$shape: other weights than 1x2"
  [ "$(row "$work/1x2.out")" = "$(row "$work/$shape.out")" ] ||
    fail "$shape: another epoch row: $(row "$work/$shape.out") against $(row "$work/1x2.out")"
  grep -q "^ranks: ${shape%x*}," "$work/$shape.out" || fail "$shape: no 'ranks:' line"
done
echo "epoch row of each: $(row "$work/1x2.out")"

echo "== resume across rank counts"
job 1 1 --epochs 2 --save "$work/two.ck" >/dev/null
job 3 1 --resume "$work/2x1.ck" --epochs 1 --save "$work/2to3.ck" >/dev/null
job 2 1 --resume "$work/1x2.ck" --epochs 1 --save "$work/1to2.ck" >/dev/null
"$cnn" train --resume "$work/3x1.ck" --epochs 1 --threads 2 --data "$data" \
  --save "$work/3to1.ck" >/dev/null
for run in 2to3 1to2 3to1; do
  cmp -s "$work/two.ck" "$work/$run.ck" ||
    fail "$run ranks (1 = no mpirun): epoch 2 differs from one process's"
done
# The comparisons can fail: another micro-batch size gives other bits.
job 2 1 --epochs 1 --micro-batch 5 --save "$work/other.ck" >/dev/null
cmp -s "$work/1x2.ck" "$work/other.ck" && fail "--micro-batch 5 gave the same bits"

echo "test_mpi_bits: $failures failed"
[ "$failures" -eq 0 ]
