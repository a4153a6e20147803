# The project's commands. `make help` lists them. Every target creates or updates the
# project's virtual environment (.venv) first, so a fresh clone needs nothing but Python 3.11.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

.PHONY: help env figures test test-lab lab report bench data-dictionary clean-env

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# JupyterLab reads <environment>/share/jupyter/lab/settings/overrides.json as the defaults of its settings:
# the project's (jupyter/overrides.json) turn off the news prompt and the update check.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(STAMP): requirements.txt pyproject.toml jupyter/overrides.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@mkdir -p $(dir $(LAB_OVERRIDES)) && cp jupyter/overrides.json $(LAB_OVERRIDES)
	@touch $@

env: $(STAMP) ## Create or update the virtual environment (.venv) and install the package editable

figures: $(STAMP) ## Run the notebooks whose inputs changed (FORCE=1: all), in parallel; writes figures/ and data/processed/
	$(PY) -m analysis.pipeline.runner $(if $(FORCE),--force) $(NOTEBOOKS)

test: $(STAMP) ## Run the unit tests and nbval over notebooks/
	$(PY) -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

report: $(STAMP) ## Render the executed notebooks into one static HTML report (report/report.html), code hidden
	$(PY) -m analysis.pipeline.report

bench: $(STAMP) ## Benchmarks: regeneration vs a floor, no-change rerun, reconciliation at 1k-1M rows (bench/results.md)
	$(PY) bench/run.py

test-lab: $(STAMP) ## Only the real-browser test: every notebook run from the JupyterLab UI in headless Chromium
	$(PY) -m pytest tests/test_lab.py

lab: $(STAMP) ## Open JupyterLab on the project
	$(VENV)/bin/jupyter lab --notebook-dir=.

data-dictionary: $(STAMP) ## Regenerate the data dictionary and coverage (data/README.md, datapackage.json coverage) from the data
	$(PY) -m analysis.data.datadict --write

clean-env: ## Remove the virtual environment
	rm -rf $(VENV)
