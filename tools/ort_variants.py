#!/usr/bin/env python3
"""The ONNX Runtime steps of tools/make_models.py, run by a Python that has onnxruntime.

Debian's /usr/bin/python3 has torch 1.13 and onnx but no onnxruntime; this script runs under another
interpreter (make_models.py calls it as a subprocess, see --ort-python there):

    python3 -m pip install onnxruntime==1.30.0 onnx==1.23.1    # the pyenv python; the local mirror has them
    python3 tools/ort_variants.py int8 SRC.onnx DST.onnx      # ORT dynamic quantization, as optimum does
    python3 tools/ort_variants.py fp16 SRC.onnx DST.onnx      # ORT float16 conversion, float I/O -> float16
    python3 tools/ort_variants.py q4 SRC.onnx DST.onnx        # 4-bit MatMulNBits weights, block 32 (needs onnx-ir)
    python3 tools/ort_variants.py greedy MODEL.onnx REQUEST.json   # greedy ids per prompt, JSON on stdout

REQUEST.json: {"prompts": [[ids...], ...], "max_new_tokens": n, "eos_token_id": id}. Greedy decoding
drives the graph the way the Java server does alone: one prefill with a zero-length past, then one
token per step with the KV cache, positions 0..n-1.
"""

import json
import sys

import numpy as np
import onnx
import onnxruntime as ort

ORT_VERSION = "1.30.0"


def int8(src, dst):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    # optimum's AutoQuantizationConfig.avx512_vnni(is_static=False, per_channel=False): int8 weights,
    # uint8 activations quantized at run time (DynamicQuantizeLinear + MatMulInteger).
    quantize_dynamic(src, dst, per_channel=False, reduce_range=False, weight_type=QuantType.QInt8)


def fp16(src, dst):
    from onnxruntime.transformers.float16 import convert_float_to_float16
    model = convert_float_to_float16(onnx.load(src), keep_io_types=False)
    onnx.save(model, dst)


def q4(src, dst):
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    # 4-bit weights in blocks of 32 with a scale each (MatMulNBits, a contrib op ONNX Runtime runs on
    # CPU); accuracy_level 4 lets it compute in int8, its fastest CPU path. Other ops stay float32.
    quantizer = MatMulNBitsQuantizer(onnx.load(src), bits=4, block_size=32, is_symmetric=True, accuracy_level=4)
    quantizer.process()
    quantizer.model.save_model_to_file(dst, use_external_data_format=False)


def greedy(model_path, request_path):
    with open(request_path) as f:
        request = json.load(f)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    inputs = {i.name: i for i in session.get_inputs()}
    past_names = [n for n in inputs if n.startswith("past_key_values.")]
    present_names = ["present." + n[len("past_key_values."):] for n in past_names]
    outputs = []
    for prompt in request["prompts"]:
        outputs.append(greedy_one(session, inputs, past_names, present_names, prompt,
                                  request["max_new_tokens"], request["eos_token_id"]))
    json.dump({"onnxruntime": ort.__version__, "outputs": outputs}, sys.stdout)


def greedy_one(session, inputs, past_names, present_names, prompt, max_new, eos):
    past = {}
    for name in past_names:
        shape = inputs[name].shape
        dtype = np.float16 if inputs[name].type == "tensor(float16)" else np.float32
        past[name] = np.zeros((1, shape[1], 0, shape[3]), dtype=dtype)
    ids = list(prompt)
    feed_ids = ids
    out = []
    while True:
        n = len(ids)
        feed = {"input_ids": np.array([feed_ids], dtype=np.int64),
                "attention_mask": np.ones((1, n), dtype=np.int64)}
        if "position_ids" in inputs:
            feed["position_ids"] = np.arange(n - len(feed_ids), n, dtype=np.int64)[None, :]
        feed.update(past)
        results = session.run(["logits"] + present_names, feed)
        token = int(np.argmax(results[0][0, -1].astype(np.float32)))
        out.append(token)
        if token == eos or len(out) >= max_new:
            return out
        past = dict(zip(past_names, results[1:]))
        ids.append(token)
        feed_ids = [token]


def main():
    if ort.__version__ != ORT_VERSION:
        sys.exit("tools/ort_variants.py wants onnxruntime %s (byte-identical outputs), found %s"
                 % (ORT_VERSION, ort.__version__))
    command, args = sys.argv[1], sys.argv[2:]
    {"int8": int8, "fp16": fp16, "q4": q4, "greedy": greedy}[command](*args)


if __name__ == "__main__":
    main()
