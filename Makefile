# RPM Timeline: `make run` starts the app with demo data; `make test` installs and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/rpm-timeline serve --demo

# Debian's Chromium and ChromeDriver drive the browser tests; DejaVu Sans is the PDFs' font.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The tests' temporary files (hundreds of DuckDB files, each written with fsync) go to memory
# when /dev/shm has room for them (4 GB free): on a shared disk, waiting on it was half of the
# store tier's time. Elsewhere (a container's small /dev/shm) they stay in the usual TMPDIR.
# In memory only a failed test's folder is kept: a whole run writes about 5 GB, and pytest
# would otherwise keep its last three runs.
TEST_TMPDIR ?= $(shell df -P -k /dev/shm 2>/dev/null | awk 'NR == 2 && $$4 >= 4194304 { print "/dev/shm" }')
IN_MEMORY := $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR))
KEEP := $(if $(TEST_TMPDIR),-o tmp_path_retention_policy=failed)

test: $(VENV)/.installed-test browser-deps lint
	$(IN_MEMORY) $(BIN)/python -m pytest -n 2 --dist loadfile --durations=10 $(KEEP)

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache test-artifacts
