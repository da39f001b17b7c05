# `make run` serves the app; `make test` runs every test (SQLite and PostgreSQL side by side).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-deps

# The mail sender runs beside the server and stops with it (Ctrl-C or the server's end).
run: $(VENV)/.run-deps
	$(FLASK) db upgrade
	$(FLASK) setup
	$(FLASK) mail send & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.test-deps
	scripts/ensure-chromium.sh
	scripts/ensure-icaljs.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	scripts/test-both-databases.sh $(BIN)/pytest

bench: $(VENV)/.test-deps
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/matching_bench.py
	$(BIN)/python bench/matching_quality.py
	$(BIN)/python bench/lineup_bench.py
	$(BIN)/python bench/suggest_bench.py
	$(BIN)/python bench/feed_bench.py

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
