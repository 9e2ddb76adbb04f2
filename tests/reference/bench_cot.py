"""The article's analyzer (as in cot_baseline_reference.py) timed on a trace read from a file:
the side-by-side reference for `cargo xtask bench cot`. Prints JSON: seconds and findings."""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cot_baseline_reference import analyze  # noqa: E402


def main():
    trace = Path(sys.argv[1]).read_text(encoding="utf-8")
    start = time.perf_counter()
    found = analyze(trace)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "findings": len(found), "lines": trace.count("\n") + 1}))


if __name__ == "__main__":
    main()
