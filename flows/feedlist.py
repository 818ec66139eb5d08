"""The feeds file (`feeds.toml`): which feeds to poll and how; read once per poll."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UserError

FEEDS_ENV = "NEWSMON_FEEDS"
DEFAULT_FEEDS = "feeds.toml"
DEFAULT_INTERVAL_MINUTES = 15
_KEYS = {"name", "url", "outlet", "language", "interval_minutes", "fetch", "trusted", "category"}


class FeedsFileError(UserError):
    """The feeds file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Feed:
    url: str
    name: str
    outlet: str | None = None  # overrides the outlet the pages state
    language: str | None = None  # used when detection cannot decide
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES
    fetch: str = "article"  # "article": fetch each entry's page; "summary": keep the feed's own content
    trusted: bool = False  # allows addresses inside the local network (tests, intranet feeds)
    category: str | None = None  # the OPML folder it came from or goes to, e.g. "News/World"


def url_problem(url: object) -> str | None:
    """Why `url` cannot be a feed's URL, or None when it can: the one check the feeds file, `poll --feed`
    and `feeds add` / `feeds import` share."""
    if not isinstance(url, str):
        return "'url' must be an http(s) URL"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url != url.strip():
        return f"not an http(s) URL: {url!r}"
    return None


def default_feeds_path() -> str:
    return os.environ.get(FEEDS_ENV) or DEFAULT_FEEDS


def load_feeds(path: str | Path) -> list[Feed]:
    """Every `[[feed]]` of the file, checked; a mistake names the feed and the key."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise FeedsFileError(f"no feeds file at {file} (copy feeds.example.toml to start one)") from exc
    except IsADirectoryError as exc:
        raise FeedsFileError(f"the feeds file {file} is a folder: name a TOML file (see feeds.example.toml)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"cannot read the feeds file {file}: {getattr(exc, 'strerror', None) or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FeedsFileError(f"{file}: {exc}") from exc
    feeds = []
    for index, entry in enumerate(data.get("feed", []), start=1):
        where = f"{file}, feed {index}"
        unknown = set(entry) - _KEYS
        if unknown:
            raise FeedsFileError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
        if url_problem(entry.get("url")):
            raise FeedsFileError(f"{where}: 'url' must be an http(s) URL, not {entry.get('url')!r}")
        if entry.get("fetch", "article") not in ("article", "summary"):
            raise FeedsFileError(f"{where}: 'fetch' is 'article' or 'summary', not {entry['fetch']!r}")
        interval = entry.get("interval_minutes", DEFAULT_INTERVAL_MINUTES)
        if not isinstance(interval, int) or interval < 1:
            raise FeedsFileError(f"{where}: 'interval_minutes' must be a whole number of minutes >= 1")
        feeds.append(Feed(
            url=entry["url"], name=entry.get("name") or entry["url"], outlet=entry.get("outlet"),
            language=entry.get("language"), interval_minutes=interval, fetch=entry.get("fetch", "article"),
            trusted=bool(entry.get("trusted", False)), category=entry.get("category"),
        ))
    return feeds
