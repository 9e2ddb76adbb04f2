#!/usr/bin/env bash
# `cargo xtask bench sae --gpu` on a machine with a real GPU, from a prebuilt
# `target/release/frontier-xtask` (x86-64 Linux; `cargo build --release -p frontier-xtask --features bench`): our wgpu backend (Vulkan) beside PyTorch CUDA.
#
# Needs: the GPU's Vulkan driver; the Vulkan loader (libvulkan1; where the machine lacks it,
# put its .deb in .gl/ and this unpacks it); python3 with torch built for CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
# The loader, and the GL dispatch libraries NVIDIA's Vulkan driver links against.
if [ -d .gl ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then
  export VK_DRIVER_FILES=$nvidia_icd
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
exec "${FRONTIER_XTASK:-target/release/frontier-xtask}" bench sae --gpu
