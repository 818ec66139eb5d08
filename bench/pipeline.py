"""The whole pipeline against the bare tools: `make bench` (writes bench/results.json).

Corpora are generated from ../shared/eval (perturbed copies, fixed seed: sentences dropped and swapped,
words replaced, so no two files are exact duplicates). Then, in one run:
  - bare baselines: a sequential loop of trafilatura.extract over the HTML files; read + langdetect over
    the text files;
  - newsmon: `newsmon backfill` (the real flow, everything on) into a fresh DuckDB file, in a child
    process whose tree's peak RSS is sampled;
  - the same read and store work without Prefect (a plain ProcessPoolExecutor over the same batches):
    the difference is Prefect's share of the wall time;
  - per-stage time on a sample; per-article cost of storing a batch with 1k, 10k and 100k stored.
Scale with --html, --text and --rss (articles for the RSS run); --quick runs a small version.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
RESULTS = PROJECT / "bench" / "results.json"
NEWSMON = str(Path(sys.executable).parent / "newsmon")
SEED = 11
FILLER = ["zudem", "also", "bereits", "now", "reportedly", "laut", "offenbar", "meanwhile", "jedoch"]
_TEXT_NODE = re.compile(r">([^<>]{40,})<")


# --- corpora ---------------------------------------------------------------------------------------

def perturb_text(text: str, rng: random.Random) -> str:
    """Another copy of a page dump: a paragraph dropped or two swapped, 1-5 % of words replaced."""
    lines = text.splitlines()
    long = [i for i, line in enumerate(lines) if len(line) > 80]
    if len(long) > 3 and rng.random() < 0.5:
        lines.pop(rng.choice(long))
    elif len(long) > 3:
        a, b = rng.sample(long, 2)
        lines[a], lines[b] = lines[b], lines[a]
    out = []
    for line in lines:
        words = line.split(" ")
        for _ in range(int(len(words) * rng.uniform(0.01, 0.05))):
            words[rng.randrange(len(words))] = rng.choice(FILLER)
        out.append(" ".join(words))
    return "\n".join(out)


def perturb_html(html: str, rng: random.Random) -> str:
    """Another copy of an HTML page: words replaced inside text nodes, markup untouched."""
    def edit(m: re.Match) -> str:
        words = m.group(1).split(" ")
        for _ in range(max(1, int(len(words) * rng.uniform(0.01, 0.05)))):
            words[rng.randrange(len(words))] = rng.choice(FILLER)
        return ">" + " ".join(words) + "<"
    return _TEXT_NODE.sub(edit, html)


def make_corpus(kind: str, n: int, folder: Path) -> list[Path]:
    """n files in `folder` (kept between runs: regenerated only when missing)."""
    sources = sorted((SHARED / "eval" / kind).glob("*"))
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("*"))
    if len(existing) == n:
        return existing
    rng = random.Random(SEED)
    texts = [s.read_text("utf-8", errors="replace") for s in sources]
    perturb = perturb_html if kind == "html" else perturb_text
    files = []
    for i in range(n):
        j = i % len(sources)
        body = texts[j] if i < len(sources) else perturb(texts[j], rng)
        path = folder / f"{i:06d}{sources[j].suffix}"
        path.write_text(body, "utf-8")
        files.append(path)
    return files


# --- runs ------------------------------------------------------------------------------------------

def bare_html(files: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for f in files:
        trafilatura.extract(f.read_text("utf-8", errors="replace"))
    return len(files) / (time.perf_counter() - started)


def bare_text(files: list[Path]) -> float:
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    started = time.perf_counter()
    for f in files:
        text = f.read_text("utf-8", errors="replace")
        if text.strip():
            detect(text)
    return len(files) / (time.perf_counter() - started)


def newsmon_backfill(folder: Path, db: Path, options: tuple[str, ...] = (), command: list[str] | None = None) -> dict:
    """`newsmon backfill` (or `command`, which prints the same closing lines) in a child process;
    articles/s from the flow's own time and the tree's peak RSS."""
    db.unlink(missing_ok=True)
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    started = time.perf_counter()
    child = psutil.Popen([*(command or [NEWSMON, "backfill"]), str(folder), "--db", str(db), *options], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    samples: list[tuple[float, int]] = []
    roles: dict[str, int] = defaultdict(int)  # peak RSS per part of the tree

    def sample() -> None:
        nonlocal peak
        while child.poll() is None:
            try:
                tree = [child, *child.children(recursive=True)]
                parts: dict[str, int] = defaultdict(int)
                for process in tree:
                    parts[_role(process, child)] += process.memory_info().rss
            except psutil.Error:
                continue
            rss = sum(parts.values())
            peak = max(peak, rss)
            for role, value in parts.items():
                roles[role] = max(roles[role], value)
            samples.append((time.perf_counter() - started, rss))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = child.communicate()[0]
    sampler.join()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"newsmon backfill failed:\n{output[-3000:]}")
    flow_seconds = float(re.search(r"([\d.]+) s in the flow", output).group(1))
    files = int(re.search(r"files read\s+(\d+)", output).group(1))
    return {
        "files": files, "wall_s": round(wall, 1), "flow_s": round(flow_seconds, 1),
        "articles_per_s": round(files / flow_seconds, 1), "articles_per_s_wall": round(files / wall, 1),
        "peak_rss_mb": round(peak / 2**20), "rss_mb_at_quarters": _quarters(samples),
        "peak_rss_mb_by_part": {role: round(value / 2**20) for role, value in sorted(roles.items())},
    }


def _role(process: psutil.Process, cli: psutil.Process) -> str:
    """Which part of the backfill's process tree a process is: the CLI (flow, storage), a reading
    worker, or Prefect's temporary server."""
    if process.pid == cli.pid:
        return "cli"
    command = " ".join(process.cmdline())
    if "uvicorn" in command or "prefect" in command and "server" in command:
        return "prefect_server"
    if "multiprocessing" in command:
        return "workers"
    return "other"


def _quarters(samples: list[tuple[float, int]]) -> list[int]:
    if not samples:
        return []
    end = samples[-1][0]
    return [round(max((r for t, r in samples if t <= end * q / 4), default=0) / 2**20) for q in (1, 2, 3, 4)]


def without_prefect(folder: Path, db: Path, workers: int, batch_size: int = 100) -> float:
    """The flow's work (read batches in worker processes, store in order, compare claims) with no Prefect:
    seconds. The same functions the flow calls, minus the task runs, logging and artifact."""
    sys.path.insert(0, str(PROJECT))
    from extractors.compare import CONTRADICTION
    from extractors.concepts import load_concepts
    from flows.inputs import discover, read_files
    from storage import write_batch, write_connection
    from storage.claims import compare_new_claims

    db.unlink(missing_ok=True)
    started = time.perf_counter()
    files = discover([str(folder)]).files
    batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
    concepts = load_concepts()
    with ProcessPoolExecutor(workers) as pool:
        for batch in pool.map(read_files, batches, [{}] * len(batches)):
            with write_connection(db) as con:
                write_batch(con, batch.rows, batch.skipped, "plain", unchanged=batch.unchanged)
                compare_new_claims(con, concepts, {CONTRADICTION}, "plain")
    return time.perf_counter() - started


def stage_times(files: list[Path]) -> dict[str, float]:
    """ms per article for each stage, on a sample, in this process."""
    sys.path.insert(0, str(PROJECT))
    from extractors import clean_document, content_hash, decode_bytes, extract_figures
    from extractors.claims import claims_from_figures
    from extractors.language import detect_language
    from extractors.minhash import minhash_signature
    from flows.inputs import article_row
    from storage import ArticleRow, write_batch, write_connection

    totals: dict[str, float] = defaultdict(float)
    rows = []

    def timed(name, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        totals[name] += time.perf_counter() - t
        return out

    for f in files:
        data = f.read_bytes()
        decoded = decode_bytes(data)
        article = timed("clean", clean_document, decoded.text, f.suffix)
        timed("language", detect_language, article.text)
        figures = timed("figures", extract_figures, article.text, article.language, article.published)
        timed("claims", claims_from_figures, article.text, figures, article.published)
        timed("fingerprint", minhash_signature, article.text)
        content_hash(article.text)
        rows.append(article_row(str(f), data, f.suffix))
    totals["clean"] -= totals["language"]  # clean_document detects the language too: report it once
    with tempfile.TemporaryDirectory() as tmp, write_connection(Path(tmp) / "s.duckdb") as con:
        started = time.perf_counter()
        write_batch(con, [r for r in rows if isinstance(r, ArticleRow)], [], "bench")
        totals["storage"] = time.perf_counter() - started
    return {k: round(v / len(files) * 1000, 2) for k, v in totals.items()}


def stored_scaling(text_files: list[Path], targets: tuple[int, ...] = (1_000, 10_000, 100_000)) -> dict[str, dict]:
    """ms per article to store a batch of 100 (articles, figures, claims, stories) and compare its claims,
    with 1k, 10k and 100k articles already stored.

    One article in ten is a variant of the project's own claim fixtures (tests/fixtures/claims): its own
    story, one of 40 outlets, a claim date in a six-month window, each number scaled by a random factor.
    So the stored claims of each key grow with N and many pairs conflict, as in a real monitoring file."""
    sys.path.insert(0, str(PROJECT))
    from extractors.compare import CONTRADICTION
    from extractors.concepts import load_concepts
    from flows.inputs import article_row
    from storage import ArticleRow, write_batch, write_connection
    from storage.claims import compare_new_claims

    def rows_of(files):
        return [r for f in files if isinstance(r := article_row(str(f), f.read_bytes(), f.suffix), ArticleRow)]

    plain = rows_of(text_files[:200])
    claimed = [r for r in rows_of(sorted((PROJECT / "tests" / "fixtures" / "claims").glob("*.txt"))) if r.claims]
    rng = random.Random(SEED)

    def variant(n: int):
        if n % 10:
            return _variant(plain[n % len(plain)], n)
        return _claims_variant(claimed[n // 10 % len(claimed)], plain[n % len(plain)], n, rng)

    concepts = load_concepts()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "scale.duckdb"
        stored = 0
        for target in targets:
            with write_connection(db) as con:
                while stored < target:  # fill: compared before the probe, as earlier runs would have
                    write_batch(con, [variant(stored + k) for k in range(1000)], [], "fill")
                    compare_new_claims(con, concepts, {CONTRADICTION}, "fill")
                    stored += 1000
            timings = []
            for probe in range(5):  # five batches of 100, each in its own connection as the flow does
                batch = [variant(10**7 + target + 100 * probe + k) for k in range(100)]
                started = time.perf_counter()
                with write_connection(db) as con:
                    write_batch(con, batch, [], "probe")
                    written = time.perf_counter()
                    compare_new_claims(con, concepts, {CONTRADICTION}, "probe")
                timings.append((time.perf_counter() - started, written - started))
                stored += len(batch)
            total, write = sorted(timings)[len(timings) // 2]
            with write_connection(db) as con:
                claims, keys = con.execute("SELECT count(*), count(DISTINCT key) FROM claims WHERE subject IS NOT NULL").fetchone()
            results[f"{target:,}"] = {
                "total": round(total / 100 * 1000, 2),
                "write": round(write / 100 * 1000, 2),
                "compare": round((total - write) / 100 * 1000, 2),
                "comparable_claims": claims,
                "keys": keys,
            }
            print("  stored", target, results[f"{target:,}"], flush=True)
    return results


def _variant(row, n: int):
    """A copy of `row` under another source: the same story, a body of its own."""
    return _with_body(row, n, f"{row.text}\n\nNr. {n}")


def _claims_variant(row, filler, n: int, rng: random.Random):
    """A claim fixture as another outlet's story: shuffled filler words make its body unlike any other."""
    import dataclasses
    import datetime as dt

    words = filler.text.split()
    rng.shuffle(words)
    factor = rng.choice((0.5, 0.8, 1.0, 1.0, 1.25, 2.0))
    day = dt.date(2024, 10, 1) + dt.timedelta(days=rng.randrange(180))

    def scaled(x):
        return None if x is None else x * factor

    claims = tuple(
        dataclasses.replace(c, value=c.value * factor, low=scaled(c.low), high=scaled(c.high), claim_date=day)
        for c in row.claims
    )
    return _with_body(row, n, f"{row.text}\n\n{' '.join(words[:300])}", outlet=f"Outlet {n % 40}", claims=claims,
                      published=day)


def _with_body(row, n: int, text: str, **changes):
    """`row` as source `<source>#n` with body `text`: content hash and signature computed for that body."""
    import dataclasses

    from extractors.fingerprint import content_hash
    from extractors.minhash import minhash_signature

    return dataclasses.replace(row, source=f"{row.source}#{n}", content_hash=content_hash(text), text=text,
                               signature=minhash_signature(text), **changes)


# --- main ------------------------------------------------------------------------------------------

PARTS = ("html", "text", "stages", "stored", "rss")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=int, default=10_000)
    parser.add_argument("--text", type=int, default=10_000)
    parser.add_argument("--rss", type=int, default=100_000, help="articles in the peak-RSS run")
    parser.add_argument("--quick", action="store_true", help="1,000 of each, no RSS run, no 100k scaling")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}; the rest of"
                        " bench/results.json is kept")
    parser.add_argument("--corpus", default=str(Path(tempfile.gettempdir()) / "newsmon-bench"))
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if args.quick:
        args.html, args.text = 1_000, 1_000
        parts -= {"stored", "rss"}
    root = Path(args.corpus)
    from flows.backfill import (
        default_workers,  # here, not at the top: spawned workers re-import this module
    )

    workers = default_workers()
    results: dict = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() and not args.quick else {}
    results.update(cores=os.cpu_count(), workers=workers)

    html = make_corpus("html", args.html, root / f"html-{args.html}")
    text = make_corpus("plaintext", args.text, root / f"text-{args.text}")
    print(f"corpora: {len(html):,} HTML pages, {len(text):,} text files in {root}", flush=True)

    if "html" in parts:
        results["html"] = {"bare_trafilatura_per_s": round(bare_html(html), 1)}
        results["html"]["newsmon"] = newsmon_backfill(html[0].parent, root / "html.duckdb")
        results["html"]["ratio"] = round(
            results["html"]["newsmon"]["articles_per_s"] / results["html"]["bare_trafilatura_per_s"], 2)
        print("html", json.dumps(results["html"]), flush=True)
    if "text" in parts:
        results["text"] = {"bare_read_langdetect_per_s": round(bare_text(text), 1)}
        results["text"]["newsmon"] = newsmon_backfill(text[0].parent, root / "text.duckdb")
        plain = without_prefect(text[0].parent, root / "plain.duckdb", workers)
        newsmon = results["text"]["newsmon"]
        results["text"]["without_prefect_s"] = round(plain, 1)
        results["text"]["prefect_share_of_flow"] = round(max(0.0, newsmon["flow_s"] - plain) / newsmon["flow_s"], 3)
        results["text"]["prefect_share_of_wall"] = round(max(0.0, newsmon["wall_s"] - plain) / newsmon["wall_s"], 3)
        results["text"]["ratio"] = round(newsmon["articles_per_s"] / results["text"]["bare_read_langdetect_per_s"], 2)
        print("text", json.dumps(results["text"]), flush=True)
    if "stages" in parts:
        results["stage_ms_per_article"] = {"text": stage_times(text[:100]), "html": stage_times(html[:100])}
        print("stages", json.dumps(results["stage_ms_per_article"]), flush=True)
    if "stored" in parts:
        results["store_ms_per_article_with_stored"] = stored_scaling(text)
        print("stored", json.dumps(results["store_ms_per_article_with_stored"]), flush=True)
    if "rss" in parts:
        big = make_corpus("plaintext", args.rss, root / f"text-{args.rss}")
        results["rss_run"] = newsmon_backfill(big[0].parent, root / "rss.duckdb")
        print("rss", json.dumps(results["rss_run"]), flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
