# Two commands do everything on a fresh machine (Python 3.11 + pip):
#   make demo   create .venv if needed, install, run the shipped demo portfolio (batch)
#   make test   same set-up, then the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# rfc3987-syntax (an optional extra of jsonschema) builds parsers at import time and adds
	@# 1-1.5 s to every kernel, papermill and Voila start; nothing needs it (pip check stays clean).
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax 2>/dev/null || true
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/assess batch data/demo/portfolio.yaml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
