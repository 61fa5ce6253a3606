"""One decoder model directory: config files, torch reference, ONNX graphs."""

import os
import shutil

from .common import DECODER_PROMPTS, MAX_NEW_TOKENS, MODELS_DIR, N_POSITIONS, SEED, log, seed_all, write_json
from .gpt2 import GPT2LMHeadModel, check_left_padding, export_decoder, greedy_full, greedy_kv, train_decoder
from .onnx_surgery import make_merged_decoder, make_quantized
from .tokenizers import gpt2_tokenizer_config


def decoder_config(m, eos):
    c = m.cfg
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": eos,
        "embd_pdrop": 0.1,
        "eos_token_id": eos,
        "initializer_range": 0.02,
        "layer_norm_epsilon": c["eps"],
        "model_type": "gpt2",
        "n_ctx": c["n_positions"],
        "n_embd": c["n_embd"],
        "n_head": c["n_head"],
        "n_inner": None,
        "n_layer": c["n_layer"],
        "n_positions": c["n_positions"],
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "task_specific_params": {"text-generation": {"do_sample": True, "max_length": 50}},
        "use_cache": True,
        "vocab_size": c["vocab"],
    }


def write_decoder_files(m, d, tok_json, eos, model_max_length):
    os.makedirs(os.path.join(d, "onnx"), exist_ok=True)
    write_json(os.path.join(d, "config.json"), decoder_config(m, eos))
    write_json(os.path.join(d, "generation_config.json"),
               {"_from_model_config": True, "bos_token_id": eos, "eos_token_id": eos})
    write_json(os.path.join(d, "tokenizer.json"), tok_json)
    write_json(os.path.join(d, "tokenizer_config.json"), gpt2_tokenizer_config(model_max_length))


def build_decoder(name, n_layer, n_embd, n_head, steps, tok, stream, tok_json):
    log("decoder %s: n_layer=%d n_embd=%d n_head=%d vocab=%d" % (name, n_layer, n_embd, n_head, len(tok)))
    seed_all(SEED + n_layer * 100 + n_embd)
    m = GPT2LMHeadModel(len(tok), N_POSITIONS, n_embd, n_head, n_layer)
    train_decoder(m, stream, steps)
    d = os.path.join(MODELS_DIR, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    write_decoder_files(m, d, tok_json, tok.eos_id, N_POSITIONS)
    check_left_padding(m, tok)

    prompts = []
    first_logits = None
    for k, text in enumerate(DECODER_PROMPTS):
        ids = tok.encode(text)
        kv, first = greedy_kv(m, ids, tok.eos_id, MAX_NEW_TOKENS)
        full = greedy_full(m, ids, tok.eos_id, MAX_NEW_TOKENS)
        assert kv == full, "KV-cache greedy %s != full recompute %s for %r" % (kv, full, text)
        if k == 0:
            first_logits = [float(x) for x in first]
        prompts.append({"text": text, "input_ids": ids, "output_ids": kv,
                        "output_ids_kv_cache": kv, "output_ids_full_recompute": full,
                        "output_text": tok.decode([i for i in kv if i != tok.eos_id])})
        log("  %r -> %r" % (text, prompts[-1]["output_text"]))
    ref = {
        "model": name,
        "note": "torch float32 reference; greedy decoding, output_ids = new tokens only (eos included if produced)",
        "eos_token_id": tok.eos_id,
        "max_new_tokens": MAX_NEW_TOKENS,
        "prompts": prompts,
        "first_step_logits_prompt_index": 0,
        "first_step_logits": first_logits,
    }
    write_json(os.path.join(d, "reference.json"), ref, compact_numbers=True)

    onnx_dir = os.path.join(d, "onnx")
    export_decoder(m, os.path.join(onnx_dir, "model.onnx"), with_past=True)
    if name == "gpt2-tiny":
        export_decoder(m, os.path.join(onnx_dir, "decoder_model.onnx"), with_past=False)
        make_merged_decoder(os.path.join(onnx_dir, "decoder_model.onnx"),
                            os.path.join(onnx_dir, "model.onnx"),
                            os.path.join(onnx_dir, "decoder_model_merged.onnx"))
        nq = make_quantized(os.path.join(onnx_dir, "model.onnx"), os.path.join(onnx_dir, "model_quantized.onnx"))
        log("  quantized %d weight tensors" % nq)
    return m, ref
