"""`newsmon feeds add/list/remove/import/export`: the feeds file edited in place (its comments kept), read
by a real poll of a feed on 127.0.0.1, and an OPML round trip through a feed reader's export."""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET

import pytest
from conftest import FIXTURES
from feedserver import FeedServer, rss

from flows.cli import main
from flows.feedlist import load_feeds

OPML = FIXTURES / "feeds" / "reader-export.opml"

COMMENTED = """\
# Our feeds: keep this header.
# It has two lines.

[[feed]]
name = "First"   # the first feed's name
url = "https://first.example.com/rss.xml"
# between the keys of the first feed
interval_minutes = 30

# A note above the second feed.
[[feed]]
name = "Second"
url = "https://second.example.com/atom.xml"
language = "de"  # German

# Trailing note at the end of the file.
"""


@pytest.fixture
def feeds_toml(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(COMMENTED, "utf-8")
    return path


def feeds(*args, capsys) -> tuple[int, str, str]:
    code = main(["feeds", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_appends_a_table_and_keeps_every_comment_and_line(feeds_toml, capsys):
    code, out, _ = feeds("add", "https://third.example.com/feed", "--name", "Third", "--outlet", "Third Daily",
                         "--language", "en", "--interval", "60", "--feeds", feeds_toml, capsys=capsys)
    assert code == 0 and "added Third" in out
    text = feeds_toml.read_text("utf-8")
    assert text.startswith(COMMENTED.rstrip("\n"))  # everything that was there, byte for byte
    assert tomllib.loads(text)["feed"][2] == {
        "name": "Third", "url": "https://third.example.com/feed", "outlet": "Third Daily", "language": "en",
        "interval_minutes": 60,
    }
    assert [f.name for f in load_feeds(feeds_toml)] == ["First", "Second", "Third"]


def test_a_feed_already_there_is_not_added_twice(feeds_toml, capsys):
    before = feeds_toml.read_text("utf-8")
    code, out, _ = feeds("add", "HTTPS://Second.Example.com/atom.xml/", "--feeds", feeds_toml, capsys=capsys)
    assert code == 0 and "already has the feed" in out and "nothing added" in out
    assert feeds_toml.read_text("utf-8") == before


@pytest.mark.parametrize("url", ["ftp://example.com/rss", "example.com/rss", "https://", " https://example.com/rss"])
def test_add_rejects_what_is_not_an_http_url(feeds_toml, capsys, url):
    before = feeds_toml.read_text("utf-8")
    code, _, err = feeds("add", url, "--feeds", feeds_toml, capsys=capsys)
    assert code == 2 and "not an http(s) URL" in err
    assert feeds_toml.read_text("utf-8") == before


def test_add_creates_a_missing_feeds_file(tmp_path, capsys):
    path = tmp_path / "new.toml"
    assert feeds("add", "https://example.com/rss", "--feeds", path, capsys=capsys)[0] == 0
    assert [f.url for f in load_feeds(path)] == ["https://example.com/rss"]
    assert path.read_text("utf-8").startswith("# ")


def test_remove_cuts_only_the_feeds_own_lines(feeds_toml, capsys):
    code, out, _ = feeds("remove", "https://first.example.com/rss.xml", "--feeds", feeds_toml, capsys=capsys)
    assert code == 0 and "removed First" in out
    assert feeds_toml.read_text("utf-8") == """\
# Our feeds: keep this header.
# It has two lines.

# A note above the second feed.
[[feed]]
name = "Second"
url = "https://second.example.com/atom.xml"
language = "de"  # German

# Trailing note at the end of the file.
"""
    assert feeds("remove", "https://second.example.com/atom.xml", "--feeds", feeds_toml, capsys=capsys)[0] == 0
    assert feeds_toml.read_text("utf-8") == (
        "# Our feeds: keep this header.\n# It has two lines.\n\n# A note above the second feed.\n\n"
        "# Trailing note at the end of the file.\n"
    )
    assert load_feeds(feeds_toml) == []


def test_removing_an_unknown_feed_is_the_users_mistake(feeds_toml, capsys):
    before = feeds_toml.read_text("utf-8")
    code, _, err = feeds("remove", "https://unknown.example.com/rss", "--feeds", feeds_toml, capsys=capsys)
    assert code == 2 and "has no feed https://unknown.example.com/rss" in err and "first.example.com" in err
    assert feeds_toml.read_text("utf-8") == before
    code, _, err = feeds("remove", "https://x.example.com/rss", "--feeds", feeds_toml.parent / "none.toml", capsys=capsys)
    assert code == 2 and "no feeds file" in err


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_a_poll_reads_the_added_feed_and_list_shows_each_feeds_state(tmp_path, feeds_toml, capsys, shared):
    page = sorted((shared / "eval" / "html").glob("*.html"))[0]
    db = tmp_path / "news.duckdb"
    with FeedServer(page.parent) as server:
        server.feed("/added.xml", rss([{"title": "Added story", "link": f"{server.url}/page/{page.name}"}]))
        # the two commented feeds are on .example.com (never resolvable): the poll records them as failed
        assert feeds("remove", "https://first.example.com/rss.xml", "--feeds", feeds_toml, capsys=capsys)[0] == 0
        code, _, _ = feeds("add", f"{server.url}/added.xml", "--name", "Added", "--trusted", "--feeds", feeds_toml,
                           capsys=capsys)
        assert code == 0 and "# A note above the second feed." in feeds_toml.read_text("utf-8")

        code, _, _ = feeds("list", "--feeds", feeds_toml, "--db", db, "--json", capsys=capsys)
        assert code == 0  # no database yet: every feed is "never polled"

        assert main(["poll", "--feeds", str(feeds_toml), "--db", str(db)]) == 4  # second.example.com fails
        polled = capsys.readouterr().out
        assert "new articles      1" in polled and server.hits["/added.xml"] == 1

        code, out, _ = feeds("list", "--feeds", feeds_toml, "--db", db, "--json", capsys=capsys)
        rows = {row["name"]: row for row in json.loads(out)}
        assert code == 0 and list(rows) == ["Second", "Added"]
        assert rows["Added"]["last_error"] is None and rows["Added"]["consecutive_failures"] == 0
        assert rows["Added"]["last_polled_at"] and rows["Added"]["next_poll_at"] and rows["Added"]["entries_seen"] == 1
        assert rows["Second"]["last_error"] and rows["Second"]["consecutive_failures"] == 1

        code, out, _ = feeds("list", "--feeds", feeds_toml, "--db", db, capsys=capsys)
        assert code == 0 and "Added" in out and "UTC" in out and rows["Second"]["last_error"][:10] in out


def test_opml_import_keeps_folders_and_titles_and_skips_bad_and_known_feeds(tmp_path, capsys):
    path = tmp_path / "feeds.toml"
    code, out, err = feeds("import", OPML, "--feeds", path, capsys=capsys)
    assert code == 0 and "4 feeds added" in out and "1 already there" in out and "1 rejected" in out
    assert "gopher://old.example.com/feed" in err
    imported = [(f.name, f.url, f.category) for f in load_feeds(path)]
    assert imported == [
        ("Example Daily: World", "https://daily.example.com/world/rss.xml", "News/World"),
        ("Beispiel Zeitung & Ausland", "https://zeitung.example.de/ausland/atom.xml", "News/World"),
        ("Wire Service", "https://wire.example.org/feed", "News"),
        ("Unfiled Blog", "http://blog.example.net/index.xml", None),
    ]
    before = path.read_text("utf-8")
    code, out, _ = feeds("import", OPML, "--feeds", path, capsys=capsys)
    assert code == 0 and "0 feeds added" in out and "5 already there" in out  # a second import changes nothing
    assert path.read_text("utf-8") == before


def test_opml_export_then_import_gives_the_same_feeds(tmp_path, capsys):
    first, second, exported = tmp_path / "first.toml", tmp_path / "second.toml", tmp_path / "out.opml"
    assert feeds("import", OPML, "--feeds", first, capsys=capsys)[0] == 0
    assert feeds("export", "--feeds", first, "--out", exported, capsys=capsys)[0] == 0
    root = ET.parse(exported).getroot()
    news = root.find("body/outline[@text='News']")
    assert news.find("outline[@text='World']/outline[@xmlUrl='https://daily.example.com/world/rss.xml']") is not None
    assert root.find("body/outline[@xmlUrl='http://blog.example.net/index.xml']").get("type") == "rss"
    assert feeds("import", exported, "--feeds", second, capsys=capsys)[0] == 0
    assert [(f.name, f.url, f.category) for f in load_feeds(second)] == [
        (f.name, f.url, f.category) for f in load_feeds(first)
    ]
    code, out, _ = feeds("export", "--feeds", first, capsys=capsys)  # to standard output
    assert code == 0 and out.startswith("<?xml") and out.count("xmlUrl=") == 4


def test_import_of_what_is_not_opml_is_a_clear_error(tmp_path, feeds_toml, capsys):
    code, _, err = feeds("import", feeds_toml, "--feeds", tmp_path / "x.toml", capsys=capsys)
    assert code == 2 and "not an OPML subscription list" in err
    code, _, err = feeds("import", tmp_path / "missing.opml", "--feeds", tmp_path / "x.toml", capsys=capsys)
    assert code == 2 and "no such file" in err
    assert not (tmp_path / "x.toml").exists()
