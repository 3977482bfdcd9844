# Developer entry points. `make run` starts the platform locally; `make test` runs every test
# (unit, API on SQLite and PostgreSQL, infra, end-to-end). See docs/operations.md.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
COMPOSE ?= docker compose
PYTEST_ARGS ?=

.PHONY: run test lint fmt up down logs migrate e2e bench clean install

# (Re)install when the virtual env is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m infra.devstack.run

migrate: $(STAMP)
	$(PY) -m infra.devstack.run --migrate-only

test: $(STAMP)
	$(PY) -m pytest --db sqlite,postgresql $(PYTEST_ARGS)

e2e: $(STAMP)
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	@set -e; for script in bench/*.py; do \
		[ -e "$$script" ] || continue; echo "== $$script"; $(PY) "$$script"; done

# Operators: the compose stack. `.env` is created from .env.example with fresh secrets if absent.
.env:
	$(PYTHON) -m infra.devstack.dotenv --out .env

up: .env
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down

logs:
	$(COMPOSE) logs -f --tail=200

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
