#!/usr/bin/env bash
# The image-classification quality bar: generated shapes (5 classes, seed 42) -> train-classification
# under a time limit on the CPU -> test metrics of the best checkpoint. Needs a built Kiln
# (mvn -q package -DskipTests). Prints the train metrics and a JSON summary.
# usage: bench/classification.sh [WORK_DIR] [TRAIN_PER_CLASS=300] [SIZE=28] [SECONDS=180] [BATCH=32]
#                                [LR=0.003] [ARCHITECTURE=simple-cnn] [EPOCHS=30]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work=${1:-$(mktemp -d)/classification-bench}
shift || true
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
. "$here/bench/djl-malloc.sh"
LD_PRELOAD="$djl_preload" exec java -Dai.djl.offline=true ${KILN_JAVA_OPTS:-} \
  -cp "${KILN_CLASSPATH:-$here/runner/target/kiln-runner.jar:$here/runner/target/lib/*}" \
  dev.kiln.steps.classification.ClassificationBench "$work" "${1:-300}" "${2:-28}" "${3:-180}" \
  "${4:-32}" "${5:-0.003}" "${6:-simple-cnn}" "${7:-30}"
