# Two commands: `make run` (demo with web, worker, beat) and `make test` (the whole suite).
# Both work on a fresh machine with only Python and pip: they create .venv, install
# requirements/, and start project-local PostgreSQL and Redis unless DATABASE_URL /
# REDIS_URL are set.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test stop install services schemas migrate tools messages

$(STAMP): requirements/base.txt requirements/prod.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

services: install
	@$(PY) -m platform_.localservices start

# Public schema and every tenant schema that exists (tenants awaiting approval, failed or
# purged have none and are listed as skipped), so a restart works whatever their state.
schemas: services
	$(PY) manage.py migrate_schemas -v 0

migrate: schemas
	$(PY) manage.py setup_platform

# seed_demo runs setup_platform itself.
run: schemas
	@bash tests/tools/ensure_system_tools.sh runtime
	$(PY) manage.py seed_demo
	$(PY) manage.py rundev

# System tools the suite drives: Chromium (browser tests) and docker-compose (compose file check).
tools:
	@bash tests/tools/ensure_system_tools.sh

# The suite runs in pytest-xdist workers, one per core (at most 4), each with its own test
# database, cache prefix and Celery queue (platform_/settings/test.py), each running its
# share in the order of a serial run (tests/parallel.py, which refines --dist loadfile).
# PYTEST_ARGS=-n0 runs everything in one process (so does plain `pytest`).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 4 ? 4 : n )))

test: services tools
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

stop:
	@$(PY) -m platform_.localservices stop

messages: install
	$(PY) manage.py makemessages -l ko --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv
