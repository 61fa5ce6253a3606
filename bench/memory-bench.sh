#!/usr/bin/env bash
# Memory and cold start on real-sized models: three decoders with gpt2, distilgpt2 and gpt2-medium
# dimensions and a bert-base-sized classifier (random weights, ~3.2 GB of ONNX, made once into
# build/models-sized/ by tools/make_models.py --sized), served by the fat jar with
# bench/conf/sized.json. Prints one Markdown row: model MiB, RSS after load, RSS after a minute at
# 16 clients (and its peak, VmHWM), RSS / model bytes, start to ready (process start until /readyz
# answers 200) and requests/s at 16 clients (20 greedy new tokens). RSS is VmRSS, in MiB.
#   bench/memory-bench.sh                                   # as the README launches the service
#   MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 SERVER_JAVA_OPTS=-XX:MaxDirectMemorySize=1g \
#     LABEL=launcher bench/memory-bench.sh                  # the launcher settings the README advises
#   LABEL=prepacking GRAPH_ONNX_RUNTIME__PREPACKING=true bench/memory-bench.sh
# Environment: LABEL (row name), SERVER_JAVA_OPTS (extra JVM flags), SKIP_BUILD=1 (reuse target/),
# JAR (run this jar instead of building target/inference-graph.jar), LOAD_SECONDS (default 60),
# CLIENTS (default 16), PARAMETERS (default 20 greedy new tokens), READY_TIMEOUT (default 300 s),
# HEADER=0 (row only); the server inherits the rest of the environment (GRAPH_*, MALLOC_*).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v curl >/dev/null || { echo "memory-bench.sh needs curl" >&2; exit 1; }
source "$root/bench/build-bench.sh"
models="$root/build/models-sized"
ensure_sized "$models"
jar="${JAR:-target/inference-graph.jar}"
if [[ -z "${JAR:-}" && ( "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ) ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }

rss_mb() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
# the fp32 graphs the config serves, not the variants bench/quant-bench.sh writes beside them
model_bytes="$(find -L "$models" -path '*/onnx/model.onnx*' | xargs stat -L -c %s | awk '{s += $1} END {printf "%.0f", s}')"
model_mb=$((model_bytes / 1024 / 1024))

port="$(bench --print-free-port)"
log="$root/target/memory-bench-server.log"
started_ns="$(date +%s%N)"
bench_start_server "$log" "$jar" "$port" --config bench/conf/sized.json
bench_wait_ready "$port" "${READY_TIMEOUT:-300}"
ready_s="$(awk -v a="$started_ns" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')"
sleep 2
rss_loaded="$(rss_mb "$BENCH_SERVER")"
echo "ready after $ready_s s, RSS $rss_loaded MB; ${CLIENTS:-16} clients for ${LOAD_SECONDS:-60} s" >&2

out="$root/target/memory-bench-load.txt"
greedy20='{"max_new_tokens":20,"do_sample":false}'
bench --concurrency "${CLIENTS:-16}" --warmup-seconds 0 --seconds "${LOAD_SECONDS:-60}" --max-requests 1000000 \
  --timeout-seconds 300 --parameters "${PARAMETERS:-$greedy20}" \
  "http://127.0.0.1:$port/classify_generated_texts" >"$out"
rss_loaded_after="$(rss_mb "$BENCH_SERVER")"
peak="$(hwm_mb "$BENCH_SERVER")"
req_s="$(awk -F'|' '$2 ~ /^ *[0-9]+ *$/ {gsub(/ /, "", $5); print $5}' "$out" | tail -n 1)"
errors="$(awk -F'|' '$2 ~ /^ *[0-9]+ *$/ {gsub(/^ +| +$/, "", $10); print $10}' "$out" | tail -n 1)"
ratio="$(awk -v r="$rss_loaded_after" -v m="$model_mb" 'BEGIN {printf "%.2f", r / m}')"

if [[ "${HEADER:-1}" != 0 ]]; then
  echo "| run | model MB | RSS loaded MB | RSS after ${LOAD_SECONDS:-60} s x ${CLIENTS:-16} MB | peak MB | RSS / models | start to ready s | req/s | errors |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
fi
echo "| ${LABEL:-default} | $model_mb | $rss_loaded | $rss_loaded_after | $peak | $ratio | $ready_s | $req_s | $errors |"
