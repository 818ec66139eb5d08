"""`newsmon feeds add/list/remove/import/export`: the feeds file managed from the command line.

A thin layer over flows/feedfile.py (the edits) and storage/feeds.py (each feed's poll state)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .cli import _positive_int
from .errors import UserError
from .feedlist import DEFAULT_FEEDS, DEFAULT_INTERVAL_MINUTES, Feed, load_feeds

OK = 0


def add_feeds_commands(commands, parents: list[argparse.ArgumentParser], db_help: str) -> None:
    """The `feeds` command and its subcommands, on the `newsmon` parser's subcommands."""
    file = argparse.ArgumentParser(add_help=False)
    file.add_argument("--feeds", help="feeds file (default: $NEWSMON_FEEDS or ./feeds.toml)")
    feeds = commands.add_parser("feeds", help="add, list, remove, import or export the feeds of the feeds file")
    sub = feeds.add_subparsers(required=True, metavar="SUBCOMMAND")

    add = sub.add_parser("add", parents=[*parents, file], help="add a feed to the feeds file (created if missing)")
    add.add_argument("url", metavar="URL", help="the RSS or Atom URL (http or https)")
    add.add_argument("--name", help="shown in `feeds list` and feed_status (default: the URL)")
    add.add_argument("--outlet", help="stored as the articles' outlet (default: what the pages state)")
    add.add_argument("--language", help="used when language detection cannot decide (e.g. de, en)")
    add.add_argument("--interval", type=_positive_int, default=DEFAULT_INTERVAL_MINUTES,
                     help=f"minutes between scheduled polls (default {DEFAULT_INTERVAL_MINUTES})")
    add.add_argument("--trusted", action="store_true", help="allow a loopback or local-network address")
    add.set_defaults(run=_add)

    listing = sub.add_parser("list", parents=[*parents, file], help="every feed with its last poll, error, failures, next poll")
    listing.add_argument("--db", help=db_help)
    listing.add_argument("--json", action="store_true", help="a JSON array, one object per feed")
    listing.set_defaults(run=_list)

    remove = sub.add_parser("remove", parents=[*parents, file], help="remove a feed from the feeds file")
    remove.add_argument("url", metavar="URL")
    remove.set_defaults(run=_remove)

    opml_in = sub.add_parser("import", parents=[*parents, file], help="add the feeds of an OPML file (a feed reader's export)")
    opml_in.add_argument("opml", metavar="FILE.opml")
    opml_in.set_defaults(run=_import)

    opml_out = sub.add_parser("export", parents=[*parents, file], help="the feeds file as OPML, for a feed reader")
    opml_out.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    opml_out.set_defaults(run=_export)


def _feeds_file(args: argparse.Namespace) -> str:
    return args.feeds or args.settings.feeds or DEFAULT_FEEDS


def _add(args: argparse.Namespace) -> int:
    from .feedfile import add_feeds

    feed = Feed(url=args.url, name=args.name or args.url, outlet=args.outlet, language=args.language,
                interval_minutes=args.interval, trusted=args.trusted)
    path = _feeds_file(args)
    result = add_feeds(path, [feed])
    if result.rejected:
        url, reason = result.rejected[0]
        raise UserError(f"feeds add {url}: {reason}")
    if result.already:
        print(f"{path} already has the feed {args.url}: nothing added (change it in the file, or remove it first)")
        return OK
    print(f"added {feed.name} ({feed.url}) to {path}; the next poll reads it")
    return OK


def _remove(args: argparse.Namespace) -> int:
    from .feedfile import remove_feed

    path = _feeds_file(args)
    feed = remove_feed(path, args.url)
    print(f"removed {feed.name} ({feed.url}) from {path}; its poll history stays in feed_status and feed_entries")
    return OK


def _import(args: argparse.Namespace) -> int:
    from .feedfile import import_opml

    path = _feeds_file(args)
    result = import_opml(path, args.opml)
    print(f"{args.opml}: {len(result.added)} feeds added to {path}, {len(result.already)} already there, "
          f"{len(result.rejected)} rejected")
    for url, reason in result.rejected:
        print(f"  rejected {url}: {reason}", file=sys.stderr)
    return OK


def _export(args: argparse.Namespace) -> int:
    from .feedfile import export_opml

    text = export_opml(_feeds_file(args))
    if args.out:
        try:
            Path(args.out).write_text(text, "utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return OK


def _list(args: argparse.Namespace) -> int:
    from storage import DEFAULT_DB

    path = _feeds_file(args)
    feeds = load_feeds(path)
    db = args.db or args.settings.db or DEFAULT_DB
    health = {}
    if Path(db).exists():
        from storage import read_connection
        from storage.feeds import feed_health

        with read_connection(db) as con:
            health = feed_health(con, [f.url for f in feeds])
    rows = [_row(f, health.get(f.url)) for f in feeds]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=dt.datetime.isoformat))
        return OK
    from rich.table import Table

    from .cli import _console

    table = Table("name", "url", "every", "last poll", "last error", "failures", "next poll",
                  title=f"{path} ({len(feeds)} feeds; poll state from {db})")
    for row in rows:
        table.add_row(
            row["name"], row["url"], f"{row['interval_minutes']} min", _when(row["last_polled_at"]) or "never",
            row["last_error"] or "-", str(row["consecutive_failures"]), _when(row["next_poll_at"]) or "now",
        )
    _console().print(table)
    return OK


def _row(feed: Feed, health) -> dict:
    return {
        "name": feed.name, "url": feed.url, "interval_minutes": feed.interval_minutes,
        "last_polled_at": health.last_polled_at if health else None,
        "last_success_at": health.last_success_at if health else None,
        "last_status": health.last_status if health else None,
        "last_error": health.last_error if health else None,
        "consecutive_failures": health.consecutive_failures if health else 0,
        "next_poll_at": health.next_poll_at if health else None,
        "entries_seen": health.entries_seen if health else 0,
    }


def _when(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if moment else None


