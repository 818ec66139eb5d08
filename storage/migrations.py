"""Versioned schema: numbered SQL files applied in order and recorded, so old files upgrade in place."""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import duckdb

from .transaction import transaction

_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


def migration_files(folder: Path | None = None) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in version order."""
    root = folder or resources.files("storage") / "migrations"
    found = []
    for entry in root.iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append((int(m[1]), m[2], entry.read_text("utf-8")))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> list[int]:
    """Apply the migrations this database has not seen, each in its own transaction; return their versions."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migration_files(folder):
        if version in done:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
        applied.append(version)
    return applied


@functools.cache
def latest_version() -> int:
    """The version the newest migration file brings a database to."""
    return max(version for version, _, _ in migration_files())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest applied migration, 0 for a new file."""
    try:
        rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
        return rows[0][0]
    except duckdb.CatalogException:
        return 0
