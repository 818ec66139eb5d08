"""Near-duplicates across outlets become one story, kept in DuckDB between runs; a story is one source."""

import numpy as np
import pytest
from conftest import FIXTURES
from datasketch import MinHash

from extractors.fingerprint import normalize_for_hash
from extractors.minhash import (
    band_keys,
    estimated_jaccard,
    exact_jaccard,
    minhash_signature,
    shingle_hashes,
    signature_of,
    verified_jaccard,
)
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


def test_signatures_are_datasketch_minhashes_of_the_shingle_hashes():
    hashes = shingle_hashes(WIRE)
    assert len(hashes) == len(normalize_for_hash(WIRE).split()) - 2 and np.all(np.diff(hashes.astype(np.int64)) > 0)
    reference = MinHash(num_perm=128, seed=1, hashfunc=int)
    reference.update_batch(hashes.tolist())
    assert np.array_equal(signature_of(hashes), reference.hashvalues)


def test_pairs_near_the_threshold_are_settled_by_exact_jaccard():
    a = np.arange(100, dtype=np.uint32)
    b = np.arange(20, 120, dtype=np.uint32)  # 80 shared of 120: exact 0.667
    assert exact_jaccard(a, b) == 80 / 120
    sa, sb = signature_of(a), signature_of(b)
    calls = []

    def exact():
        calls.append(1)
        return exact_jaccard(a, b)

    estimate = estimated_jaccard(sa, sb)
    assert verified_jaccard(estimate, 0.7, exact) is None and calls  # near 0.7: the exact value decides
    assert verified_jaccard(estimate, 0.6, exact) == 80 / 120
    calls.clear()
    assert verified_jaccard(estimate, 0.95, exact) is None and not calls  # far below: the estimate suffices


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
    # each distinct band key is held once per story: the copies add only the keys the story lacked
    held = query(db, "SELECT s.story_id, b.band, b.key FROM lsh_bands b JOIN stories s USING (article_id)")
    members = query(db, "SELECT s.story_id, f.signature FROM fingerprints f JOIN stories s USING (article_id)")
    expected = {(story, band, key) for story, signature in members
                for band, key in enumerate(band_keys(np.array(signature, dtype=np.uint32)))}
    assert len(held) == len(set(held)) and set(held) == expected
    assert 32 + 32 < len(held) < 4 * 32  # the lone article's 32, the story's first member's 32, some of the copies'


def test_a_revised_file_is_a_version_and_a_changed_number_a_revision_alert(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "agentur.txt"
    page.write_text(WIRE, "utf-8")
    db = str(tmp_path / "versions.duckdb")
    backfill([str(folder)], db=db)
    page.write_text(WIRE.replace("mindestens 11.000", "mindestens 12.000").replace("bisher nicht", "noch nicht"), "utf-8")
    summary = backfill([str(folder)], db=db)
    assert query(db, "SELECT version, first_id, previous_id FROM article_versions") == [(2, 1, 1)]
    assert query(db, "SELECT id, version FROM current_articles") == [(2, 2)]
    assert query(db, "SELECT count(DISTINCT story_id) FROM stories") == [(1,)]
    (alert,) = summary.alerts
    assert alert["kind"] == "revision"
    assert "Same article revised: mindestens 11.000 Soldaten → mindestens 12.000 Soldaten" in alert["explanation"]
    assert backfill([str(folder)], db=db).alerts == []  # nothing new: nothing fires again


def test_a_copy_that_changed_a_number_is_a_revision_not_a_contradiction(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "agentur.txt").write_text(WIRE, "utf-8")
    (folder / "westbote.txt").write_text(outlet_copy("Westbote", "Kim schickt Soldaten", ("", "")), "utf-8")
    (folder / "ostkurier.txt").write_text(
        outlet_copy("Ostkurier", "Kim schickt Soldaten", ("mindestens 11.000", "mindestens 15.000")), "utf-8")
    db = str(tmp_path / "copies.duckdb")
    alerts = backfill([str(folder)], db=db).alerts
    assert [(a["kind"], a["new"]["outlet"]) for a in alerts] == [("revision", "Ostkurier")]
    assert "copy of the same story changed the figure: mindestens 11.000 Soldaten → mindestens 15.000" in alerts[0]["explanation"]
