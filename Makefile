# `make run` serves the app; `make test` runs every test (SQLite and PostgreSQL side by side).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Links the app prints and sends point where `make run` serves, unless BASE_URL says otherwise.
BASE_URL ?= http://$(HOST):$(PORT)
# uv, when it is on PATH, fills the venv several times faster than pip; pip stays the way when
# it is not (or with `make run UV=`), and takes over if uv fails (uv reads no pip.conf).
ifeq ($(origin UV),undefined)
UV := $(shell command -v uv 2>/dev/null)
endif
ifneq ($(UV),)
INSTALL = $(UV) pip install --quiet --python $(BIN)/python $(1) || $(BIN)/pip install --quiet $(1)
else
INSTALL = $(BIN)/pip install --quiet $(1)
endif

.PHONY: run colead test lint bench translations clean

# A venv left half made (Debian's python3 without python3-venv makes the folder, then fails)
# would count as made at every later run, which then stops on a missing .venv/bin/pip.
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(if $(UV),,$(BIN)/pip install --quiet --upgrade pip)

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(call INSTALL,-e .)
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(call INSTALL,-e '.[test]')
	touch $@ $(VENV)/.run-deps

# The mail sender runs beside the server and stops with it (Ctrl-C or the server's end).
run: export BASE_URL := $(BASE_URL)
run: $(VENV)/.run-deps
	$(FLASK) db upgrade
	MAKE_RUN_ARGS='$(if $(filter-out 5000,$(PORT)), PORT=$(PORT))$(if $(filter-out 127.0.0.1,$(HOST)), HOST=$(HOST))$(if $(filter command line environment,$(origin BASE_URL)), BASE_URL=$(BASE_URL))' $(FLASK) setup
	$(FLASK) mail send & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# A co-lead account (the first one, or another): prints a one-time password to change at
# first sign-in. Works beside a running `make run`, and before it.
colead: export BASE_URL := $(BASE_URL)
colead: $(VENV)/.run-deps
	@test -n '$(EMAIL)' || { echo 'Whose account? make colead EMAIL=ana@example.org' >&2; exit 2; }
	@$(FLASK) db upgrade 2>/dev/null || $(FLASK) db upgrade
	$(FLASK) users create --email '$(EMAIL)' --role colead
	@echo 'Sign in at $(BASE_URL)/login'

# Python's own bytecode cache, whatever the environment says (PYTHONDONTWRITEBYTECODE): each of the
# three runs below would otherwise compile the app and rewrite every test module again.
test: export PYTHONDONTWRITEBYTECODE :=
test: $(VENV)/.test-deps
	scripts/ensure-chromium.sh
	scripts/ensure-icaljs.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	scripts/test-both-databases.sh $(BIN)/pytest

bench: $(VENV)/.test-deps
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/availability_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/matching_bench.py
	$(BIN)/python bench/matching_quality.py
	$(BIN)/python bench/fit_methods.py
	$(BIN)/python bench/lineup_bench.py
	$(BIN)/python bench/suggest_bench.py
	$(BIN)/python bench/feed_bench.py

# After changing a string the presenter's or volunteer's pages show: the template gains it, each
# language's catalogue gains it untranslated (tests/test_translations.py fails until it is
# translated), and the compiled catalogues the pages read are made again (kept in git).
translations: $(VENV)/.test-deps
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --no-location --sort-output --omit-header \
		-o planner/translations/messages.pot .
	$(BIN)/pybabel -q update -i planner/translations/messages.pot -d planner/translations \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel -q compile -d planner/translations

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
