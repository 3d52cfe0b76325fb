#!/usr/bin/env bash
# Runs our Java code and the numpy equivalent side by side on the same generated inputs, both on
# 2 threads, and prints a table of times and ratios (issue 6).
#
# Usage: geometry-bench/compare.sh [--quick] [--reps N] [--stream-queries Q] [--data DIR]
#                                  [--no-build] [WORKLOAD ...]
#   WORKLOAD: kernel knn cov pca pairwise stream (default: all of them); pca also times the
#             eigensolver alone on the same float64 covariance (eigh) and checks ours against LAPACK
#   --quick            small sizes, a smoke run (under two minutes)
#   --reps N           timed repetitions after one untimed warm-up (default 3; stream: always 1)
#   --stream-queries Q time the streaming k-NN for the first Q query rows against all rows
#                      (default: all rows, about 118 TFLOP at full size: tens of minutes)
#   --data DIR         where the inputs are written once and reused (default:
#                      geometry-bench/target$EMBGEO_BUILD_SUFFIX/compare-data/{full,quick})
#   --no-build         use the existing benchmarks.jar
# Environment: JAVA (default java), PYTHON (default python3), THREADS (default 2),
#   EMBGEO_BUILD_SUFFIX (build folder suffix, as -Dembgeo.build.suffix; default empty).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
suffix=${EMBGEO_BUILD_SUFFIX:-}
java=${JAVA:-java}
python=${PYTHON:-python3}
threads=${THREADS:-2}
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
    kernel|knn|cov|pca|pairwise|stream) workloads+=("$1") ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#workloads[@]})) || workloads=(kernel knn cov pca pairwise stream)

if ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "compare.sh: numpy is not available to '$python' (python3 -c 'import numpy' failed);" \
    "skipping the side-by-side comparison." >&2
  exit 0
fi

target="$here/target$suffix"
jar="$target/benchmarks.jar"
if ((build)) || [[ ! -f "$jar" ]]; then
  echo "== building $jar" >&2
  (cd "$root" && mvn -B -q -Dembgeo.build.suffix="$suffix" -pl geometry-bench -am package \
    -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
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
    stream) echo 4g ;;        # the issue's bound: W as float32 alone is 1.56 GB
    cov|pca) echo 8g ;;       # W (1.56 GB) plus the d x d double covariance
    *) echo 6g ;;
  esac
}

{
  echo "# compare.sh $size run, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads per side: $threads"
  echo "# java: $("$java" -version 2>&1 | head -1)"
  echo "# numpy: $("$python" -c 'import numpy; print(numpy.__version__)')"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"

echo "== inputs in $data" >&2
"$python" "$here/compare.py" gen --data "$data" --size "$size" --jar "$jar" "${workloads[@]}"

for w in "${workloads[@]}"; do
  echo "== $w: ours" >&2
  "$java" -Xmx"$(heap_for "$w")" "${jvm_common[@]}" \
    io.github.embeddinggeometry.bench.CompareMain "$w" --data "$data" --reps "$reps" \
    --stream-queries "$stream_queries" | tee -a "$results"
  if [[ $w != stream ]]; then
    echo "== $w: numpy" >&2
    "$python" "$here/compare.py" "$w" --data "$data" --reps "$reps" | tee -a "$results"
  fi
  if [[ $w == knn ]]; then
    "$python" "$here/compare.py" check-knn --data "$data" | tee -a "$results"
  fi
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"

echo
"$python" "$here/compare.py" table "$results"
echo
echo "(raw lines: $results)"
