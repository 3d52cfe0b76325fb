#!/usr/bin/env bash
# Whole-process wall time of `geometry all` on the default dataset, JVM start included: one run
# that builds the jar and writes the class-data-sharing archive, then RUNS timed runs. Given
# several checkouts' `geometry` scripts, their runs alternate (A B A B ...) so that both see the
# same moments of a noisy machine.
#   geometry-bench/startup.sh [RUNS] [path/to/geometry ...]     (default: 5 runs of ./geometry)
# Prints every run's wall time, then min and median per script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
shift || true
scripts=("$@")
[[ ${#scripts[@]} -gt 0 ]] || scripts=("$ROOT/geometry")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for s in "${scripts[@]}"; do
  "$s" all --out "$out/warm" >/dev/null 2>&1 || { echo "startup.sh: $s all failed" >&2; exit 1; }
done
declare -A times
for ((i = 1; i <= RUNS; i++)); do
  for s in "${scripts[@]}"; do
    t0=$(date +%s.%N)
    "$s" all --out "$out/run" >/dev/null 2>&1
    t=$(echo "$(date +%s.%N) - $t0" | bc)
    printf '%s run %d: %.2f s\n' "$s" "$i" "$t"
    times[$s]="${times[$s]:-} $t"
  done
done
for s in "${scripts[@]}"; do
  # shellcheck disable=SC2086
  printf '%s\n' ${times[$s]} | sort -n | awk -v s="$s" '{v[NR] = $1}
    END {printf "%s: min %.2f s, median %.2f s over %d runs\n", s, v[1], v[int((NR + 1) / 2)], NR}'
done
