# Samenspel: two commands for a newcomer.
#   make demo   set up and serve the Diemen demo on http://127.0.0.1:8000 (SQLite, no services)
#   make test   install what the tests need, start throwaway PostgreSQL and Redis, run everything
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test install frontend messages serve lint clean

# The Python packages and the frontend build are made side by side (neither needs the other).
MAKEFLAGS += --jobs=2

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --no-compile -e ".[dev]"
	$(PY) -m compileall -qq -j 0 $(VENV)/lib  # on every core: pip compiles one file at a time
	touch $@

install: $(VENV)/.installed

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run --silent build

messages: install
	$(PY) -m samenspel.i18n

demo: install frontend messages
	mkdir -p var
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py seed_demo
	@echo "Samenspel runs on http://127.0.0.1:8000/  (stop with Ctrl+C)"
	$(VENV)/bin/daphne -b 127.0.0.1 -p 8000 samenspel.asgi:application

test: install frontend messages
	bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) frontend/node_modules samenspel/static/dist staticfiles var
