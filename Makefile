# Two commands do all the set-up on a fresh machine with python3 >= 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast validate lint bench clean-venv browser bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The package's compiled modules, written once here: an editable install has none, and where the environment sets
# PYTHONDONTWRITEBYTECODE (this machine kind does) every run would compile its ~130 modules again (~0.3 s).
# compileall rewrites only the modules changed since; the files stay in __pycache__/ (ignored by git).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q alliance_stats

demo: $(STAMP) bytecode
	$(BIN)/alliance-stats run analyses/confirmatory.yaml -o reports/demo --force

# Headless Chromium for the report rendering test and the local web page's browser test (tests/app/,
# Playwright drives it through executable_path: no browser download), installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; } || \
	  echo "chromium could not be installed: the browser test will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check alliance_stats tests benchmarks

test: $(STAMP) bytecode browser lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# The development loop: everything but the tests marked slow (> ~5 s each) and the validation study.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not slow and not validate"

validate: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m validate -p no:cacheprovider

# bench_measurement.py also runs bench_measurement_alpha.py; bench_power.py's grid (6 N x 1,000 replicates)
# takes several minutes.
BENCHES := bench_measurement bench_typology bench_models bench_simulate bench_ordinal bench_ordinal_cfa bench_power timing_budgets

bench: $(STAMP)
	for b in $(BENCHES); do $(BIN)/python benchmarks/$$b.py || exit 1; done

clean-venv:
	rm -rf $(VENV)
