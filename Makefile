# Two entry points: `make book` builds the repository's book into dist/, `make test` runs the tests.
# Both set up what they need first (system packages, a virtual environment, Python packages).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: book test check setup setup-test clean

book: setup
	$(PY) -m book check
	$(PY) -m book build

test: setup-test
	$(PY) -m pytest

check: setup
	$(PY) -m book check

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml scripts/setup-system.sh
	scripts/setup-system.sh build
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml scripts/setup-system.sh scripts/setup-test-tools.sh
	scripts/setup-system.sh test
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	scripts/setup-test-tools.sh
	touch $(VENV)/.installed $@

clean:
	rm -rf dist $(VENV) node_modules
