# Two commands on a fresh machine: `make run` and `make test`. Both bootstrap their own
# virtualenv: .tools holds uv, .venv is synced from uv.lock (frozen: the lock is the truth).
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format schema migrate worker bench-webhooks bench-graphql bench-redeem bench-subscriptions clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$$(command -v $(PYTHON)) $(UV) sync --frozen --all-groups
	touch $@

run: $(VENV)/.synced
	$(BIN)/loyalnest run

# Tests run in one process per core (pytest-xdist): each process gets its own database
# and Redis namespace (tests/conftest.py), and most of a test's time is spent waiting on
# PostgreSQL, Redis or a subprocess, so the suite takes under half the time of one process.
TEST_PROCESSES ?= auto

test: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_PROCESSES)

lint: $(VENV)/.synced
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(BIN)/mypy

format: $(VENV)/.synced
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

schema: $(VENV)/.synced
	$(BIN)/loyalnest export-schema --output schema/schema.graphql

migrate: $(VENV)/.synced
	$(BIN)/loyalnest migrate

worker: $(VENV)/.synced
	$(BIN)/loyalnest worker

bench-webhooks: $(VENV)/.synced
	$(BIN)/loyalnest bench webhooks

bench-graphql: $(VENV)/.synced
	$(BIN)/loyalnest bench graphql

bench-redeem: $(VENV)/.synced
	$(BIN)/loyalnest bench redeem

bench-subscriptions: $(VENV)/.synced
	$(BIN)/loyalnest bench subscriptions

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .mypy_cache
