# Two commands on a fresh machine:
#   make demo   start the service with a demo on the embedded default (SQLite + local queue + worker)
#   make test   run every test (needs PostgreSQL and RabbitMQ; .ci/run starts them when they are down)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

$(BIN)/infrakitchen: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

.PHONY: install demo test lint openapi

install: $(BIN)/infrakitchen

demo: install
	$(BIN)/infrakitchen demo

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

openapi: install
	$(BIN)/python -m service.openapi_file write
