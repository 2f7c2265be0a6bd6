#!/usr/bin/env bash
# Faults in a job of 2 ranks (what Open MPI's mpirun does by default):
#  - a rank killed with SIGKILL mid-epoch (rank 1, then rank 0, the one that
#    saves, in turn; 10 times at random moments, saving after every step)
#    ends the whole job within 30 s, with a non-zero status and mpirun's
#    message naming the lost rank; the checkpoint always loads, never goes
#    back, and the next run resumes from it;
#  - Ctrl-C on mpirun (a SIGINT, which it turns into a SIGTERM to every rank
#    and a SIGKILL a second later) saves once, the state after a whole step.
set -euo pipefail
. "$(dirname "$0")/mpi_common.sh"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# wait_for FILE TEXT: until FILE contains TEXT (at most 60 s).
wait_for() {
  local i
  for ((i = 0; i < 6000; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.01
  done
  return 1
}
# rank_pid MPIRUN_PID RANK: the process of that rank (a child of mpirun).
rank_pid() {
  local child
  for child in $(pgrep -P "$1"); do
    tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null |
      grep -qx "OMPI_COMM_WORLD_RANK=$2" && echo "$child"
  done
  return 0
}
loads() { "$cnn" eval "$1" --data "$data" --threads 1 >"$work/eval.log" 2>&1; }

echo "== SIGKILL to one rank"
ck="$work/killed.ck"
previous=-1 moved=0 slowest=0
RANDOM=12 # the same moments each run
for ((round = 1; round <= 10; round++)); do
  victim=$((round % 2))
  resume=()
  [ -e "$ck" ] && resume=(--resume "$ck") || resume=(--model lenet5 --batch 8)
  job_argv 2 1 "${resume[@]}" --epochs 100000 --save "$ck" --save-every 1
  "${argv[@]}" >"$work/out" 2>"$work/err" &
  pid=$!
  wait_for "$work/out" "epoch  train_loss" || fail "round $round: training did not start"
  sleep "0.$((RANDOM % 80 + 10))"
  # On a loaded machine a rank's process may not show yet: look for 5 s.
  target=""
  for ((i = 0; i < 50 && ${#target} == 0; i++)); do
    target=$(rank_pid "$pid" "$victim")
    [ -n "$target" ] || sleep 0.1
  done
  if [ -z "$target" ]; then
    fail "round $round: no process of rank $victim; mpirun's children:"
    ps -o pid,stat,args --ppid "$pid" || true
    cat "$work/out" "$work/err"
    break
  fi
  start=$(date +%s%N)
  kill -9 "$target"
  for ((i = 0; i < 3000; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  took=$((($(date +%s%N) - start) / 1000000))
  if kill -0 "$pid" 2>/dev/null; then
    fail "round $round: the job still runs 30 s after rank $victim was killed"
    kill -9 "$pid"
  fi
  status=0
  wait "$pid" || status=$?
  pid=""
  [ "$took" -gt "$slowest" ] && slowest=$took
  [ "$status" -ne 0 ] || fail "round $round: exit status 0 after rank $victim was killed"
  grep -q "process rank $victim .*exited on signal 9" "$work/err" ||
    { fail "round $round: no message naming rank $victim:"; cat "$work/err"; }
  if [ ! -e "$ck" ] || ! loads "$ck"; then
    fail "round $round: the checkpoint is missing or does not load"
    break
  fi
  step=$(step_of "$ck")
  [ "$step" -ge "$previous" ] || fail "round $round: the checkpoint went back to step $step"
  [ "$step" -gt "$previous" ] && moved=$((moved + 1))
  previous=$step
done
echo "$((round - 1)) kills; the job ended at most $slowest ms after a kill; the checkpoint moved" \
  "forward $moved times, last at step $previous"
[ "$moved" -ge 8 ] || fail "the runs saved too rarely to test anything ($moved of 10)"

echo "== Ctrl-C on mpirun saves once"
ck="$work/interrupted.ck"
job_argv 2 1 --batch 8 --epochs 100000 --save "$ck"
"${argv[@]}" >"$work/out" 2>"$work/err" &
pid=$!
wait_for "$work/out" "epoch  train_loss" || fail "training did not start"
sleep 0.5
kill -INT "$pid"
wait "$pid" || true
pid=""
said=$(sed -n 's/.*interrupted after step \([0-9]*\) .*saved.*/\1/p' "$work/err")
if [ "$(grep -c "saved" "$work/err")" -ne 1 ] || [ -z "$said" ]; then
  fail "not one 'interrupted after step N ... saved' message:"; cat "$work/err"
elif ! loads "$ck"; then
  fail "the checkpoint saved on Ctrl-C does not load:"; cat "$work/eval.log"
elif [ "$(step_of "$ck")" != "$said" ]; then
  fail "the checkpoint holds step $(step_of "$ck"), the message said $said"
else
  echo "stopped and saved at step $said"
fi

echo "test_mpi_faults: $failures failed"
[ "$failures" -eq 0 ]
