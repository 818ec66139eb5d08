"""Fetching feeds and pages from the real web: timeouts, caps and an address guard on every hop.

Redirects are followed by hand so each hop is checked (scheme, address) and counted; the body is read
as a stream and cut at a size cap after decompression, so neither a 50 MB page nor a gzip bomb can
exhaust memory; a total deadline stops servers that dribble bytes just inside the read timeout.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "newsmon/0.1 (news monitoring; +https://github.com/newsmon)"
TIMEOUT_ENV = "NEWSMON_HTTP_TIMEOUT"  # seconds to wait for a connection or for the next bytes
DEFAULT_TIMEOUT = 10.0
MAX_BYTES = 10 * 1024 * 1024  # decoded body
MAX_REDIRECTS = 5


class FetchRefused(Exception):
    """A URL newsmon will not fetch: another scheme, or an address inside the local network."""


@dataclass(frozen=True)
class Fetched:
    """One HTTP exchange after redirects: the body, or why there is none."""

    url: str  # the final URL, after redirects
    status: int | None = None  # None when no response arrived (timeout, refused, too large ...)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_url(url: str, trusted: bool = False) -> None:
    """Raise FetchRefused unless `url` is http(s) and (unless trusted) resolves only to public addresses.

    Loopback, private, link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT,
    multicast and reserved addresses are refused: a feed must not make newsmon probe the local network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}: {url}")
    if not parts.hostname:
        raise FetchRefused(f"no host in {url}")
    if trusted:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise FetchRefused(f"cannot resolve {parts.hostname}: {exc.strerror}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not address.is_global or address.is_multicast:
            raise FetchRefused(f"{parts.hostname} resolves to {address}, a non-public address (to allow it: trusted = true in the feeds file, or --trusted with --feed)")


def fetch(
    client: httpx.Client,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    trusted: bool = False,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET `url`; never raises for network trouble: the reason is in `Fetched.error`."""
    total_timeout = 3 * http_timeout()  # a whole response, however slowly it trickles in
    deadline = time.monotonic() + total_timeout
    current = url
    for _ in range(max_redirects + 1):
        try:
            check_url(current, trusted)
        except FetchRefused as exc:
            return Fetched(current, error=str(exc))
        try:
            with client.stream("GET", current, headers=headers or {}) as response:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                found = {k.lower(): v for k, v in response.headers.items()}
                if response.status_code != 200:
                    return Fetched(current, response.status_code, headers=found, error=_status_error(response.status_code))
                declared = int(found.get("content-length") or 0)
                if declared > max_bytes and "content-encoding" not in found:
                    return Fetched(current, 200, headers=found, error=f"body too large: {declared} bytes (limit {max_bytes})")
                body = bytearray()
                for chunk in response.iter_bytes():  # decompressed: the cap holds for gzip bombs too
                    body += chunk
                    if len(body) > max_bytes:
                        return Fetched(current, 200, headers=found, error=f"body too large: over {max_bytes} bytes")
                    if time.monotonic() > deadline:
                        return Fetched(current, 200, headers=found, error=f"too slow: no full response in {total_timeout:.0f} s")
                return Fetched(current, 200, bytes(body), found)
        except httpx.TimeoutException as exc:
            return Fetched(current, error=f"timeout ({type(exc).__name__})")
        except httpx.DecodingError as exc:
            return Fetched(current, error=f"cannot decode the response body: {exc}")
        except httpx.HTTPError as exc:
            return Fetched(current, error=f"{type(exc).__name__}: {exc}")
    return Fetched(current, error=f"more than {max_redirects} redirects (a loop?)")


def http_timeout() -> float:
    return float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)


def http_client() -> httpx.Client:
    """One client per task: connection reuse, our timeouts, gzip and deflate accepted, no automatic redirects."""
    return httpx.Client(
        timeout=httpx.Timeout(http_timeout()),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _status_error(status: int) -> str | None:
    if status == 304:
        return None
    return f"HTTP {status}"
