#!/usr/bin/env bash
# The detector quality bar: synthetic shapes (fixed seed) -> TFRecords -> weights -> train under a
# time limit on the CPU -> COCO AP of the saved model on the held-out split -> detect.
# Needs a built Kiln (mvn -q package -DskipTests). Prints the train metrics and a JSON summary.
# usage: bench/detector.sh [WORK_DIR] [IMAGES=1000] [SIZE=128] [SECONDS=240] [BATCH=16] [LR=0.004]
#                          [MAX_STEPS=0]  (SECONDS 0: no time limit; MAX_STEPS 0: no step limit)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work=${1:-$(mktemp -d)/detector-bench}
shift || true
# libgomp threads spin while waiting by default: on a shared machine that starves them.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# the allocator a DJL worker gets (tcmalloc when installed; docs/benchmarks.md)
. "$here/bench/djl-malloc.sh"
LD_PRELOAD="$djl_preload" exec java -Dai.djl.offline=true ${KILN_JAVA_OPTS:-} \
  -cp "$here/runner/target/kiln-runner.jar:$here/runner/target/lib/*" \
  dev.kiln.steps.detector.DetectorBench "$work" "${1:-1000}" "${2:-128}" "${3:-240}" "${4:-16}" \
  "${5:-0.004}" "${6:-0}"
