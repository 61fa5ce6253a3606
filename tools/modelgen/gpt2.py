"""GPT-2 in torch with HF GPT2LMHeadModel parameter names: training, greedy references, ONNX export."""

import math
import os
import time

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import DECODER_PROMPTS, F32_MIN, OPSET, SEED, log
from .onnx_surgery import fix_graph_io_shapes


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


def positions_from_past(input_ids, past_length):
    """What pre-1.14 optimum exports of gpt2 compute inside the graph when position_ids is not an input:
    past_length + arange(sequence), the same for every row, whatever the attention mask says."""
    s = input_ids.shape[1]
    return (torch.arange(s, dtype=torch.int64) + past_length).unsqueeze(0).expand(input_ids.shape[0], s)


class LegacyDecoderWithPast(_ExportWrapper):
    def forward(self, input_ids, attention_mask, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(self._m.n_layer)]
        position_ids = positions_from_past(input_ids, flat_past[0].shape[2])
        logits, presents = self._m(input_ids, attention_mask, position_ids, past)
        return (logits,) + tuple(t for kv in presents for t in kv)


class LegacyDecoderNoPast(_ExportWrapper):
    def forward(self, input_ids, attention_mask):
        logits, presents = self._m(input_ids, attention_mask, positions_from_past(input_ids, 0), None)
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


def export_decoder(m, path, with_past, legacy=False):
    """legacy: the pre-1.14 optimum layout, no position_ids input (positions derived from the past length)."""
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
        if legacy:
            args = (ids, mask) + tuple(past)
            wrapper = LegacyDecoderWithPast(m)
            in_names.remove("position_ids")
            del axes["position_ids"]
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
        if legacy:
            args = (ids, mask)
            wrapper = LegacyDecoderNoPast(m)
            in_names.remove("position_ids")
            del axes["position_ids"]
    out_names = ["logits"] + kv_names("present", m.n_layer)
    wrapper.eval()
    with torch.no_grad():
        torch.onnx.export(wrapper, args, path, input_names=in_names, output_names=out_names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    fix_graph_io_shapes(path, decoder_io_shapes(m, with_past))
    onnx.checker.check_model(path, full_check=True)
