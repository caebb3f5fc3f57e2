# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint format lock demo bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Start the site on SQLite with the curriculum and the demo district loaded.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_curriculum
	$(MANAGE) create_demo_district --address $(HOST)
	$(MANAGE) runserver $(HOST)

## Run the whole test suite (unit, integration and browser tests).
test: install
	@$(BIN)/python -m tests.browser.preflight
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

## Re-resolve the lock from pyproject.toml's pins (runtime and dev).
lock:
	$(PYTHON) -m venv --clear /tmp/tandem-lock
	$(PYTHON) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); \
		print('\\n'.join(p['project']['dependencies'] + p['dependency-groups']['dev']))" \
		> /tmp/tandem-lock/direct.txt
	/tmp/tandem-lock/bin/pip install --quiet -r /tmp/tandem-lock/direct.txt
	/tmp/tandem-lock/bin/pip freeze > requirements.lock

## Build synthetic districts at scale 1 and 5, measure pages, reports, exports and
## served throughput; print the table and write bench/results.json.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Load test: a synthetic district on PostgreSQL (127.0.0.1), gunicorn with production
## settings, 60 Locust users; prints the figures and fails past the thresholds.
loadtest: install
	$(BIN)/python -m loadtest.run $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media static_root
