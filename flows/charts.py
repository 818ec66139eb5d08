"""The report's charts: declared in Vega-Lite with Altair, rendered to static SVG by vl-convert.

vl-convert runs Vega in-process (no browser, no network), so a chart is an SVG string the HTML embeds:
the page needs no script, font or image from anywhere. Each claim is one mark with the ARIA role
description "claim" and its sentence-free description as label, which screen readers read and tests count.
"""

from __future__ import annotations

import functools

import altair as alt
import vl_convert

from .formatting import format_number

# Colours of the sources of one chart, in order (Tableau 10: distinct, and readable on white).
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
# A y scale is logarithmic when the figures span more than this factor: 200 and 5,000,000 on one chart.
LOG_SPAN = 50
# How far past the last finite bound an open one is drawn (its arrow marks that it goes on).
_HEADROOM = 1.25
_FONT = "Helvetica, Arial, sans-serif"


def source_colours(sources: list[str]) -> dict[str, str]:
    """One colour per source, in the order they are first named; past ten they repeat."""
    order = list(dict.fromkeys(sources))
    return {source: PALETTE[i % len(PALETTE)] for i, source in enumerate(order)}


def dispute_chart(claims: list[dict], colours: dict[str, str]) -> str:
    """Each claim of a dispute as its interval over its as-of date, in its source's colour: a bar from
    low to high, a dot at the value, a triangle where a bound is open ("at least", "up to"). Undated
    claims stand apart on the right, one column per source."""
    rows, log = _interval_rows(claims, colours)
    dated = [r for r in rows if r["date"]]
    undated = [r for r in rows if not r["date"]]
    spec = _dispute_spec(log, bool(dated), bool(undated))
    return _svg(spec, {"dated": dated, "undated": undated})


def key_chart(timeline: list[dict]) -> str | None:
    """A key's figures over time, small: the running range of the values dated so far as a band, each
    claim a dot. None when no claim of the key is dated."""
    dated = [
        {"date": c["claim_date"], "value": c["value"], "running_min": c["running_min"], "running_max": c["running_max"],
         "label": f"{c['source']}: {format_number(c['value'])}, {c['claim_date']}"}
        for c in timeline if c["claim_date"]
    ]
    return _svg(_key_spec(), {"timeline": dated}) if dated else None


def _interval_rows(claims: list[dict], colours: dict[str, str]) -> tuple[list[dict], bool]:
    """Chart rows, each claim's interval drawn with its open bounds carried to the chart's floor or
    ceiling; and whether the y scale is logarithmic."""
    finite = [v for c in claims for v in (c["low"], c["high"], c["value"]) if v is not None]
    top = max(finite) * _HEADROOM
    positive = [v for v in finite if v > 0]
    log = bool(positive) and max(positive) / min(positive) > LOG_SPAN
    floor = min(positive) / _HEADROOM if log else 0
    rows = []
    for c in claims:
        low = c["low"] if c["low"] is not None and (not log or c["low"] > 0) else None
        rows.append({
            "date": c["claim_date"], "source": c["source"], "colour": colours[c["source"]], "value": c["value"],
            "drawn_low": low if low is not None else floor, "drawn_high": c["high"] if c["high"] is not None else top,
            "open_low": low is None,
            "open_high": c["high"] is None,
            "label": f"{c['source']}: {c['text']} ({format_number(c['value'])}, {c['claim_date'] or 'undated'})",
        })
    return rows, log


@functools.cache
def _dispute_spec(log: bool, dated: bool, undated: bool) -> dict:
    """The Vega-Lite spec of a dispute chart, built and checked once per layout; the data goes in by name."""
    y = alt.Y("drawn_low:Q", title="figure",
              scale=alt.Scale(type="log", nice=False) if log else alt.Scale(zero=True, nice=True))
    panels = []
    if dated:
        x = alt.X("date:T", title="as of", scale=alt.Scale(type="utc", padding=24), axis=_date_axis(labelAngle=-30, tickCount=6))
        panels.append(_interval_layers("dated", x, y).properties(width=440, height=220))
    if undated:
        x = alt.X("source:N", title="undated", axis=alt.Axis(labelAngle=-30))
        panels.append(_interval_layers("undated", x, y).properties(width=alt.Step(36), height=220))
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels).resolve_scale(y="shared")
    return _configured(chart)


@functools.cache
def _key_spec() -> dict:
    base = alt.Chart(alt.Data(name="timeline"))
    x = alt.X("date:T", title=None, scale=alt.Scale(type="utc", padding=8), axis=_date_axis(labelAngle=0, tickCount=3, labelFontSize=9))
    scale = alt.Scale(zero=True, nice=True)
    band = base.mark_area(opacity=0.25, color="#4e79a7", interpolate="step-after", aria=False).encode(
        x=x, y=alt.Y("running_min:Q", scale=scale, title=None, axis=alt.Axis(labelFontSize=9, tickCount=3, format="~s")),
        y2="running_max:Q",
    )
    dots = base.mark_circle(size=30, color="#1f3b57", opacity=0.9, ariaRoleDescription="claim").encode(
        x=x, y=alt.Y("value:Q", scale=scale), description="label:N"
    )
    return _configured(alt.layer(band, dots).properties(width=230, height=70))


def _interval_layers(data: str, x: alt.X, y: alt.Y) -> alt.LayerChart:
    base = alt.Chart(alt.Data(name=data))
    colour = alt.Color("colour:N", scale=None)  # each row carries its source's colour; the table says whose
    bars = base.mark_rule(strokeWidth=6, strokeCap="round", opacity=0.8, ariaRoleDescription="claim").encode(
        x=x, y=y, y2="drawn_high:Q", color=colour, description="label:N"
    )
    dots = base.mark_point(filled=True, size=70, stroke="white", strokeWidth=1, opacity=1, aria=False).encode(
        x=x, y=alt.Y("value:Q"), color=colour
    )
    up = base.transform_filter("datum.open_high").mark_point(shape="triangle-up", filled=True, size=110, aria=False).encode(
        x=x, y=alt.Y("drawn_high:Q"), color=colour
    )
    down = base.transform_filter("datum.open_low").mark_point(shape="triangle-down", filled=True, size=110, aria=False).encode(
        x=x, y=alt.Y("drawn_low:Q"), color=colour
    )
    return alt.layer(bars, dots, up, down)


def _date_axis(**options) -> alt.Axis:
    """Dates as days, in UTC (as the claims' dates are): a tick Vega places between two midnights keeps
    its line but gets no label, so a span of two days does not read 11-08, 11-08, 11-09."""
    return alt.Axis(labelExpr="utchours(datum.value) == 0 ? utcFormat(datum.value, '%Y-%m-%d') : ''", labelOverlap=True,
                    **options)


def _configured(chart) -> dict:
    return chart.configure(font=_FONT).configure_view(stroke="#ddd").to_dict()


def _svg(spec: dict, datasets: dict[str, list[dict]]) -> str:
    svg = vl_convert.vegalite_to_svg({**spec, "datasets": datasets})
    return svg[svg.index("<svg"):]  # no XML declaration inside an HTML page
