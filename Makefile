# The course's front door. `make course` for staff, `make test` for maintainers and CI; trainer targets below.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# nbgrader runs the `alembic` executable, so the environment's bin goes first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
INSTALLED := $(VENV)/.installed
PORT ?= 8888
# The app view (Voilà) has a port of its own, so it can run beside `make course`.
APP_PORT ?= 8866
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help setup course app gallery test browser sandbox bench bench-report bench-grading bench-hub lint format navigation clean-venv
.PHONY: release collect autograde feedback grades status report bundle formgrader export-bank hub hub-env

help:
	@echo "make course      set up (first time only) and open the course in JupyterLab"
	@echo "make app         the same modules as a plain web app (Voila): no code, no JupyterLab"
	@echo "make test        set up (first time only) and run every test, browser tests included"
	@echo "make bench       measure quiz and depth-explorer latency in the real browser, and the cohort report"
	@echo "make gallery     every module's screenshot from the browser tests on one page (test-artifacts/gallery.html)"
	@echo "make navigation  regenerate the previous / contents / next links in the notebooks"
	@echo "make lint        check code style with ruff"
	@echo ""
	@echo "Trainer (graded assignments; details: grading/README.md or .venv/bin/mesocourse --help):"
	@echo "make release A=foundations             check an assignment and make its learner version"
	@echo "make bundle                            a zip per learner: modules + their own assignments, no keys"
	@echo "make collect A=foundations FROM=inbox  file the submissions you received (folder per learner)"
	@echo "make autograde A=foundations           grade every submission, two at a time"
	@echo "make formgrader                        mark written answers in JupyterLab (Nbgrader > Formgrader)"
	@echo "make feedback A=foundations            one feedback page per learner, hidden tests removed"
	@echo "make grades                            grading/reports/grades.csv"
	@echo "make status                            who submitted what"
	@echo "make report A=foundations              cohort report: questions to review, objectives, who needs a word"
	@echo "                                       (grading/reports/<A>/cohort-report.html; interactive:"
	@echo "                                       grading/Cohort-Report.ipynb in make formgrader)"
	@echo "make export-bank                       self-study quizzes as Moodle XML and GIFT (grading/export/)"
	@echo ""
	@echo "Clinic server (as root; guide: deploy/README.md):"
	@echo "make hub                               JupyterHub for the course on 127.0.0.1:$(HUB_PORT) (system accounts)"
	@echo "  then: .venv/bin/mesocourse hub add-trainer NAME / add-learner NAME"

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Staff see only their learner workspace (learner-workspace/, git-ignored; WORKSPACE=... to put it elsewhere): the
# modules and released assignments, with terminals off. Never assignments/ or grading/ (mesocourse/workspace.py).
WORKSPACE ?= $(CURDIR)/learner-workspace
course: $(INSTALLED)
	$(BIN)/python -m mesocourse.workspace --folder="$(WORKSPACE)" --port=$(PORT)

# The app view: Voilà inside a Jupyter server that runs nothing else (jupyter-config/app), on 127.0.0.1 with a
# random token, opening the start page. Voilà never saves outputs, so it serves the modules in place.
app: $(INSTALLED)
	JUPYTER_CONFIG_DIR="$(CURDIR)/jupyter-config/app" $(BIN)/jupyter server \
		--ServerApp.ip=127.0.0.1 --ServerApp.port=$(APP_PORT) $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)/notebooks"

# One page with every module's full-page screenshot that the browser tests saved (run `make test` first).
gallery: $(INSTALLED)
	$(BIN)/python tests/browser/gallery.py

test: $(INSTALLED) browser sandbox hub-env
	$(BIN)/python -m pytest

# The browser tests and the benchmark drive Debian's chromium through Playwright (Playwright's own browser
# download needs open internet). Installed with apt-get when missing; under CI a failure to install stops here.
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	in_ci=$$([ -n "$$CI" ] && [ "$$CI" != false ] && [ "$$CI" != 0 ] && echo yes); \
	if command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests (apt-get)"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
			|| { [ -z "$$in_ci" ] && echo "Could not install chromium: the browser tests will say so and not run."; }; \
	elif [ -n "$$in_ci" ]; then \
		echo "No browser at $(CHROMIUM) and no apt-get to install one: the browser tests cannot run." >&2; exit 1; \
	else \
		echo "No browser at $(CHROMIUM) and no apt-get: the browser tests will say so and not run."; \
		echo "Install Chromium and run: make test CHROMIUM=/path/to/chromium"; \
	fi

# Autograde runs every submission's code inside bubblewrap (Debian's `bubblewrap`, the sandbox Flatpak uses):
# installed with apt-get when missing. Without it autograde refuses to run submissions; under CI this fails here.
sandbox:
	@if command -v bwrap >/dev/null && command -v prlimit >/dev/null; then exit 0; fi; \
	in_ci=$$([ -n "$$CI" ] && [ "$$CI" != false ] && [ "$$CI" != 0 ] && echo yes); \
	if command -v apt-get >/dev/null; then \
		echo "Installing Debian's bubblewrap, the sandbox autograde runs submissions in (apt-get)"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap util-linux \
			|| { [ -n "$$in_ci" ] && exit 1; echo "Could not install bubblewrap: autograde will refuse to run submissions."; }; \
	elif [ -n "$$in_ci" ]; then \
		echo "No bwrap and no apt-get to install it: autograde cannot run submissions." >&2; exit 1; \
	else \
		echo "No bwrap (bubblewrap) and no apt-get: install bubblewrap with your system's package manager."; \
	fi

# Latency in the real browser (quiz feedback, depth explorer redraw) against a one-line reference widget.
bench: $(INSTALLED) browser bench-report bench-grading bench-hub
	$(BIN)/python bench/latency.py

# N learners at once on the clinic's hub (N = 5, 10, 20): spawn time, memory per learner, the hub's own memory.
# Root only (it makes throwaway system accounts); elsewhere it says so and the other benches still run.
bench-hub: $(INSTALLED) hub-env
	@if [ "$$(id -u)" != 0 ]; then echo "bench-hub skipped: it runs as root (throwaway system accounts)."; exit 0; fi; \
	$(BIN)/python bench/hub_load.py

# Seconds the cohort report (statistics and HTML page) takes for 200 learners; no browser needed.
bench-report: $(INSTALLED)
	$(BIN)/python bench/report.py

# Grading: mesocourse autograde against plain nbgrader autograde on a synthetic cohort, the course's own
# assignment (answers read as data) and then a standard assignment with code tests, sandboxed (bench/README.md).
bench-grading: $(INSTALLED) sandbox
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/grading_code.py

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

# Trainer targets: thin wrappers over the `mesocourse` command (nbgrader's Python API underneath).
MESOCOURSE := $(BIN)/mesocourse
need_assignment = @test -n "$(A)" || { echo "Say which assignment, e.g. make $@ A=foundations"; exit 2; }

release: $(INSTALLED)
	$(need_assignment)
	$(MESOCOURSE) release $(A)

collect: $(INSTALLED)
	$(need_assignment)
	@test -n "$(FROM)" || { echo "Say where the received files are, e.g. make collect A=$(A) FROM=inbox"; exit 2; }
	$(MESOCOURSE) collect $(A) "$(FROM)"

autograde: $(INSTALLED) sandbox
	$(need_assignment)
	$(MESOCOURSE) autograde $(A)

feedback: $(INSTALLED)
	$(need_assignment)
	$(MESOCOURSE) feedback $(A)

grades: $(INSTALLED)
	$(MESOCOURSE) export

status: $(INSTALLED)
	$(MESOCOURSE) status

report: $(INSTALLED)
	$(need_assignment)
	$(MESOCOURSE) report $(A)

bundle: $(INSTALLED)
	$(MESOCOURSE) bundle

export-bank: $(INSTALLED)
	$(MESOCOURSE) export-bank

# The trainer's workspace is the course root (sources, grading/ and the secret): never open it for learners.
# Formgrader reads nbgrader_config.py from the folder JupyterLab starts in: the course root.
# First the released learner versions go to the course's own exchange (grading/exchange), where formgrader reads
# "released" from; the trainer's settings keep its JupyterLab tabs apart from a learner's.
formgrader: $(INSTALLED)
	@$(BIN)/python -m mesocourse.grading.exchange
	@echo "In JupyterLab, open the Nbgrader menu > Formgrader to mark the written answers."
	JUPYTER_CONFIG_DIR="$(CURDIR)/jupyter-config/trainer" $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(PORT) $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)"

# The clinic's JupyterHub (deploy/jupyterhub_config.py; guide: deploy/README.md). Run as root: the hub starts each
# account's server as that account. JupyterHub comes from PyPI (the `hub` extra), its web proxy from npm into
# deploy/node_modules (Node from Debian); the hub's secrets are made on first start in deploy/state (git-ignored).
# Learners' servers run the hub's own environment, deploy/venv, made from a Python every account may run
# (HUB_PYTHON, Debian's by default: a Python inside root's home would refuse them).
HUB_PORT ?= 8000
HUB_PYTHON ?= /usr/bin/python3
HUB_VENV := deploy/venv
HUB_INSTALLED := $(HUB_VENV)/.installed
PROXY := deploy/node_modules/.bin/configurable-http-proxy
hub-env: $(HUB_INSTALLED) $(PROXY)

$(HUB_INSTALLED): pyproject.toml
	@$(HUB_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The hub needs Python 3.11 or newer as HUB_PYTHON")'
	$(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet -e ".[hub]"
	touch $@

$(PROXY): deploy/package.json deploy/package-lock.json
	@if ! command -v npm >/dev/null; then \
		if command -v apt-get >/dev/null; then \
			echo "Installing Debian's nodejs and npm for the hub's web proxy (apt-get)"; \
			sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
			$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm || exit 1; \
		else echo "The hub needs Node.js and npm (configurable-http-proxy): install them first." >&2; exit 1; fi; \
	fi
	cd deploy && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub: hub-env sandbox
	@test "$$(id -u)" = 0 || { echo "make hub runs as root: the hub starts each learner's server as that learner."; exit 2; }
	$(HUB_VENV)/bin/mesocourse hub setup
	MESOCOURSE_HUB_PORT=$(HUB_PORT) $(HUB_VENV)/bin/jupyterhub -f deploy/jupyterhub_config.py
