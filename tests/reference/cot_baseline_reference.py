"""The article's chain-of-thought analyzer, rule for rule, run on the labeled corpus and on a set
of edge cases; writes the findings the Rust baseline mode must reproduce exactly.

Usage: python3 tests/reference/cot_baseline_reference.py > crates/reasoning/tests/fixtures/cot_baseline_reference.json
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "crates" / "reasoning" / "tests" / "fixtures"

PRODUCT = re.compile(r"(\d+)\s*[*x]\s*(\d+)\s*=\s*(\d+)")
PHRASES = ("therefore", "so we know", "this means")


def analyze(trace):
    """(type, step) pairs in the order the article's function appends them."""
    found = []
    steps = trace.split("\n")
    for i, step in enumerate(steps):
        lowered = step.lower()
        if i == 0 and any(p in lowered for p in PHRASES):
            found.append(("phantom_step", i))
        for a, b, c in PRODUCT.findall(step):
            if int(a) * int(b) != int(c):
                found.append(("arithmetic_error", i))
        if i > 0:
            head = lowered.strip()[:30]
            for earlier in steps[:i]:
                e = earlier.lower()
                if "not " + head in e or head + " not" in e:
                    found.append(("self_contradiction", i))
    return found


EDGE_CASES = [
    "First, 3 * 7 = 24.",
    "Therefore the answer is 5.",
    "We start.\nTherefore the answer is 5.",
    "1.5*30 = 45",
    "2 x 500 = 1,000",
    "2*3=7 and 4x5=21 and 6 x 7 = 42",
    "12x3=36x2=72",
    "007 * 2 = 14",
    "99999999999999999999 * 2 = 199999999999999999998",
    "it is not the ball is red\nthe ball is red",
    "nothing here\nthis is not it\nalso not this\n",
    "the cat is here not\nthe cat is here",
    "  The Sum Is Large  \nit is NOT the sum is large",
    "So we know nothing.\n\n\nnot \n",
    "A\tnot b\n\tb",
    "x not \u00e9t\u00e9\n\u00c9T\u00c9",
    "3\u00a0*\u00a07 = 21\n3 *\u20037 = 22",
]


def main():
    corpus = []
    for name in ("cot_corpus.jsonl", "cot_corpus_heldout.jsonl"):
        path = FIXTURES / name
        if path.exists():
            corpus += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = [{"id": t["id"], "trace": t["trace"]} for t in corpus]
    cases += [{"id": f"edge-{k}", "trace": t} for k, t in enumerate(EDGE_CASES)]
    # Corpus traces are named by id (the test reads them from the corpus); edge cases carry their text.
    out = [
        {"id": c["id"], **({"trace": c["trace"]} if c["id"].startswith("edge-") else {}),
         "findings": [list(f) for f in analyze(c["trace"])]}
        for c in cases
    ]
    json.dump({"generator": "tests/reference/cot_baseline_reference.py", "cases": out}, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
