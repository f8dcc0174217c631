# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test browser bench lint lock clean

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

test: $(VENV)/.dev browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Debian's Chromium and ChromeDriver, for the browser test of omm preview (tests/preview/test_browser.py).
# Installed with apt-get when missing and we are root (CI is); elsewhere this says what to do and
# goes on, and that test then fails saying "run make browser" (OMM_NO_BROWSER=1 skips it deliberately).
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make browser: installing Debian's chromium and chromium-driver"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; } \
	    || echo "make browser: apt-get could not install chromium chromium-driver" >&2; \
	else echo "make browser: no /usr/bin/chromium and no apt-get as root: install chromium and chromium-driver yourself" >&2; fi

bench: $(VENV)/.bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check toolkit schemas tests bench fixtures

lock: $(VENV)/.bench
	@echo "edit requirements*.lock by hand from: $(BIN)/python -m pip freeze"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
