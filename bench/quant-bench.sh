#!/usr/bin/env bash
# Quantized and float16 weights against float32 on the real-sized set (build/models-sized, see
# bench/memory-bench.sh): for each variant, start to ready, RSS, req/s and p50 at 1 and 16 clients
# (greedy, 20 new tokens); then how far each variant moves greedy output and classifier scores from
# float32 on the trained fixtures (models/*-tiny, copied to build/drift-models). Variants are made
# with ONNX Runtime's Python tools (tools/ort_variants.py: int8 dynamic quantization, q4 = 4-bit
# MatMulNBits, fp16), which need python3 with onnxruntime 1.30.0, onnx and onnx-ir.
#   bench/quant-bench.sh
#   VARIANTS=fp32,int8 SECONDS_1=20 SECONDS_16=40 SKIP_BUILD=1 bench/quant-bench.sh
# Environment: VARIANTS (default fp32,int8,q4,fp16), SECONDS_1 / SECONDS_16 (load per level, default
# 30 / 60), PARAMETERS, SKIP_BUILD=1, ORT_PYTHON (default python3), DRIFT=0 (skip the drift table).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source "$root/bench/build-bench.sh"
models="$root/build/models-sized"
ensure_sized "$models"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f target/inference-graph.jar ]]; then
  bench_mvn package -Dmaven.test.skip=true
fi
bench_build "$root"
bench() { java -Dorg.slf4j.simpleLogger.log.ai.djl=error -cp "$BENCH_CP" io.inferencegraph.bench.GraphLoadBenchmark "$@"; }
py="${ORT_PYTHON:-python3}"
IFS=, read -r -a variants <<<"${VARIANTS:-fp32,int8,q4,fp16}"

make_variant() { # $1 model dir, $2 variant
  local dst="$1/onnx/model_$2.onnx"
  [[ "$2" == fp32 || -f "$dst" ]] && return
  echo "making $dst" >&2
  "$py" tools/ort_variants.py "$2" "$1/onnx/model.onnx" "$dst" >/dev/null 2>&1
}
for v in "${variants[@]}"; do
  for m in "$models"/*/; do make_variant "${m%/}" "$v"; done
done

rss_mb() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
greedy20='{"max_new_tokens":20,"do_sample":false}'
port="$(bench --print-free-port)"
echo "| variant | ONNX MiB | start to ready s | RSS ready MiB | 1 client req/s | p50 ms | 16 clients req/s | p50 ms | RSS after MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for v in "${variants[@]}"; do
  conf="$root/target/quant-bench-$v.json"
  "$py" - "$v" >"$conf" <<'EOF'
import json, sys
conf = json.load(open("bench/conf/sized.json"))
conf["models_dir"] = "build/models-sized"
if sys.argv[1] != "fp32":
    for entry in conf["generators"] + [conf["classifier"]]:
        entry["variant"] = sys.argv[1]
print(json.dumps(conf))
EOF
  file="model.onnx"; [[ "$v" != fp32 ]] && file="model_$v.onnx"
  onnx_mb="$(find "$models" -path "*/onnx/$file" -exec stat -c %s {} + | awk '{s += $1} END {printf "%d", s / 1048576}')"
  find "$models" -path "*/onnx/$file" -exec cat {} + >/dev/null
  log="$root/target/quant-bench-$v.log"
  started_ns="$(date +%s%N)"
  bench_start_server "$log" target/inference-graph.jar "$port" --config "$conf"
  bench_wait_ready "$port" 600
  ready_s="$(awk -v a="$started_ns" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')"
  rss_ready="$(rss_mb "$BENCH_SERVER")"
  row="| $v | $onnx_mb | $ready_s | $rss_ready"
  for c in 1 16; do
    seconds="${SECONDS_1:-30}"; [[ $c == 16 ]] && seconds="${SECONDS_16:-60}"
    out="$root/target/quant-bench-$v-$c.txt"
    bench --concurrency "$c" --warmup-seconds 5 --seconds "$seconds" --max-requests 1000000 --timeout-seconds 600 \
      --parameters "${PARAMETERS:-$greedy20}" "http://127.0.0.1:$port/classify_generated_texts" >"$out"
    row="$row | $(awk -F'|' '$2 ~ /^ *[0-9]+ *$/ {gsub(/ /, "", $5); gsub(/ /, "", $6); print $5 " | " $6}' "$out" | tail -n 1)"
  done
  echo "$row | $(rss_mb "$BENCH_SERVER") |"
  bench_stop_server
done

[[ "${DRIFT:-1}" == 0 ]] && exit 0
drift="$root/build/drift-models"
for m in gpt2-tiny distilgpt2-tiny gpt2-medium-tiny bert-tiny-classifier; do
  if [[ ! -f "$drift/$m/onnx/model.onnx" ]]; then
    mkdir -p "$drift/$m/onnx"
    find "models/$m" -maxdepth 1 -type f -exec cp {} "$drift/$m/" \;
    cp "models/$m/onnx/model.onnx" "$drift/$m/onnx/"
  fi
  for v in "${variants[@]}"; do make_variant "$drift/$m" "$v"; done
done
others="$(printf '%s\n' "${variants[@]}" | grep -v '^fp32$' | paste -sd, -)"
echo
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" io.inferencegraph.bench.VariantDrift "$drift" "$others" \
  gpt2-tiny,distilgpt2-tiny,gpt2-medium-tiny bert-tiny-classifier
