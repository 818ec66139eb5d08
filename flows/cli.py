"""The `newsmon` command: a thin layer over flows/, extractors/ and storage/.

What a user can get wrong (settings, paths, the feeds file, a locked database) is checked here, before
Prefect starts, and reported in one line; anything else is a bug and ends with a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from . import settings as env
from .errors import UserError
from .prefect_env import apply_prefect_defaults
from .formatting import format_interval, format_number

# Exit codes (README "Exit codes").
OK, BUG, BAD_INPUT, LOCKED, PARTLY = 0, 1, 2, 3, 4
PIPE_CLOSED = 128 + 13  # what a shell reports for a process ended by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.settings = env.load_settings()
        code = args.run(args)
        sys.stdout.flush()  # inside the try: a reader that went away shows up here at the latest
        return code
    except BrokenPipeError:
        # The reader of our output stopped (`newsmon sql ... | head`): not an error worth a word. Python
        # would report it again when it flushes stdout at exit, so point stdout at /dev/null first
        # (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return PIPE_CLOSED
    except Exception as exc:
        code = _exit_code(exc)
        if code is None:
            raise  # a bug: the traceback is what we need to fix it
        if getattr(args, "verbose", False):
            traceback.print_exc()
        print(f"newsmon: {exc}", file=sys.stderr)
        return code


def _exit_code(exc: Exception) -> int | None:
    """The exit code of an error that is the user's to fix, None for any other."""
    if isinstance(exc, UserError):
        return BAD_INPUT
    database = sys.modules.get("storage.database")  # its errors can only come from it once it is loaded
    if database is not None and isinstance(exc, database.DatabaseLocked):
        return LOCKED
    if database is not None and isinstance(exc, database.NoDatabase):
        return BAD_INPUT
    return None


def _parser() -> argparse.ArgumentParser:
    db_help = f"DuckDB file (default: ${env.DB} or ./news.duckdb)"
    parser = argparse.ArgumentParser(prog="newsmon", description="Monitor the news: clean, store and compare articles.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    # -v on every command: the traceback of an error as well as its one-line message
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-v", "--verbose", action="store_true", help="on an error, show its traceback too")
    logs = argparse.ArgumentParser(add_help=False)
    logs.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs (and an error's traceback)")
    digest = argparse.ArgumentParser(add_help=False)
    digest.add_argument(
        "--digest", choices=("hourly", "daily"),
        help="one message per channel and period (UTC) listing the new disputes, instead of one per alert",
    )

    backfill = commands.add_parser("backfill", parents=[logs, digest], help="store every article file under the given paths")
    backfill.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    backfill.add_argument("--db", help=db_help)
    backfill.add_argument("--batch-size", type=_positive_int, default=100, help="files per Prefect task (default 100)")
    backfill.add_argument("--lock-timeout", type=float, help="seconds to wait for a locked database (default 60)")
    backfill.add_argument(
        "--executor", type=_executor_arg, metavar="local|dask[:ADDRESS]",
        help="where batches are read: local processes (default: $NEWSMON_EXECUTOR or local), a Dask cluster "
        "started for the run (dask), or the Dask scheduler at ADDRESS (dask:tcp://HOST:8786)",
    )
    backfill.set_defaults(run=_backfill)

    poll = commands.add_parser("poll", parents=[logs, digest], help="poll RSS/Atom feeds once now and store what is new")
    poll.add_argument("--feeds", help="feeds file (default: $NEWSMON_FEEDS or ./feeds.toml; see feeds.example.toml)")
    poll.add_argument("--feed", action="append", metavar="URL", help="a feed URL to poll (repeatable; with or without --feeds)")
    poll.add_argument(
        "--trusted", action="store_true",
        help="allow the --feed URLs to be on loopback or the local network (feeds-file entries: trusted = true)",
    )
    poll.add_argument("--db", help=db_help)
    poll.add_argument("--lock-timeout", type=float, help="seconds to wait for a locked database (default 60)")
    poll.set_defaults(run=_poll)

    serve = commands.add_parser(
        "serve", parents=[quiet, digest], help="register and run the deployments poll-feeds-serve (every 15 min) and "
        "backfill-folder-serve in this process"
    )
    serve.add_argument("--feeds", help="feeds file the scheduled polls read (default: $NEWSMON_FEEDS or ./feeds.toml)")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--cron", default="*/15 * * * *", help="poll schedule (default: every 15 minutes)")
    serve.add_argument(
        "--notify-block", metavar="TYPE/NAME",
        help="create (or update) the Prefect Automation newsmon-contradictions: each contradiction event sends a "
        "notification through this Prefect notification block, e.g. slack-webhook/newsroom",
    )
    serve.add_argument("--report", metavar="FILE", help="after each poll, write the HTML report to FILE (see newsmon report)")
    serve.set_defaults(run=_serve)

    clean = commands.add_parser("clean", parents=[quiet], help="show what the pipeline makes of one file, without a database")
    clean.add_argument("file")
    shape = clean.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object")
    shape.add_argument("--explain", action="store_true", help="every input line with keep/drop and the rule")
    clean.set_defaults(run=_clean)

    figures = commands.add_parser("figures", parents=[quiet], help="the figures the pipeline reads from one file, without a database")
    figures.add_argument("file")
    figures.add_argument("--json", action="store_true", help="a JSON array, one object per figure")
    figures.set_defaults(run=_figures)

    alerts = commands.add_parser("alerts", parents=[quiet], help="list the alerts raised so far, newest first")
    alerts.add_argument("--db", help=db_help)
    alerts.add_argument("--since", type=_date_arg, help="only alerts raised on or after this date (YYYY-MM-DD)")
    alerts.add_argument("--json", action="store_true", help="a JSON array, one object per alert")
    alerts.add_argument(
        "--undelivered", action="store_true",
        help="instead: the deliveries still pending (with their next attempt) or given up, with the last error",
    )
    alerts.set_defaults(run=_alerts)
    triage = alerts.add_subparsers(dest="triage", metavar="ACTION")
    ack = triage.add_parser("ack", parents=[quiet], help="acknowledge an alert: seen, its dispute stays open")
    dismiss = triage.add_parser(
        "dismiss", parents=[quiet], help="dismiss an alert: its dispute stays out of the open ones until a new source joins"
    )
    for action in (ack, dismiss):
        action.add_argument("id", type=_positive_int, help="the alert's id (newsmon alerts --json shows it)")
        action.add_argument("--db", help=db_help)
        action.add_argument("--lock-timeout", type=float, help="seconds to wait for a locked database (default 60)")
    dismiss.add_argument("--reason", required=True, metavar="TEXT", help="why: kept with the dispute and shown in the report")
    ack.set_defaults(run=_triage, action="acknowledged")
    dismiss.set_defaults(run=_triage, action="dismissed")

    report = commands.add_parser(
        "report", parents=[quiet],
        help="write the analyst's report: open disputes with timeline charts, keys, stories, health (one HTML file)",
    )
    report.add_argument("--db", help=db_help)
    report.add_argument("--out", metavar="FILE", default="report.html",
                        help="where to write it (default: ./report.html; - for standard output)")
    report.add_argument("--since", type=_date_arg, help="only articles published on or after this date (YYYY-MM-DD)")
    report.add_argument("--until", type=_date_arg, help="only articles published on or before this date (YYYY-MM-DD)")
    report.add_argument(
        "--key", metavar="PATTERN",
        help="only claims whose key matches: a prefix (north_korea/troops) or a glob (*/killed/*)",
    )
    report.add_argument("--limit", type=_positive_int, default=20,
                        help="disputes, charted keys, agreements and stories shown (default 20)")
    report.add_argument("--format", choices=("html", "markdown", "json"), default="html", help="default: html")
    report.set_defaults(run=_report)

    sql = commands.add_parser("sql", parents=[quiet], help="run a query on a read-only connection")
    sql.add_argument("query")
    sql.add_argument("--db", help=db_help)
    sql.add_argument(
        "--format", choices=("table", "csv", "json"),
        help="default: table on a terminal, csv when the output goes to a pipe or file",
    )
    sql.set_defaults(run=_sql)

    export = commands.add_parser(
        "export", parents=[quiet], help="write tables and views to Parquet or CSV files in a folder (never over the database)"
    )
    export.add_argument("folder", help="folder for the files (created if missing): one <name>.parquet or <name>.csv each")
    export.add_argument("--db", help=db_help)
    export.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="default: parquet")
    export.add_argument("--table", action="append", metavar="NAME", help="a table or view to export (repeatable; default: all)")
    export.set_defaults(run=_export)

    from .feeds_command import add_feeds_commands

    add_feeds_commands(commands, [quiet], db_help)
    return parser


def _backfill(args: argparse.Namespace) -> int:
    started = time.monotonic()
    missing = _missing_paths(args.paths)
    db, lock_timeout = _database(args)
    _channels(None)
    apply_prefect_defaults()
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from .backfill import backfill
    from .inputs import source_name

    # the missing paths go along too: the run records them in skipped_inputs. A name that is not UTF-8
    # goes as its file: URI (Prefect's parameters are JSON, which cannot carry it)
    executor = args.executor or args.settings.executor
    summary = backfill(
        paths=[source_name(p) for p in args.paths], db=db, batch_size=args.batch_size, lock_timeout=lock_timeout,
        digest=args.digest, executor=str(executor) if executor else None,
    )
    print(_summary_text(summary, time.monotonic() - started))
    return PARTLY if missing else OK


def _missing_paths(paths: list[str]) -> list[str]:
    """The given paths that do not exist, each said on stderr; none existing at all is a UserError."""
    missing = [p for p in paths if not Path(p).expanduser().exists()]
    if missing and len(missing) == len(paths):
        raise UserError(f"no such file or folder: {', '.join(missing)} (check the path{'s' * (len(missing) > 1)})")
    for path in missing:
        print(f"newsmon: no such file or folder: {path} (skipped; reading the others)", file=sys.stderr)
    return missing


def _database(args: argparse.Namespace) -> tuple[str, float | None]:
    """The database and lock timeout a writing command uses, checked now: the file can be opened for
    writing (created and migrated if new) within the lock timeout. DatabaseLocked (exit 3) otherwise."""
    from storage import DEFAULT_DB, write_connection

    db = args.db or args.settings.db or DEFAULT_DB
    lock_timeout = args.lock_timeout if args.lock_timeout is not None else args.settings.lock_timeout
    if Path(db).is_dir():
        raise UserError(f"the database {db} is a folder: give a file, e.g. --db {Path(db) / 'news.duckdb'}")
    import duckdb

    try:
        with write_connection(db, lock_timeout):
            pass
    except duckdb.IOException as exc:  # no such folder, no permission, not a DuckDB file
        raise UserError(f"cannot open the database {db}: {exc}") from exc
    return db, lock_timeout


def _poll(args: argparse.Namespace) -> int:
    started = time.monotonic()
    if args.trusted and not args.feed:
        raise UserError("--trusted applies to --feed URLs; in a feeds file, set trusted = true on the feed")
    feeds_file = _check_feeds(args.feeds, args.feed, args.settings)
    db, lock_timeout = _database(args)
    _channels(feeds_file)
    apply_prefect_defaults()
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from .feeds import poll_feeds

    summary = poll_feeds(
        feeds_file=feeds_file, feed_urls=args.feed, db=db, respect_schedule=False, lock_timeout=lock_timeout,
        trust_feed_urls=args.trusted, digest=args.digest,
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
    if summary.failed:
        print(f"newsmon: {len(summary.failed)} of {summary.feeds_polled} feeds failed (listed above)", file=sys.stderr)
        return PARTLY
    return OK


def _check_feeds(feeds_file: str | None, feed_urls: list[str] | None, settings: env.Settings) -> str | None:
    """The feeds file a poll reads (None: only --feed URLs), loaded once now so a mistake in it stops the
    command before Prefect starts; the --feed URLs must be http(s)."""
    from .feedlist import DEFAULT_FEEDS, load_feeds, url_problem

    for url in feed_urls or []:
        if url_problem(url):
            raise UserError(f"--feed {url}: not an http(s) URL")
    if feeds_file is None and feed_urls:
        return None
    feeds_file = feeds_file or settings.feeds or DEFAULT_FEEDS
    load_feeds(feeds_file)
    return feeds_file


def _serve(args: argparse.Namespace) -> int:
    from .feedlist import DEFAULT_FEEDS

    feeds_file = args.feeds or args.settings.feeds or DEFAULT_FEEDS
    if Path(feeds_file).exists():
        _check_feeds(feeds_file, None, args.settings)
    else:
        # Each scheduled poll reads the file anew, so it may be written after serve starts (and the
        # backfill-folder deployment needs none): a warning, not a stop.
        print(f"newsmon: no feeds file at {feeds_file} yet: scheduled polls fail until it exists "
              "(copy feeds.example.toml to start one)", file=sys.stderr)
    from storage import DEFAULT_DB

    db = args.db or args.settings.db or DEFAULT_DB
    if Path(db).is_dir():
        raise UserError(f"the database {db} is a folder: give a file, e.g. --db {Path(db) / 'news.duckdb'}")
    if Path(feeds_file).exists():
        _channels(feeds_file)
    # the served backfills run in this process and read their [notify] channels from NEWSMON_FEEDS: the same file
    os.environ["NEWSMON_FEEDS"] = str(Path(feeds_file).resolve())
    apply_prefect_defaults()
    from .deployments import serve_deployments

    if args.notify_block:
        from .automation import ensure_contradiction_automation

        automation = ensure_contradiction_automation(args.notify_block)
        print(f"Prefect Automation {automation.name} ({automation.id}): contradictions notify {args.notify_block}")
    if args.report:
        from .report import check_target

        try:
            check_target(Path(args.report).expanduser(), db)
        except ValueError as exc:
            raise UserError(f"--report {args.report}: {exc}") from exc
    serve_deployments(db=db, feeds_file=feeds_file, cron=args.cron, digest=args.digest, report=args.report)
    return OK


def _executor_arg(text: str):
    from .executors import parse_executor

    try:
        return parse_executor(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _channels(feeds_file: str | None) -> tuple[str, ...]:
    """The alert channels a run will use, read now so a bad Apprise URL stops the command before Prefect starts."""
    from .channels import configured_channels

    return configured_channels(feeds_file)


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of 1 or more: {text}")
    return number


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
    from extractors import UnreadableInput, clean_document, decode_bytes

    path = _article_file(args.file, "clean")
    try:
        decoded = decode_bytes(path.read_bytes())
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnreadableInput as exc:
        raise UserError(f"{path}: {exc}") from exc
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

    from .inputs import read_article

    path = _article_file(args.file, "figures")
    row = read_article(str(path))
    if isinstance(row, SkippedInput):
        raise UserError(f"{path}: {row.reason}")
    if args.json:
        print(json.dumps([f.to_json() for f in row.figures], ensure_ascii=False, indent=2))
        return 0
    from rich.table import Table

    table = Table("figure", "value", "interval", "measure", "rate", "part of", "source", "date", title=str(path))
    for f in row.figures:
        interval = format_interval(f.low, f.high)
        table.add_row(
            f.text, format_number(f.value) + (" (vague)" if f.vague else ""), interval,
            f.measure or "-", f.rate or "-", f.part_of or "-", f.attribution or "-", f.date_hint or "-",
        )
    _console().print(table)
    print(f"{len(row.figures)} figures")
    return 0


def _article_file(name: str, command: str) -> Path:
    """The one article file `clean` and `figures` read: it exists, is a file, and of a type newsmon reads."""
    from .inputs import SUPPORTED_SUFFIXES

    path = Path(name)
    if path.is_dir():
        raise UserError(f"{path} is a folder: 'newsmon {command}' reads one file (to store a whole folder: newsmon backfill {path})")
    if not path.exists():
        raise UserError(f"no such file: {path}")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UserError(f"{path}: unsupported file type '{path.suffix}' (reads {', '.join(SUPPORTED_SUFFIXES)})")
    return path


def _console():
    """rich's console for tables: as wide as the terminal, or, into a pipe or file, as wide as the table
    needs (rich would otherwise cut every line at 80 characters)."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=_UNLIMITED)


_UNLIMITED = 1_000_000


def _date_arg(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


_ALERT_SIDE = ("value", "low", "high", "text", "sentence", "source", "published", "article")


def _alerts(args: argparse.Namespace) -> int:
    from storage import DEFAULT_DB, read_connection
    from storage.claims import alert_details

    if args.undelivered:
        return _undelivered(args)
    with read_connection(args.db or args.settings.db or DEFAULT_DB) as con:
        alerts = alert_details(con, since=args.since)
    if args.json:
        shaped = [
            {
                "id": a["id"], "kind": a["kind"], "severity": a["severity"], "explanation": a["explanation"], "key": a["key"],
                "new": {k: a["new"][k] for k in _ALERT_SIDE}, "previous": {k: a["previous"][k] for k in _ALERT_SIDE},
                "dispute": a["dispute"], "state": a["state"], "sources": a["sources"],
            }
            for a in alerts
        ]
        print(json.dumps(shaped, ensure_ascii=False, indent=2))
        return 0
    for a in alerts:
        state = "" if a["state"] == "new" else f", {a['state']}"
        print(f"{a['id']:>5} [{a['severity']}{state}] {a['explanation']}")
        if not a["sources"]:  # a revision: two claims
            print(f"    new:      {a['new']['article']}\n    previous: {a['previous']['article']}")
        for s in a["sources"]:
            copies = f" (+{s['copies'] - 1} copies)" if s["copies"] > 1 else ""
            print(f"    {s['source']:<22} {format_number(s['value']):>12}  {s['claim_date'] or 'undated':10}  {s['article']}{copies}")
    print(f"{len(alerts)} alerts")
    return 0


def _triage(args: argparse.Namespace) -> int:
    from storage import write_connection
    from storage.triage import NoSuchAlert, triage_alert

    db, lock_timeout = _database(args)
    with write_connection(db, lock_timeout) as con:
        try:
            done = triage_alert(con, args.id, args.action, getattr(args, "reason", None))
        except NoSuchAlert as exc:
            raise UserError(str(exc)) from exc
    dispute = f" (dispute {done['dispute']} {args.action} too)" if args.action == "dismissed" and done["dispute"] else ""
    print(f"alert {done['alert']} {args.action}{dispute}: {done['explanation']}")
    return OK


def _undelivered(args: argparse.Namespace) -> int:
    from storage import DEFAULT_DB, read_connection
    from storage.deliveries import undelivered

    from .channels import channel_label

    with read_connection(args.db or args.settings.db or DEFAULT_DB) as con:
        stuck = [{**d, "channel": channel_label(d["channel"])} for d in undelivered(con)]  # no secrets shown
    if args.json:
        print(json.dumps(stuck, ensure_ascii=False, indent=2))
        return 0
    for d in stuck:
        when = f"next attempt {d['next_attempt_at']}" if d["status"] == "pending" else "given up"
        digest = f" ({d['digest'].replace(':', ' digest ', 1)})" if d["digest"] else ""
        print(f"alert {d['alert']} -> {d['channel']}{digest}: {d['status']}, {d['attempts']} attempts, {when}"
              f"{': ' + d['last_error'] if d['last_error'] else ''}")
        print(f"    {d['explanation']}")
    print(f"{len(stuck)} deliveries not delivered")
    return 0


def _report(args: argparse.Namespace) -> int:
    from storage import DEFAULT_DB

    from .report import write_report_file

    if args.since and args.until and args.since > args.until:
        raise UserError(f"--since {args.since} is after --until {args.until}: nothing could be in the report")
    db = args.db or args.settings.db or DEFAULT_DB
    scope = dict(since=args.since, until=args.until, key=args.key, limit=args.limit)
    try:
        target, report = write_report_file(db, None if args.out == "-" else args.out, args.format, **scope)
    except ValueError as exc:
        raise UserError(f"report to {args.out}: {exc}") from exc
    if target is not None:
        o = report["overview"]
        print(f"Report ({o['articles']} articles, open disputes: {o['disputes']}): {target.resolve()}")
    return OK


def _sql(args: argparse.Namespace) -> int:
    import duckdb

    from storage import DEFAULT_DB, run_query
    from storage.query import QueryRefused

    try:
        columns, rows = run_query(args.db or args.settings.db or DEFAULT_DB, args.query)
    except (duckdb.Error, QueryRefused) as exc:  # the query (or the file) is the user's to fix
        raise UserError(str(exc)) from exc
    form = args.format or ("table" if sys.stdout.isatty() else "csv")
    if form == "json":
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=2))
    elif form == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        _console().print(table)
    return 0


def _export(args: argparse.Namespace) -> int:
    import duckdb

    from storage import DEFAULT_DB
    from storage.export import ExportRefused, export_tables

    try:
        done = export_tables(args.db or args.settings.db or DEFAULT_DB, args.folder, args.format, args.table)
    except (ExportRefused, duckdb.Error, OSError) as exc:
        raise UserError(f"export to {args.folder}: {exc}") from exc
    for item in done:
        print(f"{item.name:28} {item.rows:>10,} rows  {item.path}")
    print(f"{len(done)} tables and views written to {Path(args.folder).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
