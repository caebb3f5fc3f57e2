# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000

.PHONY: run test test-calendar install lint format lock demo bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

# Translations compiled from the .po files in the repository, by Babel (pure Python,
# so no GNU gettext is needed): again whenever a .po is newer than its .mo.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(STAMP) $(MO_FILES)

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

## The suite again (browser tests aside) with the whole process moved to other days by
## Debian's faketime: a test that reads the wall clock instead of its own clock fails.
## Times are the site's (America/New_York): the night the school year turns over, and a
## Monday morning in a month's first week. CALENDAR_DATES="..." picks others.
CALENDAR_DATES ?= "2027-06-30 23:30:00" "2027-03-01 07:15:00"
test-calendar: install
	@command -v faketime >/dev/null || { echo "faketime not found: sudo apt-get install faketime"; exit 1; }
	@for when in $(CALENDAR_DATES); do \
		echo "== the suite as of $$when"; \
		TZ=America/New_York faketime "$$when" $(BIN)/pytest -n 2 --dist loadfile -q \
			--ignore=tests/browser $(PYTEST_ARGS) || exit 1; \
	done

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
## settings, 120 Locust users; prints the figures and fails past the thresholds.
loadtest: install
	$(BIN)/python -m loadtest.run $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media static_root
