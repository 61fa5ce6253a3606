#!/usr/bin/env python3
"""Where one decode step's time goes inside ONNX Runtime: runs a KV-cache decoder graph (HF layout:
input_ids, attention_mask, [position_ids], past_key_values.N.key/value -> logits, present.*) for a
batch of ROWS rows with PAST tokens of past, with ONNX Runtime's profiler on, and prints the time per
operator type (and the whole run's) as a Markdown table. Needs python3 with onnxruntime and numpy.

    python3 tools/profile_step.py build/models-sized/gpt2/onnx/model.onnx --rows 16 --past 40 --threads 1
"""

import argparse
import collections
import json
import os
import tempfile
import time

import numpy as np
import onnxruntime as ort


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("--rows", type=int, default=16)
    p.add_argument("--past", type=int, default=40)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=10)
    a = p.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    session = ort.InferenceSession(a.model, options, providers=["CPUExecutionProvider"])
    inputs = {i.name: i for i in session.get_inputs()}
    feed = {"input_ids": np.full((a.rows, 1), 42, dtype=np.int64),
            "attention_mask": np.ones((a.rows, a.past + 1), dtype=np.int64)}
    if "position_ids" in inputs:
        feed["position_ids"] = np.full((a.rows, 1), a.past, dtype=np.int64)
    for name, i in inputs.items():
        if name.startswith("past_key_values."):
            dtype = np.float16 if i.type == "tensor(float16)" else np.float32
            feed[name] = np.random.default_rng(0).standard_normal((a.rows, i.shape[1], a.past, i.shape[3])).astype(dtype)
    for _ in range(3):
        session.run(None, feed)
    started = time.perf_counter()
    for _ in range(a.steps):
        session.run(None, feed)
    plain_ms = (time.perf_counter() - started) * 1000 / a.steps

    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "step")
    profiled = ort.InferenceSession(a.model, options, providers=["CPUExecutionProvider"])
    for _ in range(3 + a.steps):
        profiled.run(None, feed)
    trace = json.load(open(profiled.end_profiling()))
    runs = [e for e in trace if e.get("cat") == "Session" and e["name"] == "model_run"][3:]
    first_us = runs[0]["ts"]
    by_op = collections.Counter()
    for e in trace:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= first_us:
            by_op[e["args"]["op_name"]] += e["dur"]
    total = sum(by_op.values())
    print("%s, %d rows, past %d, %d thread(s): %.1f ms a step (no profiler), kernels %.1f ms"
          % (os.path.basename(a.model), a.rows, a.past, a.threads, plain_ms, total / 1000 / len(runs)))
    print("| operator | ms a step | share |")
    print("| --- | ---: | ---: |")
    for op, us in by_op.most_common(12):
        print("| %s | %.2f | %.0f%% |" % (op, us / 1000 / len(runs), 100.0 * us / total))


if __name__ == "__main__":
    main()
