#!/usr/bin/env bash
# Scaling with cores: runs the graph with the server pinned by `taskset -c 0-(k-1)` to k = 1, 2, 4, ...
# up to this machine's cores (the load generator on the cores left, or on all of them when none are
# left), once with "auto" and once per hand-picked split (every model's instances x ONNX Runtime
# threads), and prints req/s and p50/p99 per core count, and auto's throughput against the best split.
# Runs alternate (every configuration once per round) so that a busy machine hurts all alike.
#   bench/scale-bench.sh                                  # default models, splits 1x1,2x1,1x2,4x1
#   SET=gpt2-sized bench/scale-bench.sh                   # three gpt2-sized decoders (needs build/models-gpt2-sized)
#   SET=sized bench/scale-bench.sh                        # the real-sized set (bench/conf/sized-models.json, 3.2 GB)
#   CORES=1,2,4,8,16 SPLITS=1x1,2x1,4x1,8x1,1x4 ROUNDS=3 bench/scale-bench.sh
# Environment: SET (default | gpt2-sized | sized), CORES (core counts), SPLITS (IxT list), ROUNDS (default 2),
# CLIENTS (default 16), SECONDS_PER_RUN (default 10), WARMUP (default 3), PARAMETERS (JSON generation
# parameters; default the seed's request), SKIP_BUILD=1, READY_TIMEOUT (default 180).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v taskset >/dev/null || { echo "scale-bench.sh needs taskset (util-linux)" >&2; exit 1; }
source "$root/bench/build-bench.sh"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }

models=(gpt2 distilgpt2 gpt2-medium bert-base-uncased)
case "${SET:-default}" in
  default) config=conf/config.json ;;
  gpt2-sized) config=bench/conf/scale-gpt2-sized.json; ensure_gpt2_sized "$root/build/models-gpt2-sized" ;;
  sized) config=bench/conf/sized-models.json; ensure_sized "$root/build/models-sized" ;; # new form: -D splits reach it
  *) echo "SET must be default, gpt2-sized or sized" >&2; exit 1 ;;
esac
all="$(nproc --all)"
if [[ -z "${CORES:-}" ]]; then
  CORES=1; k=2
  while ((k <= all)); do CORES+=",$k"; k=$((k * 2)); done
  ((all & (all - 1))) && CORES+=",$all"
fi
IFS=, read -r -a core_counts <<<"$CORES"
IFS=, read -r -a splits <<<"auto,${SPLITS:-1x1,2x1,1x2,4x1}"
load_args=(--concurrency "${CLIENTS:-16}" --warmup-seconds "${WARMUP:-3}" --seconds "${SECONDS_PER_RUN:-10}"
  --max-requests 1000000 --timeout-seconds 300)
[[ -n "${PARAMETERS:-}" ]] && load_args+=(--parameters "$PARAMETERS")
results="$root/target/scale-bench.tsv"
: >"$results"

# One run: the server on cores 0..k-1 with split $2 ("auto" or IxT), load on the others; appends a TSV row.
run_once() {
  local k="$1" split="$2" round="$3" props=() port log out load_cpus
  if [[ "$split" != auto ]]; then
    for m in "${models[@]}"; do
      props+=("-Dgraph.models.$m.instances=${split%x*}" "-Dgraph.models.$m.intra_op_threads=${split#*x}")
    done
  fi
  port="$(bench --print-free-port)"
  log="$root/target/scale-bench-server.log"
  GRAPH_HTTP__HOST=127.0.0.1 taskset -c "0-$((k - 1))" java -Dai.djl.offline=true "${props[@]}" \
    -jar target/inference-graph.jar --config "$config" --port "$port" >"$log" 2>&1 &
  BENCH_SERVER=$!
  BENCH_SERVER_LOG="$log"
  trap bench_stop_server EXIT
  bench_wait_ready "$port" "${READY_TIMEOUT:-180}"
  if [[ "$split" == auto ]]; then
    grep -o 'sizing .*' "$log" | sed 's/^/  auto on '"$k"' core(s): /' >&2 || true
  fi
  load_cpus="$k-$((all - 1))"
  ((k >= all)) && load_cpus="0-$((all - 1))"
  out="$(taskset -c "$load_cpus" java -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "${load_args[@]}" \
    "http://127.0.0.1:$port/classify_generated_texts" 2>/dev/null)"
  bench_stop_server
  echo "$out" | awk -F'|' -v k="$k" -v s="$split" -v r="$round" \
    '$2 ~ /^ *[0-9]+ *$/ {gsub(/ /, ""); print k "\t" s "\t" r "\t" $5 "\t" $6 "\t" $8 "\t" $10}' >>"$results"
  tail -n 1 "$results" | awk -F'\t' '{printf "  %s core(s), %s, round %s: %s req/s, p50 %s ms, p99 %s ms\n", $1, $2, $3, $4, $5, $6}' >&2
}

for round in $(seq 1 "${ROUNDS:-2}"); do
  for k in "${core_counts[@]}"; do
    for split in "${splits[@]}"; do
      run_once "$k" "$split" "$round"
    done
  done
done

echo
echo "Set: ${SET:-default} ($config); ${CLIENTS:-16} clients; ${ROUNDS:-2} alternating rounds of ${SECONDS_PER_RUN:-10} s; mean req/s, p50 and p99 over rounds"
echo
awk -F'\t' -f "$root/bench/scale-table.awk" "$results"
