# Sourced by the tests of the cnn program: `expect` and its counters.
failures=0 checks=0

# expect CODE TEXT COMMAND...: runs the command, checks its exit code and that
# its output (stdout and stderr) contains TEXT.
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
