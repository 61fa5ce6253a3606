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
bench_start_server "$log" target/inference-graph.jar "$port"
started=$SECONDS
echo "server pid $BENCH_SERVER on 127.0.0.1:$port (log: $log); waiting for /readyz" >&2
bench_wait_ready "$port" "${READY_TIMEOUT:-180}"
echo "ready after $((SECONDS - started)) s; server: $(grep -m1 -o 'inference graph listening.*' "$log" || true)" >&2
bench "$@" "http://127.0.0.1:$port/classify_generated_texts"
