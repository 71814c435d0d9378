# casebridge — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
# mypy's cache outside the checkout: a fresh clone on the same machine checks in seconds what
# it would otherwise check from nothing (~30 s); mypy validates every entry by its file's hash
export MYPY_CACHE_DIR ?= $(HOME)/.cache/casebridge/mypy

TENANT ?= demo-hospital
ROLE ?= intake_clerk
BENCH_SECONDS ?= 20
BENCH_CONCURRENCY ?= 64
CLUSTER_SECONDS ?= 60
CLUSTER_RATE ?= 5
CHAOS_SECONDS ?= 180
CHAOS_RATE ?= 5
TEST_WORKERS ?= 2
CHROMIUM := /usr/bin/chromium
IMAGE ?= casebridge:dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup browser run test test-all-databases test-fast unit protos protos-check lint token bench bench-pg bench-cluster chaos chaos-test fuzz clean image k8s

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

.venv/.synced: $(UV) uv.lock pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml
	$(UV) sync --frozen --python python3.11 --compile-bytecode
	@touch $@

setup: .venv/.synced ## Create .venv from uv.lock (uv is installed into .tools first)
	@# Bytecode of our own sources too (uv compiled the dependencies): where the environment
	@# sets PYTHONDONTWRITEBYTECODE, every process would otherwise compile all it imports
	@# (~3 s a process; each end-to-end test starts seven)
	@$(PY) -m compileall -q -j 0 libs/*/src services/*/src gateway/src tests conftest.py > /dev/null

$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
		chromium fonts-noto-cjk

browser: $(CHROMIUM) ## Debian's Chromium and CJK fonts, for the page tests

run: setup ## Run the whole platform: nats-server, five services, gateway on :8000 (SQLite under ./var)
	$(PY) -m casebridge_platform.devstack

test: setup browser protos-check lint ## Stubs check, lint, then unit, integration (SQLite and PostgreSQL) and e2e tests
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not chaos" $(PYTEST_ARGS)

test-all-databases: setup ## The in-process platform tests on SQLite and PostgreSQL each (make test: PostgreSQL for a chosen few)
	CASEBRIDGE_TEST_DATABASES=sqlite,postgresql $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup tests/integration $(PYTEST_ARGS)

test-fast: setup ## Unit tests and the integration tests on SQLite, in parallel (no e2e, no PostgreSQL)
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not e2e and not browser" -k "not postgresql" $(PYTEST_ARGS)

unit: setup ## Unit tests only
	$(PY) -m pytest -m "not integration and not e2e" $(PYTEST_ARGS)

protos: setup ## Regenerate libs/contracts from protos/
	$(PY) scripts/protos.py

protos-check: setup ## Fail when libs/contracts is stale
	$(PY) scripts/protos.py --check

lint: setup ## ruff, mypy (strict on domain/ and casebridge_platform), import-linter contracts, hadolint
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/lint-imports
	.venv/bin/hadolint Dockerfile

image: ## Build the one OCI image (IMAGE=casebridge:dev) with docker (BuildKit), podman or buildah
	@if docker info >/dev/null 2>&1; then builder="docker buildx"; \
	elif command -v podman >/dev/null; then builder=podman; \
	elif command -v buildah >/dev/null; then builder=buildah; \
	else echo "no working docker daemon, podman or buildah here: install one, or build elsewhere"; \
		echo "from the repository root with: docker buildx build -t $(IMAGE) ."; exit 1; fi; \
	echo "$$builder build -t $(IMAGE) ."; $$builder build -t $(IMAGE) .

k8s: setup ## Render every kustomize overlay and validate it offline (Kubernetes and CRD schemas)
	$(PY) -m pytest tests/deploy -q

token: setup ## Print a bearer token: make token TENANT=demo-hospital ROLE=intake_clerk
	@CASEBRIDGE_TOKEN_KEY_FILE=var/secrets/token.key CASEBRIDGE_SEED_FILE=deploy/seed/demo-tenants.json \
		$(PY) -m gateway.issue_token --tenant $(TENANT) --role $(ROLE)

bench: setup ## Benchmarks on SQLite and PostgreSQL → var/bench/{pipeline,timers,notifications,cluster}.json
	$(PY) -m tests.bench.pipeline --seconds $(BENCH_SECONDS) --concurrency $(BENCH_CONCURRENCY) --database sqlite --database postgresql
	$(PY) -m tests.bench.timers --database sqlite --database postgresql
	$(PY) -m tests.bench.notifications --database sqlite --database postgresql
	$(MAKE) --no-print-directory bench-cluster

bench-cluster: setup ## 3-node NATS (R3), 2 replicas of everything, kills and restarts → var/bench/cluster.json
	$(PY) -m tests.bench.cluster --seconds $(CLUSTER_SECONDS) --rate $(CLUSTER_RATE)

chaos: setup ## Faults under load on PostgreSQL: every process SIGKILLed, NATS and PostgreSQL restarted, a 30 s database cut → var/bench/chaos.json
	$(PY) -m tests.bench.chaos --seconds $(CHAOS_SECONDS) --rate $(CHAOS_RATE)

chaos-test: setup ## The tests marked chaos, kept out of make test for time: a NATS outage, a SIGKILL on SQLite
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m chaos tests/e2e $(PYTEST_ARGS)

FUZZ_EXAMPLES ?= 60

fuzz: setup ## Generated requests (schemathesis) on SQLite and PostgreSQL, 10,000+ cases → var/bench/fuzz.json
	$(PY) -m tests.bench.fuzz --examples $(FUZZ_EXAMPLES)

clean: ## Remove ./var (databases, NATS storage, logs, local secrets)
	rm -rf var
