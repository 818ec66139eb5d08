"""`newsmon export`: tables and views to Parquet or CSV files in a folder the user names.

The one way to write query results to files, since `newsmon sql` writes none. Each table or view
becomes `<folder>/<name>.<format>`, written under a temporary name and renamed into place, so a
file in the folder that is a link to the database replaces the link, never the database; a target
that is the database file (or its WAL) is refused outright.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from .database import read_connection

FORMATS = ("parquet", "csv")


class ExportRefused(ValueError):
    """An export newsmon will not write; the message says why."""


@dataclass(frozen=True)
class Exported:
    name: str
    path: Path
    rows: int


def exportable(con) -> list[str]:
    """The tables and views of the main schema, by name (DuckDB's own catalogue, no user SQL)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()"
        " ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_tables(db: str | Path, folder: str | Path, fmt: str = "parquet", names: list[str] | None = None) -> list[Exported]:
    """Write each of `names` (default: every table and view) to `folder`, created if missing."""
    if fmt not in FORMATS:
        raise ExportRefused(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ExportRefused(f"{folder} is not a folder: give a folder to write the files into")
    database = Path(db).resolve()
    protected = {database, Path(f"{database}.wal")}
    with read_connection(db) as con:
        known = exportable(con)
        wanted = names or known
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ExportRefused(f"no table or view named {', '.join(unknown)} (there are: {', '.join(known)})")
        targets = {name: folder / f"{name}.{fmt}" for name in wanted}
        for name, target in targets.items():
            if target.resolve() in protected or (target.exists() and target.samefile(database)):
                raise ExportRefused(f"{target} is the database file itself: export into another folder")
        folder.mkdir(parents=True, exist_ok=True)
        done = []
        for name, target in targets.items():
            quoted = name.replace('"', '""')
            relation = con.table(f'"{quoted}"')  # a catalogue name checked above, quoted
            temporary = folder / f".{name}.{uuid.uuid4().hex}.tmp"
            if fmt == "parquet":
                relation.write_parquet(str(temporary))
            else:
                relation.write_csv(str(temporary), header=True)
            os.replace(temporary, target)  # replaces a link at `target`, not what it points to
            done.append(Exported(name, target, relation.count("*").fetchall()[0][0]))
    return done
