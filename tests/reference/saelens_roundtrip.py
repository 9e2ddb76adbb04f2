"""SAELens and this project read each other's SAE files.

1. Trains three tiny SAEs with this project's CLI (`frontier sae train ... --out`), one per
   architecture (relu → "standard", topk → "topk", batchtopk → "jumprelu"), and loads each with
   SAELens's `SAE.load_from_disk`.
2. Builds a small SAE in SAELens itself (StandardSAE, random weights, b_dec subtracted from the
   input) and saves it with `save_model`.
3. Encodes and decodes the same inputs with SAELens in float64 and writes what it computed.

crates/sae/tests/saelens_files.rs then loads all four folders with `frontier_sae::saelens::load`
and checks its own features and reconstructions against SAELens's.

Run: /work/refenv/bin/python tests/reference/saelens_roundtrip.py  (needs torch, numpy, sae-lens;
the run recorded in the fixture used the versions printed in expected.json)
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import sae_lens
import torch
from sae_lens import SAE, StandardSAE, StandardSAEConfig

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates/sae/tests/fixtures/saelens"
D_IN, D_SAE, ROWS = 8, 24, 6


def frontier_train(arch, folder):
    if folder.exists():
        shutil.rmtree(folder)
    args = ["cargo", "run", "--quiet", "--release", "-p", "frontier-cli", "--", "sae", "train",
            "--data", "synthetic:sparse-coding", "--features", "16", "--dims", str(D_IN), "--active", "2",
            "--d-sae", str(D_SAE), "--arch", arch, "--k", "3", "--steps", "80", "--batch", "64",
            "--out", str(folder)]
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def outputs(sae, x):
    with torch.no_grad():
        f = sae.encode(x)
        return {"features": f.tolist(), "reconstruction": sae.decode(f).tolist()}


def main():
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    x = torch.randn(ROWS, D_IN, dtype=torch.float64) * 0.5
    expected = {"generator": "tests/reference/saelens_roundtrip.py", "sae_lens": sae_lens.__version__,
                "torch": torch.__version__, "x": x.tolist(), "saes": {}}
    for arch in ["relu", "topk", "batchtopk"]:
        folder = OUT / f"ours-{arch}"
        frontier_train(arch, folder)
        sae = SAE.load_from_disk(str(folder), device="cpu", dtype="float64")
        expected["saes"][f"ours-{arch}"] = {"class": type(sae).__name__, **outputs(sae, x)}

    cfg = StandardSAEConfig(d_in=D_IN, d_sae=D_SAE, dtype="float32", device="cpu", apply_b_dec_to_input=True)
    theirs = StandardSAE(cfg)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    folder = OUT / "theirs-standard"
    if folder.exists():
        shutil.rmtree(folder)
    theirs.save_model(str(folder))
    reread = SAE.load_from_disk(str(folder), device="cpu", dtype="float64")
    expected["saes"]["theirs-standard"] = {"class": type(reread).__name__, **outputs(reread, x)}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print({k: v["class"] for k, v in expected["saes"].items()}, "sae_lens", sae_lens.__version__)


if __name__ == "__main__":
    main()
