# make run  — set up .venv, then refine the bundled examples (the seed was published 2025-06-16, which
#             relative dates such as اليوم resolve against) and show the seed article.
# make test — set up .venv with the test extras, then ruff and the whole pytest suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/khabar process examples -o out/examples.jsonl --published 2025-06-16
	$(BIN)/khabar show out/examples.jsonl

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/refine.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
