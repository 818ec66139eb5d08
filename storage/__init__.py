"""Everything DuckDB: schema and migrations, batch writes, runs, queries.

Names are imported on first use (PEP 562 module __getattr__): the processes that read files need only
the records (`storage.records`), and importing DuckDB and pyarrow as well would cost each of them
~50 MB for nothing."""

from importlib import import_module

# Where each public name lives.
_HOMES = {
    "known_inputs": "articles",
    "write_batch": "articles",
    "DB_ENV": "database",
    "DEFAULT_DB": "database",
    "LOCK_TIMEOUT_ENV": "database",
    "STORAGE_COMPATIBILITY": "database",
    "DatabaseLocked": "database",
    "NoDatabase": "database",
    "default_db_path": "database",
    "default_lock_timeout": "database",
    "read_connection": "database",
    "write_connection": "database",
    "migrate": "migrations",
    "schema_version": "migrations",
    "run_query": "query",
    "ArticleRow": "records",
    "BatchCounts": "records",
    "SkippedInput": "records",
    "finish_run": "runs",
    "language_counts": "runs",
    "skipped_inputs": "runs",
    "start_run": "runs",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
