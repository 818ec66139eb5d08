"""Feed polling measured on loopback: `make bench-feeds`.

1. 200 feeds whose server answers 304 to the validators stored by a first poll: time of the second poll.
2. One feed of 10,000 items answering 200 with the same items again (no validators): time of the second
   poll, which refreshes every known entry (`--big-only` runs just this one).
3. Every page of ../shared/eval/html behind one feed: pages fetched and processed per second (first poll).
Both through the real `poll_feeds` flow (a temporary Prefect server, started before the clock runs).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from flows.prefect_env import apply_prefect_defaults  # noqa: E402

apply_prefect_defaults()

from feedserver import FeedServer, rss  # noqa: E402

from flows.feeds import poll_feeds  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
FEEDS = 200
BIG_FEED = 10_000


def config(folder: Path, urls: list[str]) -> str:
    path = folder / "feeds.toml"
    path.write_text("".join(f'[[feed]]\nurl = "{u}"\ntrusted = true\n' for u in urls), "utf-8")
    return str(path)


def big_feed(server: FeedServer, folder: Path) -> None:
    """An unchanged 10,000-item feed: every entry known, every one seen again."""
    items = [{"title": f"item {i}", "link": f"{server.url}/big/{i}", "guid": f"big-{i}"} for i in range(BIG_FEED)]
    server.routes["/big.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(items))
    path = folder / "big.toml"  # summaries only, and the feed gives none: no page is fetched
    path.write_text(f'[[feed]]\nurl = "{server.url}/big.xml"\ntrusted = true\nfetch = "summary"\n', "utf-8")
    db = str(folder / "big.duckdb")
    poll_feeds(feeds_file=str(path), db=db, respect_schedule=False)
    started = time.perf_counter()
    second = poll_feeds(feeds_file=str(path), db=db, respect_schedule=False)
    elapsed = time.perf_counter() - started
    print(f"one unchanged {BIG_FEED:,}-item feed: {elapsed:.2f} s for the poll ({second.seconds:.2f} s in the flow),"
          f" {second.new_entries} new entries")


def main() -> int:
    pages = sorted((SHARED / "eval" / "html").glob("*.html"))
    with tempfile.TemporaryDirectory() as tmp, FeedServer(pages[0].parent) as server:
        folder = Path(tmp)
        if "--big-only" in sys.argv:
            big_feed(server, folder)
            return 0
        for i in range(FEEDS):
            server.feed(f"/feed{i}.xml", rss([{"title": f"t{i}", "link": f"{server.url}/none/{i}", "guid": f"g{i}"}]),
                        etag=f'"{i}"')
            server.routes[f"/none/{i}"] = (200, {"Content-Type": "text/plain"}, b"")
        db = str(folder / "bench.duckdb")
        many = config(folder, [f"{server.url}/feed{i}.xml" for i in range(FEEDS)])
        poll_feeds(feeds_file=many, db=db, respect_schedule=False)  # stores the validators (and starts Prefect)
        started = time.perf_counter()
        second = poll_feeds(feeds_file=many, db=db, respect_schedule=False)
        unchanged = time.perf_counter() - started
        print(f"{FEEDS} unchanged feeds: {unchanged:.2f} s for the poll ({second.seconds:.2f} s in the flow),"
              f" {second.not_modified} answered 304 (target < 5 s)")

        big_feed(server, folder)

        server.feed("/all.xml", rss([{"title": p.stem, "link": f"{server.url}/page/{p.name}"} for p in pages]))
        one = config(folder, [f"{server.url}/all.xml"])
        started = time.perf_counter()
        summary = poll_feeds(feeds_file=one, db=str(folder / "pages.duckdb"), respect_schedule=False)
        elapsed = time.perf_counter() - started
        print(f"{summary.pages_fetched} eval pages fetched and processed in {elapsed:.1f} s:"
              f" {summary.pages_fetched / elapsed:.1f} pages/s ({summary.counts.stored} stored,"
              f" {summary.counts.skipped} skipped, {summary.pages_failed} failed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
