# cnn info: the kernels, topology and threads it reports, CNN_ISA forcing a
# path, and an unknown or unrunnable CNN_ISA failing with a message.
set -uo pipefail
cnn=$CNN_BINARY_DIR/cnn
[ -x "$cnn" ] || { echo "no $cnn (CNN_BUILD_CLI=OFF?)"; exit 77; }
failures=0 checks=0

# expect CODE TEXT COMMAND...: the exit code, and TEXT in stdout+stderr.
expect() {
  local want=$1 text=$2
  shift 2
  local out code
  out=$("$@" 2>&1)
  code=$?
  checks=$((checks + 1))
  if [ "$code" -ne "$want" ] || [[ "$out" != *"$text"* ]]; then
    failures=$((failures + 1))
    printf 'FAIL: %s\n  exit %s (want %s), output:\n%s\n  (want it to contain "%s")\n' \
      "$*" "$code" "$want" "$out" "$text"
  fi
}

expect 0 "scalar   gemm cnn_f32_gemm_ukernel_4x4__scalar (tile 4x4" "$cnn" info
expect 0 "physical core" "$cnn" info
expect 0 "threads: 3" "$cnn" info --threads 3
expect 0 "kernels: scalar" env CNN_ISA=scalar "$cnn" info
expect 0 "threads: 1" env CNN_NUM_THREADS=1 "$cnn" info
expect 1 'unknown ISA "sse9"' env CNN_ISA=sse9 "$cnn" info
expect 2 "--threads" "$cnn" info --threads 0
expect 0 "usage: cnn info" "$cnn" info --help

echo "test_cli_info: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
