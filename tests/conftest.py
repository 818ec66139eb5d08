"""Shared fixtures: the ../shared data folder and one Prefect test server for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

from flows.prefect_env import apply_prefect_defaults

apply_prefect_defaults()  # before Prefect is imported anywhere

import pytest  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSMON_SHARED", PROJECT.parent / "shared"))
SAMPLES = PROJECT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the checkout; CI always has it, so its absence is an error, not a skip."""
    if not (SHARED / "seeds").is_dir():
        pytest.fail(f"shared data not found at {SHARED}: check out the project beside ../shared or set NEWSMON_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    return shared / "seeds"


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API for every flow test (a server start costs 10-20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def seed_line(seeds: Path, name: str, number: int) -> str:
    """Line `number` (1-based) of the seed whose file name starts with `name`, whitespace-normalized."""
    path = next(seeds.glob(f"{name}_*.txt"))
    return " ".join(path.read_text("utf-8").splitlines()[number - 1].split())


def claims_in(text: str, lang: str, published=None) -> list:
    """The claims the extractors make of `text`, as the pipeline makes them."""
    from extractors import extract_figures
    from extractors.claims import claims_from_figures

    return claims_from_figures(text, extract_figures(text, lang, published), published, language=lang)


def one_claim(text: str, lang: str, published=None):
    found = claims_in(text, lang, published)
    assert len(found) == 1, found
    return found[0]


def query(db: str, sql: str, params=None) -> list:
    """Rows of one query on a read-only connection to the database file `db`."""
    from storage import read_connection

    with read_connection(db) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (tests/receiver.py), closed after the test."""
    from receiver import Receiver

    r = Receiver()
    yield r
    r.close()
