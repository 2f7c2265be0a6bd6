# cnn info: the kernels, topology and threads it reports, CNN_ISA forcing a
# path, and an unknown or unrunnable CNN_ISA failing with a message.
set -uo pipefail
cnn=$CNN_BINARY_DIR/cnn
[ -x "$cnn" ] || { echo "no $cnn (CNN_BUILD_CLI=OFF?)"; exit 77; }
. "$(dirname "$0")/cli_expect.sh"

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
