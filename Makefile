# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench lint lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per dependency set, so a changed lock file reinstalls.
$(VENV)/.run: $(BIN)/python requirements.lock pyproject.toml
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.run requirements-dev.lock
	$(PIP) install -r requirements-dev.lock
	touch $@

$(VENV)/.bench: $(VENV)/.dev requirements-bench.lock
	$(PIP) install -r requirements-bench.lock
	touch $@

demo: $(VENV)/.run
	$(BIN)/omm demo

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(VENV)/.bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check toolkit schemas tests bench fixtures

lock: $(VENV)/.bench
	@echo "edit requirements*.lock by hand from: $(BIN)/python -m pip freeze"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
