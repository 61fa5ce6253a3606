"""The BERT sequence classifier: model, a short training, reference, ONNX export."""

import math
import os
import shutil

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import BERT_TEXTS, F32_MIN, LANGCHAIN4J_ARTIFACT, MODELS_DIR, OPSET, SEED, log, seed_all, write_json
from .onnx_surgery import fix_graph_io_shapes
from .tokenizers import WordPieceTokenizer, bert_tokenizer_json


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
