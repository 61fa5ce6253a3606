#!/usr/bin/env bash
# The graph benchmark on hf:// models from the Hugging Face cache. The real Hub is out of reach here,
# so the test suite's stand-in Hub serves models/ on loopback as local/<dir>; `models pull --config`
# fills a cache under build/ from it, the stand-in stops, and bench/graph-bench.sh runs the server
# with HF_HUB_OFFLINE=1 on bench/conf/hub-tiny.json (every path hf://local/...). Arguments go to
# graph-bench.sh (e.g. --concurrency 1,16 --seconds 15).
# With a reachable Hub, the same is: models pull --config conf/hub.json, then
# GRAPH_CONFIG=conf/hub.json bench/graph-bench.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source "$root/bench/build-bench.sh"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"

export HF_HUB_CACHE="$root/build/hf-cache"
endpoint_file="$(mktemp)"
java -cp "$BENCH_CP" io.inferencegraph.bench.LocalHub models local >"$endpoint_file" &
hub=$!
trap 'kill "$hub" 2>/dev/null || true; rm -f "$endpoint_file"' EXIT
for _ in $(seq 1 100); do [[ -s "$endpoint_file" ]] && break; sleep 0.2; done
[[ -s "$endpoint_file" ]] || { echo "the stand-in Hub did not start" >&2; exit 1; }
HF_ENDPOINT="$(head -n1 "$endpoint_file")" java -jar target/inference-graph.jar models pull \
  --config bench/conf/hub-tiny.json >&2
kill "$hub" 2>/dev/null || true
java -jar target/inference-graph.jar models list --config bench/conf/hub-tiny.json >&2

HF_HUB_OFFLINE=1 GRAPH_CONFIG=bench/conf/hub-tiny.json SKIP_BUILD=1 bench/graph-bench.sh "$@"
