# Two commands on a fresh machine (Python >= 3.11 and make):
#   make serve   - set up the serving environment and run dashboard + API on http://127.0.0.1:8000
#   make test    - set up everything (incl. headless Chromium when run as root) and run all tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test lint train bench container-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Serving needs no torch: the serve extra is onnxruntime + Flask + gunicorn.
$(VENV)/.serve-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[serve]"
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[serve,train,dev]"
	touch $@

serve: $(VENV)/.serve-installed
	$(BIN)/gunicorn --config web/gunicorn_conf.py web.wsgi:app

test: $(VENV)/.dev-installed
	bash scripts/install-browser.sh
	bash scripts/install-nginx.sh
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

train: $(VENV)/.dev-installed
	$(BIN)/python -m training --config training/config.toml --out artifacts

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks --quick

container-check:
	bash scripts/container-check.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-screenshots
