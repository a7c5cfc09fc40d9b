PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/benefits
OUT := out/demo

.PHONY: demo test venv clean lint fuzz bench

FUZZ_MINUTES ?= 10

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/legacy-lens scan $(EXAMPLE) -o $(OUT)
	@echo
	@echo "Reports written to $(OUT)/:"
	@echo "  $(OUT)/report.html   (open in a browser)"
	@echo "  $(OUT)/report.md"
	@echo "  $(OUT)/scan.json"

test: $(STAMP)
	$(BIN)/python -m pytest

# Long property-based fuzzing: every target in tests/hostile/test_properties.py for FUZZ_MINUTES each.
fuzz: $(STAMP)
	FUZZ_MINUTES=$(FUZZ_MINUTES) $(BIN)/python tests/hostile/fuzz.py --out out/fuzz

# Speed against the tree-sitter parse floor on a synthetic estate (not part of `make test`).
BENCH_LINES ?= 500000
bench: $(STAMP)
	$(BIN)/python bench/benchmark.py --lines $(BENCH_LINES) --json out/bench/bench.json

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	$(BIN)/ruff check legacy_lens tests
	$(BIN)/mypy legacy_lens

clean:
	rm -rf $(VENV) out build dist *.egg-info .pytest_cache
