"""Random-weight models with the real dimensions, for benchmarks (never written into models/)."""

import os
import shutil

import torch

from .bert import BertForSequenceClassification
from .common import EOT, OPSET, SEED, log, seed_all, write_json
from .decoders import write_decoder_files
from .gpt2 import GPT2LMHeadModel, export_decoder
from .tokenizers import bert_tokenizer_json, train_tokenizer

SIZED_DECODERS = [("gpt2", 12, 768, 12), ("distilgpt2", 6, 768, 12), ("gpt2-medium", 24, 1024, 16)]


def gpt2_sized(out_dir, n_layer=12, n_embd=768, n_head=12, tok=None):
    """A random decoder with gpt2's vocabulary (50257) and context (1024) and the given depth and width."""
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
