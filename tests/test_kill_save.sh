#!/usr/bin/env bash
# Crash-safe saves and Ctrl-C in `cnn train`:
#  - Ctrl-C stops at the end of the current step, saves, exits 130; the file
#    holds that very step;
#  - a second Ctrl-C quits at once;
#  - a non-finite loss stops with the epoch and step named, saving nothing;
#  - a run saving after every step, killed with SIGKILL at random moments
#    many times (resumed each time), always leaves a checkpoint that loads and
#    that is no older than the one before: never torn, never missing.
set -euo pipefail
: "${CNN_BINARY_DIR:?}" "${CNN_TEST_DATA_DIR:?}"
cnn="$CNN_BINARY_DIR/cnn"
[ -x "$cnn" ] || { echo "test_kill_save: $cnn is missing" >&2; exit 1; }
data="$CNN_TEST_DATA_DIR/mnist-subset"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

. "$(dirname "$0")/checkpoint_step.sh"
# wait_pid PID: waits for PID (at most 120 s: then it is killed and the test
# fails) and sets status to its exit status.
wait_pid() {
  local i
  for ((i = 0; i < 12000; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.01
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1"
    fail "the process did not end within 120 s"
  fi
  status=0
  wait "$1" || status=$?
}
loads() { "$cnn" eval "$1" --data "$data" --threads 1 >"$work/eval.log" 2>&1; }
# wait_for FILE TEXT: until FILE contains TEXT (at most 30 s).
wait_for() {
  local i
  for ((i = 0; i < 3000; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.01
  done
  return 1
}

echo "== Ctrl-C saves the state after the current step"
ck="$work/interrupted.ck"
"$cnn" train --model lenet5 --batch 8 --epochs 1000 --threads 1 --data "$data" \
  --save "$ck" >"$work/out" 2>"$work/err" &
pid=$!
wait_for "$work/out" "epoch  train_loss" || fail "training did not start"
sleep 0.3
kill -INT "$pid" 2>/dev/null || true
wait_pid "$pid"
pid=""
[ "$status" -eq 130 ] || fail "exit status $status after Ctrl-C, expected 130"
said=$(sed -n 's/.*interrupted after step \([0-9]*\) .*saved.*/\1/p' "$work/err")
if [ -z "$said" ]; then
  fail "no 'interrupted after step N ... saved' message:"; cat "$work/err"
elif ! loads "$ck"; then
  fail "the checkpoint saved on Ctrl-C does not load:"; cat "$work/eval.log"
elif [ "$(step_of "$ck")" != "$said" ]; then
  fail "the checkpoint holds step $(step_of "$ck"), the message said $said"
else
  echo "stopped and saved at step $said"
fi

echo "== a second Ctrl-C quits at once"
# One step of a heavy model (about 60 GFLOP: half a second or more on any
# machine) takes long enough for both signals to land in it. Under a heavy
# load the first one may still land between steps, and the run then stops
# gracefully before the second: try again (three times).
heavy="conv 32 5x5 pad 2, relu, conv 32 5x5 pad 2, relu, fc 10"
quit=0
for ((attempt = 1; attempt <= 3 && quit == 0; attempt++)); do
  rm -f "$work/twice.ck"
  "$cnn" train --model "$heavy" --batch 500 --epochs 1000 --threads 1 --data "$data" \
    --save "$work/twice.ck" >"$work/out" 2>"$work/err" &
  pid=$!
  wait_for "$work/out" "epoch  train_loss" || fail "training did not start"
  sleep 0.1
  kill -INT "$pid" 2>/dev/null || true
  sleep 0.05
  kill -INT "$pid" 2>/dev/null || true
  wait_pid "$pid"
  pid=""
  [ "$status" -eq 130 ] || fail "exit status $status after two Ctrl-C, expected 130"
  grep -qF "quitting at once" "$work/err" && quit=1
  [ ! -e "$work/twice.ck" ] || loads "$work/twice.ck" || fail "a checkpoint was left torn"
done
[ "$quit" -eq 1 ] || { fail "never 'quitting at once' in three tries:"; cat "$work/err"; }

echo "== a non-finite loss stops training and keeps the last checkpoint"
# Twelve layers of gauss(1000) weights overflow the logits at the first step.
layer="fc 64 init gauss 1000"
model="$layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, fc 10"
cp "$work/interrupted.ck" "$work/kept.ck"
status=0
"$cnn" train --model "$model" --epochs 3 --threads 1 --data "$data" --save "$work/kept.ck" \
  >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "exit status $status on a non-finite loss, expected 1"
grep -qE "the loss is -?nan at epoch 1, step 1 of" "$work/err" ||
  { fail "no message naming the epoch and step:"; cat "$work/err"; }
cmp -s "$work/interrupted.ck" "$work/kept.ck" || fail "the checkpoint changed"

echo "== SIGKILL at random moments while saving after every step"
ck="$work/killed.ck"
"$cnn" train --model mlp --batch 16 --epochs 100000 --threads 1 --data "$data" \
  --save "$ck" --save-every 1 >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 3000; i++)); do [ -e "$ck" ] && break; sleep 0.01; done
kill -9 "$pid" 2>/dev/null || fail "the first training run ended by itself"
wait "$pid" 2>/dev/null || true
pid=""
previous=-1
kills=0 moved=0
RANDOM=7 # the same moments each run
for ((round = 1; round <= 20; round++)); do
  if [ ! -e "$ck" ]; then
    fail "round $round: the checkpoint is missing"
    break
  fi
  if ! loads "$ck"; then
    fail "round $round: the checkpoint does not load:"; cat "$work/eval.log"
    break
  fi
  step=$(step_of "$ck")
  if [ "$step" -lt "$previous" ]; then
    fail "round $round: the checkpoint went back from step $previous to $step"
  fi
  [ "$step" -gt "$previous" ] && moved=$((moved + 1))
  previous=$step
  "$cnn" train --resume "$ck" --save "$ck" --save-every 1 --epochs 100000 --threads 1 \
    --data "$data" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 40 + 5))"
  kill -9 "$pid" 2>/dev/null || fail "round $round: the training run ended by itself"
  wait "$pid" 2>/dev/null || true
  pid=""
  kills=$((kills + 1))
done
loads "$ck" || fail "the last checkpoint does not load"
echo "$kills kills, the checkpoint moved forward $moved times, last at step $(step_of "$ck");" \
  "$(find "$work" -name "killed.ck.tmp.*" | wc -l) temporary files left by killed saves"
# A save that completes removes the temporaries that killed saves left.
"$cnn" train --resume "$ck" --save "$ck" --epochs 1 --threads 1 --data "$data" >/dev/null 2>&1 ||
  fail "a run resumed after the kills did not finish"
left=$(find "$work" -name "killed.ck.tmp.*" | wc -l)
[ "$left" -eq 0 ] || fail "$left temporary files of killed saves left after a completed save"
[ "$moved" -ge 10 ] || fail "the runs saved too rarely to test anything ($moved of $kills)"

echo "test_kill_save: $failures failed"
[ "$failures" -eq 0 ]
