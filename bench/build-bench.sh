#!/usr/bin/env bash
# Shared by the bench scripts (sourced). bench_mvn runs Maven quietly, showing its output only on
# failure; bench_build compiles the main code and the benchmark classes and sets BENCH_CP. The
# benchmarks are compiled with javac on their own, so a test elsewhere that does not compile yet
# cannot stop them.
set -euo pipefail

bench_mvn() {
  local out
  out="$(mktemp)"
  if ! mvn -B -q "$@" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    echo "mvn $* failed" >&2
    return 1
  fi
  rm -f "$out"
}

bench_build() {
  local root="$1"
  (cd "$root" && bench_mvn compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test)
  local deps
  deps="$(cat "$root/target/bench.classpath")"
  rm -rf "$root/target/bench-classes"
  mkdir -p "$root/target/bench-classes"
  javac --release 17 -encoding UTF-8 -d "$root/target/bench-classes" \
    -cp "$root/target/classes:$deps" "$root"/src/test/java/io/inferencegraph/bench/*.java \
    "$root"/src/test/java/io/inferencegraph/hub/{HubStandIn,FakeCdn,FakeRepo}.java \
    "$root"/src/test/java/io/inferencegraph/api/Params.java "$root"/src/test/java/io/inferencegraph/model/Decoding.java
  BENCH_CP="$root/target/bench-classes:$root/target/classes:$deps"
  export OPT_OUT_TRACKING=true
}

# Makes the gpt2-sized decoder (random weights, real gpt2 dimensions, ~650 MB) at $1 if missing;
# it stays out of git. Needs Debian's python3-torch, python3-onnx and python3-regex.
ensure_gpt2_sized() {
  local model="$1" root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [[ -f "$model/onnx/model.onnx" ]] && return
  /usr/bin/python3 -c 'import torch, onnx, regex' 2>/dev/null \
    || { apt-get update -qq && apt-get install -y -qq python3-torch python3-onnx python3-regex; }
  /usr/bin/python3 "$root/tools/make_models.py" --gpt2-sized "$model"
}

# Makes the real-sized set (gpt2, distilgpt2, gpt2-medium and bert-base dimensions, random weights,
# ~3.2 GB) at $1 if missing; it stays out of git. Needs Debian's python3-torch, python3-onnx and python3-regex.
ensure_sized() {
  local models="$1" root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [[ -f "$models/bert-base-uncased/onnx/model.onnx" ]] && return
  /usr/bin/python3 -c 'import torch, onnx, regex' 2>/dev/null \
    || { apt-get update -qq && apt-get install -y -qq python3-torch python3-onnx python3-regex; }
  /usr/bin/python3 "$root/tools/make_models.py" --sized "$models"
}

# Starts the fat jar $2 on 127.0.0.1:$3 (loopback only, whatever the configuration says) with the
# remaining arguments, its output in $1; sets BENCH_SERVER to its pid and stops it when the script
# exits. SERVER_JAVA_OPTS adds JVM flags.
bench_start_server() {
  local log="$1" jar="$2" port="$3"
  shift 3
  GRAPH_HTTP__HOST=127.0.0.1 java -Dai.djl.offline=true ${SERVER_JAVA_OPTS:-} -jar "$jar" --port "$port" "$@" \
    >"$log" 2>&1 &
  BENCH_SERVER=$!
  BENCH_SERVER_LOG="$log"
  trap bench_stop_server EXIT
  trap 'exit 130' INT TERM
}

bench_stop_server() {
  if kill -0 "$BENCH_SERVER" 2>/dev/null; then
    kill -TERM "$BENCH_SERVER" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$BENCH_SERVER" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$BENCH_SERVER" 2>/dev/null || true
  fi
  wait "$BENCH_SERVER" 2>/dev/null || true
}

# Waits until the server started by bench_start_server answers /readyz on port $1, at most $2
# seconds; ends the script with the log's last lines if it exits or the time passes.
bench_wait_ready() {
  local port="$1" timeout="$2" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    if ! kill -0 "$BENCH_SERVER" 2>/dev/null; then
      echo "the server exited before it was ready; last lines of $BENCH_SERVER_LOG:" >&2
      tail -n 30 "$BENCH_SERVER_LOG" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "the server was not ready after $timeout s; last lines of $BENCH_SERVER_LOG:" >&2
      tail -n 30 "$BENCH_SERVER_LOG" >&2
      exit 1
    fi
    sleep 0.1
  done
}
