# The project's interface: `make demo`, `make test`, `make bench`, `make soak`.
# Every target installs what it needs itself (venv, npm packages, Debian chromium).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TWF_DATA_ROOT ?= ./data/v3

.PHONY: venv test test-py lint bench soak demo clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<27"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: test-py

test-py: venv
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info
