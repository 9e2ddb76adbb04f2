"""Reference numbers for the weak-to-strong lab, from scikit-learn and PyTorch.

Run once (scikit-learn, numpy and torch; /work/refenv made the committed fixture):
    python tests/reference/weak_to_strong_reference.py > crates/alignment/tests/fixtures/weak_to_strong_reference.json

Reads the shipped asset (crates/alignment/assets/weak-to-strong-brown.bin, format in
tools/assets/weak_to_strong_corpus.py) and dequantises it in float32 as the Rust loader does.

- Logistic regression: scikit-learn's LogisticRegression (newton-cg, tol 1e-10; lbfgs at the same tol
  stopped with a gradient of 1e-5; newton-cg's line-search warnings are rounding at the optimum)
  with C = 1 / (l2 · n),
  which minimises the same objective as the crate (mean cross-entropy + l2/2 · |w|², intercept
  free). Soft labels (the weak supervisor's probabilities) are fed as every row twice, once per
  class, weighted p and 1 − p: the same objective as cross-entropy against p.
- Weak supervisors for several vocabulary sizes (document frequency in the weak-train split,
  ties in byte order, presence features), the ceiling (embeddings, truth) and the naive student
  (embeddings, the 20-word supervisor's probabilities, which are stored too).
- The auxiliary confidence loss on one fixed batch, written with torch.quantile and
  torch.nn.functional.cross_entropy on two logits [0, z], with its gradient by autograd.
"""

import json
import re
import struct
import sys
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
ASSET = ROOT / "crates/alignment/assets/weak-to-strong-brown.bin"
L2 = 1e-3
WORDS = [1, 5, 20, 100]
NAIVE_WORDS = 20


def load():
    b = ASSET.read_bytes()
    assert b[:8] == b"FLW2S001"
    n, dims = struct.unpack_from("<II", b, 8)
    off, rows = 16, []
    for _ in range(n):
        genre, label, split, length = struct.unpack_from("<BBBH", b, off)
        off += 5
        rows.append((chr(genre), label, split, b[off:off + length].decode("utf-8")))
        off += length
    scale = np.frombuffer(b, "<f4", n, off)
    off += 4 * n
    q = np.frombuffer(b, np.int8, n * dims, off).reshape(n, dims)
    assert off + n * dims == len(b)
    return rows, q.astype(np.float32) * scale[:, None]


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def vocabulary(texts, size):
    counts = {}
    for t in texts:
        for w in set(words(t)):
            counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].encode()))
    return [w for w, _ in ranked[:size]]


def bag(vocab, texts):
    return np.array([[1.0 if w in set(words(t)) else 0.0 for w in vocab] for t in texts])


def fit(x, y, sample_weight=None):
    n = len(x) if sample_weight is None else len(x) // 2
    model = LogisticRegression(C=1.0 / (L2 * n), solver="newton-cg", tol=1e-10, max_iter=100000)
    return model.fit(x, y, sample_weight=sample_weight)


def fit_soft(x, p):
    """Cross-entropy against probabilities p: each row once as class 1 (weight p), once as 0."""
    return fit(np.vstack([x, x]), np.r_[np.ones(len(x)), np.zeros(len(x))], np.r_[p, 1 - p])


def describe(model, x_test, y_test):
    return {"coef": [round(float(c), 8) for c in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 8),
            "test_correct": int(np.sum(model.predict(x_test) == y_test))}


def logconf_case():
    """One batch through the auxiliary loss: 2 logits [0, z] per row, torch doing the arithmetic."""
    gen = torch.Generator().manual_seed(7)
    z = torch.randn(16, generator=gen, dtype=torch.float64) * 2
    weak1 = torch.rand(16, generator=gen, dtype=torch.float64)
    out = {"z": z.tolist(), "weak": weak1.tolist(), "aux_coef": 0.5, "warmup_frac": 0.1, "cases": []}
    for step_frac in (0.05, 0.5):
        zz = z.clone().requires_grad_(True)
        logits = torch.stack([torch.zeros_like(zz), zz], dim=1)
        labels = torch.stack([1 - weak1, weak1], dim=1)
        alpha = out["aux_coef"] * (1.0 if step_frac > out["warmup_frac"] else step_frac)
        preds = torch.softmax(logits, dim=-1)
        threshold = torch.quantile(preds[:, 0], labels.mean(dim=0)[1])
        hard = torch.stack([preds[:, 0] >= threshold, preds[:, 0] < threshold], dim=1).double().detach()
        target = labels * (1 - alpha) + hard * alpha
        loss = torch.nn.functional.cross_entropy(logits, target)
        loss.backward()
        out["cases"].append({"step_frac": step_frac, "alpha": alpha, "threshold": float(threshold.detach()),
                             "loss": float(loss.detach()), "grad_z": zz.grad.tolist()})
    return out


def main():
    rows, emb = load()
    split = np.array([r[2] for r in rows])
    truth = np.array([r[1] for r in rows])
    texts = [r[3] for r in rows]
    w_idx, s_idx, t_idx = (np.flatnonzero(split == k) for k in range(3))
    pick = lambda idx: [texts[i] for i in idx]
    out = {"l2": L2, "sklearn": sklearn.__version__, "torch": torch.__version__,
           "test_sentences": len(t_idx), "weak": []}
    soft_for_naive = None
    for k in WORDS:
        vocab = vocabulary(pick(w_idx), k)
        model = fit(bag(vocab, pick(w_idx)), truth[w_idx])
        soft = model.predict_proba(bag(vocab, pick(s_idx)))[:, 1]
        entry = {"words": k, "vocabulary": vocab, **describe(model, bag(vocab, pick(t_idx)), truth[t_idx]),
                 "strong_train_label_correct": int(np.sum((soft > 0.5) == truth[s_idx]))}
        out["weak"].append(entry)
        if k == NAIVE_WORDS:
            soft_for_naive = soft
    out["ceiling"] = describe(fit(emb[s_idx], truth[s_idx]), emb[t_idx], truth[t_idx])
    out["naive"] = {"words": NAIVE_WORDS, **describe(fit_soft(emb[s_idx], soft_for_naive), emb[t_idx], truth[t_idx]),
                    "soft_labels": [round(float(p), 9) for p in soft_for_naive]}
    out["logconf"] = logconf_case()
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
