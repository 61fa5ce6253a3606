"""Other export layouts of gpt2-tiny: legacy graphs without position_ids, int8 and fp16 variants."""

import json
import os
import shutil
import subprocess
import sys

from .common import MODELS_DIR, N_POSITIONS, REPO, log, write_json
from .decoders import write_decoder_files
from .gpt2 import export_decoder, greedy_full, greedy_kv
from .onnx_surgery import make_merged_decoder
from .tokenizers import gpt2_tokenizer_config


LAYOUTS_BASE = "gpt2-tiny"
LEGACY_NAME = "gpt2-tiny-legacy"
ORT_VERSION = "1.30.0"
ORT_SCRIPT = os.path.join(REPO, "tools", "ort_variants.py")
# Ends in " '": cleaned up, " ' " then joins the continuation's first word across the prompt boundary, and
# the pipeline's cut at len(decode(prompt)) shows it (transformers does exactly this).
CLEAN_UP_PROMPT = "This License is called the '"
# transformers' PreTrainedTokenizerBase.clean_up_tokenization, in its order
CLEAN_UP = [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
            (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]


def clean_up_tokenization(text):
    for a, b in CLEAN_UP:
        text = text.replace(a, b)
    return text


def pipeline_text(tok, prompt, ids, new_ids, clean_up):
    """generated_text as transformers' text-generation pipeline builds it: the prompt, then the decoded
    prompt+continuation (special tokens skipped) minus the length of the decoded prompt."""
    def decode(x):
        text = tok.decode([i for i in x if i != tok.eos_id])
        return clean_up_tokenization(text) if clean_up else text
    return prompt + decode(ids + new_ids)[len(decode(ids)):]


def run_ort(ort_python, *args):
    cmd = [ort_python, ORT_SCRIPT] + list(args)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("%s failed (it needs onnxruntime %s and onnx; set --ort-python or MAKE_MODELS_ORT_PYTHON):\n%s"
                 % (" ".join(cmd), ORT_VERSION, r.stderr.strip()))
    return r.stdout


def ort_greedy(ort_python, path, ref):
    request = {"prompts": [p["input_ids"] for p in ref["prompts"]], "max_new_tokens": ref["max_new_tokens"],
               "eos_token_id": ref["eos_token_id"]}
    req_path = path + ".request.json"
    write_json(req_path, request)
    try:
        return json.loads(run_ort(ort_python, "greedy", path, req_path))
    finally:
        os.remove(req_path)


def build_ort_variants(ref, tok, ort_python):
    """model_int8.onnx (ORT dynamic quantization) and model_fp16.onnx (ORT float16 conversion) next to
    gpt2-tiny's model.onnx; torch cannot run them, so their greedy reference comes from onnxruntime."""
    d = os.path.join(MODELS_DIR, LAYOUTS_BASE)
    src = os.path.join(d, "onnx", "model.onnx")
    variants = {}
    for kind in ("int8", "fp16"):
        path = os.path.join(d, "onnx", "model_%s.onnx" % kind)
        run_ort(ort_python, kind, src, path)
        result = ort_greedy(ort_python, path, ref)
        prompts = []
        for p, out in zip(ref["prompts"], result["outputs"]):
            prompts.append({"text": p["text"], "input_ids": p["input_ids"], "output_ids": out,
                            "torch_float32_output_ids": p["output_ids"]})
        same = sum(p["output_ids"] == p["torch_float32_output_ids"] for p in prompts)
        log("  %s: %d/%d greedy outputs equal torch float32's" % (os.path.basename(path), same, len(prompts)))
        variants["onnx/model_%s.onnx" % kind] = {"onnxruntime": result["onnxruntime"], "prompts": prompts}
    write_json(os.path.join(d, "reference_variants.json"), {
        "model": LAYOUTS_BASE,
        "note": "onnxruntime (Python, CPU) greedy reference for graphs torch cannot run; decoded alone: one prefill "
                "with a zero-length past, then one token per step; output_ids = new tokens only",
        "eos_token_id": ref["eos_token_id"],
        "max_new_tokens": ref["max_new_tokens"],
        "variants": variants,
    }, compact_numbers=True)


def build_legacy(m, ref, tok, tok_json):
    """The pre-1.14 optimum layout (many Hub repos): decoder_model.onnx, decoder_with_past_model.onnx and
    decoder_model_merged.onnx, none with a position_ids input. Same weights as gpt2-tiny, so the same
    torch reference when positions run 0..n-1."""
    d = os.path.join(MODELS_DIR, LEGACY_NAME)
    if os.path.isdir(d):
        shutil.rmtree(d)
    write_decoder_files(m, d, tok_json, tok.eos_id, N_POSITIONS)
    onnx_dir = os.path.join(d, "onnx")
    no_past = os.path.join(onnx_dir, "decoder_model.onnx")
    with_past = os.path.join(onnx_dir, "decoder_with_past_model.onnx")
    # model_max_length as transformers writes it when a tokenizer has none (int(1e30)): no limit at all
    write_json(os.path.join(d, "tokenizer_config.json"), gpt2_tokenizer_config(int(1e30)))
    export_decoder(m, no_past, with_past=False, legacy=True)
    export_decoder(m, with_past, with_past=True, legacy=True)
    make_merged_decoder(no_past, with_past, os.path.join(onnx_dir, "decoder_model_merged.onnx"))
    prompts = []
    ids = tok.encode(CLEAN_UP_PROMPT)
    out, _ = greedy_kv(m, ids, tok.eos_id, ref["max_new_tokens"])
    assert out == greedy_full(m, ids, tok.eos_id, ref["max_new_tokens"])
    extra = {"text": CLEAN_UP_PROMPT, "input_ids": ids, "output_ids": out, "output_ids_kv_cache": out,
             "output_ids_full_recompute": out, "output_text": tok.decode([i for i in out if i != tok.eos_id])}
    for p in ref["prompts"] + [extra]:
        q = dict(p)
        q["generated_text"] = pipeline_text(tok, p["text"], p["input_ids"], p["output_ids"], clean_up=False)
        q["generated_text_clean_up"] = pipeline_text(tok, p["text"], p["input_ids"], p["output_ids"], clean_up=True)
        prompts.append(q)
    assert prompts[-1]["generated_text"] != prompts[-1]["generated_text_clean_up"]
    legacy_ref = dict(ref, model=LEGACY_NAME, prompts=prompts,
                      note=ref["note"] + "; generated_text as the HF text-generation pipeline returns it, "
                                         "generated_text_clean_up with clean_up_tokenization_spaces=true")
    write_json(os.path.join(d, "reference.json"), legacy_ref, compact_numbers=True)


def build_layouts(m, ref, tok, tok_json, ort_python):
    log("export layouts of %s" % LAYOUTS_BASE)
    build_legacy(m, ref, tok, tok_json)
    build_ort_variants(ref, tok, ort_python)
