"""newsmon's environment variables, read and checked in one place before any work starts.

The modules that use a value still read it where they need it (worker processes, scheduled runs);
the `newsmon` command calls `load_settings()` first, so a typo stops it at once with the variable's name
instead of surfacing as a traceback from deep inside a Prefect run.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import UserError

if TYPE_CHECKING:
    from .executors import Executor

DB = "NEWSMON_DB"
LOCK_TIMEOUT = "NEWSMON_LOCK_TIMEOUT"
WORKERS = "NEWSMON_WORKERS"
HTTP_TIMEOUT = "NEWSMON_HTTP_TIMEOUT"
STORY_THRESHOLD = "NEWSMON_STORY_THRESHOLD"
ALERT_REVISIONS = "NEWSMON_ALERT_REVISIONS"
WEBHOOKS = "NEWSMON_WEBHOOKS"
FEEDS = "NEWSMON_FEEDS"
BOILERPLATE = "NEWSMON_BOILERPLATE"
FIGURES = "NEWSMON_FIGURES"
WATCHLIST = "NEWSMON_WATCHLIST"
CLAIM_WINDOW = "NEWSMON_CLAIM_WINDOW_DAYS"
DELIVERY_BACKOFF = "NEWSMON_DELIVERY_BACKOFF"
DELIVERY_WAIT = "NEWSMON_DELIVERY_WAIT"
NOTIFY = "NEWSMON_NOTIFY"
WEBHOOK_SECRET = "NEWSMON_WEBHOOK_SECRET"
EXECUTOR = "NEWSMON_EXECUTOR"
VARIABLES = (DB, LOCK_TIMEOUT, WORKERS, HTTP_TIMEOUT, STORY_THRESHOLD, ALERT_REVISIONS, WEBHOOKS, FEEDS,
             BOILERPLATE, FIGURES, WATCHLIST, CLAIM_WINDOW, DELIVERY_BACKOFF, DELIVERY_WAIT, NOTIFY, WEBHOOK_SECRET,
             EXECUTOR)

# The spellings flows/alerts.py reads as on; anything else but these and the off ones is a mistake.
_ON = ("1", "true", "yes")
_OFF = ("", "0", "false", "no")


class SettingsError(UserError):
    """An environment variable with a value newsmon cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """The checked values; None where the variable is unset and the code's own default applies."""

    db: str | None
    lock_timeout: float | None
    workers: int | None
    http_timeout: float | None
    story_threshold: float | None
    alert_revisions: bool
    webhooks: tuple[str, ...]
    feeds: str | None
    boilerplate: tuple[str, ...]
    figures: tuple[str, ...]
    watchlist: str | None
    claim_window_days: int | None
    delivery_backoff: float | None = None
    delivery_wait: float | None = None
    notify: tuple[str, ...] = ()  # Apprise URLs (flows/channels.py)
    executor: Executor | None = None  # None: local


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Every NEWSMON_ variable, checked; raises SettingsError naming the first bad one."""

    def value(name: str) -> str | None:
        text = environ.get(name, "").strip()
        return text or None

    return Settings(
        db=value(DB),
        lock_timeout=_number(LOCK_TIMEOUT, value(LOCK_TIMEOUT), float, "seconds", low=0, example="60"),
        workers=_number(WORKERS, value(WORKERS), int, "processes", low=1, example="2"),
        http_timeout=_number(HTTP_TIMEOUT, value(HTTP_TIMEOUT), float, "seconds", low=0, example="10", low_open=True),
        story_threshold=_threshold(value(STORY_THRESHOLD)),
        alert_revisions=_switch(ALERT_REVISIONS, value(ALERT_REVISIONS)),
        webhooks=_urls(WEBHOOKS, value(WEBHOOKS)),
        feeds=value(FEEDS),
        boilerplate=_toml_files(BOILERPLATE, value(BOILERPLATE)),
        figures=_toml_files(FIGURES, value(FIGURES)),
        watchlist=(_toml_files(WATCHLIST, value(WATCHLIST), several=False) or (None,))[0],
        claim_window_days=_number(CLAIM_WINDOW, value(CLAIM_WINDOW), int, "days", low=0, example="7"),
        delivery_backoff=_number(DELIVERY_BACKOFF, value(DELIVERY_BACKOFF), float, "seconds", low=0, example="60"),
        delivery_wait=_number(DELIVERY_WAIT, value(DELIVERY_WAIT), float, "seconds", low=0, example="30"),
        notify=_apprise_urls(value(NOTIFY)),
        executor=_executor(value(EXECUTOR)),
    )


def _executor(text: str | None):
    if text is None:
        return None
    from .executors import parse_executor

    try:
        return parse_executor(text)
    except UserError as exc:
        raise SettingsError(f"{EXECUTOR}: {exc}") from None


def _number(name: str, text: str | None, kind: type, unit: str, low: float, example: str, low_open: bool = False):
    if text is None:
        return None
    fix = f"set it to e.g. {example}, or unset it for the default"
    try:
        number = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name}={text!r} is not {what} of {unit}: {fix}") from None
    if number != number or number < low or (low_open and number == low):  # number != number: nan
        bound = f"above {low}" if low_open else f"{low} or more"
        raise SettingsError(f"{name}={text!r}: must be {bound} {unit}: {fix}")
    return number


def _threshold(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not 0 < number <= 1:
        raise SettingsError(f"{STORY_THRESHOLD}={text!r}: must be a number above 0 and at most 1 (default 0.5)")
    return number


def _switch(name: str, text: str | None) -> bool:
    word = (text or "").lower()
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise SettingsError(f"{name}={text!r}: use 1 (on) or 0 (off)")


def _urls(name: str, text: str | None) -> tuple[str, ...]:
    urls = tuple(u for u in (text or "").replace(",", " ").split() if u)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{name}: {url!r} is not an http(s) URL (URLs are separated by spaces or commas)")
    return urls


def _apprise_urls(text: str | None) -> tuple[str, ...]:
    from .channels import ChannelError, checked_apprise_url, split_urls

    try:
        return tuple(checked_apprise_url(u, NOTIFY) for u in split_urls(text))
    except ChannelError as exc:
        raise SettingsError(str(exc)) from None


def _toml_files(name: str, text: str | None, several: bool = True) -> tuple[str, ...]:
    paths = tuple(p for p in (text or "").split(os.pathsep) if p) if several else ((text,) if text else ())
    for path in paths:
        file = Path(path).expanduser()
        if not file.is_file():
            state = "is a folder" if file.is_dir() else "does not exist"
            hint = f" (several: separated by {os.pathsep})" if several else ""
            raise SettingsError(f"{name}: {path} {state}; name a TOML file{hint}, or unset it")
        try:
            tomllib.loads(file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{name}: cannot read {path}: {exc}") from None
    return paths
