# The cnn program: help, exit codes and messages for bad flags, and a short
# train / resume / eval / predict / filters / features run on the MNIST subset.
set -uo pipefail
cnn=$CNN_BINARY_DIR/cnn
data=$CNN_TEST_DATA_DIR/mnist-subset
[ -x "$cnn" ] || { echo "no $cnn (CNN_BUILD_CLI=OFF?)"; exit 77; }
work=$(mktemp -d "$CNN_BINARY_DIR/test_cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/cli_expect.sh"

expect 0 "commands:" "$cnn" --help
expect 2 "usage: cnn COMMAND" "$cnn"
expect 2 'unknown command "trian"' "$cnn" trian
for command in train eval predict filters features; do
  expect 0 "usage: cnn $command" "$cnn" "$command" --help
done

# Bad values: a clear message and exit 2, before any work.
expect 2 '--epochs "0": expected an integer in 1..100000' "$cnn" train --epochs 0
expect 2 '--epochs "-3": expected an integer' "$cnn" train --epochs -3
expect 2 '--epochs "ten": expected an integer' "$cnn" train --epochs ten
expect 2 '--epochs "2.5": expected an integer' "$cnn" train --epochs 2.5
expect 2 '--batch "0": expected an integer in 1..65536' "$cnn" train --batch 0
expect 2 '--lr "nan": expected a number in (0..10]' "$cnn" train --lr nan
expect 2 '--lr "0": expected a number' "$cnn" train --lr 0
expect 2 '--lr "-0.1": expected a number' "$cnn" train --lr=-0.1
expect 2 '--weight-decay "inf": expected a number in 0..1' "$cnn" train --weight-decay inf
expect 2 '--threads "100000": expected an integer in 1..1024' "$cnn" train --threads 100000
expect 2 '--threads "0": expected an integer' "$cnn" train --threads 0
expect 2 '--seed "-1": expected an integer' "$cnn" train --seed -1
expect 2 '--optimizer "rmsprop": expected sgd, momentum or adam' "$cnn" train --optimizer rmsprop
expect 2 '--model "lenet": expected lenet5, simple, mlp or a model text' "$cnn" train --model lenet
expect 2 'unknown option --epoch' "$cnn" train --epoch 3
expect 2 '--epochs needs a value' "$cnn" train --epochs
expect 2 '--epochs given twice' "$cnn" train --epochs 1 --epochs 2
expect 2 '--model cannot be combined with --resume' "$cnn" train --resume x.ckpt --model mlp
expect 2 '-o PNG is required' "$cnn" filters x.ckpt
expect 2 'expected FILE IMAGE... [options], got 1 argument' "$cnn" predict x.ckpt
expect 2 '--scale "0": expected an integer in 1..64' "$cnn" filters x.ckpt -o x.png --scale 0
# A model text error names the column and what was expected (exit 2).
expect 2 'column 19: expected a layer' "$cnn" train --data "$data" --model "conv 6 5x5, relu, maxpol 2, fc 10"
expect 2 'cannot take the 16x4x4 output of layer 4' "$cnn" train --data "$data" \
  --model "conv 6 5x5, maxpool 2, conv 16 5x5, maxpool 2, conv 8 5x5, fc 10"
# Failures while running exit 1 with the library's message.
expect 1 "no/such/dir" "$cnn" train --data no/such/dir
expect 1 "missing.ckpt" "$cnn" eval "$work/missing.ckpt" --data "$data"

# A short run: plain lines when not on a terminal, the ISA and thread count.
expect 0 "running on" "$cnn" train --model mlp --epochs 1 --threads 2 --data "$data" \
  --save "$work/mlp.ckpt" --log "$work/mlp.csv" --plot "$work/mlp.svg"
out=$("$cnn" train --resume "$work/mlp.ckpt" --epochs 1 --threads 2 --data "$data" \
  --save "$work/mlp2.ckpt" --log "$work/mlp.csv" 2>&1)
checks=$((checks + 1))
if [[ "$out" != *"resuming"*"after epoch 1"* || "$out" != *"    2 "* || "$out" == *$'\r'* ]]; then
  failures=$((failures + 1))
  printf 'FAIL: resume output:\n%s\n' "$out"
fi
checks=$((checks + 1))
if [ "$(wc -l <"$work/mlp.csv")" -ne 3 ] || ! head -1 "$work/mlp.csv" | grep -q '^epoch,train_loss'; then
  failures=$((failures + 1))
  printf 'FAIL: the log has %s lines, want a header and 2 rows\n' "$(wc -l <"$work/mlp.csv")"
fi
checks=$((checks + 1))
grep -q '<svg' "$work/mlp.svg" || { failures=$((failures + 1)); echo "FAIL: no SVG chart"; }
expect 0 "confusion matrix" "$cnn" eval "$work/mlp2.ckpt" --data "$data"
expect 0 "accuracy" "$cnn" eval "$work/mlp2.ckpt" --data "$data"

# The first test image of the subset (a 7) as a PGM file.
{ printf 'P5\n28 28\n255\n'; gzip -dc "$data/t10k-images-idx3-ubyte.gz" | tail -c +17 | head -c 784; } \
  >"$work/seven.pgm"
expect 0 "seven.pgm: " "$cnn" predict "$work/mlp2.ckpt" "$work/seven.pgm"
expect 1 "nothing.png" "$cnn" predict "$work/mlp2.ckpt" "$work/nothing.png"
expect 1 "the model has no conv layer" "$cnn" filters "$work/mlp2.ckpt" -o "$work/f.png"

# Across processes: the same seed and thread count give the same file, bit
# for bit, and 2 epochs equal 1 epoch + --resume for 1 more.
conv_model="conv 4 5x5, relu, maxpool 2, fc 10"
for run in two two-again; do
  expect 0 "saved" "$cnn" train --model "$conv_model" --epochs 2 --threads 2 --seed 9 \
    --data "$data" --save "$work/$run.ckpt"
done
expect 0 "saved" "$cnn" train --model "$conv_model" --epochs 1 --threads 2 --seed 9 \
  --data "$data" --save "$work/conv.ckpt"
expect 0 "after epoch 1" "$cnn" train --resume "$work/conv.ckpt" --epochs 1 --threads 2 \
  --data "$data" --save "$work/resumed.ckpt"
for pair in "two two-again" "two resumed"; do
  set -- $pair
  checks=$((checks + 1))
  cmp "$work/$1.ckpt" "$work/$2.ckpt" ||
    { failures=$((failures + 1)); echo "FAIL: $1.ckpt and $2.ckpt differ"; }
done
expect 0 "4 filters of 1x5x5" "$cnn" filters "$work/conv.ckpt" -o "$work/filters.png"
expect 0 "4 feature maps of 24x24" "$cnn" features "$work/conv.ckpt" "$work/seven.pgm" \
  -o "$work/maps.png"
for png in filters maps; do
  checks=$((checks + 1))
  [ "$(head -c 4 "$work/$png.png" | tail -c 3)" = PNG ] ||
    { failures=$((failures + 1)); echo "FAIL: $png.png is not a PNG"; }
done

echo "test_cli: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
