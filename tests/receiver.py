"""A webhook receiver on 127.0.0.1 for the delivery tests: it answers, fails, or holds each POST until
released, and remembers every POST with its Idempotency-Key (and, in `requests`, its headers and exact
body bytes). JSON bodies are decoded; form bodies (Apprise's form://) become a dict of their fields."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


def decoded(content_type: str, body: bytes):
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return json.loads(body)


class Receiver:
    def __init__(self):
        self.mode = "ok"  # ok | fail | hold
        self.received: list[tuple[str | None, dict]] = []  # (idempotency key, alert) of every POST
        self.requests: list[Request] = []
        self.answered = 0  # POSTs that got their answer
        self.release = threading.Event()  # ends every hold
        self.arrived = threading.Event()  # set by the first POST
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the http.server API
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = decoded(self.headers.get("Content-Type", ""), raw)
                with receiver.lock:
                    receiver.received.append((self.headers.get("Idempotency-Key"), body))
                    receiver.requests.append(Request(self.path, dict(self.headers.items()), raw))
                    mode = receiver.mode
                receiver.arrived.set()
                if mode == "hold":
                    receiver.release.wait(120)
                self.send_response(500 if mode == "fail" else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver.lock:
                    receiver.answered += 1

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def keys(self) -> set[str | None]:
        return {key for key, _ in self.received}

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
