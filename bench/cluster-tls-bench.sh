#!/usr/bin/env bash
# The cost of mutual TLS on the event bus: the graph on a two-node cluster on loopback (the HTTP
# edge in one JVM, every model in another), plain TCP against cluster.tls, in alternating runs in
# one session. Each run starts both nodes, waits for /readyz, runs the closed-loop load generator
# (bench/graph-bench.sh's) through the edge, and stops them. Prints one Markdown row per run and the
# median of each mode.
#   bench/cluster-tls-bench.sh                          # 3 rounds, 16 clients, 8 new tokens
#   ROUNDS=5 CLIENTS=4 PARAMETERS='{"max_new_tokens":32}' bench/cluster-tls-bench.sh
# Environment: ROUNDS (3), CLIENTS (16), WARMUP (20 s), SECONDS_PER_RUN (30), PARAMETERS (JSON),
# SKIP_BUILD=1 (reuse target/), READY_TIMEOUT (180 s). The certificates are made once, with the
# jar's own 'cluster certs', into target/bench-certs. Logs: target/cluster-tls-bench/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v curl >/dev/null || { echo "cluster-tls-bench.sh needs curl" >&2; exit 1; }
source "$root/bench/build-bench.sh"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }

default_parameters='{"max_new_tokens":8}'
rounds="${ROUNDS:-3}" clients="${CLIENTS:-16}" parameters="${PARAMETERS:-$default_parameters}"
logs="$root/target/cluster-tls-bench"
certs="$root/target/bench-certs"
mkdir -p "$logs"
[[ -f "$certs/edge/node.pem" ]] || java -jar target/inference-graph.jar cluster certs --out "$certs" --nodes edge,models >&2

pids=()
stop_nodes() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_nodes EXIT
trap 'exit 130' INT TERM

# One node of the two: name, roles, HTTP port, its TLS directory or "" for plain TCP.
start_node() {
  local name="$1" roles="$2" http="$3" tls="$4"
  GRAPH_HTTP__HOST=127.0.0.1 GRAPH_CLUSTER__HOST=127.0.0.1 GRAPH_CLUSTER__NAME="$cluster" \
    GRAPH_CLUSTER__MEMBERS="127.0.0.1:$hz_edge,127.0.0.1:$hz_models" GRAPH_CLUSTER__EVENT_BUS_PORT=0 \
    GRAPH_CLUSTER__PORT="$( [[ $name == edge ]] && echo "$hz_edge" || echo "$hz_models" )" \
    java -Dai.djl.offline=true -jar target/inference-graph.jar --cluster --role "$roles" --port "$http" \
    ${tls:+--cluster-tls "$tls"} >"$logs/$name-$mode-$round.log" 2>&1 &
  pids+=($!)
}

wait_ready() {
  local deadline=$((SECONDS + ${READY_TIMEOUT:-180}))
  until curl -fsS -o /dev/null "http://127.0.0.1:$http/readyz" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "not ready after ${READY_TIMEOUT:-180} s; see $logs" >&2; exit 1; }
    sleep 0.2
  done
}

# One measured run: prints "mode round req/s p50 p95 errors".
run() {
  cluster="tls-bench-$$-$mode-$round"
  http="$(bench --print-free-port)" hz_edge="$(bench --print-free-port)" hz_models="$(bench --print-free-port)"
  start_node models generators,classifier 0 "$( [[ $mode == tls ]] && echo "$certs/models" )"
  start_node edge http "$http" "$( [[ $mode == tls ]] && echo "$certs/edge" )"
  wait_ready
  bench --concurrency "$clients" --warmup-seconds "${WARMUP:-20}" --seconds "${SECONDS_PER_RUN:-30}" \
    --max-requests 100000 --parameters "$parameters" "http://127.0.0.1:$http/classify_generated_texts" \
    >"$logs/load-$mode-$round.md" 2>"$logs/load-$mode-$round.err"
  stop_nodes
  # The table's last row: | clients | requests | ok | ok req/s | p50 | p95 | p99 | max | errors |
  tail -n 1 "$logs/load-$mode-$round.md" | awk -F'|' -v m="$mode" -v r="$round" \
    '{gsub(/ /, ""); print m, r, $5, $6, $7, $10}'
}

results="$logs/results.txt"
: >"$results"
for round in $(seq 1 "$rounds"); do
  # Alternate which mode goes first, so that neither always runs on a warmer machine.
  if ((round % 2)); then order="plain tls"; else order="tls plain"; fi
  for mode in $order; do
    echo "round $round: $mode" >&2
    run | tee -a "$results" >&2
  done
done

echo
echo "Two nodes on loopback (edge | models), $clients clients, parameters $parameters; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| event bus | round | ok req/s | p50 ms | p95 ms | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
awk '{printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' "$results"
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
for mode in plain tls; do
  echo "| $mode, median | | $(awk -v m="$mode" '$1 == m {print $3}' "$results" | median) |" \
    "$(awk -v m="$mode" '$1 == m {print $4}' "$results" | median) | | |"
done
