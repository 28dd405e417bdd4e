# Two commands on a fresh machine:
#   make demo   start the service with a demo on the embedded default (SQLite + local queue + worker)
#   make test   run every test (needs PostgreSQL, RabbitMQ, Node 20+ and Chromium; .ci/run provides them)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

$(BIN)/infrakitchen: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

PLUGIN := backstage-plugin

.PHONY: install demo test test-service test-plugin lint openapi bench bench-orchestration bench-provisions

install: $(BIN)/infrakitchen

demo: install
	$(BIN)/infrakitchen demo

test: test-service test-plugin

# ruff, then the layer contracts (pyproject.toml [tool.importlinter]; docs/architecture.md), then every test.
test-service: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

# The Backstage packages (an npm workspace: $(PLUGIN)/plugins/*, one lock file at its root): each package's
# lint, types and tests (the frontend plugin's component tests, the backend modules' tests), then the
# tarball each package packs, then the frontend plugin's dev app in headless Chromium and the catalog module in a
# test backend, each against the real service (`infrakitchen demo` from .venv, started by the e2e scripts).
$(PLUGIN)/node_modules/.package-lock.json: $(PLUGIN)/package-lock.json $(PLUGIN)/package.json $(wildcard $(PLUGIN)/plugins/*/package.json)
	cd $(PLUGIN) && npm ci --no-audit --no-fund

test-plugin: install $(PLUGIN)/node_modules/.package-lock.json
	cd $(PLUGIN) && npm run check && npm run check:pack && npm run e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

openapi: install
	$(BIN)/python -m service.openapi_file write

# The read benchmark at 1k, 10k and 100k resources (needs PostgreSQL; prints figures, asserts nothing), then the
# live-update latencies, then the run benchmarks (they need RabbitMQ too): a provision through the API and a
# worker against the engine alone, and 200 provisions at once with 1 and 2 workers. Each alone: `make
# bench-orchestration`, `make bench-provisions`; with BENCH_BASELINE=DIR (an older checkout: `git worktree add
# /tmp/ik-old HEAD`) they also run DIR's API and worker, before and after in one run. README "Performance" says
# how to read them.
bench: install
	$(BIN)/python bench/api_reads.py
	$(BIN)/python bench/live_updates.py
	$(BIN)/python bench/orchestration.py $(BASELINE_ARG)
	$(BIN)/python bench/provisions.py $(BASELINE_ARG)

BASELINE_ARG = $(if $(BENCH_BASELINE),--baseline-tree $(BENCH_BASELINE))

bench-orchestration: install
	$(BIN)/python bench/orchestration.py $(BASELINE_ARG)

bench-provisions: install
	$(BIN)/python bench/provisions.py $(BASELINE_ARG)
