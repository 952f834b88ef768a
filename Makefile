# Two commands take a fresh clone to a running system: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test test-sqlite test-postgres browser bench migration clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

# The main job on the embedded default: a SQLite file, the demo county loaded on first run.
run: install
	$(BIN)/supplies init --demo
	$(BIN)/supplies serve --host $(HOST) --port $(PORT)

# The whole suite on a SQLite file, then on a real PostgreSQL server (started here if needed).
test: install browser
	@status=0; \
	$(MAKE) test-sqlite || status=1; \
	$(MAKE) test-postgres || status=1; \
	exit $$status

test-sqlite: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	bash tests/with_postgres.sh $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Headless Chromium from Debian for the browser tests (Playwright drives it; no downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium from Debian's packages for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null; }

# The province benchmarks (bench/results.json); the concurrent case needs PostgreSQL, started here if needed.
bench: install
	bash tests/with_postgres.sh $(BIN)/python -m bench --scale province

migration: install
	$(BIN)/python -c "import sys; from alembic import command; from supplies.migrate import alembic_config; \
	  from sqlalchemy import create_engine; import supplies; \
	  inv = supplies.open('sqlite:///.migration-base.db', upgrade=True); \
	  command.revision(alembic_config(inv.engine), message=sys.argv[1], autogenerate=True)" "$(m)"
	rm -f .migration-base.db*

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
