"""The HTTP layer against real sockets on 127.0.0.1: one deadline for a whole response, headers
included, and an address guard that sees IPv4 addresses inside IPv6 ones."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import pytest

from flows.http import FetchRefused, check_url, fetch, http_client, public_address


class Dribbler:
    """A server that answers every connection with its headers one byte at a time, `pause` apart,
    for `total` bytes of headers (long after any sane deadline), then a small body."""

    def __init__(self, pause: float = 0.25, total: int = 400):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.pause, self.total = pause, total
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.xml"
        self.sent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._dribble, args=(conn,), daemon=True).start()

    def _dribble(self, conn):
        conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"a" * self.total + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        try:
            for byte in head:
                conn.sendall(bytes([byte]))
                self.sent += 1
                time.sleep(self.pause)
        except OSError:
            pass  # the client hung up: what the deadline is for
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def test_headers_dribbled_a_byte_at_a_time_are_cut_at_the_deadline(monkeypatch):
    monkeypatch.setenv("NEWSMON_HTTP_TIMEOUT", "1")  # each read gets a byte well within 1 s; the whole: 3 s
    server = Dribbler()
    try:
        with http_client() as client:
            result = fetch(client, server.url, trusted=True)
    finally:
        server.close()
    assert result.error == "too slow: no full response in 3 s" and result.status is None
    assert server.sent < len(b"HTTP/1.1 200 OK\r\n") + server.total  # cut inside the headers


def test_the_deadline_leaves_normal_responses_alone(monkeypatch):
    monkeypatch.setenv("NEWSMON_HTTP_TIMEOUT", "5")
    server = Dribbler(pause=0, total=10)
    try:
        with http_client() as client:
            result = fetch(client, server.url, trusted=True)
            again = fetch(client, server.url, trusted=True)  # a second fetch on the same client gets its own deadline
    finally:
        server.close()
    assert (result.ok, result.body, again.ok) == (True, b"ok", True)


@pytest.mark.parametrize(
    "host",
    [
        "[::127.0.0.1]",  # IPv4-compatible loopback
        "[::ffff:127.0.0.1]",  # IPv4-mapped
        "[::ffff:10.0.0.1]",
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254, the metadata service
        "[64:ff9b:1::a00:1]",  # local-use NAT64 of 10.0.0.1
        "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
        "[2002:c0a8:101::1]",  # 6to4 of 192.168.1.1
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo, client 127.0.0.1
        "[fe80::1]", "[fc00::1]", "[ff02::1]", "[::]",
    ],
)
def test_the_guard_sees_ipv4_inside_ipv6(host):
    with pytest.raises(FetchRefused, match="non-public address"):
        check_url(f"http://{host}/feed.xml")


def test_public_addresses_behind_nat64_and_6to4_stay_allowed():
    for text in ("64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111", "8.8.8.8"):
        assert public_address(ipaddress.ip_address(text)), text
