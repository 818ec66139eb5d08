"""Fetching feeds and pages from the real web: timeouts, caps and an address guard on every hop.

Redirects are followed by hand so each hop is checked (scheme, address) and counted; the body is read
as a stream and cut at a size cap after decompression, so neither a 50 MB page nor a gzip bomb can
exhaust memory. One deadline covers a whole fetch, redirects, headers and body: every connect, read and
write on the socket waits at most until it (`_DeadlineBackend`), so a server that dribbles its headers
a byte a second is cut at the deadline like one that dribbles its body.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
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
    multicast and reserved addresses are refused: a feed must not make newsmon probe the local network.
    An IPv6 address that carries an IPv4 one (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d,
    NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32) is judged by the IPv4
    address it leads to (`public_address`)."""
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
        if not public_address(address):
            raise FetchRefused(f"{parts.hostname} resolves to {address}, a non-public address (to allow it: trusted = true in the feeds file, or --trusted with --feed)")


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to, by every embedding `ipaddress` and RFC 6052 know."""
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found += list(address.teredo)  # (server, client)
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether newsmon may connect to `address` for an untrusted feed: global, not multicast, and, for
    an IPv6 address carrying an IPv4 one, that IPv4 address too (NAT64 of a public server is fine)."""
    if address.version == 6:
        inner = embedded_ipv4(address)
        if inner:
            return not address.is_multicast and all(public_address(v4) for v4 in inner)
    return address.is_global and not address.is_multicast


# The deadline of the fetch running in this thread (monotonic seconds), read by every socket operation.
_deadline = threading.local()


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write waits at most until the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _until_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _until_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        tls = self._stream.start_tls(ssl_context, server_hostname, _until_deadline(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, with the fetch's deadline on every connect, read and write."""

    def __init__(self):
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _until_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        timeout = _until_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _until_deadline(timeout: float | None, error: type[Exception]) -> float | None:
    """The shorter of `timeout` and the time left before this thread's fetch deadline; past it, `error`."""
    deadline = getattr(_deadline, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineTransport(httpx.HTTPTransport):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # httpx builds its httpcore pool without a way to pass a network backend; the pool (a
        # ConnectionPool, or a proxy subclass of it) keeps it in this attribute (httpx 0.28, httpcore 1.0).
        self._pool._network_backend = _DeadlineBackend()


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
    _deadline.at = deadline
    try:
        return _fetch(client, url, headers, trusted, max_bytes, max_redirects, deadline, total_timeout)
    finally:
        _deadline.at = None


def _fetch(client, url, headers, trusted, max_bytes, max_redirects, deadline, total_timeout) -> Fetched:
    current = url
    too_slow = f"too slow: no full response in {total_timeout:g} s"
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
                        return Fetched(current, 200, headers=found, error=too_slow)
                return Fetched(current, 200, bytes(body), found)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                return Fetched(current, error=too_slow)
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
        transport=_DeadlineTransport(),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _status_error(status: int) -> str | None:
    if status == 304:
        return None
    return f"HTTP {status}"
