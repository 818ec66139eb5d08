"""Bulk inserts through Arrow: DuckDB's fast path, hundreds of times faster than executemany."""

from __future__ import annotations

import duckdb
import pyarrow as pa

_ARROW_TYPES = {
    "id": pa.int64(),
    "raw_size": pa.int64(),
    "duplicate_of": pa.int64(),
    "published": pa.date32(),
    "language_probability": pa.float64(),
    "ingested_at": pa.timestamp("us", tz="UTC"),
    "article_id": pa.int64(),
    "position": pa.int32(),
    "value": pa.float64(),
    "low": pa.float64(),
    "high": pa.float64(),
    "vague": pa.bool_(),
    "start_offset": pa.int32(),
    "end_offset": pa.int32(),
    "figure_position": pa.int32(),
    "claim_date": pa.date32(),
    "period_start": pa.date32(),
    "dispute_id": pa.int64(),
    "claim_ids": pa.list_(pa.int64()),
    "new_claim_id": pa.int64(),
    "previous_claim_id": pa.int64(),
    "created_at": pa.timestamp("us", tz="UTC"),
    "signature": pa.list_(pa.uint32()),
    "story_id": pa.int64(),
    "similarity": pa.float64(),
    "first_id": pa.int64(),
    "previous_id": pa.int64(),
    "version": pa.int32(),
}


def _arrow_schema(columns: list[str], types: dict[str, pa.DataType]) -> pa.Schema:
    return pa.schema([(c, types.get(c) or _ARROW_TYPES.get(c, pa.string())) for c in columns])


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    records: list[dict],
    types: dict[str, pa.DataType] | None = None,
) -> None:
    """Insert `records` (dicts keyed by column) in one statement; `types` overrides the Arrow type of a
    column where the shared name-based table above does not fit (a `published` timestamp, not a date)."""
    data = pa.Table.from_pylist(records, schema=_arrow_schema(columns, types or {}))
    # No unregister in a finally: inside an aborted transaction it fails and hides the real error.
    con.register("incoming", data)
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming")
    con.unregister("incoming")
