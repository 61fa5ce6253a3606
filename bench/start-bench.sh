#!/usr/bin/env bash
# Start to ready on the real-sized set (bench/conf/sized.json: gpt2, distilgpt2 and gpt2-medium
# sized decoders and a bert-base-sized classifier, ~3.2 GB of ONNX in build/models-sized, made once by
# tools/make_models.py --sized). The model files are read once first, so the page cache is warm.
# If a graph has no cached optimised copy yet, one start writes them (reported as "writes cache").
# Then RUNS starts (default 5), each until /readyz answers 200, then stopped. Prints one Markdown row
# per start: seconds to ready, RSS at ready, and each graph's session time from the log
# ("opened ... in N ms"), then the median.
#   bench/start-bench.sh
#   CACHE=off bench/start-bench.sh        # every start from the .onnx files (the cache moved aside)
# Environment: RUNS, CACHE (on|off), SKIP_BUILD=1 (reuse target/), JAR, READY_TIMEOUT (default 300 s),
# SERVER_JAVA_OPTS; the server inherits the rest (GRAPH_*).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v curl >/dev/null || { echo "start-bench.sh needs curl" >&2; exit 1; }
source "$root/bench/build-bench.sh"
models="$root/build/models-sized"
ensure_sized "$models"
jar="${JAR:-target/inference-graph.jar}"
if [[ -z "${JAR:-}" && ( "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ) ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
port="$(java -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark --print-free-port)"
rss_mb() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }

aside="$root/target/start-bench-cache-aside"
restore_cache() {
  [[ -d "$aside" ]] || return 0
  for d in "$aside"/*; do
    [[ -d "$d" ]] && mv "$d" "$models/$(basename "$d")/onnx/.ort-cache"
  done
  rm -rf "$aside"
}
if [[ "${CACHE:-on}" == off ]]; then
  mkdir -p "$aside"
  for d in "$models"/*/onnx/.ort-cache; do
    [[ -d "$d" ]] && mv "$d" "$aside/$(basename "$(dirname "$(dirname "$d")")")"
  done
fi
find -L "$models" -name '*.onnx' -exec cat {} + >/dev/null # warm page cache
find -L "$models" -path '*/.ort-cache/*' -exec cat {} + >/dev/null 2>&1 || true

log="$root/target/start-bench-server.log"
one_start() { # $1: label
  local started_ns ready_s rss sessions
  started_ns="$(date +%s%N)"
  bench_start_server "$log" "$jar" "$port" --config bench/conf/sized.json
  bench_wait_ready "$port" "${READY_TIMEOUT:-300}"
  ready_s="$(awk -v a="$started_ns" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')"
  rss="$(rss_mb "$BENCH_SERVER")"
  sessions="$(grep -o 'opened [^ ]* in [0-9]* ms' "$log" | awk '{printf "%s%s %.1f s", sep, $2, $4 / 1000; sep = ", "}')"
  bench_stop_server
  if [[ "${CACHE:-on}" == off ]]; then
    rm -rf "$models"/*/onnx/.ort-cache
  fi
  echo "| $1 | $ready_s | $rss | $sessions |"
}

echo "| start | to ready s | RSS MiB | sessions (log) |"
echo "| --- | ---: | ---: | --- |"
if [[ "${CACHE:-on}" != off ]] && ! ls "$models"/*/onnx/.ort-cache/*.onnx.data >/dev/null 2>&1; then
  one_start "writes cache"
fi
rows="$(mktemp)"
for i in $(seq 1 "${RUNS:-5}"); do
  one_start "$i" | tee -a "$rows"
done
restore_cache
awk -F'|' '{print $3 + 0}' "$rows" | sort -n | awk '{v[NR] = $1} END {printf "median of %d: %.1f s\n", NR, v[int((NR + 1) / 2)]}'
rm -f "$rows"
