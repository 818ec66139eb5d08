"""Ad-hoc SQL for `newsmon sql`: one query on a connection that can change nothing and reach nothing.

Users point `sql` at a shared file and tools pass user text to it, so a read-only connection is not
enough (DuckDB would still COPY over the file, ATTACH a hard link of it read-write, read /etc/passwd or
download an extension). Two locks, each sufficient for the file-system attacks: the connection has
external access, extension installing and auto-loading switched off and its configuration locked; and
only one statement of a reading kind (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) is run.
Writing tables to files has its own command: `newsmon export` (storage/export.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .database import NoDatabase, open_connection

# What the connection of `newsmon sql` may not do, set when it opens; `lock_configuration` follows.
LOCKED_DOWN = {
    "enable_external_access": False,  # no files but the database (read_csv, glob, COPY, ATTACH), no network
    "autoinstall_known_extensions": False,  # no download of an extension a query mentions
    "autoload_known_extensions": False,
}
_READING = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_EXPORT_HINT = "to write tables to files use 'newsmon export FOLDER'"
_REFUSED = {
    duckdb.StatementType.ATTACH: "ATTACH is refused: 'newsmon sql' reads only the database it was given",
    duckdb.StatementType.DETACH: "DETACH is refused: 'newsmon sql' changes nothing",
    duckdb.StatementType.COPY: f"COPY is refused: 'newsmon sql' reads and writes no files ({_EXPORT_HINT})",
    duckdb.StatementType.EXPORT: f"EXPORT DATABASE is refused: 'newsmon sql' writes no files ({_EXPORT_HINT})",
    duckdb.StatementType.LOAD: "INSTALL and LOAD are refused: 'newsmon sql' loads no extensions and reaches no network",
    duckdb.StatementType.SET: "SET, RESET and USE are refused: the settings of 'newsmon sql' are fixed",
    duckdb.StatementType.PRAGMA: "PRAGMA (and IMPORT DATABASE) is refused: run a SELECT (e.g. SELECT * FROM duckdb_tables())",
}


class QueryRefused(ValueError):
    """A statement `newsmon sql` does not run; the message says which and why."""


def run_query(path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one reading statement; QueryRefused for anything else."""
    with query_connection(path) as con:
        check_query(con, sql)
        try:
            cursor = con.execute(sql)
        except duckdb.PermissionException as exc:
            raise QueryRefused(
                f"'newsmon sql' reads no files but the database and reaches no network ({_EXPORT_HINT}): "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        columns = [d[0] for d in cursor.description] if cursor.description else []
        return columns, cursor.fetchall()


def check_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise QueryRefused unless `sql` is exactly one statement of a reading kind."""
    statements = con.extract_statements(sql)  # a syntax error is DuckDB's ParserException, with its position
    if not statements:
        raise QueryRefused("no statement given: write one query, e.g. SELECT count(*) FROM articles")
    if len(statements) > 1:
        raise QueryRefused(f"{len(statements)} statements given: 'newsmon sql' runs one query at a time")
    kind = statements[0].type
    if kind in _READING:
        return
    raise QueryRefused(_REFUSED.get(kind) or (
        f"{kind.name} statements are refused: 'newsmon sql' is read-only and runs only queries "
        "(SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)"
    ))


@contextmanager
def query_connection(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection with no file, network or extension access and its configuration locked."""
    if not Path(path).exists():
        raise NoDatabase(f"no database at {path}: run 'newsmon backfill PATH --db {path}' first")
    con = open_connection(path, read_only=True, lock_timeout=None, config=LOCKED_DOWN)
    try:
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()
