"""Precision and recall of (value, low, high, measure) on the hand-labelled set and the seeds, and speed.

Run with `make bench-figures`. Not a unit test: it prints the numbers for the issue note and docs/.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from extractors import clean_document, decode_bytes, extract_figures

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared"
TOLERANCE = 1e-6


def _key(value, low, high, measure) -> tuple:
    norm = lambda x: None if x in ("-", None) else round(float(x), 3)  # noqa: E731
    return norm(value), norm(low), norm(high), None if measure in ("-", None) else measure


def _score(gold: list[tuple], found: list[tuple]) -> tuple[int, int, int]:
    """(true positives, found, gold) with multiset matching."""
    g, f = Counter(gold), Counter(found)
    return sum((g & f).values()), sum(f.values()), sum(g.values())


def labelled(verbose: bool, name: str = "figures_labelled.toml") -> tuple[int, int, int]:
    cases = tomllib.loads((HERE / name).read_text("utf-8"))["case"]
    tp = nf = ng = 0
    for case in cases:
        gold = [_key(*f) for f in case["figures"]]
        found = [_key(f.value, f.low, f.high, f.measure) for f in extract_figures(case["text"], case["lang"])]
        a, b, c = _score(gold, found)
        tp, nf, ng = tp + a, nf + b, ng + c
        if verbose and (a != b or a != c):
            print(f"  [{case['lang']}] {case['text']}\n      gold  {sorted(map(str, gold))}\n      found {sorted(map(str, found))}")
    return tp, nf, ng


def seeds(verbose: bool) -> tuple[int, int, int]:
    labels = tomllib.loads((HERE / "figures_seeds.toml").read_text("utf-8"))["seeds"]
    tp = nf = ng = 0
    for name, entry in labels.items():
        path = SHARED / "seeds" / name
        article = clean_document(decode_bytes(path.read_bytes()).text, path.suffix)
        figures = extract_figures(article.text, article.language, article.published, precision=article.published_precision or "day")
        gold = [_key(*f) for f in entry["figures"]]
        found = [_key(f.value, f.low, f.high, f.measure) for f in figures]
        a, b, c = _score(gold, found)
        tp, nf, ng = tp + a, nf + b, ng + c
        if verbose and (a != b or a != c):
            missing = Counter(gold) - Counter(found)
            extra = Counter(found) - Counter(gold)
            print(f"  {name}: missing {sorted(map(str, missing.elements()))} extra {sorted(map(str, extra.elements()))}")
    return tp, nf, ng


def speed() -> tuple[float, int]:
    """Milliseconds per 5,000 characters of cleaned text, over the eval plain-text pages."""
    texts = []
    for path in sorted((SHARED / "eval" / "plaintext").glob("*.txt")):
        article = clean_document(decode_bytes(path.read_bytes()).text, path.suffix)
        texts.append((article.text, article.language, article.published))
    for text, lang, published in texts:  # warm caches
        extract_figures(text, lang, published)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text, lang, published in texts:
            extract_figures(text, lang, published)
        best = min(best, time.perf_counter() - started)
    chars = sum(len(t) for t, _, _ in texts)
    return best / chars * 5000 * 1000, len(texts)


def main() -> int:
    verbose = "-v" in sys.argv
    rows = []
    sets = (
        ("labelled set", labelled(verbose)),
        ("held-out set", labelled(verbose, "figures_holdout.toml")),
        ("seeds", seeds(verbose)),
    )
    for name, (tp, nf, ng) in sets:
        precision = tp / nf if nf else 1.0
        recall = tp / ng if ng else 1.0
        rows.append(f"{name:14} precision {precision:.3f} ({tp}/{nf})  recall {recall:.3f} ({tp}/{ng})")
    ms, docs = speed()
    print("figures: (value, low, high, measure) must all match")
    print("\n".join(rows))
    print(f"speed          {ms:.2f} ms per 5,000 characters ({docs} eval pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
