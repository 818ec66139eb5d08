"""Debian's Chromium, headless, driven by Playwright: for the report's browser test and its screenshot.

Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it when missing), not from
Playwright's own download, which this project cannot fetch. Background networking is off so the browser
itself makes no request; the page's context is offline and every request it makes is recorded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def offline_page(path: Path, width: int = 1150, height: int = 900) -> Iterator[tuple[object, list[str]]]:
    """The file at `path` open in a page with networking disabled, and the URLs of every request it made."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": width, "height": height})
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            yield page, requests
        finally:
            browser.close()
