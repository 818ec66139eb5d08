"""A real HTTP server on 127.0.0.1 for the feed tests: feeds written here, pages from ../shared/eval/html,
and endpoints that misbehave on demand (304, 500 then recovery, slow, redirect loop, huge, gzip bomb ...)."""

from __future__ import annotations

import gzip
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape


def rss(items: list[dict], title: str = "Loopback News") -> bytes:
    """RSS 2.0; each item: title, link, guid, and optionally description and pubDate."""
    body = "".join(
        "<item><title>{t}</title><link>{l}</link><guid isPermaLink=\"false\">{g}</guid>{d}{p}</item>".format(
            t=escape(i["title"]), l=escape(i["link"]), g=escape(i.get("guid", i["link"])),
            d=f"<description>{escape(i['description'])}</description>" if i.get("description") else "",
            p=f"<pubDate>{i['pubDate']}</pubDate>" if i.get("pubDate") else "",
        )
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://127.0.0.1/</link><description>test feed</description>{body}</channel></rss>"
    ).encode("utf-8")


def atom(items: list[dict], title: str = "Loopback Atom") -> bytes:
    body = "".join(
        f"<entry><title>{escape(i['title'])}</title><link href=\"{escape(i['link'])}\"/><id>{escape(i.get('guid', i['link']))}</id>"
        f"<updated>{i.get('updated', '2024-11-02T10:00:00Z')}</updated></entry>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}</title>'
        f"<id>urn:test:{escape(title)}</id><updated>2024-11-02T10:00:00Z</updated>{body}</feed>"
    ).encode("utf-8")


class FeedServer:
    """Routes are set by the test: path -> handler(request) -> (status, headers, body or chunk iterator)."""

    def __init__(self, pages: Path | None = None):
        self.routes: dict[str, object] = {}
        self.hits: dict[str, int] = {}
        self.pages = pages
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                if route is None and server.pages and path.startswith("/page/"):
                    file = server.pages / path.removeprefix("/page/")
                    route = (200, {"Content-Type": "text/html; charset=utf-8"}, file.read_bytes()) if file.is_file() else None
                if route is None:
                    route = (404, {"Content-Type": "text/plain"}, b"not found")
                status, headers, body = route(self) if callable(route) else route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in body:
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, *args):
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client hanging up on a huge body is expected
                pass

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FeedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- behaviours -------------------------------------------------------------------------------

    def feed(self, path: str, body: bytes, etag: str | None = None, content_type: str = "application/rss+xml") -> None:
        """A feed that answers 304 when the client sends back its ETag (or Last-Modified)."""
        modified = formatdate(usegmt=True)

        def handler(request):
            headers = {"Content-Type": content_type, "Last-Modified": modified}
            if etag:
                headers["ETag"] = etag
                if request.headers.get("If-None-Match") == etag:
                    return 304, {"ETag": etag}, b""
            elif request.headers.get("If-Modified-Since") == modified:
                return 304, {}, b""
            return 200, headers, body

        self.routes[path] = handler

    def failing_then(self, path: str, failures: int, body: bytes) -> None:
        """500 for the first `failures` requests, then the feed."""
        def handler(request):
            if self.hits[path] <= failures:
                return 500, {"Content-Type": "text/plain"}, b"internal error"
            return 200, {"Content-Type": "application/rss+xml"}, body

        self.routes[path] = handler

    def slow(self, path: str, seconds: float) -> None:
        def handler(request):
            time.sleep(seconds)
            return 200, {"Content-Type": "application/rss+xml"}, rss([])

        self.routes[path] = handler

    def redirect_loop(self, path: str) -> None:
        self.routes[path] = (302, {"Location": path}, b"")

    def huge(self, path: str, megabytes: int) -> None:
        """A body of `megabytes` MB, sent chunked (no Content-Length to reject it by)."""
        self.routes[path] = lambda request: (200, {"Content-Type": "application/rss+xml"},
                                             (b"<" + b"x" * (1024 * 1024 - 1) for _ in range(megabytes)))

    def gzip_bomb(self, path: str, megabytes: int) -> None:
        """A small gzip body that inflates to `megabytes` MB."""
        bomb = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
        self.routes[path] = (200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, bomb)
