"""DuckDB storage: migrations, batch writes, duplicates, locks and older readers, on real files."""

import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from storage import (
    ArticleRow,
    DatabaseLocked,
    SkippedInput,
    known_inputs,
    migrate,
    read_connection,
    schema_version,
    write_batch,
    write_connection,
)
from storage.migrations import migration_files


def row(source: str, body: str, **extra) -> ArticleRow:
    fields = dict(
        source=source, format="text", encoding="utf-8", raw_hash="r-" + source, raw_size=len(body),
        content_hash="h-" + body, title=None, published=None, published_precision=None, author=None,
        outlet=None, language="de", language_probability=0.99, text=body,
    )
    fields.update(extra)
    return ArticleRow(**fields)


def test_new_file_gets_every_migration_recorded(tmp_path):
    with write_connection(tmp_path / "n.duckdb") as con:
        versions = [v for v, _ in con.execute("SELECT version, name FROM schema_migrations").fetchall()]
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert versions == [v for v, _, _ in migration_files()]
    assert {"articles", "ingest_runs", "skipped_inputs", "schema_migrations"} <= tables


def test_writer_is_capped_and_single_threaded_while_readers_keep_duckdbs_defaults(tmp_path):
    """The writer shares the cores with the reading workers (storage/database.py); a user's queries do not."""
    db = tmp_path / "news.duckdb"
    with write_connection(db) as con:
        threads, limit = con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchall()[0]
    assert threads == 1
    assert limit == "122.0 MiB"  # 128 MB, as DuckDB reports it
    with read_connection(db) as con:
        assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == duckdb.connect().execute(
            "SELECT current_setting('threads')"
        ).fetchall()[0][0]


def test_old_file_upgrades_in_place(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    for version, name, sql in migration_files():
        (folder / f"{version:04d}_{name}.sql").write_text(sql)
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, folder)
    con.execute("INSERT INTO skipped_inputs VALUES ('a.pdf', 'unsupported', 'r1', now())")
    before = schema_version(con)
    (folder / "9001_add_note.sql").write_text("ALTER TABLE skipped_inputs ADD COLUMN note VARCHAR;")
    assert migrate(con, folder) == [9001]
    assert migrate(con, folder) == []  # applied once only
    assert schema_version(con) == 9001 > before
    assert con.execute("SELECT source, note FROM skipped_inputs").fetchall() == [("a.pdf", None)]
    con.close()


def test_a_file_with_claims_upgrades_to_heads_and_unindexed_tables(tmp_path):
    from conftest import FIXTURES

    from flows.inputs import article_row

    folder = tmp_path / "migrations"
    folder.mkdir()
    for version, name, sql in migration_files():
        if version <= 6:  # the schema before claim heads and unindexed tables
            (folder / f"{version:04d}_{name}.sql").write_text(sql)
    db = tmp_path / "old.duckdb"
    files = sorted((FIXTURES / "claims").glob("*.txt"))
    rows = [r for f in files if isinstance(r := article_row(str(f), f.read_bytes(), f.suffix), ArticleRow)]
    with write_connection(tmp_path / "today.duckdb") as today:  # written by today's code, then copied into
        write_batch(today, rows, [], "old")                      # the old schema's columns
    con = duckdb.connect(str(db))
    migrate(con, folder)
    con.execute(f"ATTACH '{tmp_path / 'today.duckdb'}' AS today (READ_ONLY)")
    for table in ("articles", "figures", "claims", "fingerprints", "lsh_bands", "stories", "article_versions"):
        columns = ", ".join(c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' AND table_name = ? ORDER BY column_index",
            [table]).fetchall())
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM today.{table}")
    con.execute("DETACH today")
    con.execute("UPDATE claims SET compared = true")
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall() for t in ("articles", "figures", "claims", "stories")}
    con.close()
    with write_connection(db) as con:  # applies 0007 and 0008 to the populated file
        after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall() for t in before}
        heads = con.execute("SELECT measure, subject, rate, scope, vague, voice, claim_id FROM claim_heads").fetchall()
        latest = con.execute(
            "SELECT measure, subject, rate, scope, vague, voice, arg_max(id, (coalesce(claim_date, DATE '0001-01-01'), id))"
            " FROM claim_sources WHERE subject IS NOT NULL GROUP BY ALL"
        ).fetchall()
        indexed = con.execute(
            "SELECT DISTINCT table_name FROM duckdb_indexes() UNION SELECT DISTINCT table_name FROM duckdb_constraints()"
            " WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
    assert after == before and before["claims"][0][0] > 10
    assert sorted(heads, key=str) == sorted(latest, key=str) and len(heads) > 5
    grown = {"articles", "figures", "claims", "fingerprints", "stories", "lsh_bands", "alerts"}
    assert not grown & {t for (t,) in indexed}


def test_batch_links_duplicates_and_rerun_is_unchanged(tmp_path):
    db = tmp_path / "b.duckdb"
    batch = [row("/a.txt", "same body"), row("/b.txt", "same body"), row("/c.txt", "other body")]
    with write_connection(db) as con:
        first = write_batch(con, batch, [SkippedInput("/x.pdf", "unsupported")], "run1")
        again = write_batch(con, batch, [], "run2")
        rows = con.execute("SELECT source, duplicate_of FROM articles ORDER BY id").fetchall()
    assert (first.stored, first.duplicates, first.unchanged, first.skipped) == (2, 1, 0, 1)
    assert (again.stored, again.duplicates, again.unchanged) == (0, 0, 3)
    assert rows == [("/a.txt", None), ("/b.txt", 1), ("/c.txt", None)]


def test_figures_are_stored_with_their_article_and_roll_back_with_it(tmp_path):
    from extractors import extract_figures

    text = "Es kamen etwa 12.000 Soldaten, darunter 500 Offiziere."
    figures = tuple(extract_figures(text, "de"))
    db = tmp_path / "f.duckdb"
    with write_connection(db) as con:
        write_batch(con, [row("/a.txt", text, figures=figures)], [], "r1")
        write_batch(con, [row("/a.txt", text, figures=figures)], [], "r2")  # unchanged: nothing added
        with pytest.raises(duckdb.ConstraintException):
            write_batch(con, [row("/b.txt", "b", figures=figures), row("/c.txt", "c", text=None)], [], "r3")
        stored = con.execute(
            "SELECT a.source, f.position, f.value, f.low, f.high, f.measure, f.part_of,"
            " substr(a.text, f.start_offset + 1, f.end_offset - f.start_offset) = f.text"
            " FROM figures f JOIN articles a ON a.id = f.article_id ORDER BY 1, 2"
        ).fetchall()
    assert stored == [
        ("/a.txt", 0, 12000.0, 10800.0, 13200.0, "troops", None, True),
        ("/a.txt", 1, 500.0, 475.0, 525.0, "officers", "darunter", True),
    ]


def test_known_inputs_groups_stored_raw_hashes_by_source(tmp_path):
    with write_connection(tmp_path / "k.duckdb") as con:
        write_batch(con, [row("/a.txt", "v1"), row("/a.txt", "v2", raw_hash="r-a2"), row("/b.txt", "b")], [], "r")
        assert known_inputs(con, ["/a.txt", "/c.txt"]) == {"/a.txt": frozenset({"r-/a.txt", "r-a2"})}
        assert known_inputs(con, []) == {}


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    db = tmp_path / "t.duckdb"
    good = row("/a.txt", "body a")
    broken = row("/b.txt", "body b", text=None)  # text is NOT NULL: the insert fails
    with write_connection(db) as con:
        with pytest.raises(duckdb.ConstraintException):
            write_batch(con, [good, broken], [SkippedInput("/x.pdf", "unsupported")], "run1")
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM skipped_inputs").fetchall() == [(0,)]


def test_dates_and_nulls_round_trip(tmp_path):
    db = tmp_path / "d.duckdb"
    with write_connection(db) as con:
        write_batch(con, [row("/a.txt", "x", published=dt.date(2024, 11, 1), published_precision="month")], [], "r")
    with read_connection(db) as con:
        assert con.execute("SELECT published, published_precision, title FROM articles").fetchall() == [
            (dt.date(2024, 11, 1), "month", None)
        ]


HOLD_LOCK = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(float(sys.argv[2]))"


def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_locked_file_fails_after_the_timeout_naming_the_holder(tmp_path):
    db = tmp_path / "l.duckdb"
    duckdb.connect(str(db)).close()
    holder = hold_lock(db, 30)
    try:
        with pytest.raises(DatabaseLocked, match=rf"PID {holder.pid}"):
            with write_connection(db, lock_timeout=1):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_writer_waits_for_a_lock_that_is_released(tmp_path):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    holder = hold_lock(db, 1.5)
    started = time.monotonic()
    with write_connection(db, lock_timeout=30) as con:
        write_batch(con, [row("/a.txt", "body")], [], "r")
    holder.wait()
    assert time.monotonic() - started >= 1.0  # it really waited
    with read_connection(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]


def test_file_opens_in_the_duckdb_cli_users_install(tmp_path):
    """Users' duckdb-cli (1.x) must read the files our 2.x library writes."""
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli, "duckdb-cli is a test dependency and must be installed"
    db = tmp_path / "cli.duckdb"
    with write_connection(db) as con:
        write_batch(con, [row("/a.txt", "Körper"), row("/b.txt", "Körper")], [], "r")
    out = subprocess.run(
        [cli, "-readonly", "-csv", str(db), "-c", "SELECT count(*) AS n, count(duplicate_of) AS d FROM articles"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.split() == ["n,d", "2,1"]
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1.")
