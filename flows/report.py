"""`newsmon report`: the analyst's briefing on a period, as Markdown (to read, mail or paste) or JSON.

`storage/report.py` gathers the data; this module writes it out. Every article the report names is
cited by number, [1], [2] …, in the order it is first named, and listed once at the end with its date,
outlet, title and where it came from, so the tables stay narrow and each claim can be checked.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

FORMATS = ("markdown", "json")
SEVERITY_MARK = {"high": "HIGH", "medium": "medium", "low": "low"}


def build_report(db: str | Path, scope) -> dict:
    """The report on `scope` (a storage.report.ReportScope) from the database at `db`, read-only."""
    from storage import read_connection
    from storage.report import gather_report

    with read_connection(db) as con:
        report = gather_report(con, scope)
    return {"database": str(Path(db).resolve()), "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **report}


def write_report(text: str, out: str | Path, db: str | Path) -> Path:
    """Write `text` to `out` under a temporary name and rename it into place; never over the database."""
    target = Path(out).expanduser()
    database = Path(db).resolve()
    if target.resolve() in {database, Path(f"{database}.wal")} or (target.exists() and target.samefile(database)):
        raise ValueError(f"{target} is the database file itself: write the report to another file")
    if target.is_dir():
        raise ValueError(f"{target} is a folder: give a file name, e.g. {target / 'report.md'}")
    if not target.parent.is_dir():
        raise ValueError(f"no folder {target.parent} to write {target.name} into")
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)  # replaces a link at `target`, not what it points to
    return target


def format_number(x: float) -> str:
    """12000.0 -> '12,000'; 2.5 -> '2.50'."""
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def format_interval(low: float | None, high: float | None) -> str:
    """The interval a figure allows; an open side is '…'."""
    return f"{format_number(low) if low is not None else '…'} – {format_number(high) if high is not None else '…'}"


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
        _coverage(report),
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
    since, until = scope["since"], scope["until"]
    period = (f"{since} to {until}" if since and until else f"since {since}" if since
              else f"until {until}" if until else "everything stored")
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
        lines.append(f"- `{g['key']}`, {_count(g['sources'], 'source')}: {said}")
    lines += _more(report["more_agreements"], "agreements", "SELECT * FROM corroborations_view")
    return "\n".join(lines)


def _figures(report: dict, cite: _Citations) -> str:
    if not report["figures"]:
        return ""
    lines = ["## Figures by key", "",
             "What each source says last about each thing counted, earliest first; keys told by the most "
             "independent stories first."]
    for f in report["figures"]:
        flag = " (disputed)" if f["disputed"] else ""
        lines += ["", f"### `{f['key']}`{flag}", ""]
        lines += _claim_table(f["latest"], cite)
    lines += _more(report["more_figures"], "keys", "SELECT * FROM claim_timeline")
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


def _coverage(report: dict) -> str:
    c = report["coverage"]
    runs = ", ".join(f"{n} {status}" for status, n in sorted(c["runs"].items())) or "none"
    skipped = sum(s["count"] for s in c["skipped_inputs"])
    undelivered = ", ".join(f"{n} {status}" for status, n in sorted(c["undelivered"].items())) or "none"
    reasons = "; ".join(f"{_inline(s['reason'])}: {s['count']}" for s in c["skipped_inputs"][:5])
    lines = ["## Coverage", "", "What this report may be missing.", "",
             f"- runs in the period: {runs}",
             f"- inputs skipped by those runs: {skipped}" + (f" ({reasons})" if skipped else ""),
             f"- feeds whose last poll failed: {len(c['failing_feeds'])}",
             f"- alert deliveries not delivered: {undelivered}"]
    lines += [f"  - run {r['id']} ({r['flow']}, {r['started']}): {r['status']}"
              + (f": {_inline(r['error'])}" if r["error"] else "") for r in c["failed_runs"]]
    lines += [f"  - feed {_inline(f['name'])} <{f['url']}>: {f['failures']} failures, {_inline(f['error'])}"
              for f in c["failing_feeds"]]
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
