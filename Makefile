# Common tasks, one short name each. `make` alone lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= reports
JOBS ?=

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

.PHONY: help
help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

.PHONY: venv
venv: $(STAMP) ## Create or update the local virtual environment (.venv)

.PHONY: briefings
briefings: $(STAMP) ## Build every briefing in reports.yml into reports/ (HTML, PDF, index.html)
	$(BIN)/briefings build --out $(OUT) $(if $(JOBS),-j $(JOBS))

.PHONY: test
test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest -p no:cacheprovider

.PHONY: validate
validate: $(STAMP) ## Check the data package
	$(BIN)/briefings validate

.PHONY: list
list: $(STAMP) ## List the configured briefings and their parameters
	$(BIN)/briefings list

.PHONY: lab
lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks/

.PHONY: bench
bench: $(STAMP) ## Time the build against papermill + nbconvert + weasyprint by hand (writes benchmarks/results.md), and 100,000-row validation
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_validate.py

.PHONY: clean
clean: ## Delete what the build made in OUT (only what its record lists; never your files, data or notebooks)
	@test -n "$(strip $(OUT))" || { echo "make clean: OUT is empty; name the output folder, e.g. OUT=reports" >&2; exit 2; }
	PYTHONPATH='$(abspath $(dir $(lastword $(MAKEFILE_LIST))))' $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -m analysis.ownership clean --root '$(CURDIR)' -- '$(OUT)'
	rm -rf .pytest_cache
