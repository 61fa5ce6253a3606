#!/usr/bin/env bash
# Chaos soak: the graph on a four-node cluster on loopback (an HTTP edge, two nodes serving every
# generator, one classifier-only node), each its own `java -jar target/inference-graph.jar`, under
# closed-loop load at 4x the edge's in-flight cap for DURATION seconds. Meanwhile model node m1 is
# killed (-9) once a minute and restarted, and model node m2 is stopped with SIGTERM (a graceful
# drain) half-way and restarted. Prints requests, non-2xx by status, socket errors, retries
# (graph_retries_total, where the edge has it), p99, each node's RSS in the first and the last
# minute, and whether every node serves at the end.
#   bench/chaos-soak.sh                    # 600 s
#   DURATION=120 bench/chaos-soak.sh       # a short proof run
# Environment: DURATION (600 s), IN_FLIGHT (http.max_in_flight, 64; clients = 4x), PARAMETERS (JSON,
# '{"max_new_tokens":8}'), DOWN_SECONDS (10: how long a killed node stays down), NODE_JAVA_OPTS
# (-Xmx512m), SKIP_BUILD=1 (reuse target/), READY_TIMEOUT (180 s). Logs: target/chaos-soak/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v curl >/dev/null || { echo "chaos-soak.sh needs curl" >&2; exit 1; }
source "$root/bench/build-bench.sh"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }

duration="${DURATION:-600}" in_flight="${IN_FLIGHT:-64}" down="${DOWN_SECONDS:-10}"
default_parameters='{"max_new_tokens":8}'
parameters="${PARAMETERS:-$default_parameters}"
clients=$((4 * in_flight))
logs="$root/target/chaos-soak"
rm -rf "$logs"
mkdir -p "$logs"
cluster="chaos-soak-$$"
http="$(bench --print-free-port)"
declare -A hz pid starts
for node in edge m1 m2 cls; do hz[$node]="$(bench --print-free-port)"; starts[$node]=0; done
members="127.0.0.1:${hz[edge]},127.0.0.1:${hz[m1]},127.0.0.1:${hz[m2]},127.0.0.1:${hz[cls]}"
declare -A roles=([edge]=http [m1]=generators [m2]=generators [cls]=classifier)

stop_all() {
  for node in "${!pid[@]}"; do kill -TERM "${pid[$node]}" 2>/dev/null || true; done
  for node in "${!pid[@]}"; do wait "${pid[$node]}" 2>/dev/null || true; done
  [[ -z "${sampler:-}" ]] || kill "$sampler" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%T)] $*" | tee -a "$logs/events.txt" >&2; }

# Starts node $1 (a new log per start) and records its pid in $logs/pids.
start_node() {
  local node="$1"
  starts[$node]=$((starts[$node] + 1))
  GRAPH_HTTP__HOST=127.0.0.1 GRAPH_HTTP__MAX_IN_FLIGHT="$in_flight" GRAPH_CLUSTER__HOST=127.0.0.1 \
    GRAPH_CLUSTER__NAME="$cluster" GRAPH_CLUSTER__MEMBERS="$members" GRAPH_CLUSTER__EVENT_BUS_PORT=0 \
    GRAPH_CLUSTER__PORT="${hz[$node]}" \
    java ${NODE_JAVA_OPTS:--Xmx512m} -Dai.djl.offline=true -jar target/inference-graph.jar --cluster \
    --role "${roles[$node]}" --port "$http" >"$logs/$node-${starts[$node]}.log" 2>&1 &
  pid[$node]=$!
  echo "$node ${pid[$node]}" >>"$logs/pids"
  log "started $node (pid ${pid[$node]}, start ${starts[$node]})"
}

# Waits until node $1's current start logs that it serves its models (model nodes) or listens (edge).
wait_serving() {
  local node="$1" file="$logs/$1-${starts[$1]}.log" want=1 deadline=$((SECONDS + ${READY_TIMEOUT:-180}))
  [[ ${roles[$node]} == generators ]] && want=3
  until (($(grep -c -e 'serving ' -e 'listening on' "$file" 2>/dev/null || true) >= want)); do
    ((SECONDS < deadline)) || { log "$node not serving after ${READY_TIMEOUT:-180} s; see $file"; exit 1; }
    kill -0 "${pid[$node]}" 2>/dev/null || { log "$node exited; see $file"; exit 1; }
    sleep 0.5
  done
}

wait_ready() {
  local deadline=$((SECONDS + ${READY_TIMEOUT:-180}))
  until curl -fsS -o /dev/null "http://127.0.0.1:$http/readyz" 2>/dev/null; do
    ((SECONDS < deadline)) || { log "edge not ready after ${READY_TIMEOUT:-180} s; see $logs"; exit 1; }
    sleep 0.5
  done
}

# Every 5 s: "elapsed node pid rss_kb" for each node alive.
sample_rss() {
  local t0="$1"
  while true; do
    while read -r node p; do
      local rss
      rss="$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true)"
      [[ -n "$rss" ]] && echo "$((SECONDS - t0)) $node $p $rss"
    done < <(awk '{last[$1] = $2} END {for (n in last) print n, last[n]}' "$logs/pids")
    sleep 5
  done
}

for node in cls m1 m2; do start_node "$node"; done
for node in cls m1 m2; do wait_serving "$node"; done
start_node edge
wait_serving edge
wait_ready
log "cluster ready: edge on :$http; load: $clients clients for $duration s (in-flight cap $in_flight)"

t0=$SECONDS
sample_rss "$t0" >"$logs/rss.txt" &
sampler=$!
bench --concurrency "$clients" --warmup-seconds 0 --seconds "$duration" --max-requests 1000000000 \
  --parameters "$parameters" "http://127.0.0.1:$http/classify_generated_texts" \
  >"$logs/load.md" 2>"$logs/load.err" &
load=$!

# The chaos, on the load's clock: m1 killed at 30 s past each minute, back DOWN_SECONDS later;
# m2 sent SIGTERM at the middle minute's start, restarted once it has exited.
sigterm_at=$(( (duration / 120) * 60 )); ((sigterm_at > 0)) || sigterm_at=$((duration / 2))
next_kill=30 termed=0
while kill -0 "$load" 2>/dev/null; do
  now=$((SECONDS - t0))
  if ((termed == 0 && now >= sigterm_at)); then
    wait_serving m1 # another node serves the generators while m2 drains
    termed_at=$SECONDS
    log "SIGTERM m2 (pid ${pid[m2]})"
    kill -TERM "${pid[m2]}"
    wait "${pid[m2]}" 2>/dev/null || true
    log "m2 drained and exited after $((SECONDS - termed_at)) s"
    start_node m2
    termed=1
  elif ((now >= next_kill && now + down + 20 < duration)); then
    wait_serving m2
    log "kill -9 m1 (pid ${pid[m1]})"
    kill -KILL "${pid[m1]}"
    wait "${pid[m1]}" 2>/dev/null || true
    sleep "$down"
    start_node m1
    next_kill=$((next_kill + 60))
  fi
  sleep 1
done
wait "$load" || { log "the load generator failed; see $logs/load.err"; cat "$logs/load.err" >&2; exit 1; }
kill "$sampler" 2>/dev/null || true
sampler=""
elapsed=$((SECONDS - t0))

# The load's table: | clients | requests | ok | ok req/s | p50 | p95 | p99 | max | errors |
row="$(tail -n 1 "$logs/load.md")"
requests="$(awk -F'|' '{gsub(/ /, "", $3); print $3}' <<<"$row")"
ok="$(awk -F'|' '{gsub(/ /, "", $4); print $4}' <<<"$row")"
p99="$(awk -F'|' '{gsub(/ /, "", $8); print $8}' <<<"$row")"
errors="$(awk -F'|' '{sub(/^ +/, "", $10); sub(/ +$/, "", $10); print $10}' <<<"$row")"
non2xx="$(tr ',' '\n' <<<"$errors" | grep -E '^ *[0-9]{3}×' | tr -d ' ' | paste -sd, - || true)"
socket="$(tr ',' '\n' <<<"$errors" | grep -vE '^ *[0-9]{3}×' | grep -v '^none$' | tr -d ' ' | paste -sd, - || true)"
retries="$(curl -fsS "http://127.0.0.1:$http/metrics" 2>/dev/null \
  | awk '/^graph_retries_total/ {sum += $NF; seen = 1} END {print seen ? sum : "n/a (no graph_retries_total)"}')"

# Every node serves at the end: the edge is ready, every node is alive and joined.
for node in m1 m2; do wait_serving "$node"; done
ready="$(curl -s "http://127.0.0.1:$http/readyz" || true)"
alive=""
for node in edge m1 m2 cls; do
  kill -0 "${pid[$node]}" 2>/dev/null && alive+="$node " || alive+="$node(DEAD) "
done

rss_mean() { # node, from, to (seconds of load): mean RSS in MB
  awk -v n="$1" -v a="$2" -v b="$3" '$2 == n && $1 >= a && $1 < b {s += $4; c++} END {printf c ? "%.0f" : "n/a", s / c / 1024}' "$logs/rss.txt"
}

echo
echo "## Chaos soak: $elapsed s, $clients clients (4x the in-flight cap of $in_flight), parameters $parameters"
echo
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); events: $logs/events.txt"
echo
echo "| requests | ok | non-2xx by status | socket errors | retries | p99 ms |"
echo "| ---: | ---: | --- | --- | ---: | ---: |"
echo "| $requests | $ok | ${non2xx:-none} | ${socket:-none} | $retries | $p99 |"
echo
echo "| node | role | starts | RSS MB, first minute | RSS MB, second minute | RSS MB, last minute |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
last_from=$((elapsed - 60)); ((last_from > 60)) || last_from=60
for node in edge m1 m2 cls; do
  echo "| $node | ${roles[$node]} | ${starts[$node]} | $(rss_mean "$node" 0 60) | $(rss_mean "$node" 60 120) |" \
    "$(rss_mean "$node" "$last_from" $((elapsed + 1))) |"
done
echo
echo "At the end: processes ${alive% }; /readyz: $(jq -c '{status, missing, members: .cluster.members}' <<<"$ready" 2>/dev/null || echo "$ready")"
