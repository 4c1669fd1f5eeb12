# Common tasks, one short name each. `make` alone lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= reports
JOBS ?=
# What the user names on the command line reaches the shell through the environment, quoted
# ("$$OUT"), never pasted into a recipe: OUT="x'; touch y; '" is a folder name, not a command.
export OUT JOBS NAME

KERNEL := briefings
KERNEL_NAME := Python 3 (briefings)
LOCK := requirements.lock
# Kernel details JupyterLab writes on opening (Python version, codemirror mode) are not content either.
NBSTRIPOUT_FLAGS := --extra-keys metadata.language_info
# JupyterLab refuses to start as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The exact versions in $(LOCK) (hash-checked), installed with --no-deps: the lock already lists
# every package, so pip resolves nothing and the result does not depend on the interpreter's pip or
# on what the index published since (an unpinned extra such as fonttools[woff] once broke pip 23's
# resolver). `pip check` then proves the set is complete and consistent. Then the project itself;
# then the kernel the notebooks name, registered inside .venv (not in the user's home), and
# nbstripout as this clone's git filter, so notebooks are committed without outputs.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	$(BIN)/python -m pip check >/dev/null
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_NAME)" >/dev/null
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '.venv/bin/python -m nbstripout $(NBSTRIPOUT_FLAGS)'; \
	  git config filter.nbstripout.smudge cat; \
	  git config filter.nbstripout.required true; \
	  git config diff.ipynb.textconv '.venv/bin/python -m nbstripout $(NBSTRIPOUT_FLAGS) -t'; \
	fi
	@touch $(STAMP)

.PHONY: help
help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

.PHONY: venv
venv: $(STAMP) ## Create or update the local virtual environment (.venv)

.PHONY: briefings
briefings: $(STAMP) ## Build every briefing in reports.yml into reports/ (HTML, PDF, index.html)
	$(BIN)/briefings build --out "$$OUT" $${JOBS:+-j "$$JOBS"}

# Both tiers run on every core (pytest-xdist); the default briefing the tests read is executed once
# per run and shared (tests/conftest.py). CI runs the whole suite. Bytecode is cached for the tests
# even where PYTHONDONTWRITEBYTECODE is set: pytest rewrites every test module's asserts otherwise
# (10-20 s per worker).
test check: export PYTHONDONTWRITEBYTECODE :=
.PHONY: test
test: $(STAMP) ## Run the whole test suite (what CI runs)
	$(BIN)/python -m pytest -p no:cacheprovider -n auto

.PHONY: check
check: $(STAMP) ## The fast tier for day-to-day work: units, analysis, config, checks on one small briefing
	$(BIN)/python -m pytest -p no:cacheprovider -n auto -m "not slow and not browser and not cluster"

.PHONY: validate
validate: $(STAMP) ## Check the data package
	$(BIN)/briefings validate

.PHONY: list
list: $(STAMP) ## List the configured briefings and their parameters
	$(BIN)/briefings list

.PHONY: lab
lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel (127.0.0.1 only)
	$(BIN)/jupyter lab --ip=127.0.0.1 --no-browser $(ROOT_FLAG) \
	  --MultiKernelManager.default_kernel_name=$(KERNEL) --ServerApp.root_dir=notebooks \
	  --ContentsManager.post_save_hook=briefings.gitclean.refresh_index_after_save

.PHONY: preview
preview: $(STAMP) ## Live preview of one briefing while you edit (NAME=overview by default)
	$(BIN)/briefings preview "$${NAME:-overview}"

.PHONY: lock
lock: $(STAMP) ## Pin new dependencies of pyproject.toml in requirements.lock and environment.yml (UPGRADE=1: re-resolve all)
	$(BIN)/python -m pip install --quiet 'pip-tools>=7.4'
	$(BIN)/pip-compile --quiet --extra test --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml
	$(BIN)/python tools/pin_environment.py

.PHONY: bench
bench: $(STAMP) ## Time the build against papermill + nbconvert --to briefing_pdf by hand (writes benchmarks/results.md), and 100,000-row validation
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_validate.py

.PHONY: clean
clean: export BRIEFINGS_CODE := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
clean: export BRIEFINGS_PROJECT := $(CURDIR)
clean: ## Delete what the build made in OUT (only what its record lists; never your files, data or notebooks)
	@test -n "$$(printf %s "$$OUT" | tr -d '[:space:]')" || { echo "make clean: OUT is empty; name the output folder, e.g. OUT=reports" >&2; exit 2; }
	PYTHONPATH="$$BRIEFINGS_CODE" $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -m briefings.ownership clean --root "$$BRIEFINGS_PROJECT" -- "$$OUT"
	rm -rf .pytest_cache
