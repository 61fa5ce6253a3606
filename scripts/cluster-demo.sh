#!/usr/bin/env bash
# The graph across two processes on loopback: the HTTP edge in one JVM (--role http), every model in
# another (--role generators,classifier), joined over a clustered event bus. Sends the seed's curl
# through the edge and checks the answer. With --failover it also kills the models node (kill -9)
# in the middle of traffic, checks that no request hangs and every failure is a typed 503/504, that
# /readyz names the missing models, then restarts the node and checks that the same edge serves
# again. Stops both processes on exit.
#
#   mvn -B package -DskipTests && scripts/cluster-demo.sh [--failover]
#
# Ports (override by environment): HTTP_PORT (edge HTTP), EDGE_HZ_PORT / MODELS_HZ_PORT (Hazelcast),
# EDGE_EB_PORT / MODELS_EB_PORT (event bus). Logs go to $LOGS (default target/cluster-demo).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-target/inference-graph.jar}
HTTP_PORT=${HTTP_PORT:-3000}
EDGE_HZ_PORT=${EDGE_HZ_PORT:-5701}
MODELS_HZ_PORT=${MODELS_HZ_PORT:-5702}
EDGE_EB_PORT=${EDGE_EB_PORT:-5801}
MODELS_EB_PORT=${MODELS_EB_PORT:-5802}
LOGS=${LOGS:-target/cluster-demo}
PROMPT='I have an idea!'
EDGE="http://127.0.0.1:${HTTP_PORT}"
FAILOVER=false
[[ "${1:-}" == "--failover" ]] && FAILOVER=true

[[ -f "$JAR" ]] || { echo "no $JAR: run 'mvn -B package -DskipTests' first" >&2; exit 2; }
mkdir -p "$LOGS"
# Every node gets the same cluster settings; only the ports and the roles differ.
export GRAPH_CLUSTER__NAME="graph-demo-$$"
export GRAPH_CLUSTER__HOST=127.0.0.1
export GRAPH_CLUSTER__MEMBERS="127.0.0.1:${EDGE_HZ_PORT},127.0.0.1:${MODELS_HZ_PORT}"

EDGE_PID=""
MODELS_PID=""
cleanup() {
  for pid in $EDGE_PID $MODELS_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $EDGE_PID $MODELS_PID; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$LOGS"/edge.log "$LOGS"/models.log; do
    echo "--- last lines of $log" >&2
    tail -n 30 "$log" >&2 || true
  done
  exit 1
}

start_node() { # name role hazelcast-port event-bus-port; the caller reads the pid from $!
  GRAPH_CLUSTER__PORT="$3" GRAPH_CLUSTER__EVENT_BUS_PORT="$4" \
    java -jar "$JAR" --cluster --role "$2" --port "$HTTP_PORT" >>"$LOGS/$1.log" 2>&1 &
}

# Polls until /readyz answers the wanted status; prints the last body.
wait_ready() { # wanted-status seconds
  local deadline=$((SECONDS + $2)) status body
  while ((SECONDS < deadline)); do
    body=$(curl -sS -o - -w '\n%{http_code}' "$EDGE/readyz" 2>/dev/null || true)
    status=${body##*$'\n'}
    if [[ "$status" == "$1" ]]; then
      echo "${body%$'\n'*}"
      return 0
    fi
    sleep 0.5
  done
  fail "/readyz did not answer $1 within $2 s (last: ${body:-no answer})"
}

# The seed's curl, checked: 200 and one entry per generator, in configured order.
classify() {
  local body
  body=$(curl -sS --max-time 30 -w '\n%{http_code}' -X POST "$EDGE/classify_generated_texts" \
    -H 'Content-Type: text/plain' -d "$PROMPT") || fail "curl through the edge failed"
  [[ "${body##*$'\n'}" == 200 ]] || fail "expected 200, got: $body"
  body=${body%$'\n'*}
  local models
  models=$(grep -o '"model":"[^"]*"' <<<"$body" | tr '\n' ' ')
  [[ "$models" == '"model":"gpt2" "model":"distilgpt2" "model":"gpt2-medium" ' ]] \
    || fail "expected the three generators in order, got: $body"
  echo "$body"
}

echo "starting the models node (generators, classifier) and the edge (http) on loopback"
start_node models generators,classifier "$MODELS_HZ_PORT" "$MODELS_EB_PORT"
MODELS_PID=$!
start_node edge http "$EDGE_HZ_PORT" "$EDGE_EB_PORT"
EDGE_PID=$!
ready=$(wait_ready 200 120)
echo "edge /readyz: $ready"
answer=$(classify)
echo "answer through the edge: $answer"

# Back-to-back requests until $LOGS/stop appears; one line per request: status, seconds, error type.
lane() { # lane-number
  local body="$LOGS/lane-$1.body" line
  while [[ ! -f "$LOGS/stop" ]]; do
    line=$(curl -sS --max-time 20 -o "$body" -w '%{http_code} %{time_total}' -X POST "$EDGE/classify_generated_texts" \
      -H 'Content-Type: application/json' \
      -d "{\"text\": \"$PROMPT\", \"parameters\": {\"max_new_tokens\": 200, \"num_return_sequences\": 4}}" \
      2>/dev/null) || line="hung ${line:-}"
    echo "$line $(grep -o '"error_type":"[a-z_]*"' "$body" || true)" >>"$LOGS/lane-$1.log"
    sleep 0.1
  done
}

if $FAILOVER; then
  rm -f "$LOGS"/stop "$LOGS"/lane-*
  lanes=()
  for i in 1 2 3 4; do
    lane "$i" &
    lanes+=($!)
  done
  # Kill once traffic flows (a request has succeeded), and stop once the kill has shown in the
  # answers (a request has failed): by what happened, not by the clock, so a busy machine waits longer.
  await_line() { # pattern seconds
    for _ in $(seq 1 $(($2 * 10))); do
      cat "$LOGS"/lane-*.log 2>/dev/null | grep -q "$1" && return 0
      sleep 0.1
    done
  }
  await_line '^200 ' 120
  echo "killing the models node (kill -9 $MODELS_PID) in the middle of traffic"
  kill -9 "$MODELS_PID"
  wait "$MODELS_PID" 2>/dev/null || true
  MODELS_PID=""
  await_line '^50[34] ' 60
  sleep 1 # let the lanes' requests in flight at that moment end too
  touch "$LOGS/stop"
  wait "${lanes[@]}"
  cat "$LOGS"/lane-*.log >"$LOGS/traffic.log"
  grep -q '^hung' "$LOGS/traffic.log" && fail "a request hung: $(grep '^hung' "$LOGS/traffic.log" | head -1)"
  grep -v '^200 ' "$LOGS/traffic.log" | grep -qv '^50[34] .*"error_type"' \
    && fail "an untyped failure: $(grep -v '^200 ' "$LOGS/traffic.log" | grep -v '^50[34] .*error_type' | head -1)"
  grep -q '^200 ' "$LOGS/traffic.log" || fail "no request succeeded before the kill"
  grep -q '^50[34] ' "$LOGS/traffic.log" || fail "no request failed after the kill"
  echo "traffic through the kill: $(cut -d' ' -f1,3 "$LOGS/traffic.log" | sort | uniq -c | tr -s ' \n' ' ')"
  echo "slowest failed request: $(grep -v '^200 ' "$LOGS/traffic.log" | cut -d' ' -f2 | sort -n | tail -1) s"
  ready=$(wait_ready 503 30)
  echo "edge /readyz with the models node gone: $ready"
  echo "restarting the models node"
  start_node models generators,classifier "$MODELS_HZ_PORT" "$MODELS_EB_PORT"
  MODELS_PID=$!
  ready=$(wait_ready 200 120)
  echo "edge /readyz: $ready"
  answer=$(classify)
  echo "answer through the same edge: $answer"
fi
echo "OK"
