"""`newsmon sql` cannot change, replace or leak anything, and `newsmon export` is the way to files:
each attack runs against a real DuckDB file, which must open afterwards with every row in place."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from storage import read_connection, run_query, write_connection
from storage.export import ExportRefused, export_tables
from storage.query import QueryRefused

NEWSMON = str(Path(sys.executable).parent / "newsmon")


@pytest.fixture
def db(tmp_path) -> Path:
    """A migrated file with three skipped inputs (a table anyone can fill without the pipeline)."""
    path = tmp_path / "shared.duckdb"
    with write_connection(path) as con:
        con.execute(
            "INSERT INTO skipped_inputs VALUES ('a', 'r', 'run', now()), ('b', 'r', 'run', now()), ('c', 'r', 'run', now())"
        )
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> int:
    with read_connection(path) as con:
        return con.execute("SELECT count(*) FROM skipped_inputs").fetchall()[0][0]


ATTACKS = {
    "copy over the database": ("COPY (SELECT 1) TO '{db}'", "COPY is refused"),
    "copy to a file": ("COPY (SELECT * FROM skipped_inputs) TO '{tmp}/leak.csv'", "COPY is refused"),
    "attach a hard link read-write": ("ATTACH '{link}' AS other (READ_WRITE)", "ATTACH is refused"),
    "attach in memory": ("ATTACH ':memory:' AS scratch", "ATTACH is refused"),
    "delete": ("DELETE FROM skipped_inputs", "read-only"),
    "drop": ("DROP TABLE skipped_inputs", "read-only"),
    "read a system file": ("SELECT * FROM read_csv('/etc/passwd')", "reads no files"),
    "read text": ("SELECT * FROM read_text('/etc/hostname')", "reads no files"),
    "glob": ("SELECT * FROM glob('/etc/*')", "reads no files"),
    "a URL": ("SELECT * FROM 'https://example.com/data.csv'", "reaches no network"),
    "export database": ("EXPORT DATABASE '{tmp}/dump'", "EXPORT DATABASE is refused"),
    "install": ("INSTALL httpfs", "INSTALL and LOAD are refused"),
    "force install": ("FORCE INSTALL httpfs", "INSTALL and LOAD are refused"),
    "load": ("LOAD httpfs", "INSTALL and LOAD are refused"),
    "unlock the configuration": ("SET enable_external_access = true", "SET, RESET and USE are refused"),
    "reset": ("RESET lock_configuration", "SET, RESET and USE are refused"),
    "two statements": ("SELECT 1; DELETE FROM skipped_inputs", "2 statements given"),
    "select then copy": ("SELECT 1; COPY (SELECT 1) TO '{db}'", "2 statements given"),
    "import database": ("IMPORT DATABASE '{tmp}'", "PRAGMA"),
    "checkpoint": ("CHECKPOINT", "CALL statements are refused"),
    "vacuum": ("VACUUM", "VACUUM statements are refused"),
    "temp table": ("CREATE TEMP TABLE t AS SELECT 1", "CREATE statements are refused"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_refused_and_the_file_survives(db, tmp_path, name):
    link = tmp_path / "link.duckdb"
    os.link(db, link)
    before = digest(db)
    sql, message = ATTACKS[name]
    with pytest.raises(QueryRefused, match=message.replace("(", r"\(")):
        run_query(db, sql.format(db=db, tmp=tmp_path, link=link))
    assert digest(db) == before and rows(db) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.duckdb", "shared.duckdb"]  # nothing written


def test_the_checks_hold_without_the_statement_filter(db, tmp_path):
    """The connection alone refuses what the statement check would have refused first."""
    from storage.query import query_connection

    with query_connection(db) as con:
        for sql in (f"COPY (SELECT 1) TO '{db}'", "SELECT * FROM read_csv('/etc/passwd')", "INSTALL httpfs",
                    f"ATTACH '{db}' AS again (READ_WRITE)", "SET enable_external_access = true", "DELETE FROM skipped_inputs"):
            with pytest.raises(duckdb.Error):
                con.execute(sql)
    assert rows(db) == 3


def test_queries_still_run(db):
    assert run_query(db, "SELECT count(*) AS n FROM skipped_inputs") == (["n"], [(3,)])
    assert run_query(db, "FROM skipped_inputs SELECT source ORDER BY 1")[1] == [("a",), ("b",), ("c",)]
    assert run_query(db, "WITH x AS (SELECT 2 AS v) SELECT v FROM x;")[1] == [(2,)]
    assert run_query(db, "DESCRIBE skipped_inputs")[1][0][0] == "source"
    assert ("skipped_inputs",) in run_query(db, "SHOW TABLES")[1]
    assert run_query(db, "EXPLAIN SELECT 1")[0]


def test_the_command_says_why_and_exits_2(db, tmp_path):
    out = subprocess.run([NEWSMON, "sql", f"COPY (SELECT 1) TO '{db}'", "--db", str(db)], capture_output=True, text=True)
    assert out.returncode == 2 and "COPY is refused" in out.stderr and "newsmon export" in out.stderr
    assert rows(db) == 3


def test_export_writes_parquet_and_csv_into_the_folder(db, tmp_path):
    out = tmp_path / "out"
    done = export_tables(db, out, "parquet", ["skipped_inputs"])
    assert [(e.name, e.rows) for e in done] == [("skipped_inputs", 3)]
    assert duckdb.sql(f"SELECT count(*) FROM '{out / 'skipped_inputs.parquet'}'").fetchall() == [(3,)]
    everything = export_tables(db, tmp_path / "csv", "csv")
    names = {e.name for e in everything}
    assert {"articles", "skipped_inputs", "alerts_view"} <= names  # tables and views
    assert (tmp_path / "csv" / "skipped_inputs.csv").read_text().splitlines()[0].startswith("source,reason")
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_export_never_writes_over_the_database(db, tmp_path):
    before = digest(db)
    trap = tmp_path / "trap"
    trap.mkdir()
    (trap / "skipped_inputs.parquet").symlink_to(db)  # a link in the folder to the database
    with pytest.raises(ExportRefused, match="the database file itself"):
        export_tables(db, trap, "parquet", ["skipped_inputs"])
    assert digest(db) == before and rows(db) == 3
    named = tmp_path / "skipped_inputs.parquet"
    os.replace(db, named)  # a database whose name is what an export into its own folder would write
    with pytest.raises(ExportRefused, match="the database file itself"):
        export_tables(named, tmp_path, "parquet", ["skipped_inputs"])
    assert rows(named) == 3


def test_export_refuses_unknown_tables_and_a_file_as_folder(db, tmp_path):
    with pytest.raises(ExportRefused, match="no table or view named nope"):
        export_tables(db, tmp_path / "x", "parquet", ["nope"])
    with pytest.raises(ExportRefused, match="not a folder"):
        export_tables(db, db, "csv")
    out = subprocess.run([NEWSMON, "export", str(tmp_path / "cli"), "--db", str(db), "--table", "skipped_inputs",
                          "--format", "csv"], capture_output=True, text=True)
    assert out.returncode == 0 and (tmp_path / "cli" / "skipped_inputs.csv").exists(), out.stderr
