#!/usr/bin/env bash
# Continuous batching on a gpt2-sized decoder: decode tokens/s at 1/4/8/16 concurrent sequences.
#   bench/batching-bench.sh                      # makes build/models-gpt2-sized first if missing
#   bench/batching-bench.sh --tokens 128 --concurrency 1,16 --threads 2
# The gpt2-sized model (12 layers, 768 wide, vocab 50257, random weights, ~650 MB) is made by
# tools/make_models.py with Debian's python3-torch and python3-onnx; it stays out of git.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/build-bench.sh"
model="$root/build/models-gpt2-sized"
ensure_gpt2_sized "$model"
bench_build "$root"
cd "$root"
exec java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" \
  io.inferencegraph.bench.BatchingBenchmark --model "$model" "$@"
