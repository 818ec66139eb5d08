# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each creates .venv when it is missing; constraints.txt pins every package to a set known to install together.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= news.duckdb

.PHONY: demo test install clean-demo bench-report docs-screenshot bench-figures bench-claims bench-claims-real bench-dedupe bench-clean bench-feeds bench bench-quick bench-dask

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[test]'
	touch $(STAMP)

## demo: install, backfill the bundled samples into ./news.duckdb, print a summary, write ./report.html
demo: $(STAMP)
	$(BIN)/newsmon backfill samples --db $(DB)
	$(BIN)/newsmon report --db $(DB) --out report.html

## test: install, then run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

clean-demo:
	rm -f $(DB) $(DB).wal report.html

## bench-figures: precision/recall of figure extraction on the labelled sets and the seeds, and its speed
bench-figures: $(STAMP)
	$(BIN)/python bench/figures.py

## bench-claims: time to compare 10,000 new claims with 1,000,000 stored ones (synthetic, fixed seed)
bench-claims: $(STAMP)
	$(BIN)/python bench/claims.py

## bench-claims-real: figures and contradiction alerts on the real news excerpts of ../shared/eval/claims_dev
bench-claims-real: $(STAMP)
	cd ../shared/eval && $(CURDIR)/$(BIN)/python evaluate_claims.py $(CURDIR)/$(BIN)/newsmon

## bench-dedupe: near-duplicate precision/recall against exact all-pairs Jaccard, and lookup cost at scale
bench-dedupe: $(STAMP)
	$(BIN)/python bench/dedupe.py

## bench-clean: the three extraction scorers of ../shared/eval against the project's cleaner
bench-clean: $(STAMP)
	PYTHON=$(CURDIR)/$(BIN)/python bench/clean.sh

## bench-feeds: one poll of 200 unchanged feeds (304) and pages/s for the eval HTML pages, on loopback
bench-feeds: $(STAMP)
	$(BIN)/python bench/feeds.py

## bench: the whole pipeline vs bare trafilatura / langdetect loops, 10k HTML + 10k text, 100k RSS run (~30 min)
bench: $(STAMP)
	$(BIN)/python bench/pipeline.py

## bench-quick: the same at 1,000 articles, without the 100k runs (~3 min)
bench-quick: $(STAMP)
	$(BIN)/python bench/pipeline.py --quick

## bench-dask: 10,000 text files through the local pool, --executor dask and Prefect's DaskTaskRunner, side by side (~6 min)
bench-dask: $(STAMP)
	$(BIN)/python bench/dask_executor.py

## bench-report: build the report over 100,000 stored articles and their claims (synthetic, fixed seed): seconds and size
bench-report: $(STAMP)
	$(BIN)/python bench/report.py

## docs-screenshot: docs/report.png, the demo's report as Chromium shows it (needs Debian's chromium)
docs-screenshot: $(STAMP)
	$(BIN)/python bench/report_screenshot.py docs/report.png
