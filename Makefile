# Two commands for a fresh machine (README: "What the two commands need"):
#   make demo   set up and run the default scenario
#   make test   set up, fetch what the browser test needs, and run the tests
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-fast app bench docs clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "make: $(PY) not found; install Python 3.11 with its venv module (Debian: python3.11 python3.11-venv)" >&2; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

demo: setup
	$(BIN)/fremskudt run scenarios/default.yaml

# The tests run on two processes (pytest-xdist), except those marked serial, which assert
# how long something takes and run alone afterwards; make test fails if either part fails.
test: setup
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not serial" --durations=25; parallel=$$?; \
	$(BIN)/python -m pytest -m serial --durations=5; serial=$$?; \
	test $$parallel -eq 0 && test $$serial -eq 0

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist worksteal -m "not slow and not browser and not serial"; parallel=$$?; \
	$(BIN)/python -m pytest -m "serial and not slow and not browser"; serial=$$?; \
	test $$parallel -eq 0 && test $$serial -eq 0

app: setup
	$(BIN)/fremskudt app

bench: setup
	$(BIN)/python -m benchmarks all

docs: setup
	$(BIN)/python -m sim.spec

clean:
	rm -rf $(VENV) results
