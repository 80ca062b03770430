# The verbs people expect. Everything installs itself into .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run demo test test-postgres lint format bench migrate browser-deps clean load

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_territories
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@$(BIN)/python manage.py demo_accounts
	@# The background worker (e-mails, large imports) lives as long as the server.
	@$(BIN)/python manage.py db_worker --queue-name '*' & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The same suite against PostgreSQL (DATABASE_URL must point at a server where we may create a database).
test-postgres: install
	$(BIN)/pytest

# The key operations of quality.md against their floors at scale 1 and 10 (BENCH_SCALES="1" for a quick
# run); reference datasets cached under var/bench/, PostgreSQL when DATABASE_URL is set.
bench: install
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_import.py

# gunicorn + PostgreSQL + the reference dataset under locust (LOAD_USERS=50, LOAD_SECONDS=60 by default),
# after the floor: the page with no data under wrk (anonymous and signed in) and its CPU time per request.
load: install
	$(BIN)/python scripts/load.py

clean:
	rm -rf $(VENV) var/static var/test-media .pytest_cache
