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
    -cp "$root/target/classes:$deps" "$root"/src/test/java/io/inferencegraph/bench/*.java
  BENCH_CP="$root/target/bench-classes:$root/target/classes:$deps"
  export OPT_OUT_TRACKING=true
}
