"""Checks for the labelled chain-of-thought corpus in crates/reasoning/tests/fixtures/cot_corpus.jsonl.

    python tests/reference/cot_corpus_tools.py validate
    python tests/reference/cot_corpus_tools.py stats
    python tests/reference/cot_corpus_tools.py check-source GIT_DIR
    python tests/reference/cot_corpus_tools.py calc [ID ...]
    python tests/reference/cot_corpus_tools.py baseline

Add --heldout to any command to work on the held-out corpus cot_corpus_heldout.jsonl instead (ids
heldout-gsm8k-v2-qNNNN and heldout-hand-NNN). There, validate also checks that no GSM8K problem (index
or question text) of the first corpus is reused, and check-source also compares each question with
grade_school_math/data/test.jsonl at the same index.

validate      format rules: one JSON object per line, unique ids, known label types, 0 <= step < number
              of lines of trace.split("\\n"), non-empty notes.
stats         counts of traces and labels per type and per source.
check-source  GIT_DIR is a git directory of openai/grade-school-math (for example a bare clone); every
              gsm8k-* record's question and trace must equal the text at the commit, file, line and
              solution key named in its source field.
calc          a calculator listing: every written computation the extractor recognises (calculator
              annotations, text with + - * / x × ÷ −, LaTeX \\frac \\cdot \\times, ^, N% of M is K),
              evaluated exactly with fractions.Fraction, next to the labels of that line. It is an aid
              for reading the traces, not the source of the labels: it misses computations written in
              words and cannot tell a time of day or a range from a subtraction.
baseline      the article's baseline analyzer (phantom_step on line 0, regex a*b=c, "not " pairs),
              with its findings compared to the labels per type.
"""

import collections
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "crates" / "reasoning" / "tests" / "fixtures"
CORPUS = FIXTURES / "cot_corpus.jsonl"
HELDOUT = FIXTURES / "cot_corpus_heldout.jsonl"
# id prefix of the corpus in use: "" for cot_corpus.jsonl, "heldout-" with --heldout
PREFIX = ""
TYPES = ("arithmetic_error", "self_contradiction", "phantom_step", "unsupported_number")
KEYS = ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification")


def load(path=None):
    recs = []
    with open(path or CORPUS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise SystemExit(f"line {n}: empty line")
            try:
                recs.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"line {n}: invalid JSON: {e}")
    return recs


def validate(recs):
    errors = []
    seen = set()
    for n, r in enumerate(recs, 1):
        where = f"line {n} ({r.get('id')})"
        if set(r) != {"id", "source", "question", "trace", "labels"}:
            errors.append(f"{where}: keys {sorted(r)}")
            continue
        if not all(isinstance(r[k], str) for k in ("id", "source", "question", "trace")):
            errors.append(f"{where}: id, source, question and trace must be strings")
        if r["id"] in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(r["id"])
        if not re.fullmatch(re.escape(PREFIX) + r"(?:gsm8k-v2-q\d{4}|hand-\d{3})", r["id"]):
            errors.append(f"{where}: unexpected id form")
        steps = r["trace"].split("\n")
        pairs = set()
        for lab in r["labels"]:
            if set(lab) != {"type", "step", "note"}:
                errors.append(f"{where}: label keys {sorted(lab)}")
                continue
            if lab["type"] not in TYPES:
                errors.append(f"{where}: unknown type {lab['type']!r}")
            if not isinstance(lab["step"], int) or isinstance(lab["step"], bool) or not 0 <= lab["step"] < len(steps):
                errors.append(f"{where}: step {lab['step']!r} outside 0..{len(steps) - 1}")
            if not isinstance(lab["note"], str) or not lab["note"].strip():
                errors.append(f"{where}: empty note")
            key = (lab["type"], lab["step"])
            if key in pairs:
                errors.append(f"{where}: two {lab['type']} labels on step {lab['step']}")
            pairs.add(key)
    return errors


def problem_index(rec):
    m = re.search(r"\(problem index (\d+)\)", rec["source"])
    return int(m.group(1)) if m else None


def check_disjoint(recs):
    """Held-out corpus only: no GSM8K problem of the first corpus may be reused."""
    first = [r for r in load(CORPUS) if r["id"].startswith("gsm8k")]
    used = {problem_index(r) for r in first}
    questions = {r["question"] for r in first}
    errors = []
    for r in recs:
        if "gsm8k" not in r["id"]:
            continue
        if problem_index(r) in used:
            errors.append(f"{r['id']}: problem index {problem_index(r)} is in the first corpus")
        if r["question"] in questions:
            errors.append(f"{r['id']}: question text is in the first corpus")
    return errors


def stats(recs):
    by_source = collections.Counter()
    types = collections.Counter()
    types_src = collections.Counter()
    clean = collections.Counter()
    lines = collections.Counter()
    for r in recs:
        src = "gsm8k" if "gsm8k" in r["id"] else "hand"
        by_source[src] += 1
        lines[src] += len(r["trace"].split("\n"))
        if not r["labels"]:
            clean[src] += 1
        for lab in r["labels"]:
            types[lab["type"]] += 1
            types_src[(lab["type"], src)] += 1
    print(f"traces: {len(recs)}  " + "  ".join(f"{s}: {n} ({clean[s]} without labels, {lines[s]} lines)" for s, n in sorted(by_source.items())))
    for t in TYPES:
        print(f"{t:20} {types[t]:4}  " + "  ".join(f"{s}: {types_src[(t, s)]}" for s in sorted(by_source)))
    labelled_lines = sum(len({lab["step"] for lab in r["labels"]}) for r in recs)
    print(f"lines: {sum(lines.values())}, of which labelled: {labelled_lines}")


def check_source(recs, git_dir):
    errors = []
    cache = {}
    for r in recs:
        if "gsm8k" not in r["id"]:
            continue
        m = re.match(r"openai/grade-school-math@([0-9a-f]{40}) (\S+) line (\d+) \(problem index (\d+)\), solution (\w+)", r["source"])
        if not m:
            errors.append(f"{r['id']}: source not understood")
            continue
        commit, path, line, idx, key = m.group(1), m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)
        if (commit, path) not in cache:
            text = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
                                  check=True, capture_output=True, text=True).stdout
            cache[(commit, path)] = text.split("\n")
        src = json.loads(cache[(commit, path)][line - 1])
        if line != idx + 1 or r["id"] != f"{PREFIX}gsm8k-v2-q{idx:04d}" or key not in KEYS:
            errors.append(f"{r['id']}: id, line and index disagree")
        if src["question"] != r["question"]:
            errors.append(f"{r['id']}: question differs from the source")
        if src[key]["solution"] != r["trace"]:
            errors.append(f"{r['id']}: trace differs from the source")
        if PREFIX:
            test_path = path.rsplit("/", 1)[0] + "/test.jsonl"
            if (commit, test_path) not in cache:
                text = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{test_path}"],
                                      check=True, capture_output=True, text=True).stdout
                cache[(commit, test_path)] = text.split("\n")
            if json.loads(cache[(commit, test_path)][idx])["question"] != r["question"]:
                errors.append(f"{r['id']}: question differs from {test_path}")
    return errors


# ---------- calculator listing ----------

NUM = r"\d+(?:\.\d+)?"


def normalise(text):
    t = text
    t = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1/\2)", t)
    t = t.replace("\\cdot", "*").replace("\\times", "*").replace("\\div", "/")
    t = t.replace("×", "*").replace("÷", "/").replace("·", "*").replace("−", "-").replace("–", "-")
    t = t.replace("$", "").replace("\\", "")
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"(?<=[\d)])\s*[xX]\s*(?=[\d(.])", " * ", t)
    t = re.sub(r"(\d)\s*%", r"\1%", t)
    return t


EXPR = r"[-(]*\.?\d[\d.]*%?\)*(?:\s*(?:\*\*|[-+*/^])\s*[-(]*\.?\d[\d.]*%?\)*)*\)*"


def evaluate(expr):
    e = expr.strip().rstrip(".").replace("^", "**")
    e = re.sub(r"(\d+(?:\.\d+)?|\.\d+)%", r"(\1/100)", e)
    if not re.fullmatch(r"[\d.+\-*/() ]+", e) or not re.search(r"\d", e):
        return None
    e = re.sub(r"(\d+(?:\.\d+)?|\.\d+)", r'Fraction("\1")', e)
    try:
        return eval(e, {"Fraction": Fraction})  # arithmetic only, checked above
    except Exception:
        return None


def tolerance(written, value=0, repeating=False):
    """What the digits of a written result allow: half a unit in the last place (a whole unit when
    the digits are followed by an ellipsis), and float noise (1e-12 relative) in long printed floats."""
    w = written.strip().rstrip(".").replace("%", "")
    places = len(w.split(".")[-1]) if re.search(r"\.\d", w) else 0
    tol = Fraction(1, (1 if repeating else 2) * 10 ** places)
    if places >= 10:
        tol = max(tol, abs(Fraction(value)) / 10 ** 12)
    return tol


def computations(line):
    """Yield (text, values, ok) for each recognised computation in one line."""
    for m in re.finditer(r"<<([^<>=]*)=([^<>]*)>>", line):
        lhs, rhs = evaluate(normalise(m.group(1))), evaluate(normalise(m.group(2)))
        if lhs is not None and rhs is not None:
            yield m.group(0), (lhs, rhs), abs(lhs - rhs) <= tolerance(m.group(2), lhs)
    visible = normalise(re.sub(r"<<[^<>]*>>", "", line))
    for m in re.finditer(r"(" + NUM + r")%\s*of\s*(" + NUM + r")\s*(?:is|=)\s*(" + NUM + r")", visible):
        a, b, c = (Fraction(g) for g in m.groups())
        v = a * b / 100
        yield m.group(0), (v, c), abs(v - c) <= tolerance(m.group(3))
    for m in re.finditer(EXPR + r"(?:\s*=\s*" + EXPR + r")+", visible):
        sides = [s.strip() for s in m.group(0).split("=")]
        # "Step 2 = ...", "D2 = ...": a label, not a value
        if re.fullmatch(NUM, sides[0]) and re.search(r"[A-Za-z]\s?$", visible[:m.start()]):
            sides = sides[1:]
        if len(sides) < 2 or not any(re.search(r"[\d)]\s*(?:\*\*|[-+*/^])\s*[-(.\d]", s) for s in sides):
            continue
        repeating = visible[m.end():m.end() + 3] in ("...",) or visible[m.end():m.end() + 1] == "…"
        vals = [evaluate(s.rstrip("%")) if s.endswith("%") and not re.search(r"[-+*/]", s) else evaluate(s) for s in sides]
        if any(v is None for v in vals):
            continue
        ok = True
        for i in range(1, len(sides)):
            prev, cur = vals[i - 1], vals[i]
            # a result written as a percentage after "... x 100" or "* 100%"
            tol = tolerance(sides[i], cur, repeating and i == len(sides) - 1)
            if sides[i].endswith("%") and not re.search(r"[-+*/]", sides[i]):
                # "18 / 450 x 100 = 4%", "4/20 * 100% = 20%", "100 - 54 = 46%"
                cur = Fraction(sides[i].rstrip("%").strip() or "0")
                cands = [prev, prev * 100]
            else:
                cands = [prev]
                # running chain "3*7=21+4=25": the next side starts from the previous result
                lead = re.match(r"\(?(" + NUM + r")\s*(?:[-+*/^])", sides[i])
                if lead and abs(Fraction(lead.group(1)) - prev) <= tolerance(lead.group(1), prev) and i + 1 < len(sides) + 1:
                    cands = [prev, cur]
            if not any(abs(c - cur) <= tol for c in cands):
                ok = False
        yield m.group(0), tuple(vals), ok


def calc(recs, ids):
    for r in recs:
        if ids and r["id"] not in ids:
            continue
        labels = collections.defaultdict(list)
        for lab in r["labels"]:
            labels[lab["step"]].append(lab["type"])
        print(f"== {r['id']}")
        for i, line in enumerate(r["trace"].split("\n")):
            found = list(computations(line))
            tag = ",".join(labels.get(i, [])) or "-"
            for text, vals, ok in found:
                shown = " | ".join(format(float(v), ".10g") for v in vals)
                print(f"  {i:2} {'ok ' if ok else 'BAD'} [{tag}] {text.strip()}  => {shown}")
            if not found and i in labels:
                print(f"  {i:2} --- [{tag}] {line[:100]}")


# ---------- the article's baseline ----------

def baseline(trace):
    out = []
    lines = trace.split("\n")
    for i, line in enumerate(lines):
        low = line.lower()
        if i == 0 and any(k in low for k in ("therefore", "so we know", "this means")):
            out.append(("phantom_step", i))
        for m in re.finditer(r"(\d+)\s*[*x]\s*(\d+)\s*=\s*(\d+)", line):
            a, b, c = (int(g) for g in m.groups())
            if a * b != c:
                out.append(("arithmetic_error", i))
        if i > 0:
            key = low.strip()[:30]
            for p in lines[:i]:
                pl = p.lower()
                if "not " + key in pl or key + " not" in pl:
                    out.append(("self_contradiction", i))
    return out


def run_baseline(recs):
    tp = collections.Counter()
    fp = collections.Counter()
    fn = collections.Counter()
    for r in recs:
        truth = {(lab["type"], lab["step"]) for lab in r["labels"]}
        found = set(baseline(r["trace"]))
        for t, s in found:
            (tp if (t, s) in truth else fp)[t] += 1
        for t, s in truth - found:
            fn[t] += 1
    for t in TYPES:
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else float("nan")
        rc = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else float("nan")
        print(f"{t:20} tp {tp[t]:3} fp {fp[t]:3} fn {fn[t]:3}  precision {p:.2f} recall {rc:.2f}")


def main(argv):
    global CORPUS, PREFIX
    if "--heldout" in argv:
        argv = [a for a in argv if a != "--heldout"]
        CORPUS, PREFIX = HELDOUT, "heldout-"
    if not argv:
        raise SystemExit(__doc__)
    recs = load()
    cmd = argv[0]
    if cmd == "validate":
        errors = validate(recs)
        if PREFIX:
            errors += check_disjoint(recs)
        for e in errors:
            print(e)
        print(f"{len(recs)} records, {len(errors)} problems")
        return 1 if errors else 0
    if cmd == "stats":
        stats(recs)
    elif cmd == "check-source":
        errors = check_source(recs, argv[1])
        for e in errors:
            print(e)
        print(f"{sum('gsm8k' in r['id'] for r in recs)} gsm8k records checked, {len(errors)} problems")
        return 1 if errors else 0
    elif cmd == "calc":
        calc(recs, set(argv[1:]))
    elif cmd == "baseline":
        run_baseline(recs)
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
