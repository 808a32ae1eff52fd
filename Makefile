# Roost — every target bootstraps what it needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export ROOST_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export ROOST_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test lint test-embedded test-scale bench bench-property bench-schema faults soak system-deps services clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) ## Install, migrate and serve the embedded default on http://127.0.0.1:8000
	$(BIN)/roost migrate
	$(BIN)/roost serve

system-deps: ## Install Chromium (browser tests) and wrk (benchmark) from Debian when missing
	@if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium wrk >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium wrk >/dev/null; fi; \
	fi

services: ## Start PostgreSQL and Redis on this machine if they are not running
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: $(STAMP) ## ruff, mypy (strict) and the layer contract
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test-embedded: $(STAMP) system-deps services ## The suite on SQLite and PostgreSQL, in-process jobs and pub/sub
	# tests/scale starts its own multi-process cluster on PostgreSQL + Redis: test-scale runs it.
	$(BIN)/pytest -n 2 -q --ignore=tests/scale

test-scale: $(STAMP) system-deps services ## The suite in scale mode: PostgreSQL + Redis
	# Browser and end-to-end tests start their own embedded server: the first run covers them.
	# --dist loadfile keeps each multi-process test module (one cluster) on one pytest worker.
	ROOST_TEST_BACKENDS=postgresql ROOST_TEST_SCALE=1 $(BIN)/pytest -n 2 --dist loadfile -q -m "not browser and not e2e"

test: lint test-embedded test-scale ## Install, lint, type-check and run the whole suite in both modes

bench: $(STAMP) system-deps services ## Benchmark both modes; JSON and PNG under bench/results/
	$(BIN)/roost-bench bench
	$(BIN)/roost-bench bench --mode both --graph powerlaw --people 100000 --steps suggestions
	$(MAKE) bench-property

bench-schema: $(STAMP) services ## Schemathesis at length over /openapi.json, both backends
	ROOST_SCHEMATHESIS_EXAMPLES=$${ROOST_SCHEMATHESIS_EXAMPLES:-200} $(BIN)/pytest -q -s -p no:randomly --timeout=0 tests/api/test_schemathesis.py

bench-property: $(STAMP) services ## The privacy property at length: 300 random networks per backend
	ROOST_PROPERTY_EXAMPLES=$${ROOST_PROPERTY_EXAMPLES:-300} $(BIN)/pytest -n 2 -q tests/privacy

faults: $(STAMP) system-deps ## PostgreSQL, then Redis, stopped under load (private instances); JSON and PNG under bench/results/
	$(BIN)/roost-bench faults

soak: $(STAMP) system-deps ## The mixed workload at 70% of capacity for SOAK_MINUTES (30); JSON and PNG under bench/results/
	$(BIN)/roost-bench soak --minutes $${SOAK_MINUTES:-30}

clean: ## Remove the virtualenv, data and caches
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache test-artifacts
