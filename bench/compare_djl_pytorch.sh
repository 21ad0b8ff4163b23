#!/usr/bin/env bash
# DJL vs plain PyTorch training throughput on the shapes-tiny network (same layers, batch, size,
# optimiser), alternating the two ROUNDS times so that load from other processes hits both alike.
# Needs a built Kiln (mvn -q package -DskipTests) and python3 with torch (Debian: python3-torch).
# usage: bench/compare_djl_pytorch.sh [ROUNDS=3] [STEPS=40] [BATCH=16] [SIZE=128]
# KILN_DJL_MALLOC=system runs the DJL side on glibc's malloc instead of tcmalloc.
# Extra JVM options for the DJL side (thread settings): DJL_OPTS="-Dai.djl.pytorch.num_threads=2"
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds=${1:-3}; steps=${2:-40}; batch=${3:-16}; size=${4:-128}
python=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # both sides alike; see docs/benchmarks.md
cp="$here/runner/target/kiln-runner.jar:$here/runner/target/lib/*"
# the DJL side gets the allocator a Kiln DJL worker gets (tcmalloc when installed; KILN_DJL_MALLOC)
. "$here/bench/djl-malloc.sh"
for i in $(seq "$rounds"); do
  LD_PRELOAD="$djl_preload" java -Dai.djl.offline=true ${DJL_OPTS:-} -cp "$cp" dev.kiln.steps.detector.ThroughputBench \
    "$batch" "$size" "$steps" 10 2>/dev/null | grep '^{'
  "$python" "$here/bench/pytorch_shapes_tiny.py" --batch "$batch" --size "$size" --steps "$steps"
done
