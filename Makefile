# `make run` and `make test` are the two commands a fresh machine needs (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast lint bench load validate audit screenshots clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not browser"

lint: $(VENV)/.installed
	$(PY) -m ruff check .

validate: $(VENV)/.installed
	$(PY) -m logic validate

# Every catalogue answer beside the clauses it cites (audit/<council>.md), with the reviewers' verdicts.
audit: $(VENV)/.installed
	$(PY) -m logic audit

bench: $(VENV)/.installed
	$(PY) -m logic bench
	$(PY) -m tests.page_bench
	$(PY) -m tests.render_bench

load: $(VENV)/.installed
	$(PY) -m tests.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
