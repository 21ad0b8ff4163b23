#!/usr/bin/env bash
# DJL training throughput (ThroughputBench: shapes-tiny, batch 16, 128 px) under three native
# allocators, interleaved round by round so machine load falls on all three alike:
#   tcmalloc        LD_PRELOAD=libtcmalloc_minimal.so.4 (what Kiln's DJL worker preloads)
#   glibc           the system's malloc, defaults
#   glibc-tuned     the system's malloc with MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_ and
#                   MALLOC_TRIM_THRESHOLD_ at 512 MiB, MALLOC_TOP_PAD_ 64 MiB (big tensors stay in
#                   the heap instead of being mmapped and unmapped every step)
# Usage: bench/glibc-malloc.sh [ROUNDS=3] [STEPS=40]   (after mvn -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
steps="${2:-40}"
cp="runner/target/kiln-runner.jar:runner/target/lib/*"
tc=""
for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
  [[ -f "$d/libtcmalloc_minimal.so.4" ]] && { tc="$d/libtcmalloc_minimal.so.4"; break; }
done
run() {
  java -Dai.djl.offline=true -cp "$cp" dev.kiln.steps.detector.ThroughputBench 16 128 "$steps" 10 2>/dev/null | tail -1
}
for r in $(seq 1 "$rounds"); do
  if [[ -n "$tc" ]]; then
    echo "round $r tcmalloc $(LD_PRELOAD="$tc" run)"
  fi
  echo "round $r glibc $(run)"
  echo "round $r glibc-tuned $(MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=536870912 \
    MALLOC_TRIM_THRESHOLD_=536870912 MALLOC_TOP_PAD_=67108864 run)"
done
