# One entry point for people and CI. Everything installs into .venv with uv.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/voorzieningen
export UV_PYTHON_DOWNLOADS ?= never

.PHONY: run run-prod run-worker install migrate demo test test-smoke fuzz chaos bench loadtest lint format messages css openapi clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load-demo

## Serve http://127.0.0.1:8000 with the embedded default (SQLite, in-process tasks, console e-mail).
run: demo
	$(MANAGE) runserver 127.0.0.1:8000

## The production profile on this machine (PostgreSQL, RabbitMQ, Redis must run): gunicorn + Celery worker + beat.
run-prod: install
	scripts/run-prod.sh

## A real Celery worker + beat (only when CELERY_BROKER_URL is set).
run-worker: install
	$(BIN)/celery -A voorzieningen.conf.celery worker --beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler

## axe-core (for the accessibility checks in the browser tests) from npm; skipped with a note without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the axe-core checks of the browser tests will be skipped"; fi

## The whole suite (browser tests included when /usr/bin/chromium is installed).
test: install node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

## The subset CI also runs on SQLite after the PostgreSQL run.
test-smoke: install
	$(BIN)/pytest -m smoke $(PYTEST_ARGS)

## Bad input at scale (issue 10): schemathesis over every operation of src/openapi.yaml (positive, negative and
## stateful; fails under FUZZ_MIN_CASES, prints the total) and the parser properties with FUZZ_PARSER_EXAMPLES each.
fuzz: install
	FUZZ=1 FUZZ_MIN_CASES="$${FUZZ_MIN_CASES:-10000}" $(BIN)/pytest -m fuzz -p no:randomly $(PYTEST_ARGS) \
	  $$(find src -name 'test_fuzz*.py' | sort)

## Fault injection (issue 10, docs/chaos.md): the chaos tests (a real Celery worker on RabbitMQ: SIGKILL mid-delivery,
## broker restart) and a season with every fault (receivers down, lost answers, duplicates, a killed worker, PostgreSQL
## restarts) on a database of its own, created and dropped here. Needs local PostgreSQL and RabbitMQ, and root:
## it restarts both for a moment and always starts them again.
chaos: install
	@set -euo pipefail; \
	db="chaos_$$$$_$$(date +%s)"; url="postgres://postgres@127.0.0.1:5432/$$db"; \
	opruimen() { \
	  rabbitmqctl start_app >/dev/null 2>&1 || true; \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | tail -1)" main start >/dev/null 2>&1 || true; \
	  for i in $$(seq 30); do psql -h 127.0.0.1 -U postgres -d postgres -qAtc 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done; \
	  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $$db" >/dev/null 2>&1 || true; \
	  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS test_$$db" >/dev/null 2>&1 || true; \
	}; \
	trap opruimen EXIT; \
	psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $$db"; \
	begin=$$(date +%s); \
	CHAOS=1 DB_CONN_MAX_AGE=0 DATABASE_URL="$$url" $(BIN)/pytest -m chaos -p no:randomly $(PYTEST_ARGS) \
	  $$(grep -rl 'pytest.mark.chaos' src --include='test_*.py' | sort); \
	DATABASE_URL="$$url" $(MANAGE) migrate --noinput -v0; \
	DATABASE_URL="$$url" $(MANAGE) simulate-season --chaos --studenten "$${CHAOS_STUDENTEN:-300}" \
	  --scale "$${CHAOS_SCALE:-0.1}" --processen 2 --schooljaar 2027; \
	echo "make chaos: $$(( $$(date +%s) - begin )) s"

bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

## The 1 April peak (docs/loadtest.md) against a running `make run-prod` with the same DATABASE_URL: seeds students
## with drafts, then locust headless for LOADTEST_DURATION (10m) with LOADTEST_USERS; summary in var/loadtest/.
loadtest: install
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/voorzieningen_prod}" && \
	$(MANAGE) seed-loadtest --studenten "$${LOADTEST_STUDENTEN:-5000}" && \
	LOADTEST_DB="$${DATABASE_URL##*/}" LOADTEST_BIND="$${LOADTEST_BIND:-127.0.0.1:8000}" $(BIN)/locust \
	  -f loadtest/locustfile.py --headless --only-summary --host "$${LOADTEST_HOST:-http://127.0.0.1:8000}" \
	  -u "$${LOADTEST_USERS:-300}" -r "$${LOADTEST_SPAWN_RATE:-20}" -t "$${LOADTEST_DURATION:-10m}" \
	  --csv var/loadtest/locust --stop-timeout 10

lint: install
	$(BIN)/ruff check src benchmarks
	$(BIN)/ruff format --check src benchmarks

format: install
	$(BIN)/ruff check --fix src benchmarks
	$(BIN)/ruff format src benchmarks

## Regenerate the English translation catalogue (source strings are Dutch) and compile it.
messages: install
	cd src/voorzieningen && ../../$(MANAGE) makemessages -l en --no-obsolete --ignore 'tests/*' --ignore conftest.py && ../../$(MANAGE) compilemessages -l en

## Rebuild the NL Design System CSS bundle committed under core/static/nlds (needs npm).
css:
	npm ci --no-audit --no-fund
	python3 scripts/build_css.py

openapi: install
	$(MANAGE) spectacular --validate --fail-on-warn --file src/openapi.yaml

clean:
	rm -rf $(VENV) .tools var
