"""Reference for `cargo xtask bench calibration`: read a top-label confidence file and compute
the article's ECE (10 equal-width bins) with Python's csv module and NumPy, timed the same way
as the browser run (reading, parsing, and the analysis).

Usage: python3 tests/reference/bench_calibration.py FILE
Prints JSON: {"rows": N, "seconds": S, "ece": E}.
"""

import csv
import json
import sys
import time

import numpy as np


def main(path):
    start = time.perf_counter()
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        pred_col, conf_col, label_col = header.index("prediction"), header.index("confidence"), header.index("label")
        conf, correct = [], []
        for row in reader:
            conf.append(float(row[conf_col]))
            correct.append(row[pred_col] == row[label_col])
    conf = np.asarray(conf)
    correct = np.asarray(correct, dtype=float)
    bins = 10
    idx = np.minimum(np.floor(conf * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins)
    sum_conf = np.bincount(idx, weights=conf, minlength=bins)
    sum_acc = np.bincount(idx, weights=correct, minlength=bins)
    filled = count > 0
    gaps = np.abs(sum_acc[filled] / count[filled] - sum_conf[filled] / count[filled])
    ece = float(np.sum(count[filled] / len(conf) * gaps))
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": int(len(conf)), "seconds": seconds, "ece": ece}))


if __name__ == "__main__":
    main(sys.argv[1])
