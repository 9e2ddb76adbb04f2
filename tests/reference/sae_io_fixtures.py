"""Tiny .npy and safetensors files written by NumPy and the safetensors library themselves, for
the readers and writers in crates/sae/src/io.

Run once from the repository root with numpy and safetensors installed (numpy 2.4.6 and
safetensors 0.8.0 made the committed fixtures):
    python tests/reference/sae_io_fixtures.py

It writes crates/sae/tests/fixtures/io/*.npy, *.safetensors and expected.json. expected.json
lists, for each file that should parse, its shape and every value as the f32 the reader should
produce (written as float64, which holds any f32 exactly), plus the float64 sum of those values;
for each file that must be rejected, the kind of error and where it is.

What the safetensors library does that the Rust writer matches (see
safetensors/src/tensor.rs, `prepare` and `impl Serialize for Metadata`): tensors are sorted by
dtype, widest first (I64 > F64 > F32 > F16 > U8 ...), then by name; the header is compact JSON
with "__metadata__" first, then the tensors in that order; it is padded with spaces to a multiple
of 8 bytes. The metadata is a Rust HashMap, so with two or more keys their order changes from
run to run: the byte-identical fixture has one key.
"""

import json
import os

import numpy as np
import safetensors
from safetensors.numpy import save

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "crates", "sae", "tests", "fixtures", "io")


def record(arr):
    """Shape, values and sum of what the reader should return: the array as row-major f32."""
    as_f32 = np.ascontiguousarray(arr, dtype=np.float32)
    return {
        "shape": list(arr.shape),
        "values": [float(v) for v in as_f32.astype(np.float64).ravel()],
        "sum": float(as_f32.astype(np.float64).sum()),
    }


def save_file(tensors, path, metadata):
    """safetensors.numpy.save_file, but the file gets ordinary permissions (the library's are 0600)."""
    with open(path, "wb") as f:
        f.write(save(tensors, metadata=metadata))


def save_npy(name, arr, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    expected = {"numpy_version": np.__version__, "safetensors_version": safetensors.__version__, "npy": {}, "rejected": {}}

    base = rng.normal(size=(3, 4)).astype(np.float32)
    cases = {
        "f4.npy": base,
        "f2.npy": rng.normal(size=(2, 5)).astype(np.float16),
        "f8.npy": rng.normal(size=(4, 2)) * 1e3,
        "fortran.npy": np.asfortranarray(rng.normal(size=(3, 5)).astype(np.float32)),
        "big_endian_f4.npy": rng.normal(size=(2, 3)).astype(">f4"),
        "big_endian_f8.npy": rng.normal(size=(3, 2)).astype(">f8"),
        "big_endian_f2.npy": rng.normal(size=(2, 2)).astype(">f2"),
    }
    for name, arr in cases.items():
        save_npy(name, arr)
        expected["npy"][name] = record(arr)
    for name, version in [("v2.npy", (2, 0)), ("v3.npy", (3, 0))]:
        arr = rng.normal(size=(2, 4)).astype(np.float32)
        save_npy(name, arr, version=version)
        expected["npy"][name] = record(arr)

    # Arrays NumPy writes for the Rust writer to match byte for byte: as many rows as there are
    # digits changes the header's padding.
    expected["written_by_numpy"] = {}
    for name, shape in [("numpy_written_3x5.npy", (3, 5)), ("numpy_written_12x1.npy", (12, 1)),
                        ("numpy_written_1234x0.npy", (1234, 0))]:
        arr = rng.normal(size=shape).astype(np.float32)
        save_npy(name, arr)
        expected["written_by_numpy"][name] = record(arr)

    rejected = expected["rejected"]
    save_npy("one_d.npy", np.arange(5, dtype=np.float32))
    rejected["one_d.npy"] = {"kind": "shape", "contains": "(5,)"}
    save_npy("three_d.npy", np.zeros((3, 4, 5), dtype=np.float32))
    rejected["three_d.npy"] = {"kind": "shape", "contains": "(3, 4, 5)"}
    save_npy("empty_rows.npy", np.zeros((0, 3), dtype=np.float32))
    rejected["empty_rows.npy"] = {"kind": "shape", "contains": "(0, 3)"}
    nan = base.copy()
    nan[1, 2] = np.nan
    nan[2, 0] = np.inf
    save_npy("nan.npy", nan)
    rejected["nan.npy"] = {"kind": "not_finite", "row": 1, "col": 2, "value": "NaN"}
    huge = np.array([[1.0, 2.0], [3.0, 1e300]])
    save_npy("f8_beyond_f32.npy", huge)
    rejected["f8_beyond_f32.npy"] = {"kind": "not_finite", "row": 1, "col": 1, "value": "1e300"}
    save_npy("int64.npy", np.arange(6, dtype=np.int64).reshape(2, 3))
    rejected["int64.npy"] = {"kind": "npy", "contains": "<i8"}

    # safetensors: F32 and F16 tensors and one metadata key, byte-identical to the library.
    acts = rng.normal(size=(4, 3)).astype(np.float32)
    dec = rng.normal(size=(3, 2)).astype(np.float16)
    bias = rng.normal(size=(3,)).astype(np.float32)
    tensors = {"decoder": dec, "activations": acts, "bias": bias}
    save_file(tensors, os.path.join(OUT, "tensors.safetensors"), metadata={"format": "np"})
    expected["safetensors"] = {
        "tensors.safetensors": {
            "metadata": {"format": "np"},
            # The order the library wrote them in (and so the order of their bytes in the file).
            "order": ["activations", "bias", "decoder"],
            "tensors": {k: {**record(v), "dtype": {np.float32: "F32", np.float16: "F16"}[v.dtype.type]}
                        for k, v in tensors.items()},
        }
    }
    # No "activations" tensor: the only 2-D float one is taken; ints and several metadata keys.
    acts2 = rng.normal(size=(2, 3)).astype(np.float64)
    ids = np.array([3, 0, 7], dtype=np.int64)
    small = np.array([1, 2, 250], dtype=np.uint8)
    mixed = {"resid": acts2, "ids": ids, "small": small}
    meta = {"model": "gpt2", "layer": "6", "hook": "resid_post"}
    save_file(mixed, os.path.join(OUT, "mixed.safetensors"), metadata=meta)
    expected["safetensors"]["mixed.safetensors"] = {
        "metadata": meta,
        "order": ["ids", "resid", "small"],
        "tensors": {"resid": {**record(acts2), "dtype": "F64"}},
        "ints": {"ids": [int(v) for v in ids], "small": [int(v) for v in small]},
    }

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
