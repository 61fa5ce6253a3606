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
    "$root"/src/test/java/io/inferencegraph/hub/{HubStandIn,FakeCdn,FakeRepo}.java
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
