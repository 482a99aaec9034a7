# The project's interface: `make demo`, `make test`, `make bench`, `make soak`, `make run`.
# Every target installs what it needs itself (venv, npm packages, Debian chromium).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TWF_DATA_ROOT ?= ./data/v3
TWF := $(VENV)/bin/twf
HOST ?= 127.0.0.1
PORT ?= 8200
WORKERS ?= 2

.PHONY: venv test test-py lint bench soak demo demo-s3 demo-data run clean web test-web test-e2e chromium

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<27"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: lint test-py test-web test-e2e

test-py: venv
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check .

# Web viewer (frontend/): npm packages from the lockfile, built into frontend/dist (served by `twf serve`),
# rebuilt only when what it is built from changed (so a second `make demo` or `make test` skips the build).
# "Changed" is a hash of the sources' names and contents, the lockfile, the build configuration and the
# VITE_* build settings, recorded as the stamp's name in dist: mtimes miss a dist newer than a renamed or
# checked-out source (such a stale dist blanked the page).
FRONTEND_STAMP := frontend/node_modules/.installed
WEB_HASH := $(shell (cd frontend && find src index.html package.json package-lock.json vite.config.ts tsconfig.json \
	-type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; \
	echo "$$VITE_TWF_BASEMAP_TILES $$VITE_TWF_BASEMAP_ATTRIBUTION") | sha256sum | cut -c1-16)
WEB_BUILT := frontend/dist/.built-$(WEB_HASH)

$(WEB_BUILT): $(FRONTEND_STAMP)
	cd frontend && npm run build
	touch $(WEB_BUILT)

$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(FRONTEND_STAMP)

web: $(WEB_BUILT)

test-web: $(FRONTEND_STAMP)
	cd frontend && npm test

# Debian's chromium for the browser tests (playwright-core drives it; no browser download).
chromium:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

test-e2e: venv web chromium
	cd frontend && node --test --test-concurrency=1 e2e/viewer.test.mjs e2e/points.test.mjs e2e/compare.test.mjs

bench: venv demo-data
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info


# Demo runs: synthetic GRIB2 on the real model grids, written into a bucket-layout mirror marked DEMO.json,
# then the live path (scheduler: mirror → fetch → build → publish) into TWF_DATA_ROOT. Fixed run ids, so a
# re-run keeps every mirror file and every published frame and only fills in what is missing. GFS is every 3 h
# from f006 on; f001-f003 hourly give its 1 h precipitation frames.
DEMO_MIRROR ?= ./data/demo-mirror
DEMO_HRRR_RUN := 20260129_17z
DEMO_GFS_RUN := 20260129_12z
DEMO_NBM_RUN := 20260129_17z

demo-data: venv
	$(TWF) demo-data --model hrrr --run $(DEMO_HRRR_RUN) --fhs 0-12 --mirror $(DEMO_MIRROR)
	$(TWF) scheduler --model hrrr --once --run $(DEMO_HRRR_RUN) --source mirror:$(DEMO_MIRROR) --workers $(WORKERS) $(SCHEDULER_FLAGS)
	$(TWF) demo-data --model gfs --run $(DEMO_GFS_RUN) --fhs 0-3,6-48:3 --mirror $(DEMO_MIRROR)
	$(TWF) scheduler --model gfs --once --run $(DEMO_GFS_RUN) --source mirror:$(DEMO_MIRROR) --workers $(WORKERS) $(SCHEDULER_FLAGS)
	$(TWF) demo-data --model nbm --run $(DEMO_NBM_RUN) --fhs 1-6 --mirror $(DEMO_MIRROR)
	$(TWF) scheduler --model nbm --once --run $(DEMO_NBM_RUN) --source mirror:$(DEMO_MIRROR) --workers $(WORKERS) $(SCHEDULER_FLAGS)

# `make demo`: the viewer on the demo runs at http://$(HOST):$(PORT)/ until interrupted (Ctrl-C).
# `make demo STORAGE=s3` (or `make demo-s3`): the same beyond one machine, on this one: a local S3 server and a
# Dask scheduler with 2 workers on 127.0.0.1, the runs built on the workers into the bucket, the viewer served
# from it; Ctrl-C stops everything it started (scripts/demo-s3.sh).
STORAGE ?= local
SCHEDULER_FLAGS ?=

ifeq ($(STORAGE),s3)
demo: demo-s3
else
demo: venv web demo-data
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(TWF) serve --host $(HOST) --port $(PORT)
endif

demo-s3: venv web
	TWF=$(TWF) MAKE="$(MAKE)" HOST=$(HOST) PORT=$(PORT) scripts/demo-s3.sh

# `make run` (needs internet): the live HRRR scheduler in the background, the server in the foreground.
RUN_MODEL ?= hrrr

run: venv web
	TWF=$(TWF) MODEL=$(RUN_MODEL) WORKERS=$(WORKERS) HOST=$(HOST) PORT=$(PORT) scripts/run-live.sh

# `make soak`: SOAK_CLIENTS viewers (64) on a multi-worker server for SOAK_SECONDS (300) while the scheduler
# publishes a new HRRR run whose hours arrive in a mirror over time (bench/soak.py; not part of `make bench`;
# a bounded version runs in `make test`: tests/test_soak.py).
SOAK_SECONDS ?= 300
SOAK_CLIENTS ?= 64

soak: venv demo-data
	$(PY) -m bench.soak --seconds $(SOAK_SECONDS) --clients $(SOAK_CLIENTS)
