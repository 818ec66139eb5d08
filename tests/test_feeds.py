"""Feed polling against a real HTTP server on 127.0.0.1: feeds written here, pages from ../shared/eval/html,
and a server that misbehaves on demand."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, query
from feedserver import FeedServer, atom, rss

from extractors.urls import canonical_url
from flows.feedlist import FeedsFileError, load_feeds
from flows.feeds import poll_feeds
from flows.http import FetchRefused, check_url

WIRE = (FIXTURES / "claims" / "a01-nordkurier-de.txt").read_text("utf-8")


def feeds_file(tmp_path, feeds: list[dict]) -> str:
    lines = []
    for f in feeds:
        lines.append("[[feed]]")
        lines += [f"{k} = {v!r}".replace("True", "true").replace("False", "false") for k, v in f.items()]
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return str(path)


# --- pure parts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("HTTP://WWW.Example.COM:80/politik/artikel/?utm_source=rss&utm_medium=feed#kommentare",
         "http://www.example.com/politik/artikel"),
        ("https://example.com/a?b=2&a=1&fbclid=x&ocid=rss&xtor=RSS-3", "https://example.com/a?a=1&b=2"),
        ("https://example.com/story.php?id=42&ref=rss", "https://example.com/story.php?id=42"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_urls_drop_tracking_fragments_and_trailing_slashes(given, canonical):
    assert canonical_url(given) == canonical


def test_canonical_url_rejects_what_is_not_http():
    for bad in ("file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "/relative"):
        with pytest.raises(ValueError):
            canonical_url(bad)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/feed", "http://127.0.0.1/feed", "http://localhost:8080/",
     "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
     "http://100.64.0.1/", "http://0.0.0.0/"],
)
def test_the_guard_refuses_other_schemes_and_local_addresses(url):
    with pytest.raises(FetchRefused):
        check_url(url)


def test_a_trusted_feed_may_use_loopback_but_never_file_urls():
    check_url("http://127.0.0.1:8080/feed.xml", trusted=True)
    with pytest.raises(FetchRefused):
        check_url("file:///etc/passwd", trusted=True)


def test_the_feeds_file_is_checked_with_clear_errors(tmp_path):
    path = feeds_file(tmp_path, [{"url": "https://example.com/rss", "fetch": "everything"}])
    with pytest.raises(FeedsFileError, match="feed 1: 'fetch'"):
        load_feeds(path)
    path = feeds_file(tmp_path, [{"url": "https://example.com/rss", "intervall": 5}])
    with pytest.raises(FeedsFileError, match="unknown keys"):
        load_feeds(path)
    with pytest.raises(FeedsFileError, match="no feeds file"):
        load_feeds(tmp_path / "missing.toml")
    (feed,) = load_feeds(feeds_file(tmp_path, [{"url": "https://example.com/rss", "language": "de"}]))
    assert (feed.name, feed.language, feed.interval_minutes, feed.fetch, feed.trusted) == (
        "https://example.com/rss", "de", 15, "article", False)


def test_the_example_feeds_file_loads():
    from conftest import PROJECT

    assert load_feeds(PROJECT / "feeds.example.toml") == []


# --- polling ----------------------------------------------------------------------------------------

@pytest.fixture
def pages(shared):
    return sorted((shared / "eval" / "html").glob("*.html"))


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_poll_stores_articles_records_broken_feeds_and_the_second_poll_fetches_nothing(tmp_path, pages, monkeypatch):
    monkeypatch.setenv("NEWSMON_HTTP_TIMEOUT", "1")
    with FeedServer(pages[0].parent) as server:
        good = [{"title": f"Story {i}", "link": f"{server.url}/page/{p.name}?utm_source=rss"} for i, p in enumerate(pages[:5])]
        server.feed("/rss.xml", rss(good), etag='"v1"')
        server.feed("/atom.xml", atom([{"title": f"Atom {i}", "link": f"{server.url}/page/{p.name}"}
                                       for i, p in enumerate(pages[5:8])]), content_type="application/atom+xml")
        server.failing_then("/flaky.xml", 1, rss([{"title": "Late", "link": f"{server.url}/page/{pages[8].name}"}]))
        server.slow("/slow.xml", 4)
        server.redirect_loop("/loop.xml")
        server.huge("/huge.xml", 50)
        server.gzip_bomb("/bomb.xml", 200)
        server.routes["/malformed.xml"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>x</ti")
        server.routes["/page.xml"] = (200, {"Content-Type": "text/html"}, b"<html><body><p>Just a web page.</p></body></html>")
        names = ["rss", "atom", "flaky", "slow", "loop", "huge", "bomb", "malformed", "page", "missing"]
        config = feeds_file(tmp_path, [{"name": n, "url": f"{server.url}/{n}.xml", "trusted": True} for n in names])
        db = str(tmp_path / "feeds.duckdb")

        first = poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        assert first.feeds_polled == 10 and first.new_entries == 8 and first.pages_fetched == 8
        assert query(db, "SELECT count(*) FROM articles") == [(8,)]
        assert query(db, "SELECT count(*) FROM articles WHERE source LIKE '%utm_source%'") == [(0,)]
        errors = dict(query(db, "SELECT name, last_error FROM feed_status WHERE last_error IS NOT NULL"))
        assert set(errors) == {"flaky", "slow", "loop", "huge", "bomb", "malformed", "page", "missing"}
        assert errors["flaky"] == "HTTP 500" and errors["missing"] == "HTTP 404"
        assert errors["slow"].startswith("timeout") and "redirects" in errors["loop"]
        assert "too large" in errors["huge"] and "too large" in errors["bomb"]
        assert errors["malformed"].startswith("malformed feed") and errors["page"].startswith("not an RSS or Atom feed")

        second = poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        assert server.hits["/rss.xml"] == 2 and second.not_modified >= 1  # the ETag came back: 304
        assert second.new_entries == 1 and second.pages_fetched == 1  # only the recovered feed's entry
        assert query(db, "SELECT count(*) FROM articles") == [(9,)]
        status = {n: (f, e) for n, f, e in query(db, "SELECT name, consecutive_failures, last_error FROM feed_status")}
        assert status["flaky"] == (0, None) and status["rss"] == (0, None)
        assert status["loop"][0] == 2
        waits = dict(query(db, "SELECT name, epoch(next_poll_at - last_polled_at) / 60 FROM feed_status"))
        assert waits["rss"] == 15 and waits["loop"] == 15 * 4  # backoff: interval × 2^failures

        third = poll_feeds(feeds_file=config, db=db)  # a scheduled poll: nothing is due yet
        assert third.feeds_polled == 0 and query(db, "SELECT count(*) FROM articles") == [(9,)]
        runs = query(db, "SELECT flow, status FROM ingest_runs")
        assert runs == [("poll_feeds", "completed")] * 3


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_guids_and_tracking_links_that_change_on_every_fetch_make_no_duplicates(tmp_path, pages):
    with FeedServer(pages[0].parent) as server:
        def changing(request):
            n = server.hits["/changing.xml"]
            items = [{"title": f"Story {i}", "guid": f"urn:x:{n}:{i}",
                      "link": f"{server.url}/page/{p.name}?utm_campaign=c{n}&fbclid={n}"} for i, p in enumerate(pages[:3])]
            return 200, {"Content-Type": "application/rss+xml"}, rss(items)

        server.routes["/changing.xml"] = changing
        config = feeds_file(tmp_path, [{"url": f"{server.url}/changing.xml", "trusted": True}])
        db = str(tmp_path / "changing.duckdb")
        assert poll_feeds(feeds_file=config, db=db, respect_schedule=False).new_entries == 3
        again = poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        assert (again.new_entries, again.pages_fetched) == (0, 0)
        assert query(db, "SELECT count(*) FROM feed_entries") == [(3,)]
        assert query(db, "SELECT count(*) FROM articles") == [(3,)]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_failed_page_keeps_its_summary_and_is_retried_on_the_next_poll(tmp_path, pages):
    with FeedServer(pages[0].parent) as server:
        item = {"title": "Kim schickt Soldaten", "link": f"{server.url}/article/wire", "description": "Kurz: 11.000 Soldaten."}
        server.feed("/rss.xml", rss([item]), etag='"1"')
        server.routes["/article/wire"] = (503, {"Content-Type": "text/plain"}, b"busy")
        config = feeds_file(tmp_path, [{"url": f"{server.url}/rss.xml", "trusted": True, "outlet": "Loopback"}])
        db = str(tmp_path / "retry.duckdb")
        first = poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        assert first.pages_failed == 1 and query(db, "SELECT count(*) FROM articles") == [(0,)]
        assert query(db, "SELECT status, attempts, summary, last_error FROM feed_entries") == [
            ("failed", 1, "Kurz: 11.000 Soldaten.", "HTTP 503")]
        assert query(db, "SELECT reason FROM skipped_inputs") == [("page not stored: HTTP 503",)]
        server.routes["/article/wire"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, WIRE.encode("utf-8"))
        second = poll_feeds(feeds_file=config, db=db, respect_schedule=False)  # the feed itself answers 304
        assert second.not_modified == 1 and second.pages_fetched == 1
        assert query(db, "SELECT status, attempts FROM feed_entries") == [("stored", 2)]
        assert query(db, "SELECT outlet, source FROM articles") == [("Loopback", f"{server.url}/article/wire")]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_revised_url_becomes_a_version_with_a_revision_alert(tmp_path, pages):
    with FeedServer(pages[0].parent) as server:
        link = f"{server.url}/article/wire"

        def publish(body: str, updated: str, etag: str) -> None:
            server.routes["/article/wire"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, body.encode("utf-8"))
            server.feed("/atom.xml", atom([{"title": "Kim schickt Soldaten", "link": link, "updated": updated}]),
                        etag=etag, content_type="application/atom+xml")

        publish(WIRE, "2024-11-02T10:00:00Z", '"a"')
        config = feeds_file(tmp_path, [{"url": f"{server.url}/atom.xml", "trusted": True}])
        db = str(tmp_path / "revised.duckdb")
        poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        publish(WIRE.replace("mindestens 11.000", "mindestens 12.000"), "2024-11-03T08:00:00Z", '"b"')
        second = poll_feeds(feeds_file=config, db=db, respect_schedule=False)
        assert second.pages_fetched == 1
        assert query(db, "SELECT version, first_id, previous_id FROM article_versions") == [(2, 1, 1)]
        (alert,) = second.alerts
        assert alert["kind"] == "revision" and "Same article revised: mindestens 11.000 Soldaten → mindestens 12.000" in alert["explanation"]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_an_untrusted_feed_on_a_local_address_is_refused_and_recorded(tmp_path, pages):
    with FeedServer(pages[0].parent) as server:
        server.feed("/rss.xml", rss([{"title": "x", "link": f"{server.url}/page/{pages[0].name}"}]))
        db = str(tmp_path / "guard.duckdb")
        summary = poll_feeds(feed_urls=[f"{server.url}/rss.xml"], db=db, respect_schedule=False)
        assert "non-public address" in summary.failed[f"{server.url}/rss.xml"]
        assert server.hits.get("/rss.xml") is None  # refused before any request
        assert query(db, "SELECT count(*) FROM articles") == [(0,)]

