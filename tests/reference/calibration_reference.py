"""Reference values for frontier-calibration, from numpy, scikit-learn, scipy, relplot, netcal and torchmetrics.

Run once, in a virtual environment made with
    python3 -m venv /work/refenv && /work/refenv/bin/pip install numpy scipy scikit-learn relplot torchmetrics netcal
(torchmetrics pulls in torch; the CPU build is enough):
    /work/refenv/bin/python tests/reference/calibration_reference.py > crates/calibration/tests/fixtures/reference.json
Versions when the committed fixture was made: numpy 2.4.6, scipy 1.17.1, scikit-learn 1.9.1, relplot 1.0.3,
netcal 1.4.0, torchmetrics 1.9.0, torch 2.15.0 (run on the CPU). netcal may print warnings; they go to stderr.

Data sets:
- edges: confidences exactly on bin edges (0.0, 0.1, 0.3, 0.6, 0.7, 1.0) mixed with others,
  with bins whose residuals have both signs, so that conventions disagree;
- constant: every confidence 0.7;
- multiclass: 400 rows of 4-class logits from a seeded generator, over-confident by design.

Library conventions, read from their sources (netcal/metrics/Miscalibration.py,
torchmetrics/functional/classification/calibration_error.py):
- netcal ECE/MCE(bins=10): numpy-linspace edges, scipy binned_statistic_dd bins ([lo, hi), last bin
  closed), after clipping confidences to [eps, 1 - eps]. With a 1-D confidence array and a 0/1 ground
  truth (at most two distinct values) it takes the ground truth as the correctness of the top label;
  with the (n, 4) probability matrix and class labels it takes argmax and max itself. float64 throughout.
- torchmetrics binary_calibration_error: preds used as the confidence and target as the correctness,
  torch.linspace edges and bucketize(right=True) - 1, so 1.0 lands in an extra eleventh bin; in the
  dtype of preds, so float64 here. multiclass_calibration_error casts the top-label confidences to
  float32 (confidences.float()) before binning, so its values carry float32 rounding; the
  torchmetrics_binary_* keys of the multiclass set are the same top-label metrics in float64.
"""

import json

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
import relplot
from sklearn.metrics import brier_score_loss, log_loss
import torch
from netcal.metrics import ECE as NetcalECE, MCE as NetcalMCE
from torchmetrics.functional.classification import binary_calibration_error, multiclass_calibration_error


def article_ece(conf, correct, num_bins=10):
    """The article's compute_calibration_error, verbatim in logic."""
    bin_correct = [0] * num_bins
    bin_confidence = [0.0] * num_bins
    bin_count = [0] * num_bins
    for c, ok in zip(conf, correct):
        idx = min(int(c * num_bins), num_bins - 1)
        bin_count[idx] += 1
        bin_confidence[idx] += c
        if ok:
            bin_correct[idx] += 1
    total = sum(bin_count)
    ece = 0.0
    for i in range(num_bins):
        if bin_count[i] == 0:
            continue
        ece += (bin_count[i] / total) * abs(bin_correct[i] / bin_count[i] - bin_confidence[i] / bin_count[i])
    return ece


def sklearn_right_closed_ece(conf, correct, n_bins=10):
    """ECE from scikit-learn's calibration_curve (uniform strategy, right-closed bins)."""
    conf = np.asarray(conf, dtype=float)
    prob_true, prob_pred = calibration_curve(np.asarray(correct, dtype=int), conf, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], conf), minlength=n_bins)
    counts = counts[counts > 0]
    return float(np.sum(counts / len(conf) * np.abs(prob_true - prob_pred)))


def numpy_linspace_ece(conf, correct, n_bins=10):
    """ECE with numpy-linspace edges, [lo, hi), last bin closed (netcal's convention)."""
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.minimum(np.digitize(conf, edges[1:-1], right=False), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def classwise_ece(probs, labels, n_bins=10):
    """Mean over classes of the article-binned ECE of p_k against 1[label = k] (numpy)."""
    return float(np.mean([article_ece(probs[:, k], labels == k, n_bins) for k in range(probs.shape[1])]))


def top_label_ece(probs, labels, n_bins=10):
    """Gupta & Ramdas: ECE within each predicted class, weighted by its share (numpy)."""
    pred = probs.argmax(axis=1)
    total = 0.0
    for k in np.unique(pred):
        mask = pred == k
        total += mask.mean() * article_ece(probs[mask, k], labels[mask] == k, n_bins)
    return float(total)


def temperature(logits, labels):
    logits = np.asarray(logits)
    labels = np.asarray(labels)

    def nll(t):
        return -log_softmax(logits / t, axis=1)[np.arange(len(labels)), labels].mean()

    res = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded", options={"xatol": 1e-10})
    return float(res.x), float(nll(1.0)), float(res.fun)


def netcal_metrics(x, y):
    """netcal ECE and MCE with 10 equal-width bins: x is 1-D confidences with y the 0/1 correctness,
    or the (n, classes) probability matrix with y the class labels."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    return {
        "netcal_ece": float(NetcalECE(bins=10).measure(x, y)),
        "netcal_mce": float(NetcalMCE(bins=10).measure(x, y)),
    }


def torchmetrics_binary(conf, correct, prefix="torchmetrics"):
    """torchmetrics' binary calibration error of (confidence, correctness), in float64."""
    preds = torch.tensor(np.asarray(conf, dtype=np.float64), dtype=torch.float64)
    target = torch.tensor(np.asarray(correct, dtype=np.int64))
    out = {}
    for key, norm in (("ece", "l1"), ("mce", "max"), ("rmsce", "l2")):
        value = binary_calibration_error(preds, target, n_bins=10, norm=norm)
        assert value.dtype == torch.float64, value.dtype
        out[f"{prefix}_{key}"] = float(value)
    return out


def torchmetrics_multiclass(probs, labels):
    """torchmetrics' multiclass (top-label) calibration error; it bins in float32."""
    preds = torch.tensor(np.asarray(probs, dtype=np.float64), dtype=torch.float64)
    target = torch.tensor(np.asarray(labels, dtype=np.int64))
    out = {}
    for key, norm in (("ece", "l1"), ("mce", "max"), ("rmsce", "l2")):
        value = multiclass_calibration_error(preds, target, num_classes=probs.shape[1], n_bins=10, norm=norm)
        assert value.dtype == torch.float32, value.dtype
        out[f"torchmetrics_{key}"] = float(value)
    return out


def summary(conf, correct):
    smece, sigma = relplot.smECE(np.asarray(conf, dtype=float), np.asarray(correct, dtype=float), return_width=True)
    return {
        "smece": float(smece),
        "smece_sigma": float(sigma),
        "confidences": [float(c) for c in conf],
        "correct": [bool(c) for c in correct],
        "article_ece": article_ece(conf, correct),
        "right_closed_ece": sklearn_right_closed_ece(conf, correct),
        "linspace_ece": numpy_linspace_ece(conf, correct),
        "brier": float(brier_score_loss(np.asarray(correct, dtype=int), np.asarray(conf))),
    }


edges_conf = [0.0, 0.1, 0.1, 0.3, 0.3, 0.3, 0.6, 0.6, 0.7, 0.7, 1.0, 1.0, 0.25, 0.45, 0.55, 0.85, 0.95, 0.15, 0.65, 0.35]
edges_ok = [0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0]
constant_conf = [0.7] * 20
constant_ok = [1 if i % 4 else 0 for i in range(20)]

rng = np.random.default_rng(20261126)
labels = rng.integers(0, 4, size=400)
logits = rng.normal(0.0, 1.0, size=(400, 4))
logits[np.arange(400), labels] += 1.2
logits *= 3.0  # over-confident: the fitted temperature should be well above 1
probs = softmax(logits, axis=1)
pred = probs.argmax(axis=1)
multi_conf = probs.max(axis=1)
multi_ok = pred == labels
t, nll_before, nll_after = temperature(logits, labels)

out = {
    "edges": {
        **summary(edges_conf, edges_ok),
        **netcal_metrics(edges_conf, edges_ok),
        **torchmetrics_binary(edges_conf, edges_ok),
    },
    "constant": {
        **summary(constant_conf, constant_ok),
        **netcal_metrics(constant_conf, constant_ok),
        **torchmetrics_binary(constant_conf, constant_ok),
    },
    "multiclass": {
        **summary(multi_conf, multi_ok),
        **netcal_metrics(probs, labels),
        **torchmetrics_multiclass(probs, labels),
        **torchmetrics_binary(multi_conf, multi_ok, prefix="torchmetrics_binary"),
        "logits": logits.round(12).tolist(),
        "labels": labels.tolist(),
        "temperature": t,
        "nll_before": nll_before,
        "nll_after": nll_after,
        "sklearn_log_loss": float(log_loss(labels, probs, labels=[0, 1, 2, 3])),
        # Isotonic regression of correctness on confidence, evaluated at the training points
        # (where scikit-learn's linear interpolation and a step function agree).
        "classwise_ece": classwise_ece(probs, labels),
        "top_label_ece": top_label_ece(probs, labels),
        "isotonic_at_train": IsotonicRegression(out_of_bounds="clip").fit(multi_conf, multi_ok.astype(float)).predict(multi_conf).tolist(),
    },
}
print(json.dumps(out, indent=1))
