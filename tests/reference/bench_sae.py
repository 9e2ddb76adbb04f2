"""PyTorch side of the SAE training-step benchmark (CPU, float32).

Usage:
    /work/refenv/bin/python tests/reference/bench_sae.py --d-in 64 --d-sae 512 --batch 1024 \
        [--steps 20] [--warmup 3] [--threads N] [--arch relu|topk] [--k 32]

One step, on a fixed [batch, d_in] tensor generated once (not timed):
    zero_grad; forward (x - b_dec) @ W_enc + b_enc -> relu (or topk + scatter + relu) -> f @ W_dec + b_dec;
    loss = mse + 1e-3 * mean|f| (relu) or mse (topk); backward;
    project the W_dec gradient row-wise onto the tangent of the unit sphere (g_i - (g_i . w_i) w_i);
    torch.optim.Adam(lr=1e-3).step(); renormalise the W_dec rows to unit norm under no_grad.
--warmup steps run first, then --steps steps are timed one by one with time.perf_counter.

Output: one JSON line on stdout with the median step time, steps/s and a FLOP count of
10 * batch * d_in * d_sae per step (forward: encode 2*B*d_in*d_sae + decode 2*B*d_sae*d_in; backward:
dW_dec, d(f) and dW_enc, 2*B*d_in*d_sae each; the input gradient is not needed).
"""

import argparse
import json
import statistics
import time

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d-in", type=int, required=True)
    ap.add_argument("--d-sae", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--arch", choices=("relu", "topk"), default="relu")
    ap.add_argument("--k", type=int, default=32)
    ap.add_argument("--device", default="cpu",
                    help="cpu (each step timed alone, median) or cuda (--steps steps timed together, "
                         "one synchronise at the end: throughput, as the wgpu benchmark measures it)")
    args = ap.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.arch == "topk" and not 0 < args.k <= args.d_sae:
        ap.error("--k must be in 1..d_sae")

    d_in, d_sae, b = args.d_in, args.d_sae, args.batch
    g = torch.Generator().manual_seed(0)
    dt = torch.float32
    dev = torch.device(args.device)
    # float32 throughout; PyTorch's default keeps TF32 off for float32 matrix products.
    x = torch.randn((b, d_in), generator=g, dtype=dt).to(dev)
    w_enc = torch.nn.Parameter((torch.randn((d_in, d_sae), generator=g, dtype=dt) * (1.0 / d_in**0.5)).to(dev))
    b_enc = torch.nn.Parameter(torch.zeros(d_sae, dtype=dt, device=dev))
    w_dec0 = torch.randn((d_sae, d_in), generator=g, dtype=dt).to(dev)
    w_dec = torch.nn.Parameter(w_dec0 / w_dec0.norm(dim=1, keepdim=True))
    b_dec = torch.nn.Parameter(torch.zeros(d_in, dtype=dt, device=dev))
    params = [w_enc, b_enc, w_dec, b_dec]
    opt = torch.optim.Adam(params, lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        h = (x - b_dec) @ w_enc + b_enc
        if args.arch == "relu":
            f = torch.relu(h)
            x_hat = f @ w_dec + b_dec
            loss = ((x_hat - x) ** 2).mean() + 1e-3 * f.abs().mean()
        else:
            vals, idx = torch.topk(h, args.k, dim=-1)
            f = torch.relu(torch.zeros_like(h).scatter(-1, idx, vals))
            x_hat = f @ w_dec + b_dec
            loss = ((x_hat - x) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w_hat = w_dec / w_dec.norm(dim=1, keepdim=True)
            gd = w_dec.grad
            gd.sub_((gd * w_hat).sum(dim=1, keepdim=True) * w_hat)
        opt.step()
        with torch.no_grad():
            w_dec.div_(w_dec.norm(dim=1, keepdim=True))
        return loss

    for _ in range(args.warmup):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        torch.cuda.synchronize()
        mean = (time.perf_counter() - t0) / args.steps
        gflop = 10.0 * b * d_in * d_sae / 1e9
        print(json.dumps({
            "impl": "pytorch-cuda",
            "torch": torch.__version__,
            "device": torch.cuda.get_device_name(),
            "tf32": torch.backends.cuda.matmul.allow_tf32,
            "d_in": d_in,
            "d_sae": d_sae,
            "batch": b,
            "arch": args.arch,
            "steps": args.steps,
            "mean_step_ms": mean * 1e3,
            "steps_per_second": 1.0 / mean,
            "gflop_per_step": gflop,
            "gflop_per_second": gflop / mean,
            "last_loss": float(loss),
        }))
        return
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    gflop = 10.0 * b * d_in * d_sae / 1e9
    print(json.dumps({
        "impl": "pytorch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "d_in": d_in,
        "d_sae": d_sae,
        "batch": b,
        "arch": args.arch,
        "steps": args.steps,
        "median_step_ms": median * 1e3,
        "steps_per_second": 1.0 / median,
        "gflop_per_step": gflop,
        "gflop_per_second": gflop / median,
    }))


if __name__ == "__main__":
    main()
