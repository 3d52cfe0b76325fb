#!/usr/bin/env bash
# Pairwise statistics and PCA on Spark local[2] (issue 21), on the same 2 cores:
#   geometry-spark/bench-analyses.sh pairwise [N d RUNS]   defaults: 20000 384 2
#       the single-machine library (its 2 threads) against Spark local[2] (2 task slots of one core
#       each), each in a JVM of its own; prints both times and their ratio (goal: <= 1.3x), and
#       whether Spark's statistics are the single machine's bits.
#   geometry-spark/bench-analyses.sh pca [N d RUNS]        defaults: 100000 384 2
#       our PCA against MLlib RowMatrix (covariance + PCA) in one local[2] context, the same rows
#       read from the same .npy file; prints both times and the ratio (goal: <= 1.5x).
# RUNS >= 1 (best of RUNS after one warm-up run). Needs a quiet machine to mean much.
# BENCH_JAVA_OPTS=-Dbench.stages=true: one line per Spark stage on standard error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:?pairwise or pca}"
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
# bench THREADS MODE ARGS...: the library's threads per JVM (Spark: 1 per task, 2 task slots)
bench() {
  local threads="$1"; shift
  "${PIN[@]}" java "${JAVA_ARGS[@]}" -Dembgeo.threads="$threads" -cp "$CP" \
    io.github.embeddinggeometry.spark.AnalysesBench "$@"
}
case "$MODE" in
  pairwise)
    N="${2:-20000}"; D="${3:-384}"; RUNS="${4:-2}"
    single=$(bench 2 pairwise-single "$N" "$D" "$RUNS" 2>&1 | tee /dev/stderr | sed -n 's/^RESULT single //p')
    spark=$(bench 1 pairwise-spark "$N" "$D" "$RUNS" "local[2]" 2>&1 | tee /dev/stderr | sed -n 's/^RESULT spark //p')
    echo "pairwise: single machine ${single} s; spark local[2] ${spark} s; ratio $(awk -v a="$spark" -v b="$single" 'BEGIN{printf "%.2fx", a/b}')"
    ;;
  pca)
    N="${2:-100000}"; D="${3:-384}"; RUNS="${4:-2}"
    bench 1 pca "$N" "$D" "$RUNS" "local[2]"
    ;;
  *) echo "usage: $0 pairwise|pca [N d RUNS]" >&2; exit 2 ;;
esac
