#!/usr/bin/env bash
# Ranks that would compute different things refuse to start, all of them,
# with a message from rank 0 that names the rank and what differs (mpirun's
# MPMD form gives each rank its own command line).
set -euo pipefail
. "$(dirname "$0")/mpi_common.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# refuses WHAT ARGS0 -- ARGS1: rank 0 runs cnn train ARGS0, rank 1 ARGS1
# (with --threads 1 and, unless given, --data and --epochs 1).
refuses() {
  local what=$1 i
  shift
  for ((i = 1; i <= $#; i++)); do [ "${!i}" = -- ] && break; done
  local first=("${@:1:i-1}") second=("${@:i+1}")
  [[ " $* " == *" --data "* ]] || { first+=(--data "$data"); second+=(--data "$data"); }
  [[ " $* " == *" --epochs "* ]] || { first+=(--epochs 1); second+=(--epochs 1); }
  local status=0
  "$CNN_MPIEXEC" --oversubscribe --bind-to none \
    -np 1 "$cnn" train --threads 1 "${first[@]}" : \
    -np 1 "$cnn" train --threads 1 "${second[@]}" \
    >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -ne 0 ] || fail "$what: exit status 0"
  grep -qF -- "rank 1 of 2 runs with a different $what" "$work/err" ||
    { fail "$what: no refusal naming rank 1 and it:"; cat "$work/err"; }
  grep -q "^epoch" "$work/out" && fail "$what: training started"
  return 0
}
refuses "training state" --lr 0.001 -- --lr 0.002
refuses "training state" --seed 1 -- --seed 2
refuses "training state" --batch 64 -- --batch 32
refuses "model" --model lenet5 -- --model simple
refuses "--epochs" --epochs 1 -- --epochs 2
# Another data set of the same shapes: the training and test sets swapped.
mkdir "$work/data"
for kind in images-idx3 labels-idx1; do
  cp "$data/train-$kind-ubyte.gz" "$work/data/t10k-$kind-ubyte.gz"
  cp "$data/t10k-$kind-ubyte.gz" "$work/data/train-$kind-ubyte.gz"
done
refuses "--data" --data "$data" -- --data "$work/data"
# The same command on both ranks starts.
"$CNN_MPIEXEC" --oversubscribe -np 2 "$cnn" train --threads 1 --data "$data" --epochs 1 \
  >"$work/out" 2>&1 || { fail "the same command on both ranks failed:"; cat "$work/out"; }
echo "test_mpi_refuse: $failures failed"
[ "$failures" -eq 0 ]
