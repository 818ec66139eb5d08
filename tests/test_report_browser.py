"""The report in a real browser: Debian's headless Chromium opens the HTML file with the network off,
and the rendered page shows a chart for every open dispute with one mark per claim."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import offline_page
from conftest import FIXTURES, PROJECT

from flows.report import write_report_file

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
# Where the screenshot goes: a CI artifact, never committed (bench/out/ is ignored by git).
SCREENSHOTS = Path(os.environ.get("NEWSMON_SCREENSHOTS", PROJECT / "bench" / "out"))


def test_the_report_renders_every_dispute_chart_offline(tmp_path):
    from flows.backfill import backfill

    db = str(tmp_path / "designed.duckdb")
    backfill([str(FIXTURES / "claims")], db=db)
    page_file, report = write_report_file(db, tmp_path / "report.html")
    assert report["overview"]["disputes"] == 4
    with offline_page(page_file) as (page, requests):
        disputes = page.locator("article.dispute")
        assert disputes.count() == 4
        for i in range(disputes.count()):
            dispute = disputes.nth(i)
            claims = int(dispute.get_attribute("data-claims"))
            assert dispute.locator("svg").count() == 1
            marks = dispute.locator('svg [aria-roledescription="claim"]')
            assert marks.count() == claims == dispute.locator("tbody tr").count()
            box = marks.first.bounding_box()
            assert box is not None and box["height"] > 0  # drawn, not just present
        # every key with a dated claim has its small chart
        assert page.locator(".key svg").count() == sum(
            1 for k in report["keys"][:20] if any(c["claim_date"] for c in k["timeline"] or []))
        assert page.locator("#health tbody tr").count() >= 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    assert requests == [page_file.resolve().as_uri()]  # the page itself, nothing else
    assert (SCREENSHOTS / "report.png").stat().st_size > 10_000
