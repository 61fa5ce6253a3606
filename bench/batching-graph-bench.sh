#!/usr/bin/env bash
# The graph on three gpt2-sized generators, continuous batching on (max_batch_size 16) and off
# (max_batch_size 1), one after the other in the same run: requests/s and p50/p95/p99 latency.
#   bench/batching-graph-bench.sh                     # 1, 4, 16 clients; max_new_tokens 32, greedy
#   bench/batching-graph-bench.sh --seconds 60 --concurrency 1,16
# Makes build/models-gpt2-sized first if it is missing (see bench/batching-bench.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source "$root/bench/build-bench.sh"
model="$root/build/models-gpt2-sized"
ensure_gpt2_sized "$model"
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  args=(--concurrency 1,4,16 --warmup-seconds 10 --seconds 40 --parameters '{"max_new_tokens":32,"do_sample":false}')
fi
for mode in batching unbatched; do
  echo "== continuous batching: $mode (bench/conf/gpt2-sized-$mode.json)"
  GRAPH_CONFIG="$root/bench/conf/gpt2-sized-$mode.json" READY_TIMEOUT=300 \
    SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:-} -Xmx4g" "$root/bench/graph-bench.sh" "${args[@]}"
  export SKIP_BUILD=1
done
