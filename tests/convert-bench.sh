#!/usr/bin/env bash
# Benchmarks convert-labels: plain writer vs Beam on the DirectRunner and on an embedded Flink.
# Usage: tests/convert-bench.sh [--images 3000] [--size 640] [--shards 4] [--parallelism N] [--work DIR]
# Results: a Markdown table on stdout (progress on stderr). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -pl tests -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/tests/target/bench.classpath" >/dev/null \
  || mvn -q -pl tests -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/tests/target/bench.classpath"
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "tests/target/classes:$(cat tests/target/bench.classpath)" \
  dev.kiln.tests.bench.ConvertBench --work tests/target/convert-bench "$@"
