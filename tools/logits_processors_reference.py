"""Greedy references for repetition_penalty, no_repeat_ngram_size and bad_words_ids, made by transformers itself.

    python3 tools/logits_processors_reference.py > src/test/resources/logits_processors_reference.json

Needs python3 with transformers, torch, onnx, onnxruntime and tokenizers (the pyenv python3 here:
transformers 5.18.0, torch 2.13.0+cpu, onnxruntime 1.30.0). For each case it decodes greedily twice:
  1. transformers' own `GPT2LMHeadModel.generate`, on models/gpt2-tiny's weights read out of its onnx/model.onnx;
  2. onnxruntime on onnx/model.onnx, each step's logits passed through the LogitsProcessorList that
     transformers' `_get_logits_processor` builds for the same GenerationConfig (its order, its classes);
and refuses to write a case where the two disagree, so the expected ids do not hang on a torch/onnxruntime
near-tie. The Java test (TransformersParityTest) asserts that this service decodes exactly these ids.
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
import transformers
from onnx import numpy_helper
from tokenizers import Tokenizer
from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel

MODEL = "models/gpt2-tiny"
NEW_TOKENS = 24

# (prompt, parameters): each bad word below bites in its case (its prompt's plain greedy output holds it).
CASES = [
    ("I have an idea!", {}),
    ("I have an idea!", {"repetition_penalty": 1.3}),
    ("I have an idea!", {"repetition_penalty": 0.7}),
    ("The quick brown fox", {"repetition_penalty": 1.5}),
    ("I have an idea!", {"no_repeat_ngram_size": 1}),
    ("I have an idea!", {"no_repeat_ngram_size": 2}),
    ("The quick brown fox", {"no_repeat_ngram_size": 3}),
    ("I have an idea!", {"bad_words_ids": "SINGLE"}),
    ("I have an idea!", {"bad_words_ids": "PAIR"}),
    ("I have an idea!", {"bad_words_ids": "PROMPT_PAIR"}),
    ("I have an idea!", {"bad_words_ids": "TRIPLE"}),
    ("I have an idea!", {"bad_words_ids": [[1006]], "min_new_tokens": 0}),  # transformers drops a lone eos
    ("I have an idea!", {"bad_words_ids": [[1006], [8]], "min_new_tokens": 0}),
    ("The quick brown fox", {"repetition_penalty": 1.2, "no_repeat_ngram_size": 2, "bad_words_ids": "SINGLE"}),
    ("I have an idea!", {"repetition_penalty": 1.3, "no_repeat_ngram_size": 2, "bad_words_ids": "PAIR"}),
]


def load_torch_model():
    config = GPT2Config.from_pretrained(MODEL)
    model = GPT2LMHeadModel(config).eval()
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
               for i in onnx.load(MODEL + "/onnx/model.onnx").graph.initializer}
    state = {k: v for k, v in weights.items() if k.startswith("transformer.")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert unexpected == [] and set(missing) <= {"lm_head.weight"} | {k for k in missing if k.endswith(".attn.bias")}, \
        (missing, unexpected)
    head = [v for k, v in weights.items() if not k.startswith("transformer.")]
    assert len(head) == 1 and torch.equal(head[0].T, model.lm_head.weight), "lm_head is not tied to wte"
    return model


def ort_greedy(session, prompt, processors, new_tokens):
    inputs = {i.name: i for i in session.get_inputs()}
    past_names = [n for n in inputs if n.startswith("past_key_values.")]
    present_names = ["present." + n[len("past_key_values."):] for n in past_names]
    past = {n: np.zeros((1, inputs[n].shape[1], 0, inputs[n].shape[3]), dtype=np.float32) for n in past_names}
    ids, feed_ids, out = list(prompt), list(prompt), []
    while len(out) < new_tokens:
        n = len(ids)
        feed = {"input_ids": np.array([feed_ids], dtype=np.int64), "attention_mask": np.ones((1, n), dtype=np.int64)}
        if "position_ids" in inputs:
            feed["position_ids"] = np.arange(n - len(feed_ids), n, dtype=np.int64)[None, :]
        feed.update(past)
        results = session.run(["logits"] + present_names, feed)
        scores = processors(torch.tensor([ids]), torch.from_numpy(results[0][:, -1, :].copy()))
        token = int(torch.argmax(scores, dim=-1)[0])
        out.append(token)
        if token == 1006:
            break
        past = dict(zip(past_names, results[1:]))
        ids.append(token)
        feed_ids = [token]
    return out


def main():
    tokenizer = Tokenizer.from_file(MODEL + "/tokenizer.json")
    model = load_torch_model()
    session = ort.InferenceSession(MODEL + "/onnx/model.onnx", providers=["CPUExecutionProvider"])
    plain = {}
    cases = []
    for text, params in CASES:
        prompt = tokenizer.encode(text).ids
        if text not in plain:
            plain[text] = generate(model, prompt, {})
        params = dict(params)
        if isinstance(params.get("bad_words_ids"), str):
            params["bad_words_ids"] = bad_words(params["bad_words_ids"], prompt, plain[text])
        expected = generate(model, prompt, params)
        config = generation_config(model, params)
        processors = model._get_logits_processor(config, input_ids_seq_length=len(prompt), device="cpu")
        again = ort_greedy(session, prompt, processors, NEW_TOKENS)
        if again != expected:
            sys.exit("torch and onnxruntime disagree on %r %r:\n%s\n%s" % (text, params, expected, again))
        cases.append({"prompt": text, "input_ids": prompt, "parameters": params, "output_ids": expected,
                      "processors": [type(p).__name__ for p in processors]})
    json.dump({"note": "made by `python3 tools/logits_processors_reference.py` from models/gpt2-tiny: greedy "
               "GPT2LMHeadModel.generate, max_new_tokens %d, min_new_tokens the same unless a case sets it, checked against onnxruntime "
               "logits through transformers' own LogitsProcessorList" % NEW_TOKENS,
               "transformers": transformers.__version__, "torch": torch.__version__, "onnxruntime": ort.__version__,
               "max_new_tokens": NEW_TOKENS, "cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


def bad_words(kind, prompt, plain):
    """A bad word that changes this prompt's plain greedy output: one token, a pair in it, or a pair across the prompt's end."""
    if kind == "SINGLE":
        return [[plain[1]]]
    if kind == "PAIR":
        return [[plain[2], plain[3]], [999, 998, 997]]
    if kind == "TRIPLE":
        return [plain[1:4]]
    return [[prompt[-1], plain[0]]]


def generation_config(model, params):
    config = GenerationConfig(do_sample=False, max_new_tokens=NEW_TOKENS, pad_token_id=1006, eos_token_id=1006,
                              **{"min_new_tokens": NEW_TOKENS, **params})
    model._prepare_special_tokens(config, device="cpu")
    return config


def generate(model, prompt, params):
    with torch.no_grad():
        ids = torch.tensor([prompt])
        out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=NEW_TOKENS,
                             pad_token_id=1006, **{"min_new_tokens": NEW_TOKENS, **params})
    return out[0, len(prompt):].tolist()


if __name__ == "__main__":
    main()
