"""Reference values for frontier-sae, from PyTorch (float64, CPU, autograd).

Rerun (it writes the fixture itself and prints a one-line summary):
    /work/refenv/bin/python tests/reference/sae_reference.py
Output: crates/sae/tests/fixtures/sae_reference.json. Versions when the committed fixture was made:
torch 2.15.0, numpy 2.4.6, on the CPU.

For each case it computes, in float64, a sparse autoencoder's forward pass, loss, gradients (autograd)
and one Adam step, on small fixed weights and inputs that are written into the JSON, so the consumer
can recompute everything without knowing how they were generated.

Layout (SAELens convention): x [B, d_in], W_enc [d_in, d_sae], b_enc [d_sae], W_dec [d_sae, d_in],
b_dec [d_in].

Forward pass and loss:
    x_in = x - b_dec if apply_b_dec_to_input else x
    h = x_in @ W_enc + b_enc                        pre-activations [B, d_sae]
    relu:      f = relu(h)
    topk:      per row keep the k largest h (others 0), then relu
    batchtopk: over the flattened B*d_sae h keep the k*B largest (others 0), then relu
    x_hat = f @ W_dec + b_dec
    mse = mean over the B*d_in elements of (x_hat - x)^2
    sparsity_loss = l1_coeff * mean over the B*d_sae elements of |f|
    aux_loss (only when auxk is given): r = (x - x_hat).detach(); per row, among the dead features
        only, keep the min(k_aux, len(dead)) largest h, relu them, every other feature 0 -> f_aux;
        e_hat = f_aux @ W_dec (no bias); aux_loss = coeff * mean over B*d_in of (e_hat - r)^2
        (h is not detached: the aux loss reaches W_enc, b_enc, b_dec through h and W_dec directly)
    loss = mse + sparsity_loss + aux_loss
Top-k selections are torch.topk + scatter, so the masks act as constants in the backward pass.
The script asserts there are no near-ties at any selection boundary (gap > 1e-3) nor any
pre-activation within 1e-6 of 0, so that an implementation summing in another order selects the
same features and sees the same ReLU pattern.

grad: autograd's d loss / d parameter (the raw gradient, before any decoder projection).

after_adam_step: one step of torch.optim.Adam(lr, betas=(0.9, 0.999), eps=1e-8) from zero moments.
With unit_norm_decoder, before the step the W_dec gradient is replaced row-wise by
g_i - (g_i . w_i) w_i with w_i = W_dec[i] / |W_dec[i]|, and after the step each W_dec row is
renormalised to unit norm. Cases with unit_norm_decoder start from unit-norm W_dec rows.

top_features: the article's get_top_features(x, top_k=3) on the first row of x, i.e.
torch.topk(relu(x @ W_enc + b_enc), 3, dim=-1), without the b_dec subtraction (as the article does).

The article's model class is checked literally: ArticleSparseAutoencoder below (nn.Linear encoder and
decoder, loss = mse_loss(reconstructed, x) + sparsity_coeff * features.abs().mean()) is loaded with
case 1's weights (encoder.weight = W_enc.T, decoder.weight = W_dec.T) and its loss is asserted to
equal this script's formula to 1e-12.
"""

import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "sae", "tests", "fixtures", "sae_reference.json"
)
LR = 1e-2
SELECTION_GAP = 1e-3  # minimum gap between the last kept and the first dropped value of any top-k
ZERO_GAP = 1e-6  # minimum |h| so that relu's pattern is unambiguous


class ArticleSparseAutoencoder(nn.Module):
    """The article's SparseAutoencoder, equivalent in structure and loss."""

    def __init__(self, input_dim, dict_size, sparsity_coeff=1e-3):
        super().__init__()
        self.encoder = nn.Linear(input_dim, dict_size)
        self.decoder = nn.Linear(dict_size, input_dim)
        self.sparsity_coeff = sparsity_coeff

    def forward(self, x):
        features = F.relu(self.encoder(x))
        reconstructed = self.decoder(features)
        return reconstructed, features

    def loss(self, x):
        reconstructed, features = self(x)
        mse = F.mse_loss(reconstructed, x)
        sparsity = self.sparsity_coeff * features.abs().mean()
        return mse + sparsity

    def get_top_features(self, x, top_k=3):
        _, features = self(x)
        return torch.topk(features, top_k, dim=-1)


def topk_mask_values(h, k, dim=-1):
    """Keep the k largest entries of h along dim (others 0), as torch.topk + scatter."""
    vals, idx = torch.topk(h, k, dim=dim)
    return torch.zeros_like(h).scatter(dim, idx, vals)


def forward(case, p):
    x = case["x"]
    x_in = x - p["b_dec"] if case["apply_b_dec_to_input"] else x
    h = x_in @ p["W_enc"] + p["b_enc"]
    arch = case["arch"]
    if arch == "relu":
        f = F.relu(h)
    elif arch == "topk":
        f = F.relu(topk_mask_values(h, case["k"], dim=-1))
    elif arch == "batchtopk":
        b = h.shape[0]
        f = F.relu(topk_mask_values(h.reshape(-1), case["k"] * b, dim=0).reshape(h.shape))
    else:
        raise ValueError(arch)
    x_hat = f @ p["W_dec"] + p["b_dec"]
    mse = ((x_hat - x) ** 2).mean()
    sparsity = case["l1_coeff"] * f.abs().mean()
    aux = torch.zeros((), dtype=torch.float64)
    auxk = case["auxk"]
    if auxk is not None:
        r = (x - x_hat).detach()
        dead = torch.tensor(auxk["dead"], dtype=torch.long)
        k_aux = min(auxk["k_aux"], len(auxk["dead"]))
        h_dead = h[:, dead]
        kept = F.relu(topk_mask_values(h_dead, k_aux, dim=-1))
        f_aux = torch.zeros_like(h).index_copy(1, dead, kept)
        e_hat = f_aux @ p["W_dec"]
        aux = auxk["coeff"] * ((e_hat - r) ** 2).mean()
    loss = mse + sparsity + aux
    return h, f, x_hat, mse, sparsity, aux, loss


def sorted_gaps(v):
    s = torch.sort(v, descending=True).values
    return s[:-1] - s[1:]


def check_selection(v, k):
    """No tie at the boundary of keeping the k largest of v, nor any exact tie among v."""
    s = torch.sort(v, descending=True).values
    assert (sorted_gaps(v) > 0).all(), "exact tie"
    if k < v.numel():
        assert s[k - 1] - s[k] > SELECTION_GAP, f"near-tie at the top-{k} boundary: {s[k - 1]} vs {s[k]}"


def check_case(case, h):
    """Conditions that make the fixture robust; returns False when the generated data fail them."""
    try:
        assert (h.abs() > ZERO_GAP).all(), "pre-activation too close to 0"
        frac = (h > 0).double().mean().item()
        assert 0.25 <= frac <= 0.75, f"active fraction {frac}"
        for row in h:
            check_selection(row, 3)  # top_features and topk k=3
        if case["arch"] == "topk":
            for row in h:
                check_selection(row, case["k"])
                assert (torch.sort(row, descending=True).values[: case["k"]] > 0).all(), "top-k value <= 0"
        if case["arch"] == "batchtopk":
            check_selection(h.reshape(-1), case["k"] * h.shape[0])
            assert torch.sort(h.reshape(-1), descending=True).values[case["k"] * h.shape[0] - 1] > 0
        if case["auxk"] is not None:
            dead = case["auxk"]["dead"]
            k_aux = min(case["auxk"]["k_aux"], len(dead))
            positives = 0
            for row in h[:, dead]:
                check_selection(row, k_aux)
                positives += int((torch.sort(row, descending=True).values[:k_aux] > 0).sum())
            # a fair share of the aux selections must pass the relu, or the aux loss tests little
            assert positives >= h.shape[0] * k_aux // 3, f"only {positives} positive aux selections"
        # top_features on x (no b_dec subtraction): first row needs 3 distinct positive features
        h0 = case["x"][0] @ case["W_enc"] + case["b_enc"]
        s = torch.sort(h0, descending=True).values
        assert s[2] > ZERO_GAP and (s[:3] - s[1:4]).min() > SELECTION_GAP, "top_features ambiguous"
    except AssertionError as e:
        return str(e)
    return None


def generate(spec, seed):
    g = torch.Generator().manual_seed(seed)
    d_in, d_sae, b = spec["d_in"], spec["d_sae"], spec["batch"]

    def normal(shape, mean, std):
        return torch.randn(shape, generator=g, dtype=torch.float64) * std + mean

    x = normal((b, d_in), 0.0, 1.0)
    w_enc = normal((d_in, d_sae), 0.0, 0.4)
    b_enc = normal((d_sae,), -0.1, 0.1)
    w_dec = normal((d_sae, d_in), 0.0, 0.4)
    b_dec = normal((d_in,), 0.0, 0.1)
    if spec["unit_norm_decoder"]:
        w_dec = w_dec / w_dec.norm(dim=1, keepdim=True)
    return dict(spec, x=x, W_enc=w_enc, b_enc=b_enc, W_dec=w_dec, b_dec=b_dec)


def build_case(spec, base_seed):
    """The first seed from base_seed on whose data pass check_case (deterministic)."""
    for attempt in range(1000):
        case = generate(spec, base_seed + attempt)
        with torch.no_grad():
            h, *_ = forward(case, case)
        why = check_case(case, h)
        if why is None:
            return case, base_seed + attempt
    raise RuntimeError(f"no seed found for {spec['name']}: {why}")


NAMES = ("W_enc", "b_enc", "W_dec", "b_dec")


def run_case(case):
    params = {n: case[n].clone().requires_grad_(True) for n in NAMES}
    h, f, x_hat, mse, sparsity, aux, loss = forward(case, params)
    loss.backward()
    grads = {n: params[n].grad.clone() for n in NAMES}

    opt = torch.optim.Adam([params[n] for n in NAMES], lr=case["lr"], betas=(0.9, 0.999), eps=1e-8)
    with torch.no_grad():
        if case["unit_norm_decoder"]:
            w = params["W_dec"]
            w_hat = w / w.norm(dim=1, keepdim=True)
            g = w.grad
            w.grad = g - (g * w_hat).sum(dim=1, keepdim=True) * w_hat
    opt.step()
    with torch.no_grad():
        if case["unit_norm_decoder"]:
            params["W_dec"].div_(params["W_dec"].norm(dim=1, keepdim=True))
    after = {n: params[n].detach().clone() for n in NAMES}

    with torch.no_grad():
        top = torch.topk(F.relu(case["x"][0] @ case["W_enc"] + case["b_enc"]), 3, dim=-1)

    return {
        "pre_activations": h.detach(),
        "features": f.detach(),
        "reconstruction": x_hat.detach(),
        "mse": mse.item(),
        "sparsity_loss": sparsity.item(),
        "aux_loss": aux.item(),
        "loss": loss.item(),
        "grad": grads,
        "after_adam_step": after,
        "top_features": {"k": 3, "indices": top.indices.tolist(), "values": top.values.tolist()},
    }


def check_article_model(case, expected_loss):
    assert case["arch"] == "relu" and not case["apply_b_dec_to_input"] and case["auxk"] is None
    model = ArticleSparseAutoencoder(case["d_in"], case["d_sae"], sparsity_coeff=case["l1_coeff"]).double()
    with torch.no_grad():
        model.encoder.weight.copy_(case["W_enc"].T)
        model.encoder.bias.copy_(case["b_enc"])
        model.decoder.weight.copy_(case["W_dec"].T)
        model.decoder.bias.copy_(case["b_dec"])
        article_loss = model.loss(case["x"]).item()
        top = model.get_top_features(case["x"][:1], top_k=3)
    assert abs(article_loss - expected_loss) <= 1e-12, (article_loss, expected_loss)
    return article_loss, top


def jsonable(v):
    if isinstance(v, torch.Tensor):
        return v.tolist()
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    return v


SPECS = [
    dict(name="relu_article", arch="relu", k=None, apply_b_dec_to_input=False, l1_coeff=1e-3, auxk=None,
         unit_norm_decoder=False, d_in=6, d_sae=16, batch=5),
    dict(name="relu_bdec_unit_norm", arch="relu", k=None, apply_b_dec_to_input=True, l1_coeff=0.05, auxk=None,
         unit_norm_decoder=True, d_in=6, d_sae=16, batch=5),
    dict(name="topk_auxk_unit_norm", arch="topk", k=3, apply_b_dec_to_input=True, l1_coeff=0.0,
         auxk={"coeff": 1.0 / 32.0, "k_aux": 3, "dead": [1, 4, 7, 9, 12]},
         unit_norm_decoder=True, d_in=6, d_sae=16, batch=5),
    dict(name="batchtopk", arch="batchtopk", k=3, apply_b_dec_to_input=False, l1_coeff=0.0, auxk=None,
         unit_norm_decoder=False, d_in=6, d_sae=16, batch=5),
    dict(name="relu_large", arch="relu", k=None, apply_b_dec_to_input=True, l1_coeff=0.01, auxk=None,
         unit_norm_decoder=False, d_in=16, d_sae=64, batch=32),
    dict(name="batchtopk_auxk_l1_unit_norm", arch="batchtopk", k=2, apply_b_dec_to_input=True, l1_coeff=1e-3,
         auxk={"coeff": 1.0 / 32.0, "k_aux": 8, "dead": [0, 2, 3, 5, 8, 11, 15]},
         unit_norm_decoder=True, d_in=6, d_sae=16, batch=5),
]

KEY_ORDER = ("name", "arch", "k", "apply_b_dec_to_input", "l1_coeff", "auxk", "unit_norm_decoder", "lr",
             "d_in", "d_sae", "batch", "x", "W_enc", "b_enc", "W_dec", "b_dec", "expected")


def main():
    cases = []
    summary = []
    for i, spec in enumerate(SPECS):
        spec = dict(spec, lr=LR)
        case, _seed = build_case(spec, 1000 * (i + 1))
        expected = run_case(case)
        if i == 0:
            article_loss, top = check_article_model(case, expected["loss"])
            assert top.indices[0].tolist() == expected["top_features"]["indices"]
            assert top.values[0].tolist() == expected["top_features"]["values"]
        case["expected"] = expected
        cases.append({k: jsonable(case[k]) for k in KEY_ORDER})
        summary.append(f"{case['name']}={expected['loss']:.6g}")
    doc = {"generator": "tests/reference/sae_reference.py", "torch": torch.__version__, "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(doc, fh, indent=1, allow_nan=False)
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: torch {torch.__version__}, {len(cases)} cases, loss "
          + " ".join(summary))


if __name__ == "__main__":
    main()
