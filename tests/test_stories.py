"""Near-duplicates across outlets become one story, kept in DuckDB between runs; a story is one source."""

import pytest
from conftest import FIXTURES

from extractors.minhash import estimated_jaccard, minhash_signature
from flows.backfill import backfill
from storage import read_connection

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
WIRE = (FIXTURES / "claims" / "a01-nordkurier-de.txt").read_text("utf-8")


def query(db, sql):
    with read_connection(db) as con:
        return con.execute(sql).fetchall()


def test_signatures_estimate_similarity():
    same = minhash_signature(WIRE)
    assert estimated_jaccard(same, minhash_signature(WIRE)) == 1.0
    edited = WIRE.replace("Beobachter erwarten", "Fachleute rechnen damit")
    assert 0.5 < estimated_jaccard(same, minhash_signature(edited)) < 1.0
    other = (FIXTURES / "claims" / "a06-eastern-wire-en.txt").read_text("utf-8")
    assert estimated_jaccard(same, minhash_signature(other)) < 0.1


def outlet_copy(outlet: str, headline: str, swap: tuple[str, str]) -> str:
    """The wire text as another outlet prints it: its own header, a new headline, one sentence edited."""
    body = WIRE.split("\n", 3)[3].replace(*swap)
    return f"{headline}\n03.11.2024\nVon Anna Muster / {outlet}\n\nAnzeige: Jetzt abonnieren und weiterlesen\n{body}"


def test_a_wire_story_in_three_outlets_is_one_story_across_runs(tmp_path):
    first, second = tmp_path / "run1", tmp_path / "run2"
    first.mkdir(), second.mkdir()
    (first / "agentur.txt").write_text(WIRE, "utf-8")
    (first / "other.txt").write_text((FIXTURES / "claims" / "a06-eastern-wire-en.txt").read_text("utf-8"), "utf-8")
    (second / "westbote.txt").write_text(
        outlet_copy("Westbote", "Kim schickt Soldaten", ("Beobachter erwarten", "Experten erwarten")), "utf-8")
    (second / "ostkurier.txt").write_text(
        outlet_copy("Ostkurier", "Tausende Nordkoreaner in Russland", ("bisher nicht", "noch nicht")), "utf-8")
    db = str(tmp_path / "stories.duckdb")
    backfill([str(first)], db=db)
    backfill([str(second)], db=db)  # the first run's band keys are read from the file, not rebuilt
    stories = query(db, "SELECT members, outlets FROM stories_view ORDER BY members DESC")
    assert stories[0][0] == 3 and set(stories[0][1]) >= {"Westbote", "Ostkurier"} and stories[1][0] == 1
    # the three copies make one source: their identical claims corroborate nothing, contradict nothing
    assert query(db, "SELECT count(*) FROM corroborations_view") == [(0,)]
    assert query(db, "SELECT count(*) FROM alerts") == [(0,)]
    assert query(db, "SELECT count(*) FROM lsh_bands") == [(4 * 32,)]
