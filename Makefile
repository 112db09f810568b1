# The course's front door. `make course` for staff, `make test` for maintainers and CI; trainer targets below.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# nbgrader runs the `alembic` executable, so the environment's bin goes first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
INSTALLED := $(VENV)/.installed
PORT ?= 8888
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help setup course test lint format navigation clean-venv

help:
	@echo "make course      set up (first time only) and open the course in JupyterLab"
	@echo "make test        set up (first time only) and run every test"
	@echo "make navigation  regenerate the previous / contents / next links in the notebooks"
	@echo "make lint        check code style with ruff"

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

course: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ALLOW_ROOT) \
		--ServerApp.root_dir="$(CURDIR)" notebooks/00.00-Start-Here.ipynb

test: $(INSTALLED)
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check mesocourse tests
	$(BIN)/ruff format --check mesocourse tests

format: $(INSTALLED)
	$(BIN)/ruff format mesocourse tests
	$(BIN)/ruff check --fix mesocourse tests

navigation: $(INSTALLED)
	$(BIN)/python -m mesocourse.navigation

clean-venv:
	rm -rf $(VENV)
