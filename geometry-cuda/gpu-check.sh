#!/usr/bin/env bash
# One command for a GPU machine without internet: runs the CUDA agreement suite (CudaAgreementIT
# includes the device causal row map against the CPU map), the GPU benchmarks of issue 7 and the
# causal map on the first check.m rows (device vs CPU map: every value within 1 float32 ulp, the
# bit-equal share reported), and prints a table. Needs what prepare-device.sh built here and carried over:
#   .device/jdk/                      a jlink'ed JDK (or set JAVA=/path/to/java)
#   .device/geometry-cuda-device.jar  main + test classes + dependencies
# torch (optional) times torch.mm FP32 for the same shape; nvidia-smi (optional) samples the peak
# GPU memory of the run. Usage (from the repository root): geometry-cuda/gpu-check.sh [--quick]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dev="${DEVICE_DIR:-$root/.device}"
JAVA="${JAVA:-$dev/jdk/bin/java}"
[ -x "$JAVA" ] || JAVA="$(command -v java || true)"
jar="$dev/geometry-cuda-device.jar"
if [ -z "$JAVA" ] || [ ! -f "$jar" ]; then
  echo "gpu-check: need $dev/jdk and $jar (run geometry-cuda/prepare-device.sh first)" >&2
  exit 2
fi
sizes=()
if [ "${1:-}" = "--quick" ]; then
  sizes=(-Dcheck.n=20000 -Dcheck.d=512 -Dcheck.m=4096)
  mm_args=(4096 20000 512)
else
  mm_args=(16384 151936 2560)
fi
work="$(mktemp -d)"
trap 'kill "${smi_pid:-}" 2>/dev/null; rm -rf "$work"' EXIT

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null \
  || echo "nvidia-smi not available"

echo "== torch.mm FP32 (reference)"
torch_file="$work/torch.txt"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  python3 "$root/geometry-cuda/torch_mm.py" "${mm_args[@]}" | tee "$torch_file"
else
  echo "torch with CUDA not available: throughput ratio not measured"
fi

echo "== agreement suite and benchmarks"
# Peak GPU memory of the Java run, sampled every 100 ms (includes the CUDA context itself).
if command -v nvidia-smi >/dev/null; then
  base_mem="$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)"
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$work/mem.txt" &
  smi_pid=$!
fi
"$JAVA" -Xmx24g --add-modules jdk.incubator.vector -Dcheck.torch="$torch_file" "${sizes[@]}" \
  -jar "$jar"
rc=$?
if [ -n "${smi_pid:-}" ]; then
  kill "$smi_pid" 2>/dev/null
  wait "$smi_pid" 2>/dev/null
  peak="$(sort -n "$work/mem.txt" | tail -1)"
  echo "| peak GPU memory used by the run (nvidia-smi) | $((peak - base_mem)) MiB ($peak MiB total) | < 16 GB | $([ $((peak - base_mem)) -lt 15258 ] && echo PASS || echo FAIL) |"
fi
exit $rc
