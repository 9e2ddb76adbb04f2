"""Pure-Python reference for `cargo xtask bench costs`.

It evaluates the training-cost model of frontier-costs (crates/costs/src/training.rs and
sweep.rs) over the same two-axis grid as `frontier_costs::grid`, with the same formulas in the
same order, so that the two timings compare the same work. The checksum (the sum of every
cell's MFU) lets the Rust side prove that both computed the same numbers.

Usage: python3 bench_costs.py CONFIG_JSON
CONFIG_JSON holds "inputs" (TrainingInputs as serde writes it), "x" and "y" (AxisRange) and
"runs". The output is one JSON object: {"seconds": [...], "checksum": ..., "cells": ...}.
"""

import json
import math
import sys
import time

# FLOPs per token per (layer, head, position, head-dimension sum), as AttentionMode::multiplier.
ATTENTION_MULTIPLIER = {"off": 0.0, "causal": 3.0, "full": 6.0}


def round_half_away(value):
    """Rust's f64::round for the positive values used here (Python's round() rounds half to even)."""
    whole = math.floor(value)
    return whole + 1.0 if value - whole >= 0.5 else float(whole)


def with_axis(inputs, axis, value):
    """SweepAxis::with: a copy of the inputs with one axis set; GPUs become a whole count >= 1."""
    out = dict(inputs)
    out[axis] = max(round_half_away(value), 1.0) if axis == "gpus" else value
    return out


def axis_value(axis_range, i):
    """AxisRange::value: point i of `steps` points, evenly spaced on a log or linear scale."""
    t = i / (axis_range["steps"] - 1)
    lo, hi = axis_range["from"], axis_range["to"]
    if axis_range["log"]:
        return math.exp(math.log(lo) + t * (math.log(hi) - math.log(lo)))
    return lo + t * (hi - lo)


def evaluate(p):
    """The part of TrainingInputs::evaluate_unchecked that a grid cell keeps: MFU and total cost."""
    shape = p["shape"]
    head_dim = shape["head_dim"]
    v_head_dim = shape.get("v_head_dim")
    d_v = head_dim if v_head_dim is None else v_head_dim
    attention = (
        ATTENTION_MULTIPLIER[p["attention"]] * shape["layers"] * shape["heads"] * shape["seq_len"] * (head_dim + d_v)
    )
    flops_per_token = 6.0 * p["active_params"] + attention
    total_flops = flops_per_token * p["tokens"]
    gpu_hours = p["gpus"] * p["hours"]
    gpu_seconds = gpu_hours * 3600.0
    peak_flops = p["peak_tflops"] * 1e12 * gpu_seconds
    return total_flops / peak_flops, gpu_hours * p["usd_per_gpu_hour"]


def grid(inputs, x, y):
    """sweep::grid: every (x, y) cell, row by row, as (x, y, mfu, total_cost_usd)."""
    cells = []
    for j in range(y["steps"]):
        row_inputs = with_axis(inputs, y["axis"], axis_value(y, j))
        for i in range(x["steps"]):
            p = with_axis(row_inputs, x["axis"], axis_value(x, i))
            mfu, cost = evaluate(p)
            cells.append((p[x["axis"]], p[y["axis"]], mfu, cost))
    return cells


def main():
    config = json.loads(sys.argv[1])
    seconds = []
    cells = []
    for _ in range(config["runs"]):
        start = time.perf_counter()
        cells = grid(config["inputs"], config["x"], config["y"])
        seconds.append(time.perf_counter() - start)
    checksum = 0.0
    for cell in cells:
        checksum += cell[2]
    print(json.dumps({"seconds": seconds, "checksum": checksum, "cells": len(cells)}))


if __name__ == "__main__":
    main()
