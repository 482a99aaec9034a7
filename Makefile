# The project's interface: `make demo`, `make test`, `make bench`, `make soak`.
# Every target installs what it needs itself (venv, npm packages, Debian chromium).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TWF_DATA_ROOT ?= ./data/v3

.PHONY: venv test test-py lint bench soak demo clean web test-web test-e2e chromium

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<27"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: test-py test-web test-e2e

test-py: venv
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .

# Web viewer (frontend/): npm packages from the lockfile, built into frontend/dist (served by `twf serve`).
FRONTEND_STAMP := frontend/node_modules/.installed

$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(FRONTEND_STAMP)

web: $(FRONTEND_STAMP)
	cd frontend && npm run build

test-web: $(FRONTEND_STAMP)
	cd frontend && npm test

# Debian's chromium for the browser tests (playwright-core drives it; no browser download).
chromium:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

test-e2e: venv web chromium
	cd frontend && node --test --test-concurrency=1 e2e/viewer.test.mjs

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info
