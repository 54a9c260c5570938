# Set-up is two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL := models/stance.joblib

.PHONY: demo test lint typecheck unit model bench bench-quick lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(MODEL): $(STAMP) $(wildcard seeds/*.jsonl)
	$(BIN)/stance train --data seeds --out $(MODEL)

model: $(MODEL)

demo: $(MODEL)
	@echo "== a few sentences"
	$(BIN)/stance predict \
	  "The Kremlin said that keeping Ukraine out of the Western military alliance remains one of the main aims of its war." \
	  "Ankara's parliament ratified Sweden's accession on Tuesday, ending a 20-month delay." \
	  "Beijing again warned Washington against arms sales to Taipei, calling them a provocation." \
	  "The talks in Istanbul resumed on Monday after a two-week pause."
	@echo "== an example article: each sentence, then who stands where"
	$(BIN)/stance analyze examples/article.txt --sentences

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck unit

BENCHMARKS := public ablation speed

bench-quick: $(STAMP)
	for b in $(BENCHMARKS); do $(BIN)/python benchmarks/$$b.py --quick || exit 1; done
	$(BIN)/python benchmarks/segmentation.py

bench: $(STAMP)
	for b in $(BENCHMARKS); do $(BIN)/python benchmarks/$$b.py || exit 1; done
	$(BIN)/python benchmarks/segmentation.py

# Re-pin the dependencies after changing pyproject.toml (commit constraints.txt).
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^stance' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
