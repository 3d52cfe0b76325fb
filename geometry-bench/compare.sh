#!/usr/bin/env bash
# Runs our Java code and the numpy equivalent side by side on the same generated inputs, both on
# 2 threads, and prints a table of times and ratios (BENCHMARKS.md).
#
# Usage: geometry-bench/compare.sh [--quick] [--reps N] [--stream-queries Q] [--data DIR]
#                                  [--no-build] [--backend cpu|blas] [WORKLOAD ...]
#   WORKLOAD: kernel knn cov pca pairwise (the default set; pca also times the eigensolver
#             alone on the same float64 covariance (eigh) and checks ours against LAPACK), and
#             knn-full (alias stream): the k-NN of the whole 151,936 x 2,560 bf16 vocabulary
#             next to the bare GEMM time of the same work (about 10 minutes on 2 cores: run it
#             on its own, at the end)
#   --quick            small sizes, a smoke run (under two minutes)
#   --reps N           timed repetitions after one untimed warm-up (default 3; knn-full: always 1)
#   --stream-queries Q knn-full for the first Q query rows against all rows (general path, no
#                      symmetric saving; the table says so and extrapolates nothing)
#   --data DIR         where the inputs are written once and reused (default:
#                      geometry-bench/target$EMBGEO_BUILD_SUFFIX/compare-data/{full,quick})
#   --no-build         use the existing benchmarks.jar
#   --backend NAME     our side's backend (default cpu); blas: OpenBLAS's sgemm (geometry-blas)
#                      under the same engine, the kernel workload included. knn and pairwise
#                      print their time over the bare GEMM of the same work at that backend's
#                      kernel rate (overhead column).
# Environment: JAVA (default java), PYTHON (default python3), THREADS (default 2),
#   MVN (default mvn) and MVN_ARGS (extra Maven arguments, e.g. -Dmaven.repo.local=DIR; MAVEN_OPTS
#   works too),
#   EMBGEO_BUILD_SUFFIX (build folder suffix, as -Dembgeo.build.suffix; default empty),
#   COMPARE_CRASH=SIDE:WORKLOAD[,...] makes that side kill itself with SIGSEGV at the start of that
#   workload (SIDE numpy or java; tests that a crashed side is recorded and the run goes on).
# A side that dies is recorded as "crashed (signal N)" or "failed (exit N)"; the other workloads
# still run. Both sides run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some machines set
# them for older OpenBLAS builds; they slow a current one down, numpy's and geometry-blas's alike,
# which is the same OpenBLAS 0.3.31), so both pick OpenBLAS's own kernel for the CPU; the numpy
# side prints the kernel it uses when threadpoolctl is installed.
# Below the table: our CPU kernel's calibration in the benchmark JVMs' settings (every micro-tile
# shape's GFLOP/s on the standard 192 x 128 x 256 product, the one chosen), as `geometry info`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
suffix=${EMBGEO_BUILD_SUFFIX:-}
java=${JAVA:-java}
python=${PYTHON:-python3}
threads=${THREADS:-2}
mvn=${MVN:-mvn}
backend=cpu
size=full
reps=3
stream_queries=0
data=""
build=1
workloads=()
while (($#)); do
  case "$1" in
    --quick) size=quick ;;
    --reps) reps=$2; shift ;;
    --stream-queries) stream_queries=$2; shift ;;
    --data) data=$2; shift ;;
    --no-build) build=0 ;;
    --backend) backend=$2; shift ;;
    kernel|knn|cov|pca|pairwise|knn-full) workloads+=("$1") ;;
    stream) workloads+=(knn-full) ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#workloads[@]})) || workloads=(kernel knn cov pca pairwise)

target="$here/target$suffix"
jar="$target/benchmarks.jar"
if ((build)) || [[ ! -f "$jar" ]]; then
  echo "== building $jar" >&2
  # -DskipTests, not -Dmaven.test.skip: geometry-io needs geometry-core's test jar, which only a
  # build that compiles the tests makes (a fresh clone has no installed one to fall back on).
  # shellcheck disable=SC2086
  (cd "$root" && "$mvn" -B -q ${MVN_ARGS:-} -Dembgeo.build.suffix="$suffix" -pl geometry-bench \
    -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
fi
# Checked after the build, so that a machine without numpy (CI) still proves the build works.
if ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "compare.sh: numpy is not available to '$python' (python3 -c 'import numpy' failed);" \
    "skipping the side-by-side comparison." >&2
  exit 0
fi

data=${data:-$target/compare-data/$size}
mkdir -p "$data"
results="$data/results-$(date +%Y%m%d-%H%M%S).txt"

# Both sides get the same number of threads: OpenBLAS/OpenMP through the environment (read when
# the library loads), the JVM through embgeo.threads and the processor count it believes it has.
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
jvm_common=(-XX:ActiveProcessorCount="$threads" -Dembgeo.threads="$threads"
  --add-modules jdk.incubator.vector -cp "$jar")

heap_for() {
  case "$1" in
    knn-full) echo 4g ;;      # streaming must fit: W as float32 alone is 1.56 GB
    cov|pca) echo 8g ;;       # W (1.56 GB) plus the d x d double covariance
    *) echo 6g ;;
  esac
}

{
  echo "# compare.sh $size run, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads per side: $threads"
  echo "# java: $("$java" -version 2>&1 | head -1); backend: $backend"
  echo "# numpy: $("$python" -c 'import numpy; print(numpy.__version__)')"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"

echo "== inputs in $data" >&2
"$python" "$here/compare.py" gen --data "$data" --size "$size" --jar "$jar" "${workloads[@]}"

# Runs one side of one workload; a side that dies does not stop the others. Its RESULT lines
# go to the results file; a death is recorded as a RESULT line with status=crashed/failed.
run_side() {
  local side=$1 w=$2
  shift 2
  local rc=0
  set +e
  crash_hook "$side" "$w" "$@" | tee -a "$results"
  rc=${PIPESTATUS[0]}
  set -e
  if ((rc > 128)); then
    echo "== $w: $side crashed (signal $((rc - 128)))" >&2
    echo "RESULT workload=$w side=$side status=crashed signal=$((rc - 128))" | tee -a "$results"
  elif ((rc != 0)); then
    echo "== $w: $side failed (exit $rc)" >&2
    echo "RESULT workload=$w side=$side status=failed exit=$rc" | tee -a "$results"
  fi
  return 0
}

# COMPARE_CRASH=numpy:cov makes that side crash the way OpenBLAS's SYRK does (SIGSEGV).
crash_hook() {
  local side=$1 w=$2
  shift 2
  if [[ ",${COMPARE_CRASH:-}," == *",$side:$w,"* ]]; then
    if [[ $side == numpy ]]; then
      COMPARE_PY_CRASH=1 "$@"
    else
      bash -c 'kill -SEGV $$' # a stand-in for the JVM that dies the same way
    fi
  else
    "$@"
  fi
}

echo "== CPU kernel calibration" >&2
run_side java calibration "$java" "${jvm_common[@]}" io.github.embeddinggeometry.bench.CompareMain calibration

for w in "${workloads[@]}"; do
  echo "== $w: ours" >&2
  # -Xms = -Xmx: CompareMain runs System.gc() before each timed repetition, and the full GC shrank
  # the heap, so each repetition paid page faults to grow it again (1.0 M faults and 5.5 s against
  # 3.9 s for the blas pairwise run, 2026-12-06), a cost of the harness, not of the work.
  run_side java "$w" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$java" -Xms"$(heap_for "$w")" -Xmx"$(heap_for "$w")" "${jvm_common[@]}" \
    io.github.embeddinggeometry.bench.CompareMain "$w" --data "$data" --reps "$reps" \
    --stream-queries "$stream_queries" --backend "$backend"
  if [[ $w != knn-full ]]; then
    echo "== $w: numpy" >&2
    run_side numpy "$w" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
      "$python" "$here/compare.py" "$w" --data "$data" --reps "$reps"
  fi
  if [[ $w == knn ]]; then
    run_side numpy knn-check "$python" "$here/compare.py" check-knn --data "$data"
  fi
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"

echo
"$python" "$here/compare.py" table "$results"
echo
echo "(raw lines: $results)"
