#!/usr/bin/env bash
# Decoder speed: KV cache vs full recompute, batch 8 vs batch 1, prefill latency; prints a Markdown table.
#   bench/model-bench.sh                          # the three tiny decoders under models/
#   bench/model-bench.sh --reps 3 /tmp/gpt2-sized # any decoder directory; --help lists the options
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/build-bench.sh"
bench_build "$root"
cd "$root"
exec java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.log.ai.djl=error -XX:+UseParallelGC -cp "$BENCH_CP" io.inferencegraph.bench.ModelBenchmark "$@"
