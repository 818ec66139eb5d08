"""Finding and reading input files, and the pipeline from a document's bytes to a row to store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from extractors.decoding import UnreadableInput, decode_bytes
from extractors.fingerprint import bytes_hash, content_hash
from extractors.formats import HTML_SUFFIXES, TEXT_SUFFIXES
from storage import ArticleRow, SkippedInput

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
# Larger files are not articles (archives, dumps); reading them would only cost memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Discovery:
    files: list[str]  # absolute paths as the OS gives them (undecodable bytes as surrogates), sorted, each once
    skipped: list[SkippedInput]


def source_name(path: str) -> str:
    """How a file path is stored: as it is when it is valid UTF-8; otherwise as its file: URI
    (RFC 8089), the name's bytes percent-encoded (`file:///in/caf%E9.txt`), which
    `urllib.parse.unquote_to_bytes` turns back into the exact bytes. Stored paths otherwise start with
    '/', so the two forms never meet. Python hands such names over with surrogates in them
    (os.fsdecode), which DuckDB cannot store; one such name used to stop a whole backfill."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return Path(path).absolute().as_uri()


def given_path(given: str) -> Path:
    """A path as a caller gives it: a plain path, or the file: URI `source_name` makes of a name that is
    not UTF-8 (how such a path travels through Prefect, whose parameters are JSON)."""
    if given.startswith("file:"):
        return Path(os.fsdecode(unquote_to_bytes(urlsplit(given).path)))
    return Path(given).expanduser()


def discover(paths: list[str]) -> Discovery:
    """Files under `paths` (recursively) that newsmon reads, and every other entry met with the reason
    it is not read: other file types, hidden folders (.git, .venv: not entered), folders that cannot be
    listed, links that lead nowhere or in a loop, links to folders (not followed), FIFOs, sockets, devices.
    """
    files: set[str] = set()
    skipped: list[SkippedInput] = []
    for given in paths:
        root = given_path(given)
        if not root.exists() and not root.is_symlink():
            skipped.append(SkippedInput(source_name(str(root.absolute())), "path does not exist"))
            continue
        if root.is_dir():
            entries = _walk(root, skipped)
        else:
            entries = [root]
        for path in entries:
            reason = _not_a_file(path)
            if reason:
                skipped.append(SkippedInput(source_name(str(path.absolute())), reason))
                continue
            resolved = str(path.resolve())
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.add(resolved)
            else:
                kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
                skipped.append(SkippedInput(
                    source_name(resolved), f"unsupported file type {kind} (reads {', '.join(SUPPORTED_SUFFIXES)})"
                ))
    return Discovery(sorted(files), skipped)


def _walk(root: Path, skipped: list[SkippedInput]) -> list[Path]:
    """Every entry under `root` that is not a folder, in order; hidden folders and folders that cannot
    be listed go to `skipped`. Links to folders are entries (not followed: no loops, no escapes)."""
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        skipped.append(SkippedInput(source_name(str(Path(error.filename).absolute())),
                                    f"cannot read folder: {error.strerror or error}"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        for name in sorted(subfolders):
            if name.startswith("."):
                skipped.append(SkippedInput(source_name(str((here / name).absolute())), "hidden folder, not entered"))
        subfolders[:] = sorted(n for n in subfolders if not n.startswith("."))
        found += [here / name for name in names]
        # os.walk lists links to folders among the folders and does not enter them: they are entries too
        found += [here / name for name in subfolders if (here / name).is_symlink()]
    return sorted(found)


def _not_a_file(path: Path) -> str | None:
    """Why `path` is not a regular file newsmon can read, or None when it is one."""
    try:
        mode = path.stat().st_mode  # follows links
    except FileNotFoundError:
        return f"broken symbolic link (to {os.readlink(path)}, which does not exist)" if path.is_symlink() else "path does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "symbolic link to a folder, not followed (give the folder itself to read it)"
    if stat.S_ISFIFO(mode):
        return "not a regular file (a FIFO)"
    if stat.S_ISSOCK(mode):
        return "not a regular file (a socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (a device)"
    return "not a regular file"


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
    source = source_name(path)
    try:
        data = _read_regular_file(path)
    except _NotReadable as exc:
        return SkippedInput(source, str(exc))
    except OSError as exc:
        return SkippedInput(source, f"cannot read file: {exc.strerror or exc}")
    raw_hash = bytes_hash(data)
    if raw_hash in stored_hashes:
        return None
    return article_row(source, data, Path(path).suffix, raw_hash=raw_hash)


class _NotReadable(OSError):
    pass


def _read_regular_file(path: str) -> bytes:
    """The file's bytes. Opened without blocking and checked to be a regular file on the open handle:
    a file replaced by a FIFO after discovery would otherwise block the batch forever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotReadable("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise _NotReadable(f"file too large ({info.st_size} bytes, limit {MAX_FILE_BYTES})")
        return handle.read()


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
