#!/usr/bin/env bash
# Load on the whole graph over HTTP: builds the fat jar, starts it on a free loopback port, waits
# for /readyz, runs the closed-loop load generator, stops the server and prints a Markdown table.
#   bench/graph-bench.sh                                   # 1, 4, 16 clients; 5 s warm-up + 15 s each
#   bench/graph-bench.sh --concurrency 1,8 --seconds 30 --parameters '{"max_new_tokens":32}'
# Environment: SERVER_JAVA_OPTS (extra JVM flags for the server), SKIP_BUILD=1 (reuse target/),
# READY_TIMEOUT (seconds to wait for /readyz, default 180), and any GRAPH_* configuration variable.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v curl >/dev/null || { echo "graph-bench.sh needs curl" >&2; exit 1; }
source "$root/bench/build-bench.sh"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }

port="$(bench --print-free-port)"
log="$root/target/graph-bench-server.log"
# Loopback only: the server listens on 127.0.0.1 whatever the configuration says.
GRAPH_HTTP__HOST=127.0.0.1 java -Dai.djl.offline=true ${SERVER_JAVA_OPTS:-} -jar target/inference-graph.jar \
  --port "$port" >"$log" 2>&1 &
server=$!
started=$SECONDS
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  wait "$server" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "server pid $server on 127.0.0.1:$port (log: $log); waiting for /readyz" >&2
deadline=$((SECONDS + ${READY_TIMEOUT:-180}))
until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "the server exited before it was ready; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "the server was not ready after ${READY_TIMEOUT:-180} s; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "ready after $((SECONDS - started)) s; server: $(grep -m1 -o 'inference graph listening.*' "$log" || true)" >&2
bench "$@" "http://127.0.0.1:$port/classify_generated_texts"
