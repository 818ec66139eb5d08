"""Everything DuckDB: schema and migrations, batch writes, runs, queries."""

from .articles import known_inputs, write_batch
from .database import (
    DB_ENV,
    DEFAULT_DB,
    LOCK_TIMEOUT_ENV,
    STORAGE_COMPATIBILITY,
    DatabaseLocked,
    default_db_path,
    default_lock_timeout,
    read_connection,
    write_connection,
)
from .migrations import migrate, schema_version
from .query import run_query
from .records import ArticleRow, BatchCounts, SkippedInput
from .runs import finish_run, language_counts, skipped_inputs, start_run

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "LOCK_TIMEOUT_ENV",
    "STORAGE_COMPATIBILITY",
    "ArticleRow",
    "BatchCounts",
    "DatabaseLocked",
    "SkippedInput",
    "default_db_path",
    "default_lock_timeout",
    "finish_run",
    "known_inputs",
    "language_counts",
    "migrate",
    "read_connection",
    "run_query",
    "schema_version",
    "skipped_inputs",
    "start_run",
    "write_batch",
    "write_connection",
]
