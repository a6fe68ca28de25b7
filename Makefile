# pulumi-videokit: `make demo` and `make test` are the two commands a fresh clone needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test test-fast lint generate sdk demo demo-down reliability bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# pytest-xdist workers for test and test-fast; PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2

test: setup lint
	$(PY) -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS)

# The quick loop: no real engine, no long searches. `make test` is the whole suite, and CI's.
test-fast: setup
	$(PY) -m pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) -m "not e2e and not slow"

# What is written from the kinds' and the lookups' tables: the typed Python classes, the package's
# names, the schemas and the README's tables (tests/test_registry.py fails when one is stale).
generate: setup
	$(PY) scripts/generate.py

# The typed SDKs (sdk/nodejs, sdk/go, sdk/python) from schemas/pulumi-package.json, by Pulumi's own
# codegen as a library (scripts/sdkgen, Go; the binary is cached and rebuilt only when its sources change).
SDKGEN := $(or $(VIDEOKIT_CACHE),$(HOME)/.cache/pulumi-videokit)/sdkgen
sdk: setup
	cd scripts/sdkgen && nice go build -o $(SDKGEN) .
	$(SDKGEN) schemas/pulumi-package.json sdk

lint: setup
	$(VENV)/bin/ruff check provider tests scripts examples
	$(VENV)/bin/mypy
	scripts/lint-workflows

reliability: setup
	$(PY) scripts/reliability_report.py

# Not part of `make test`: over an hour of real engine runs (both doors, N up to 1,000), written
# to docs/performance.md.
bench: setup
	nice -n 5 $(PY) scripts/bench.py

demo: setup
	$(PY) scripts/demo.py

demo-down: setup
	$(PY) scripts/demo.py --down

clean:
	rm -rf $(VENV) .demo .e2e
