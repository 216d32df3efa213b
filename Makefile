# Two entry points: `make book` builds the repository's book into dist/, `make test` runs the tests.
# Both set up what they need first (system packages, a virtual environment, Python packages).
#
# Python packages come from lock files of exact versions with hashes, never from whatever PyPI has
# newest that day: requirements.lock (make book) and requirements-test.lock (make test, a superset
# with the same versions), for CPython 3.11 on linux x86_64. A changed lock reinstalls on the next
# make. The venv's own pip installs them (pip 23.2.1 with Python 3.11.7; it is not upgraded), and
# the project itself goes in editable, built with the locked setuptools (--no-build-isolation).
#
# The locks are whole (every package each needs is pinned), so pip installs them with --no-deps and
# `pip check` then verifies that every installed package's requirements are met: pip's resolver, asked
# to resolve them, took an extra (justext's `lxml[html_clean]`) as an unpinned requirement and
# refused the lock once a newer lxml was published (2026-12-03).
# Updating the lock, on purpose: edit pyproject.toml if a requirement changes, then
#   make lock                                  keep every pin still allowed; add/drop what pyproject changed
#   make lock LOCK_ARGS='--upgrade-package X'  move X (and what it needs) to its newest allowed version
#   make lock LOCK_ARGS=--upgrade              move everything to the newest allowed versions
# then `make test` and commit pyproject.toml with both locks. scripts/lock.sh runs uv in a throwaway
# venv under /tmp; scripts/check_lock.py (run by every setup and by tests/test_install.py) fails
# while the locks do not satisfy pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK_ARGS ?=

.PHONY: book test check setup setup-test lock clean

book: setup
	$(PY) -m book check
	$(PY) -m book build

test: setup-test
	$(PY) -m pytest

check: setup
	$(PY) -m book check

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

$(VENV)/.installed: requirements.lock pyproject.toml scripts/check_lock.py scripts/setup-system.sh
	scripts/setup-system.sh build
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) scripts/check_lock.py
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $@

$(VENV)/.installed-test: requirements-test.lock requirements.lock pyproject.toml scripts/check_lock.py scripts/setup-system.sh scripts/setup-test-tools.sh
	scripts/setup-system.sh test
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) scripts/check_lock.py
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements-test.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	scripts/setup-test-tools.sh
	touch $(VENV)/.installed $@

lock:
	PYTHON=$(PYTHON) scripts/lock.sh $(LOCK_ARGS)

clean:
	rm -rf dist $(VENV) node_modules
