# Two commands do everything on a fresh machine (Python 3.11 + pip):
#   make demo   create .venv if needed, install, run the shipped demo portfolio (batch)
#   make test   same set-up, then lint, the import contracts and the whole test suite
#   make test-fast  the unit tests alone (no kernel, notebook, batch or browser), timed
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint format bench clean install

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
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# The unit tests alone: tests that start kernels, run notebooks or batches are marked
# `notebook`, browser tests `browser` (pyproject.toml). They run on every core (pytest-xdist;
# `-n auto`) and print how long they took, and the CPU time they used (the wall time grows with
# whatever else the machine is running).
test-fast: $(STAMP)
	$(BIN)/python -c "import resource, subprocess, sys, time; began = time.perf_counter(); \
	code = subprocess.call([sys.executable, '-m', 'pytest', '-q', '-m', 'not notebook and not browser', '-n', 'auto']); \
	used = resource.getrusage(resource.RUSAGE_CHILDREN); \
	print(f'make test-fast: {time.perf_counter() - began:.1f} s ({used.ru_utime + used.ru_stime:.1f} s of CPU)'); \
	sys.exit(code)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
