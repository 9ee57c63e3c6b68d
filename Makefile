# Two commands for a fresh machine:
#   make demo   set up and run the default scenario
#   make test   set up and run the tests
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test app bench docs clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

demo: setup
	$(BIN)/fremskudt run scenarios/default.yaml

test: setup
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest

app: setup
	$(BIN)/fremskudt app

bench: setup
	$(BIN)/python -m benchmarks all

docs: setup
	$(BIN)/python -m sim.spec

clean:
	rm -rf $(VENV) results
