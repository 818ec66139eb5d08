"""Numbers as the CLI, the report and its charts write them."""

from __future__ import annotations


def format_number(x: float) -> str:
    """12000.0 -> '12,000'; 2.5 -> '2.50'."""
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def format_interval(low: float | None, high: float | None) -> str:
    """The interval a figure allows; an open side is '…'."""
    return f"{format_number(low) if low is not None else '…'} – {format_number(high) if high is not None else '…'}"
