# Renda: `make demo` sets up and serves the demo; `make test` sets up and runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev assets messages migrate seed serve lint test-only clean

$(VENV)/.base: pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to build the front-end assets (Debian: apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

assets: $(VENV)/.base node_modules/.package-lock.json
	$(PY) scripts/build_assets.py

messages: $(VENV)/.base
	$(PY) scripts/compile_messages.py

migrate: $(VENV)/.base
	@mkdir -p var
	RENDA_DEMO=1 $(PY) manage.py migrate --no-input -v 0

seed: migrate
	RENDA_DEMO=1 $(PY) manage.py seed_demo

# The web server, the task queue's worker and the scheduler of the deadline sweeps; Ctrl-C
# stops all three.
serve:
	@echo "Renda demo: http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@RENDA_DEMO=1 $(PY) manage.py db_worker --no-reload --interval 5 -v 0 & worker=$$!; \
	RENDA_DEMO=1 $(PY) manage.py run_schedule -v 0 & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	RENDA_DEMO=1 $(PY) manage.py runserver $(HOST):$(PORT)

demo: install assets messages seed serve

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	RENDA_TESTING=1 $(PY) manage.py check
	RENDA_TESTING=1 $(PY) manage.py makemigrations --check --dry-run -v 1

test-only:
	RENDA_TESTING=1 $(PY) -m pytest -q -p no:warnings

test: install-dev assets messages lint test-only

clean:
	rm -rf $(VENV) node_modules renda/static/vendor var/staticfiles
