"""Where alerts go: the configured channels, and one send function per kind of channel.

A channel is `kind:target`, stored with each delivery (storage/deliveries.py):
- `webhook:<url>`, one per NEWSMON_WEBHOOKS URL: a JSON POST of the alert in newsmon's own shape, with an
  `Idempotency-Key` header and, when NEWSMON_WEBHOOK_SECRET is set, an HMAC-SHA256 signature of the body;
- `apprise:<url>`, one per Apprise URL of NEWSMON_NOTIFY and of the `[notify]` section of the feeds file
  (mailto://, slack://, tgram://, ntfy://, json://, form:// ...): a readable message, title and text.

Channel URLs carry secrets (passwords, tokens): anything shown or logged goes through `channel_label`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from extractors.notification import Message

from .errors import UserError
from .feedlist import default_feeds_path

WEBHOOKS_ENV = "NEWSMON_WEBHOOKS"  # URLs separated by spaces or commas
NOTIFY_ENV = "NEWSMON_NOTIFY"  # Apprise URLs separated by spaces or commas
SECRET_ENV = "NEWSMON_WEBHOOK_SECRET"  # signs webhook bodies (X-Newsmon-Signature)
SEND_TIMEOUT = 10.0  # seconds for one POST, connection to last byte
IDEMPOTENCY_HEADER = "Idempotency-Key"
SIGNATURE_HEADER = "X-Newsmon-Signature"
NOTIFY_SECTION = "notify"
# Apprise kinds that are HTTP requests of ours: they carry the idempotency key as a header too.
_APPRISE_HTTP = {"json", "jsons", "form", "forms", "xml", "xmls"}


class DeliveryFailed(Exception):
    """An attempt that did not deliver; the message is the delivery's last_error."""


class ChannelError(UserError):
    """A channel URL newsmon cannot use; the message says where it is set."""


@dataclass(frozen=True)
class Notification:
    """What one delivery sends: text for people (Apprise channels) and a JSON document for machines
    (webhooks), under the idempotency key that stays the same on every attempt."""

    message: Message
    document: dict
    key: str


@dataclass(frozen=True)
class Routing:
    """Where a run's new alerts go: the channels, and the digest period (None: one message per alert)."""

    channels: tuple[str, ...] = ()
    digest: str | None = None


def checked_digest(digest: str | None) -> str | None:
    """The digest period a run was given ('hourly' | 'daily'), None for one message per alert."""
    from storage.deliveries import DIGESTS

    if digest is None or digest in DIGESTS:
        return digest
    raise UserError(f"digest is {' or '.join(DIGESTS)} (or none for one message per alert), not {digest!r}")


def split_urls(text: str | None) -> list[str]:
    return [u for u in (text or "").replace(",", " ").split() if u]


def configured_channels(feeds_file: str | None = None) -> tuple[str, ...]:
    """Every channel configured now: NEWSMON_WEBHOOKS, NEWSMON_NOTIFY and the `[notify]` urls of the feeds
    file (the one given, else NEWSMON_FEEDS or ./feeds.toml when it exists), each once."""
    channels = [f"webhook:{u}" for u in split_urls(os.environ.get(WEBHOOKS_ENV))]
    for url in split_urls(os.environ.get(NOTIFY_ENV)):
        channels.append(f"apprise:{checked_apprise_url(url, NOTIFY_ENV)}")
    file = feeds_file or default_feeds_path()
    if feeds_file or Path(file).is_file():
        channels += [f"apprise:{u}" for u in notify_section(file)]
    return tuple(dict.fromkeys(channels))


def notify_section(path: str | Path) -> list[str]:
    """The Apprise URLs of the feeds file's `[notify]` table (`urls = [...]`), checked; [] without one."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ChannelError(f"cannot read the feeds file {path}: {exc}") from exc
    section = data.get(NOTIFY_SECTION, {})
    where = f"{path}, [{NOTIFY_SECTION}]"
    if not isinstance(section, dict) or set(section) - {"urls"}:
        raise ChannelError(f"{where}: the only key is `urls`, a list of Apprise URLs (docs/alerts.md)")
    urls = section.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise ChannelError(f"{where}: `urls` is a list of strings, e.g. urls = [\"mailto://user:pass@example.org\"]")
    return [checked_apprise_url(u.strip(), where) for u in urls if u.strip()]


def checked_apprise_url(url: str, where: str) -> str:
    """`url` when Apprise can send to it; a ChannelError naming `where` otherwise (the URL masked)."""
    import apprise

    if apprise.Apprise.instantiate(url) is None:
        raise ChannelError(
            f"{where}: {mask_url(url)!r} is not an Apprise URL newsmon can use (mailto://, slack://, tgram://, "
            "ntfy://, json:// ...; see docs/alerts.md)"
        )
    return url


def channel_label(channel: str) -> str:
    """The channel as it may be shown and logged: passwords, tokens and query values masked."""
    kind, _, target = channel.partition(":")
    if kind == "apprise":
        import apprise

        plugin = apprise.Apprise.instantiate(target)
        return f"apprise:{plugin.url(privacy=True).split('?')[0] if plugin else mask_url(target)}"
    return f"{kind}:{mask_url(target)}"


def mask_url(url: str) -> str:
    """A URL without its secrets: the password of its user part and every query value become ****."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':')[0]}:****@{host}" if ":" in user else f"{user}@{host}"
    query = urlencode([(k, "****") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*+")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def signature(secret: str, body: bytes) -> str:
    """The X-Newsmon-Signature value of a body: `sha256=` and the hex HMAC-SHA256 of its exact bytes."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_webhook(target: str, notification: Notification) -> None:
    """POST the JSON document, signed when NEWSMON_WEBHOOK_SECRET is set; raise on anything but a 2xx."""
    body = json.dumps(notification.document, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: notification.key}
    secret = os.environ.get(SECRET_ENV, "")
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    response = httpx.post(target, content=body, headers=headers, timeout=SEND_TIMEOUT)
    if response.status_code >= 300:
        raise DeliveryFailed(f"HTTP {response.status_code}")


def send_apprise(target: str, notification: Notification) -> None:
    """Send the message through Apprise; its notify() answering False (the service refused, no answer)
    is a failed attempt, retried later. json:// and form:// requests carry the idempotency key."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(_with_key(target, notification.key)):
        raise DeliveryFailed("not an Apprise URL (it was when the alert was stored: is Apprise older now?)")
    message = notification.message
    if not notifier.notify(title=message.title, body=message.body, body_format=apprise.NotifyFormat.TEXT):
        raise DeliveryFailed("Apprise could not deliver (its warning in the log says why)")


def _with_key(url: str, key: str) -> str:
    """An Apprise json://, form:// or xml:// URL with the idempotency key as an extra header (`+Name=`)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in _APPRISE_HTTP:
        return url
    query = "&".join(q for q in (parts.query, urlencode({f"+{IDEMPOTENCY_HEADER}": key})) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
