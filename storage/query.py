"""Ad-hoc SQL for `newsmon sql`: read-only, so a query can never change the file."""

from __future__ import annotations

from pathlib import Path

from .database import read_connection


def run_query(path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one query."""
    with read_connection(path) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall()
