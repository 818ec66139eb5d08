"""The `newsmon` command: a thin layer over flows/, extractors/ and storage/."""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import time
from pathlib import Path

from .prefect_env import apply_prefect_defaults


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    import duckdb

    from storage import DatabaseLocked

    try:
        return args.run(args)
    except DatabaseLocked as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 3
    except (OSError, ValueError, duckdb.Error) as exc:  # a bad path, file or query: the user's to fix
        print(f"newsmon: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    from storage import DB_ENV

    db_help = f"DuckDB file (default: ${DB_ENV} or ./news.duckdb)"
    parser = argparse.ArgumentParser(prog="newsmon", description="Monitor the news: clean, store and compare articles.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    backfill = commands.add_parser("backfill", help="store every article file under the given paths")
    backfill.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    backfill.add_argument("--db", help=db_help)
    backfill.add_argument("--batch-size", type=int, default=100, help="files per Prefect task (default 100)")
    backfill.add_argument("--lock-timeout", type=float, help="seconds to wait for a locked database (default 60)")
    backfill.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    backfill.set_defaults(run=_backfill)

    poll = commands.add_parser("poll", help="poll RSS/Atom feeds once now and store what is new")
    poll.add_argument("--feeds", help="feeds file (default: $NEWSMON_FEEDS or ./feeds.toml; see feeds.example.toml)")
    poll.add_argument("--feed", action="append", metavar="URL", help="a feed URL to poll (repeatable; with or without --feeds)")
    poll.add_argument("--db", help=db_help)
    poll.add_argument("--lock-timeout", type=float, help="seconds to wait for a locked database (default 60)")
    poll.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    poll.set_defaults(run=_poll)

    serve = commands.add_parser(
        "serve", help="register and run the deployments poll-feeds-serve (every 15 min) and backfill-folder-serve "
        "in this process"
    )
    serve.add_argument("--feeds", help="feeds file the scheduled polls read (default: ./feeds.toml)")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--cron", default="*/15 * * * *", help="poll schedule (default: every 15 minutes)")
    serve.set_defaults(run=_serve)

    clean = commands.add_parser("clean", help="show what the pipeline makes of one file, without a database")
    clean.add_argument("file")
    shape = clean.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object")
    shape.add_argument("--explain", action="store_true", help="every input line with keep/drop and the rule")
    clean.set_defaults(run=_clean)

    figures = commands.add_parser("figures", help="the figures the pipeline reads from one file, without a database")
    figures.add_argument("file")
    figures.add_argument("--json", action="store_true", help="a JSON array, one object per figure")
    figures.set_defaults(run=_figures)

    alerts = commands.add_parser("alerts", help="list the alerts raised so far, newest first")
    alerts.add_argument("--db", help=db_help)
    alerts.add_argument("--since", type=_date_arg, help="only alerts raised on or after this date (YYYY-MM-DD)")
    alerts.add_argument("--json", action="store_true", help="a JSON array, one object per alert")
    alerts.set_defaults(run=_alerts)

    sql = commands.add_parser("sql", help="run a query on a read-only connection")
    sql.add_argument("query")
    sql.add_argument("--db", help=db_help)
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.set_defaults(run=_sql)
    return parser


def _backfill(args: argparse.Namespace) -> int:
    started = time.monotonic()
    apply_prefect_defaults()
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from storage import default_db_path

    from .backfill import backfill

    summary = backfill(paths=args.paths, db=args.db or default_db_path(), batch_size=args.batch_size, lock_timeout=args.lock_timeout)
    print(_summary_text(summary, time.monotonic() - started))
    return 0


def _poll(args: argparse.Namespace) -> int:
    started = time.monotonic()
    apply_prefect_defaults()
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from storage import default_db_path

    from .feeds import poll_feeds

    summary = poll_feeds(
        feeds_file=args.feeds, feed_urls=args.feed, db=args.db or default_db_path(), respect_schedule=False,
        lock_timeout=args.lock_timeout,
    )
    c = summary.counts
    lines = [
        f"Poll finished in {time.monotonic() - started:.1f} s ({summary.seconds:.1f} s in the flow, run {summary.run_id}).",
        f"  feeds polled      {summary.feeds_polled}  ({summary.not_modified} unchanged, {len(summary.failed)} failed)",
        f"  new entries       {summary.new_entries}",
        f"  pages fetched     {summary.pages_fetched}  ({summary.pages_failed} failed, retried next poll)",
        f"  new articles      {c.stored}  (duplicates {c.duplicates}, already stored {c.unchanged}, skipped {c.skipped})",
        f"  alerts            {len(summary.alerts)}",
    ]
    lines += [f"    feed {url}: {error}" for url, error in summary.failed.items()]
    lines += [f"    {alert['explanation']}" for alert in summary.alerts[:5]]
    lines.append(f"Database: {Path(summary.db).resolve()}  (feed state: SELECT * FROM feed_status)")
    print("\n".join(lines))
    return 0


def _serve(args: argparse.Namespace) -> int:
    apply_prefect_defaults()
    from storage import default_db_path

    from .deployments import serve_deployments
    from .feedlist import default_feeds_path

    serve_deployments(db=args.db or default_db_path(), feeds_file=args.feeds or default_feeds_path(), cron=args.cron)
    return 0


def _summary_text(summary, wall_seconds: float) -> str:
    c = summary.counts
    languages = ", ".join(f"{lang} {n}" for lang, n in summary.languages.items()) or "none"
    lines = [
        f"Backfill finished in {wall_seconds:.1f} s: {summary.seconds:.1f} s in the flow,"
        f" the rest starting Prefect (run {summary.run_id}).",
        f"  files read        {summary.files_seen}",
        f"  new articles      {c.stored}",
        f"  duplicates        {c.duplicates}  (stored with duplicate_of set)",
        f"  already stored    {c.unchanged}",
        f"  skipped           {c.skipped}",
        f"  languages         {languages}",
        f"  alerts            {len(summary.alerts)}",
    ]
    for alert in summary.alerts[:5]:
        lines.append(f"    {alert['explanation']}")
    if len(summary.alerts) > 5:
        lines.append(f"    ... and {len(summary.alerts) - 5} more: newsmon alerts --db {summary.db}")
    for item in summary.skipped[:10]:
        lines.append(f"    skipped {item.source}: {item.reason}")
    if len(summary.skipped) > 10:
        lines.append(f"    ... and {len(summary.skipped) - 10} more: SELECT * FROM skipped_inputs WHERE run_id = '{summary.run_id}'")
    if c.stored == c.duplicates == 0 and c.unchanged:
        lines.append(f"Nothing new: all {c.unchanged} articles were already stored.")
    prog = _program()
    db = summary.db
    lines += [
        f"Database: {Path(db).resolve()}",
        "Try:",
        f"  {prog} sql \"SELECT language, count(*) AS articles FROM articles GROUP BY 1\" --db {db}",
        f"  {prog} sql \"SELECT published, outlet, title FROM articles WHERE duplicate_of IS NULL ORDER BY published DESC NULLS LAST\" --db {db}",
    ]
    return "\n".join(lines)


def _program() -> str:
    """How the user can call newsmon again: bare when that name finds this program, else its path."""
    this = Path(sys.argv[0]).resolve()
    on_path = shutil.which("newsmon")
    if this.name != "newsmon" or (on_path and Path(on_path).resolve() == this):
        return "newsmon"
    return os.path.relpath(sys.argv[0])


def _clean(args: argparse.Namespace) -> int:
    from extractors import clean_document, decode_bytes

    from .inputs import SUPPORTED_SUFFIXES

    path = Path(args.file)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValueError(f"{path}: unsupported file type '{path.suffix}' (reads {', '.join(SUPPORTED_SUFFIXES)})")
    decoded = decode_bytes(path.read_bytes())
    article = clean_document(decoded.text, path.suffix)
    if args.json:
        data = article.to_json()
        print(json.dumps({k: data[k] for k in ("title", "published", "language", "author", "outlet", "text")}, ensure_ascii=False, indent=2))
    elif args.explain:
        for line in article.lines:
            print(f"{line.number:4} {'KEEP' if line.keep else 'drop'} {line.rule[:34]:34} | {line.text}")
    else:
        for label, value in (
            ("title", article.title),
            ("published", f"{article.published} ({article.published_precision})" if article.published else None),
            ("author", article.author),
            ("outlet", article.outlet),
            ("language", f"{article.language} (p={article.language_probability})" if article.language else None),
        ):
            print(f"{label:10} {value or '-'}")
        print()
        print(article.text)
    return 0


def _figures(args: argparse.Namespace) -> int:
    from storage import SkippedInput

    from .inputs import SUPPORTED_SUFFIXES, read_article

    path = Path(args.file)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValueError(f"{path}: unsupported file type '{path.suffix}' (reads {', '.join(SUPPORTED_SUFFIXES)})")
    row = read_article(str(path))
    if isinstance(row, SkippedInput):
        raise ValueError(f"{path}: {row.reason}")
    if args.json:
        print(json.dumps([f.to_json() for f in row.figures], ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("figure", "value", "interval", "measure", "rate", "part of", "source", "date", title=str(path))
    for f in row.figures:
        interval = f"{_number(f.low) if f.low is not None else '…'} – {_number(f.high) if f.high is not None else '…'}"
        table.add_row(
            f.text, _number(f.value) + (" (vague)" if f.vague else ""), interval,
            f.measure or "-", f.rate or "-", f.part_of or "-", f.attribution or "-", f.date_hint or "-",
        )
    Console().print(table)
    print(f"{len(row.figures)} figures")
    return 0


def _number(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def _date_arg(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


_ALERT_SIDE = ("value", "low", "high", "text", "sentence", "source", "published", "article")


def _alerts(args: argparse.Namespace) -> int:
    from storage import default_db_path, read_connection
    from storage.claims import alert_details

    with read_connection(args.db or default_db_path()) as con:
        alerts = alert_details(con, since=args.since)
    if args.json:
        shaped = [
            {
                "kind": a["kind"], "severity": a["severity"], "explanation": a["explanation"], "key": a["key"],
                "new": {k: a["new"][k] for k in _ALERT_SIDE}, "previous": {k: a["previous"][k] for k in _ALERT_SIDE},
            }
            for a in alerts
        ]
        print(json.dumps(shaped, ensure_ascii=False, indent=2))
        return 0
    for a in alerts:
        print(f"[{a['severity']}] {a['explanation']}")
        print(f"    new:      {a['new']['article']}\n    previous: {a['previous']['article']}")
    print(f"{len(alerts)} alerts")
    return 0


def _sql(args: argparse.Namespace) -> int:
    from storage import default_db_path, run_query

    columns, rows = run_query(args.db or default_db_path(), args.query)
    if args.format == "json":
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=2))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
