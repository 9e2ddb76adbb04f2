"""Reference outputs of SmolLM2-135M-Instruct (Q4_1 GGUF) from transformers, for crates/lm's tests.

Run once with torch, transformers and gguf installed (transformers 5.25.0, torch 2.15.0, gguf
from PyPI made the committed fixture):
    python tests/reference/smollm2_reference.py static/models/SmolLM2-135M-Instruct.Q4_1.gguf \
        > crates/lm/tests/fixtures/smollm2_reference.json

transformers reads the same GGUF file: it dequantizes every tensor to float32 (gguf-py's
`d * q + m` for Q4_1, `d * q` for Q8_0), undoes llama.cpp's Q/K row permutation, and builds the
tokenizer from the file's own vocabulary and merges. The forward pass runs in float32.

One correction: transformers' GGUF converter ignores `tokenizer.ggml.pre` ("smollm") and builds a
plain GPT-2 byte-level pre-tokenizer, while SmolLM2's own tokenizer (and llama.cpp, reading that
key) first isolates every numeric character. The two agree on ASCII digits (the vocabulary has no
merge of a space or letter with a digit) but not on others ("١٢٣", "ⅷ"): the script restores the
model's pre-tokenizer, Digits(individual) then ByteLevel, and records the converter's ids beside
it as `ids_gguf_converter`. So the
Rust port must give the same token ids, the same logits up to float32 summation order, and the
same greedy continuations.

Recorded per prompt: the token ids (and their strings), the top-20 logits (ids and values) at the
first positions and the last, the residual stream after some blocks at the last position (its
first values and its norm), and a 32-token greedy continuation computed by full recomputation
(with the cache), with the gap between the best and second-best logit at each step (a near-tie can
flip under a different summation order; the test says so rather than failing).
"""

import json
import os
import sys

import torch
import transformers
from tokenizers import pre_tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer

PLAIN = [
    "The capital of France is",
    "Once upon a time, there was a little robot who",
    "1 + 1 = 2. 12 * 34 = 408. The value of pi is 3.14159, and 2025 is",
    "Emoji and accents: 😀🎉 café naïve Zürich — «quotes» 日本語のテキスト",
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return",
    "   leading spaces and\ttabs\n\n  newlines   ",
    "It's what we'd've done; they're sure I'll go, DON'T they?",
    "Ελληνικά και русский текст, 中文也可以。 ١٢٣ ⅷ",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "a",
]
CHAT = [
    "What is the capital of France?",
    "Write a haiku about the sea.",
    "Explain gravity in one sentence.",
]
TOP = 20
FIRST_POSITIONS = 3
GREEDY = 32
HIDDEN_LAYERS = [0, 1, 15, 29]


def topk(logits):
    values, ids = torch.topk(logits, TOP)
    return {"ids": ids.tolist(), "values": [float(v) for v in values]}


def main():
    path = sys.argv[1]
    torch.set_num_threads(2)
    directory, name = os.path.split(os.path.abspath(path))
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    converter_ids = lambda text: tokenizer.encode(text, add_special_tokens=False)
    plain_gpt2 = tokenizer.backend_tokenizer.pre_tokenizer
    smollm = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
    ])
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, dtype=torch.float32)
    model.eval()
    cases = [{"kind": "plain", "prompt": p, "text": p} for p in PLAIN]
    for p in CHAT:
        text = tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True)
        cases.append({"kind": "chat", "prompt": p, "text": text})
    out = []
    with torch.no_grad():
        for case in cases:
            tokenizer.backend_tokenizer.pre_tokenizer = plain_gpt2
            ids_converter = converter_ids(case["text"])
            tokenizer.backend_tokenizer.pre_tokenizer = smollm
            ids = tokenizer.encode(case["text"], add_special_tokens=False)
            result = model(torch.tensor([ids]), output_hidden_states=True)
            logits = result.logits[0]
            positions = sorted(set(list(range(min(FIRST_POSITIONS, len(ids)))) + [len(ids) - 1]))
            hidden = {
                str(layer): {
                    "first": [float(v) for v in result.hidden_states[layer][0, -1, :8]],
                    "norm": float(result.hidden_states[layer][0, -1].norm()),
                }
                for layer in HIDDEN_LAYERS
            }
            greedy, gaps = [], []
            step = model(torch.tensor([ids]), use_cache=True)
            for _ in range(GREEDY):
                last = step.logits[0, -1]
                two = torch.topk(last, 2)
                greedy.append(int(two.indices[0]))
                gaps.append(float(two.values[0] - two.values[1]))
                step = model(torch.tensor([[greedy[-1]]]), past_key_values=step.past_key_values, use_cache=True)
            out.append({
                **case,
                "ids": ids,
                "ids_gguf_converter": ids_converter,
                "tokens": tokenizer.convert_ids_to_tokens(ids),
                "top_logits": {str(p): topk(logits[p]) for p in positions},
                "hidden_last": hidden,
                "greedy": greedy,
                "greedy_gaps": gaps,
                "greedy_text": tokenizer.decode(greedy),
            })
            print(case["prompt"][:40], "->", repr(out[-1]["greedy_text"][:60]), file=sys.stderr)
    json.dump({
        "model": name,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "top": TOP,
        "cases": out,
    }, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
