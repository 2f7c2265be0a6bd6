# Sourced by the test scripts: step_of FILE prints the optimizer step a
# checkpoint holds (layout in include/cnn/checkpoint.h: magic, version,
# model text, optimizer text, epoch, step; little-endian).
u32_at() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
step_of() {
  local model optimizer
  model=$(u32_at "$1" 12)
  optimizer=$(u32_at "$1" $((16 + model)))
  od -An -t u8 -j $((20 + model + optimizer + 8)) -N 8 "$1" | tr -d ' '
}
