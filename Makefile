# hso_eval: de två kommandona som README lovar, plus några till.
#   make report   sätter upp .venv/ och bygger demoperiodens rapport (2024H1) i reports/demo/
#   make test     sätter upp .venv/ och kör testerna
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hso-eval-installed
PERIOD ?= 2024H1

.PHONY: help setup report report-all test lint format lab bench demo-data clean

help:
	@echo "make report   bygg demoperiodens rapport ($(PERIOD)) i reports/demo/$(PERIOD)/"
	@echo "make test     kör testerna"
	@echo "make lab      öppna JupyterLab på notebooks/"
	@echo "make bench    kör prestandamätningen (benchmarks/RESULTS.md)"
	@echo "make lint     ruff check + format --check"

# The venv is (re)installed when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/hso-eval run params/demo/$(PERIOD).yaml

report-all: $(STAMP)
	$(VENV)/bin/hso-eval run-all --params-dir params/demo

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check hso_eval tests scripts
	$(VENV)/bin/ruff format --check hso_eval tests scripts

format: $(STAMP)
	$(VENV)/bin/ruff format hso_eval tests scripts
	$(VENV)/bin/ruff check --fix hso_eval tests scripts

# JupyterLab refuses to run as root unless told to (containers and CI machines often are root).
# Notebooks are saved without outputs (hso_eval/lab.py): git keeps them so, and real data's
# tables would otherwise end up in tracked files.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks \
		--ContentsManager.pre_save_hook=hso_eval.lab.save_without_outputs \
		$(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(PY) benchmarks/run.py

demo-data: $(STAMP)
	$(PY) scripts/make_demo.py

clean:
	rm -rf reports/ .pytest_cache .ruff_cache .hypothesis
