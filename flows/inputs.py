"""Finding and reading input files, and the pipeline from a document's bytes to a row to store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.decoding import UnreadableInput, decode_bytes
from extractors.fingerprint import bytes_hash, content_hash
from extractors.formats import HTML_SUFFIXES, TEXT_SUFFIXES
from storage import ArticleRow, SkippedInput

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
# Larger files are not articles (archives, dumps); reading them would only cost memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Discovery:
    files: list[str]  # absolute paths, sorted, each once
    skipped: list[SkippedInput]


def discover(paths: list[str]) -> Discovery:
    """Files under `paths` (recursively) that newsmon reads, and the others with the reason they are not read.

    Hidden directories (.git, .venv) are not entered.
    """
    files: set[str] = set()
    skipped: list[SkippedInput] = []
    for given in paths:
        root = Path(given).expanduser()
        if not root.exists():
            skipped.append(SkippedInput(str(root.absolute()), "path does not exist"))
            continue
        candidates = [root] if root.is_file() else _walk(root)
        for path in candidates:
            resolved = str(path.resolve())
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.add(resolved)
            else:
                kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
                skipped.append(
                    SkippedInput(resolved, f"unsupported file type {kind} (reads {', '.join(SUPPORTED_SUFFIXES)})")
                )
    return Discovery(sorted(files), skipped)


def _walk(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative[:-1]) or not path.is_file():
            continue
        found.append(path)
    return found


@dataclass
class ReadBatch:
    """One batch of files after the pipeline, before storage."""

    rows: list[ArticleRow] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    unchanged: int = 0  # files whose bytes were already stored

    def release(self) -> None:
        """Drop the articles once they are stored. Prefect keeps every task run's parameters until its
        flow ends (PrefectHQ/prefect#12668): a batch that kept its articles would make a backfill's
        memory grow with the corpus (measured: the flow's process at 1 GB after 100,000 articles)."""
        self.rows, self.skipped = [], []


# In a worker process: where read_files reports each file it is done with (a queue the flow's process
# drains into its progress bar); None when nobody is watching.
_report_progress: Callable[[int], None] | None = None


def start_worker(parent: int, progress=None) -> None:
    """Worker-process initializer: watch the parent (`watch_parent`) and, given a queue (a
    multiprocessing SimpleQueue), put 1 on it for every file read."""
    global _report_progress
    watch_parent(parent)
    _report_progress = progress.put if progress is not None else None


def watch_parent(parent: int) -> None:
    """Worker-process initializer: exit when the flow's process is gone. A flow killed with kill -9
    cannot tell its pool to stop, and the workers would wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def read_files(
    paths: list[str], stored_hashes: dict[str, frozenset[str]], progress: Callable[[int], None] | None = None
) -> ReadBatch:
    """Read and process a batch of files: the CPU-bound part of a backfill, run in worker processes
    (this module imports no Prefect, so a worker starts quickly). `progress(1)` after each file;
    in a worker started by `start_worker` with a queue, that queue is told."""
    batch = ReadBatch()
    report = progress or _report_progress
    for path in paths:
        result = read_article(path, stored_hashes.get(path, frozenset()))
        if report is not None:
            report(1)
        if result is None:
            batch.unchanged += 1
        elif isinstance(result, SkippedInput):
            batch.skipped.append(result)
        else:
            batch.rows.append(result)
    return batch


@dataclass(frozen=True)
class Hints:
    """What a feed says about an entry: used where the page itself says nothing (the outlet overrides;
    with neither, the page's domain names the outlet)."""

    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    language: str | None = None


def read_article(path: str, stored_hashes: frozenset[str] = frozenset()) -> ArticleRow | SkippedInput | None:
    """Read one file and run it through the extractors.

    None when the file's bytes are among `stored_hashes` (stored by an earlier run);
    a file we cannot use comes back as SkippedInput with the reason.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return SkippedInput(path, f"file too large ({size} bytes, limit {MAX_FILE_BYTES})")
        data = file.read_bytes()
    except OSError as exc:
        return SkippedInput(path, f"cannot read file: {exc.strerror or exc}")
    raw_hash = bytes_hash(data)
    if raw_hash in stored_hashes:
        return None
    return article_row(path, data, file.suffix, raw_hash=raw_hash)


def article_row(
    source: str,
    data: bytes,
    suffix: str,
    hints: Hints | None = None,
    charset: str | None = None,
    raw_hash: str | None = None,
) -> ArticleRow | SkippedInput:
    """The whole pipeline for one document's bytes: decode, clean, figures, claims, fingerprint.
    `raw_hash` is the bytes' sha256 when the caller has already computed it."""
    # Imported here: only the processes that read documents load trafilatura, langdetect and jusText.
    from extractors.article import clean_document
    from extractors.claims import claims_from_figures
    from extractors.figures import extract_figures
    from extractors.minhash import minhash_signature
    from extractors.outlets import outlet_from_url

    try:
        decoded = decode_bytes(data, charset)
    except UnreadableInput as exc:
        return SkippedInput(source, str(exc))
    article = clean_document(decoded.text, suffix)
    if not article.text.strip():
        return SkippedInput(source, "no article text found after removing boilerplate")
    if hints:
        article = dataclasses.replace(
            article,
            title=article.title or hints.title,
            published=article.published or hints.published,
            published_precision=article.published_precision or ("day" if hints.published else None),
            outlet=hints.outlet or article.outlet or outlet_from_url(source),
            language=article.language or hints.language,
        )
    figures = extract_figures(
        article.text, article.language, article.published, precision=article.published_precision or "day"
    )
    claims = claims_from_figures(article.text, figures, article.published, language=article.language)
    return ArticleRow(
        source=source,
        format="html" if suffix.lower() in HTML_SUFFIXES else "text",
        encoding=decoded.encoding,
        raw_hash=raw_hash or bytes_hash(data),
        raw_size=len(data),
        content_hash=content_hash(article.text),
        title=article.title,
        published=article.published,
        published_precision=article.published_precision,
        author=article.author,
        outlet=article.outlet,
        language=article.language,
        language_probability=article.language_probability,
        text=article.text,
        figures=tuple(figures),
        claims=tuple(claims),
        signature=minhash_signature(article.text),
    )
