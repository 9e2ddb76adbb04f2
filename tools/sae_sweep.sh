#!/usr/bin/env bash
# The recovery grid in the README: mean max cosine similarity (true features → decoder rows) of a
# ReLU SAE, recommended recipe, on the sparse-coding benchmark (128 true features in 64 dimensions,
# 5 active on average), over the sparsity coefficient and the dictionary ratio. Each cell is one
# `frontier sae train` run of 2000 steps at batch 1024, seed 1 (about 5–40 s each on one core).
#
#   tools/sae_sweep.sh > /tmp/sweep.md      (builds the CLI in release first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --quiet -p frontier-cli
l1s=(0.1 0.3 1 3 10)
ratios=(0.5 1 2 4 8)
printf '| L1 \\ ratio |'
for r in "${ratios[@]}"; do printf ' %s× |' "$r"; done
printf '\n|---|'
for _ in "${ratios[@]}"; do printf -- '---|'; done
printf '\n'
for l1 in "${l1s[@]}"; do
  printf '| %s |' "$l1"
  for r in "${ratios[@]}"; do
    d_sae=$(python3 -c "print(int(round($r * 128)))")
    out=$(MATMUL_NUM_THREADS=1 ./target/release/frontier sae train --data synthetic:sparse-coding --features 128 \
      --dims 64 --active 5 --d-sae "$d_sae" --steps 2000 --batch 1024 --l1 "$l1" --seed 1)
    printf ' %s |' "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.3f (L0 %.1f, dead %.0f %%)" % (d["mmcs"], d["l0"], 100 * d["dead_fraction"]))')"
  done
  printf '\n'
done
