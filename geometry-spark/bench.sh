#!/usr/bin/env bash
# k-NN on Spark local[2] against the single-machine library on the same 2 cores (issue 10):
#   geometry-spark/bench.sh [N d k RUNS BLOCKS]      defaults: 50000 384 20 2 0
#                                                     BLOCKS 0: the planner's B, as --spark uses
#   SHUFFLE_COMPRESS=false ...                        Spark's shuffle compression off (default on);
#                                                     the planner counts uncompressed bytes
# Builds the module's test classes, then runs each side in a JVM of its own, each with 2 cores
# (taskset when there are more): the library with its 2 threads, Spark with 2 task slots (each
# task one core: -Dembgeo.threads=1). Prints both times, their ratio, whether the lists are the
# same bits, and the planner's shuffle bytes against Spark's. Needs a quiet machine to mean much.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-50000}"; D="${2:-384}"; K="${3:-20}"; RUNS="${4:-2}"; B="${5:-0}"
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
single=$("${PIN[@]}" java "${JAVA_ARGS[@]}" -Dembgeo.threads=2 -cp "$CP" \
  io.github.embeddinggeometry.spark.KnnBench single "$N" "$D" "$K" "$RUNS" 2>&1 | tee /dev/stderr | sed -n 's/^RESULT single //p')
spark_out=$("${PIN[@]}" java "${JAVA_ARGS[@]}" -Dembgeo.threads=1 \
  -Dbench.compress="${SHUFFLE_COMPRESS:-true}" -cp "$CP" \
  io.github.embeddinggeometry.spark.KnnBench spark "$N" "$D" "$K" "$RUNS" "local[2]" "$B" 2>&1 | tee /dev/stderr)
spark=$(sed -n 's/^RESULT spark \([0-9.]*\).*/\1/p' <<<"$spark_out")
B=$(sed -n 's/^blocks B = \([0-9]*\) (.*/\1/p' <<<"$spark_out" | head -1)
echo "single machine: ${single} s; spark local[2], B = $B: ${spark} s; overhead $(awk -v a="$spark" -v b="$single" 'BEGIN{printf "%.2fx", a/b}')"
