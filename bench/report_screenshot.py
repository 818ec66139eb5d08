"""docs/report.png: the demo's report as headless Chromium shows it (`make docs-screenshot`).

Backfills ./samples into a temporary database (as `make demo` does), writes the report, opens it in
Debian's Chromium with the network off (tests/browser.py) and saves the top of the page.

Usage: python bench/report_screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))

from browser import offline_page  # noqa: E402

from flows.prefect_env import apply_prefect_defaults  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else PROJECT / "docs" / "report.png")
    apply_prefect_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.backfill import backfill
    from flows.report import write_report_file

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.duckdb")
        backfill([str(PROJECT / "samples")], db=db)
        page_file, _ = write_report_file(db, Path(tmp) / "report.html")
        with offline_page(page_file, width=1150, height=1500) as (page, _):
            page.screenshot(path=str(out))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
