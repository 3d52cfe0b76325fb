#!/usr/bin/env bash
# Issue 21's acceptance run at scale: a Qwen3-4B-sized bf16 matrix (151,936 x 2,560, 778 MB;
# 1.56 GB as float32) with a planted cluster of bitwise-identical rows, through
#   ./geometry densest          and   ./geometry density-vs-norm   (the causal k-NN density)
# once on this machine and once with --spark on a real standalone cluster (a master and two
# workers started from spark-core's own Master/Worker classes, loopback only), the driver with
# spark.rpc.message.maxSize=1 (MiB): the matrix cannot ride in a task description. Compares each
# report.json of the two sides bit for bit (every number and neighbour id, parsed exactly; only
# elapsed_seconds, backend and the page's checksum may differ) and prints each side's wall time.
#   geometry-spark/big-run.sh                   # full size; tens of minutes on 2 busy cores
#   N=4000 D=64 DUP=40 geometry-spark/big-run.sh  # a quick check of the script itself
# Environment: N, D (matrix), DUP (planted identical rows, default 256: about 54 of them fall in
# the analyses' default 32,000-row sample, more than k = 20, so the densest point has infinite
# density), WORK (folder, default geometry-spark/target/big-run; the matrix there is kept and
# reused), WORKER_MEMORY (default 4g per worker; executors ask for EXECUTOR_MEMORY, default 3g),
# DRIVER_HEAP (default 8g for each side's JVM). Works on a fresh clone: ./geometry builds what it
# needs with the repository's own Maven commands. Exit 0 only when every report is bit-equal.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-151936}"
D="${D:-2560}"
DUP="${DUP:-256}"
WORK="${WORK:-$ROOT/geometry-spark/target/big-run}"
WORKER_MEMORY="${WORKER_MEMORY:-4g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-3g}"
DRIVER_HEAP="${DRIVER_HEAP:-8g}"
PYTHON="${PYTHON:-python3}"
export SPARK_LOCAL_IP=127.0.0.1
cd "$ROOT"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
MATRIX="$WORK/w-${N}x${D}-centred-bf16.safetensors"

# 1. The matrix, written once (temporary name, then renamed): geometry-bench/compare.py's
#    embedding-like cloud, centred, and its bf16 rounding, DUP rows replaced by one row's bits.
if [[ ! -f "$MATRIX" ]]; then
  echo "big-run: writing $MATRIX ($N x $D bf16, $DUP identical rows) ..."
  "$PYTHON" - "$ROOT/geometry-bench" "$MATRIX.tmp" "$N" "$D" "$DUP" <<'EOF'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import compare
path, n, d, dup = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(21)
w = compare.structured_matrix(rng, n, d)
# Centred: the cloud's shared offset, larger than its spread in the trailing directions, would
# dominate every row after the causal metric's whitening, and the k-NN would then refine nearly
# every pair in float64 (the single-machine densest of the uncentred matrix ran over 30 minutes).
w -= w.mean(axis=0, dtype=np.float64).astype(np.float32)
bits = compare.to_bf16_bits(w)
rows = np.sort(rng.choice(n, size=dup, replace=False))
bits[rows] = bits[rows[0]]
compare.write_safetensors(path, {"W": ("BF16", bits)})
print(f"big-run: planted rows {rows[0]}..{rows[-1]} ({dup} rows equal to row {rows[0]})")
EOF
  mv -f "$MATRIX.tmp" "$MATRIX"
fi

# 2. The builds (./geometry's own: the command line, then geometry-spark with Spark's class path).
./geometry --help >/dev/null
./geometry densest --spark 'local[1]' --help >/dev/null
SPARK_CP_FILE="$ROOT/geometry-spark/target${EMBGEO_BUILD_SUFFIX:-}/spark.classpath"
OPENS=$(sed -n 's:.*<spark.module.args>\(.*\)</spark.module.args>.*:\1:p' geometry-spark/pom.xml)

# 3. The cluster: SPARK_HOME/jars holds links to Spark's jars only (executors get this library's
#    classes only as the command line ships them), as StandaloneCluster does in the tests.
CLUSTER="$WORK/cluster"
rm -rf "$CLUSTER"
mkdir -p "$CLUSTER/spark-home/jars" "$CLUSTER/tmp"
SPARK_JARS=()
while IFS= read -r jar; do
  [[ "$jar" == *.jar && "$jar" != *embeddinggeometry* && -f "$jar" ]] || continue
  ln -sf "$jar" "$CLUSTER/spark-home/jars/"
  SPARK_JARS+=("$jar")
done < <(tr ':' '\n' <"$SPARK_CP_FILE")
CP=$(IFS=:; echo "${SPARK_JARS[*]}")
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MASTER="spark://127.0.0.1:$PORT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # Executors end with their workers; their JVMs are children of the workers.
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
start() { # LOG MAIN ARGS...
  local log="$1"; shift
  # shellcheck disable=SC2086
  SPARK_HOME="$CLUSTER/spark-home" SPARK_SCALA_VERSION=2.13 java -Xmx256m $OPENS \
    -Djava.io.tmpdir="$CLUSTER/tmp" -cp "$CP" "$@" >"$log" 2>&1 &
  PIDS+=($!)
}
start "$CLUSTER/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" \
  --webui-port 0
for i in 0 1; do
  mkdir -p "$CLUSTER/work-$i"
  start "$CLUSTER/worker-$i.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --webui-port 0 --cores 1 --memory "$WORKER_MEMORY" --work-dir "$CLUSTER/work-$i" "$MASTER"
done
for _ in $(seq 600); do
  [[ $(grep -c 'Registering worker' "$CLUSTER/master.log" 2>/dev/null) -ge 2 ]] && break
  sleep 0.2
done
[[ $(grep -c 'Registering worker' "$CLUSTER/master.log") -ge 2 ]] \
  || { echo "big-run: the workers did not register (see $CLUSTER/master.log)" >&2; exit 2; }
echo "big-run: standalone cluster $MASTER, 2 workers x 1 core x $WORKER_MEMORY"

# 4. Each analysis on both sides. Spark settings reach the command line as system properties in
#    GEOMETRY_JAVA_OPTS (split at spaces: one value may not contain one). The executors get the
#    Vector API module like the single machine's JVM, so that every JVM computes alike.
SPARK_OPTS="-Dspark.rpc.message.maxSize=1 -Dspark.driver.host=127.0.0.1"
SPARK_OPTS+=" -Dspark.executor.memory=$EXECUTOR_MEMORY -Dspark.ui.enabled=false"
SPARK_OPTS+=" -Dspark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector"
status=0
for analysis in densest density-vs-norm; do
  for side in single spark; do
    out="$WORK/$analysis-$side"
    rm -rf "$out"
    args=("$analysis" --model "$MATRIX" --out "$out" --quiet)
    opts="-Xmx$DRIVER_HEAP -Djava.io.tmpdir=$CLUSTER/tmp"
    if [[ $side == spark ]]; then
      args+=(--spark "$MASTER")
      opts+=" $SPARK_OPTS"
    fi
    t0=$(date +%s.%N)
    if ! GEOMETRY_JAVA_OPTS="$opts" ./geometry "${args[@]}"; then
      echo "big-run: $analysis on the $side side failed" >&2
      exit 1
    fi
    t1=$(date +%s.%N)
    printf 'big-run: %s, %s: %.1f s wall\n' "$analysis" \
      "$([[ $side == spark ]] && echo "spark $MASTER" || echo "single machine")" \
      "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
  done
  # Bit for bit: json.loads reads each number exactly as written, so == compares the values.
  "$PYTHON" - "$WORK/$analysis-single/report.json" "$WORK/$analysis-spark/report.json" \
    "$analysis" <<'EOF' || status=1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    r.pop("elapsed_seconds", None); r.pop("backend", None)
    r.get("checksums", {}).pop("index.html", None)  # the page names the backend
diffs = []
def walk(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            walk(x.get(k), y.get(k), f"{path}.{k}")
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, f"{path}[{i}]")
    elif x != y or type(x) != type(y):
        diffs.append(f"{path}: single {x!r} spark {y!r}")
walk(a, b, "")
keys = ", ".join(f"{k}={a[k]}" for k in ("densest_token_id", "density_infinite_duplicate",
                 "mean_knn_distance", "overlap", "sample_rows", "participation_ratio",
                 "core_shell_ratio") if k in a)
if diffs:
    print(f"big-run: {sys.argv[3]}: {len(diffs)} values differ:", *diffs[:20], sep="\n  ")
    sys.exit(1)
print(f"big-run: {sys.argv[3]}: report.json bit-equal ({keys})")
EOF
done
exit "$status"
