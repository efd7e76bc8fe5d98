# `make run` and `make test` are the two commands a fresh machine needs (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

# `make serve-multi`: nginx on MULTI_PORT, PROCESSES Streamlit servers on the ports after it.
PROCESSES ?= 2
MULTI_PORT ?= 8500
PROFILE_DIR ?= /tmp/protocol-explorer-profile

.PHONY: run serve-multi test test-fast system-packages lint bench load load-ws profile validate audit clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

serve-multi: $(VENV)/.installed
	$(PY) deploy/multiprocess/serve.py --processes $(PROCESSES) --port $(MULTI_PORT)

# system-packages comes first: a missing package stops `make test` before anything is installed or run.
test: system-packages $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

system-packages:
	@PYTHON=$(PYTHON) bash .ci/system-packages

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
	$(PY) -m tests.review_bench
	$(PY) -m tests.import_bench
	$(PY) -m tests.import_page_bench

# Browser journeys (tests/load.py), then simulated websocket sessions against the app and the bare
# page (tests/load_ws.py); LOAD_ARGS and LOAD_WS_ARGS pass options to each.
load: $(VENV)/.installed
	$(PY) -m tests.load $(LOAD_ARGS)
	$(PY) -m tests.load_ws $(LOAD_WS_ARGS)

load-ws: $(VENV)/.installed
	$(PY) -m tests.load_ws $(LOAD_WS_ARGS)

# Where a page run's CPU goes: py-spy over one session's runs of every page, app and bare page.
profile: $(VENV)/.installed
	$(PY) -m tests.load_ws --single --rounds 20 --profile $(PROFILE_DIR) $(LOAD_WS_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
