"""`newsmon report`: the analyst's view of a period, as one self-contained HTML page, Markdown or JSON.

`storage/report.py` gathers the data; this module writes it out. The HTML page (a Jinja2 template,
`flows/templates/report.html.j2`) embeds its CSS and its charts as SVG (`flows/charts.py`): it loads
nothing from anywhere, so it opens from disk and can be mailed. The Markdown version, also the Prefect
artifact of a scheduled poll, cites every article by number, [1], [2] …, and lists them once at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from pathlib import Path

from .formatting import format_interval, format_number

FORMATS = ("html", "markdown", "json")
SEVERITY_MARK = {"high": "HIGH", "medium": "medium", "low": "low"}


def build_report(db: str | Path, scope) -> dict:
    """The report on `scope` (a storage.report.ReportScope) from the database at `db`, read-only."""
    from storage import read_connection
    from storage.report import gather_report

    with read_connection(db) as con:
        report = gather_report(con, scope)
    return {"database": str(Path(db).resolve()), "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **report}


def write_report_file(db: str | Path, out: str | Path | None, fmt: str = "html", **scope) -> tuple[Path | None, dict]:
    """Build the report on `scope` (ReportScope's fields) and write it in `fmt` to `out` (None: standard
    output); returns where it went and the report's data. ValueError for a target it will not write,
    checked before the report is built. The file is written under a temporary name and renamed into
    place, so a reader never sees half a page and a link at `out` is replaced, not what it points to."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    target = None if out is None else Path(out).expanduser()
    if target is not None:
        check_target(target, db)
    report = build_report(db, _scope(**scope))
    render = {"html": render_html, "markdown": render_markdown, "json": lambda r: json.dumps(r, ensure_ascii=False, indent=2) + "\n"}
    text = render[fmt](report)
    if target is None:
        sys.stdout.write(text)
        return None, report
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValueError(str(exc)) from exc
    return target, report


def publish_report(db: str | Path, out: str | Path | None, logger) -> Path | None:
    """At the end of a scheduled poll: the report's summary as the Prefect markdown artifact
    `newsmon-report`, and the whole page written to `out` when one is configured (`newsmon serve
    --report FILE`). A report that cannot be written is a warning: the poll itself has succeeded."""
    from prefect.artifacts import create_markdown_artifact

    try:
        target, report = write_report_file(db, out) if out else (None, build_report(db, _scope()))
    except (ValueError, OSError) as exc:
        logger.warning("the report was not written to %s: %s", out, exc)
        return None
    create_markdown_artifact(key="newsmon-report", markdown=render_summary(report, target),
                             description=f"{report['overview']['disputes']} open disputes")
    return target


def render_summary(report: dict, page: Path | None) -> str:
    """A few lines for a Prefect artifact: the counts, the open disputes' explanations, where the page is."""
    lines = [_summary(report)]
    if report["disputes"]:
        lines.append("\n".join(["## Open disputes", ""] + [
            f"- **{d['severity'] or 'no alert'}** {_inline(d['explanation'] or d['key'])}" for d in report["disputes"][:10]]))
    lines.append(f"The whole report: `{page.resolve()}`" if page else "The whole report: `newsmon report --db DB --out report.html`")
    return "\n\n".join(lines) + "\n"


def _scope(**fields):
    from storage.report import ReportScope

    return ReportScope(**fields)


def check_target(target: Path, db: str | Path) -> None:
    """ValueError unless `target` is a file newsmon may write a report to: not the database, not a folder,
    in a folder that exists."""
    database = Path(db).resolve()
    same_file = target.exists() and database.exists() and target.samefile(database)  # a link to it too
    if target.resolve() in {database, Path(f"{database}.wal")} or same_file:
        raise ValueError(f"{target} is the database file itself: write the report to another file")
    if target.is_dir():
        raise ValueError(f"{target} is a folder: give a file name, e.g. {target / 'report.html'}")
    if not target.parent.is_dir():
        raise ValueError(f"no folder {target.parent} to write {target.name} into")


def render_html(report: dict) -> str:
    """The whole report as one HTML page: CSS inline, charts as inline SVG, no script."""
    from .charts import dispute_chart, key_chart, source_colours

    disputes = []
    for d in report["disputes"]:
        colours = source_colours([s["source"] for s in d["sources"]])
        disputes.append(d | {"colours": colours, "svg": dispute_chart(d["sources"], colours),
                             "dates": _dates(d["first_date"], d["last_date"]).lstrip(", ")})
    limit = report["scope"]["limit"]
    charted = [k | {"svg": key_chart(k["timeline"] or [])} for k in report["keys"][:limit]]
    o = report["overview"]
    return _template().render(
        report=report, o=o, h=report["health"], disputes=disputes, charted=charted, uncharted=report["keys"][limit:],
        articles=report["articles"], period=_period(report["scope"]),
    )


def _template():
    """The page's Jinja2 template, HTML-escaped, with the filters it uses."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("flows", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters.update(
        number=lambda x: "–" if x is None else format_number(x), interval=format_interval, href=_href, count=_count,
        title_of=lambda source, articles: (articles.get(source) or {}).get("title") or _file_name(source),
    )
    return environment.get_template("report.html.j2")


def _href(source: str) -> str:
    """A link to an article: its URL, or its file as a file: URI (names stored that way stay as they are)."""
    if source.startswith(("http://", "https://", "file:")):
        return source
    return Path(source).as_uri() if Path(source).is_absolute() else source


def _file_name(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1] or source


def _period(scope: dict) -> str:
    since, until = scope["since"], scope["until"]
    return (f"{since} to {until}" if since and until else f"since {since}" if since
            else f"until {until}" if until else "everything stored")


def render_markdown(report: dict) -> str:
    """The whole report as one Markdown document."""
    cite = _Citations(report["articles"])
    parts = [
        _title(report),
        _summary(report),
        _disputes(report, cite),
        _agreements(report, cite),
        _figures(report, cite),
        _revisions(report, cite),
        _stories(report, cite),
        _health(report),
        cite.listing(),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


class _Citations:
    """Numbers for the articles a report names, in the order they are first named."""

    def __init__(self, articles: dict[str, dict]):
        self.articles = articles
        self.numbers: dict[str, int] = {}

    def __call__(self, source: str) -> str:
        number = self.numbers.setdefault(source, len(self.numbers) + 1)
        return f"[{number}]"

    def listing(self) -> str:
        if not self.numbers:
            return ""
        lines = ["## Articles cited", ""]
        for source, number in self.numbers.items():
            a = self.articles.get(source, {})
            said = " · ".join(x for x in (a.get("published") or "undated", a.get("outlet"), a.get("language")) if x)
            title = f" — {_inline(a['title'])}" if a.get("title") else ""
            lines.append(f"{number}. {said}{title}: {_link(source)}")
        return "\n".join(lines)


def _title(report: dict) -> str:
    scope = report["scope"]
    period = _period(scope)
    about = f", keys matching `{scope['key']}`" if scope["key"] else ""
    return (f"# News report: {period}{about}\n\n"
            f"Generated {report['generated']} from `{report['database']}`. Articles are chosen by publication date "
            "(by the day they were stored when they state none); figures are what each source says, "
            "with the interval its wording allows.")


def _summary(report: dict) -> str:
    o = report["overview"]
    copies = f", {_count(o['exact_copies'], 'exact copy', 'exact copies')}" if o["exact_copies"] else ""
    dated = (f", published {o['first_published']} to {o['last_published']}" if o["first_published"] else "")
    undated = f" ({o['undated']} undated)" if o["undated"] else ""
    outlets = ", ".join(f"{x['outlet']} {x['articles']}" for x in o["outlets"][:8])
    more_outlets = f", and {len(o['outlets']) - 8} more" if len(o["outlets"]) > 8 else ""
    languages = ", ".join(f"{lang} {n}" for lang, n in o["languages"].items())
    severity = ", ".join(f"{n} {s}" for s, n in o["disputes_by_severity"].items() if n)
    lines = [
        "## Summary",
        "",
        f"- **{_count(o['articles'], 'article')}**{copies} in {_count(o['stories'], 'story', 'stories')}{dated}{undated}",
        f"- outlets: {outlets or 'none'}{more_outlets}; languages: {languages or 'none'}",
        f"- {_count(o['claims'], 'claim')} on {_count(o['keys'], 'key')}",
        f"- **{_count(o['disputes'], 'open dispute')}**" + (f" ({severity})" if severity else "")
        + f"; {_count(o['agreements'], 'figure')} that independent sources agree on",
    ]
    if not o["disputes"]:
        lines.append("- no source contradicts another")
    return "\n".join(lines)


def _disputes(report: dict, cite: _Citations) -> str:
    if not report["disputes"]:
        return ""
    lines = ["## Disputes", "",
             "Figures of one key that cannot all hold, each source with its latest figure in the dispute "
             "(lowest first), and the figures of its latest alert. Figures from articles outside this report's period or keys are marked *outside*."]
    for number, d in enumerate(report["disputes"], 1):
        dates = _dates(d["first_date"], d["last_date"])
        lines += ["", f"### {number}. `{d['key']}` — {SEVERITY_MARK.get(d['severity'], 'no alert')}, "
                      f"{_count(len(d['sources']), 'figure')}{dates}", ""]
        if d["explanation"]:
            lines += [f"> {_inline(d['explanation'])}", ""]
        lines += _claim_table(d["sources"], cite, mark_outside=True)
        lines += [""] + [f"- {cite(s['article'])} {_inline(s['source'])}: “{_inline(s['sentence'])}”" for s in d["sources"]]
    lines += _more(report["more_disputes"], "disputes", "newsmon alerts")
    if report["dismissed_disputes"]:
        lines += ["", f"{report['dismissed_disputes']} dismissed disputes are not shown."]
    return "\n".join(lines)


def _agreements(report: dict, cite: _Citations) -> str:
    if not report["agreements"]:
        return ""
    lines = ["## Agreed figures", "",
             "Figures that sources in different stories agree on (each inside the other's interval; copies of one "
             "story count once).", ""]
    for g in report["agreements"]:
        said = "; ".join(f"“{_inline(c['text'])}” ({_inline(c['source'])} {cite(c['article'])})" for c in g["claims"])
        lines.append(f"- `{g['key']}`: {said}")
    lines += _more(report["more_agreements"], "agreements", "SELECT * FROM corroborations_view")
    return "\n".join(lines)


def _figures(report: dict, cite: _Citations) -> str:
    limit = report["scope"]["limit"]
    if not report["keys"]:
        return ""
    lines = ["## Figures by key", "",
             "What each source says last about each thing counted, earliest first; keys told by the most "
             "independent stories first."]
    for f in report["keys"][:limit]:
        flag = " (disputed)" if f["disputed"] else ""
        lines += ["", f"### `{f['key']}`{flag}", ""]
        lines += _claim_table(f["latest"], cite)
    lines += _more(max(0, len(report["keys"]) - limit), "keys", "SELECT * FROM claim_timeline")
    return "\n".join(lines)


def _revisions(report: dict, cite: _Citations) -> str:
    if not report["revisions"]:
        return ""
    lines = ["## Revisions", "", "Figures a copy or a later version of an article changed.", ""]
    for r in report["revisions"]:
        lines.append(f"- {_inline(r['explanation'])} {cite(r['new_article'])} (before: {cite(r['previous_article'])})")
    return "\n".join(lines)


def _stories(report: dict, cite: _Citations) -> str:
    if not report["stories"]:
        return ""
    lines = ["## Stories told more than once", "",
             "| story | articles | first published | outlets | languages | articles |", "|---|---:|---|---|---|---|"]
    for s in report["stories"]:
        lines.append(
            f"| {_cell(s['title'] or '(no title)')} | {s['members']} | {s['first_published'] or 'undated'} | "
            f"{_cell(', '.join(s['outlets']) or '-')} | {', '.join(s['languages']) or '-'} | "
            f"{' '.join(cite(a) for a in s['articles'])} |"
        )
    lines += _more(report["more_stories"], "stories", "SELECT * FROM stories_view")
    return "\n".join(lines)


def _health(report: dict) -> str:
    h = report["health"]
    runs = ", ".join(f"{n} {status}" for status, n in h["runs"].items()) or "none"
    skipped = sum(s["count"] for s in h["skipped_inputs"])
    reasons = "; ".join(f"{_inline(s['reason'])}: {s['count']}" for s in h["skipped_inputs"][:5])
    undelivered = ", ".join(f"{n} {status}" for status, n in sorted(h["undelivered"].items())) or "none"
    lines = ["## Health", "",
             f"- runs: {runs}",
             f"- inputs skipped: {skipped}" + (f" ({reasons})" if skipped else ""),
             f"- feeds whose last poll failed: {len(h['failing_feeds'])}",
             f"- alert deliveries not delivered: {undelivered}"]
    lines += [f"  - run {r['id']} ({r['flow']}, {r['started']}): {r['status']}" + (f": {_inline(r['error'])}" if r["error"] else "")
              for r in h["last_runs"] if r["status"] in ("failed", "crashed")]
    lines += [f"  - feed {_inline(f['name'])} <{f['url']}>: {f['failures']} failures, {_inline(f['error'])}, next poll {f['next_poll']}"
              for f in h["failing_feeds"]]
    return "\n".join(lines)


def _claim_table(claims: list[dict], cite: _Citations, mark_outside: bool = False) -> list[str]:
    lines = ["| source | figure | value | interval | as of | article |", "|---|---|---:|---|---|---|"]
    for s in claims:
        outside = " *outside*" if mark_outside and not s.get("in_report", True) else ""
        copies = f" +{_count(s['copies'] - 1, 'copy', 'copies')}" if s["copies"] > 1 else ""
        lines.append(
            f"| {_cell(s['source'])}{outside} | {_cell(s['text'])} | {format_number(s['value'])} | "
            f"{format_interval(s['low'], s['high'])} | {s['claim_date'] or 'undated'} | {cite(s['article'])}{copies} |"
        )
    return lines


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _more(count: int, what: str, where: str) -> list[str]:
    return ["", f"… and {count} more {what} (a larger --limit shows them; also `{where}`)."] if count else []


def _dates(first: str | None, last: str | None) -> str:
    if not first:
        return ", undated"
    return f", {first}" if first == last else f", {first} to {last}"


def _inline(text: str | None) -> str:
    """Text on one line, so a sentence cannot break the list item or quote it stands in."""
    return " ".join(str(text or "").split())


def _cell(text: str | None) -> str:
    """Text for a table cell: one line, its pipes escaped."""
    return _inline(text).replace("|", "\\|")


def _link(source: str) -> str:
    if source.startswith(("http://", "https://")):
        return f"<{source}>"
    return "`" + source.replace("`", "'") + "`"
