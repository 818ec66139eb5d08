"""Editing the feeds file in place (`newsmon feeds add/remove/import/export`): the file stays the one
source of truth, and its comments and layout survive every edit.

tomlkit reads the file and writes the new `[[feed]]` tables; an edit only appends text or cuts one
table's own lines, so whatever else the user wrote stays byte for byte. Every result is checked by
`load_feeds` before it replaces the file (through a temporary file: a crash leaves the old one)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Comment, Whitespace

from extractors.opml import NotOpml, OpmlFeed, parse_opml, write_opml
from extractors.urls import canonical_url

from .errors import UserError
from .feedlist import (
    DEFAULT_INTERVAL_MINUTES,
    Feed,
    FeedsFileError,
    load_feeds,
    url_problem,
)

NEW_FILE_HEADER = "# Feeds newsmon polls (see feeds.example.toml for every key). Edited by `newsmon feeds`.\n"


@dataclass(frozen=True)
class ImportResult:
    added: list[Feed] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # URLs the file had before
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (URL, reason)


def feed_entry(feed: Feed) -> dict:
    """The keys a `[[feed]]` table needs for this feed: defaults are left out, as a person would write it."""
    entry: dict = {"name": feed.name, "url": feed.url} if feed.name != feed.url else {"url": feed.url}
    for key, value, default in (
        ("outlet", feed.outlet, None), ("language", feed.language, None),
        ("interval_minutes", feed.interval_minutes, DEFAULT_INTERVAL_MINUTES), ("fetch", feed.fetch, "article"),
        ("trusted", feed.trusted, False), ("category", feed.category, None),
    ):
        if value != default:
            entry[key] = value
    return entry


def add_feeds(path: str | Path, feeds: list[Feed], note: str | None = None) -> ImportResult:
    """Append the feeds the file does not have yet (same URL once canonical); a missing file is created.
    `note` becomes a comment above the appended tables."""
    file = Path(path)
    text = _read(file) if file.exists() else NEW_FILE_HEADER
    known = {_identity(f.url) for f in load_feeds(file)} if file.exists() else set()
    added, already, rejected = [], [], []
    for feed in feeds:
        problem = url_problem(feed.url)
        if problem:
            rejected.append((feed.url, problem))
        elif _identity(feed.url) in known:
            already.append(feed.url)
        else:
            known.add(_identity(feed.url))
            added.append(feed)
    if added:
        fragment = tomlkit.dumps({"feed": [feed_entry(f) for f in added]})
        comment = "".join(f"# {line}\n" for line in note.splitlines()) if note else ""
        _write(file, text.rstrip("\n") + "\n\n" + comment + fragment)
    return ImportResult(added, already, rejected)


def remove_feed(path: str | Path, url: str) -> Feed:
    """Cut the `[[feed]]` table of `url` (compared canonically) out of the file: its header, keys and the
    comments between them. Comments above or below it stay. An unknown URL is the user's mistake."""
    file = Path(path)
    feeds = load_feeds(file)
    text = _read(file)
    wanted = _identity_or_none(url)
    matches = [i for i, f in enumerate(feeds) if wanted is not None and _identity(f.url) == wanted]
    if not matches:
        listed = ", ".join(f.url for f in feeds[:5]) + (" ..." if len(feeds) > 5 else "") or "none"
        raise UserError(f"{file} has no feed {url} (its feeds: {listed}; see `newsmon feeds list`)")
    tables = tomlkit.parse(text).get("feed")
    if not isinstance(tables, AoT):
        raise FeedsFileError(f"{file}: feeds are written as an inline array; remove {url} by hand")
    start, end = _own_span(text, tables, matches[0])
    head, rest = text[:start], text[end:]
    edited = head + (rest.lstrip("\n") if head.endswith("\n\n") else rest)  # one blank line where it was
    left = [f for i, f in enumerate(feeds) if i != matches[0]]
    if [f.url for f in _parse_feeds(file, edited)] != [f.url for f in left]:
        raise FeedsFileError(f"{file}: cannot cut the table of {url} out cleanly; remove it by hand")
    _write(file, edited)
    return feeds[matches[0]]


def import_opml(path: str | Path, opml_file: str | Path) -> ImportResult:
    """Add every feed of an OPML file (a feed reader's export) that the feeds file lacks; its folders
    become each feed's `category`. Feeds with unusable URLs are reported, not added."""
    source = Path(opml_file)
    try:
        listed = parse_opml(source.read_bytes())
    except FileNotFoundError as exc:
        raise UserError(f"no such file: {source}") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{source} is a folder: give the OPML file a feed reader exported") from exc
    except NotOpml as exc:
        raise UserError(f"{source}: {exc}") from exc
    feeds = [Feed(url=f.url, name=f.title or f.url, category=f.category) for f in listed]
    note = f"imported from {source.name} on {dt.date.today().isoformat()}"
    return add_feeds(path, feeds, note=note)


def export_opml(path: str | Path) -> str:
    """The feeds file as OPML 2.0 (name as title, `category` as nested folders), for any feed reader."""
    file = Path(path)
    feeds = load_feeds(file)
    return write_opml([OpmlFeed(url=f.url, title=f.name, category=f.category) for f in feeds], f"newsmon feeds ({file.name})")


def _own_span(text: str, tables: AoT, index: int) -> tuple[int, int]:
    """Where table `index` of the `[[feed]]` array is written in `text`: from the start of its header line
    to the end of its last key, without the comments and blank lines after that key (they are about what
    follows it). tomlkit renders the document as the text it read, so each table's body is found in order."""
    cursor = 0
    for i, table in enumerate(tables):
        body = table.as_string()
        start = text.find(body, cursor)
        if start < 0:
            raise FeedsFileError("the feeds file's tables could not be located; edit it by hand")
        header = text.rfind("[[", cursor, start)
        cursor = start + len(body)
        if i == index:
            break
    trailing = 0
    for key, item in reversed(table.value.body):
        if key is not None or not isinstance(item, (Comment, Whitespace)):
            break
        trailing += len(item.as_string())
    return text.rfind("\n", 0, header) + 1, cursor - trailing


def _identity(url: str) -> str:
    return canonical_url(url)


def _identity_or_none(url: str) -> str | None:
    try:
        return canonical_url(url)
    except ValueError:
        return None


def _parse_feeds(file: Path, text: str) -> list[Feed]:
    """The feeds `text` would give as the feeds file (checked as `load_feeds` checks it)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FeedsFileError(f"{file}: the edit would not be valid TOML ({exc}); the file is unchanged") from exc
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / file.name
        probe.write_text(text, "utf-8")
        return load_feeds(probe)


def _read(file: Path) -> str:
    try:
        return file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"cannot read the feeds file {file}: {getattr(exc, 'strerror', None) or exc}") from exc


def _write(file: Path, text: str) -> None:
    """Replace the file with `text` once it is known good: a valid feeds file, written whole."""
    _parse_feeds(file, text)
    folder = file.parent if str(file.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"no folder {folder} for the feeds file {file}")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, file.stat().st_mode & 0o777 if file.exists() else 0o644)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
