# Sourced by the tests of `mpirun -np R cnn train`: skips (status 77, which
# CTest reports as skipped) unless the build has MPI; `job R THREADS ARGS...`
# runs cnn train on R ranks on this machine (more ranks than cores, as root).
: "${CNN_BINARY_DIR:?}" "${CNN_TEST_DATA_DIR:?}"
if [ "${CNN_HAVE_MPI:-OFF}" != ON ] || [ ! -x "${CNN_MPIEXEC:-}" ]; then
  echo "SKIP: this build has no MPI (CMake option CNN_MPI, Debian libopenmpi-dev)"
  exit 77
fi
cnn="$CNN_BINARY_DIR/cnn"
data="$CNN_TEST_DATA_DIR/mnist-subset"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Loopback only: no probing of other network interfaces.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# job_argv R THREADS ARGS...: sets argv to that command line (for a job run
# in the background, whose pid must be mpirun's).
job_argv() {
  local ranks=$1 threads=$2
  shift 2
  argv=("$CNN_MPIEXEC" -np "$ranks" --oversubscribe --bind-to none
        "$cnn" train --threads "$threads" --data "$data" "$@")
}
job() {
  job_argv "$@"
  "${argv[@]}"
}
. "$(dirname "${BASH_SOURCE[0]}")/checkpoint_step.sh"
