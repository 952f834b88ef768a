# Two commands take a fresh clone to a running system: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test check test-sqlite test-postgres browser bench migration translations clean

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

# Lint, format, import contracts and types first; then the whole suite on a SQLite file and, at the
# same time (one core each), on a real PostgreSQL server (started here if needed). Each half's
# output is printed whole when it ends.
test: install browser
	@status=0; \
	$(MAKE) check || status=1; \
	$(MAKE) -k -j2 --output-sync=target test-sqlite test-postgres || status=1; \
	exit $$status

check: install
	$(BIN)/ruff check supplies cli webadmin tests bench migrations
	$(BIN)/ruff format --check supplies cli webadmin tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/mypy

# Each half has its own temporary directory: the two run at the same time under `make test`.
# The browser tests and the README's examples (SQLite files) run in the SQLite half; the other tests
# that do not depend on the database (marked `once`: packaging, layout, translations, benchmark
# plans) in the PostgreSQL half, so that the two halves take about as long.
test-sqlite: install
	@mkdir -p .pytest-tmp
	$(BIN)/python -m pytest --basetemp=.pytest-tmp/sqlite -m "not once" $(PYTEST_ARGS)

test-postgres: install
	@mkdir -p .pytest-tmp
	bash tests/with_postgres.sh $(BIN)/python -m pytest --basetemp=.pytest-tmp/postgres -m "not browser" $(PYTEST_ARGS)

# Headless Chromium from Debian for the browser tests (Playwright drives it; no downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium from Debian's packages for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null; }

# The province benchmarks on SQLite and on PostgreSQL (bench/results.json; a throwaway PostgreSQL is
# started here if needed), then the growth exponents between the scales measured. The web_load case
# needs the bench extra (Locust), installed here.
bench: install
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	bash tests/with_postgres.sh $(BIN)/python -m bench --scale province
	$(BIN)/python -m bench.growth

migration: install
	$(BIN)/python -c "import sys; from alembic import command; from supplies.migrate import alembic_config; \
	  from sqlalchemy import create_engine; import supplies; \
	  inv = supplies.open('sqlite:///.migration-base.db', upgrade=True); \
	  command.revision(alembic_config(inv.engine), message=sys.argv[1], autogenerate=True)" "$(m)"
	rm -f .migration-base.db*

# After adding or changing a message (core: t(); web: _() / _l()): both catalogs take the new
# strings (empty), you translate them in the .po files, then run this again to compile.
translations: install
	$(BIN)/pybabel extract -F supplies/locale/babel.cfg -k t --no-default-keywords --no-location --sort-output -o .supplies.pot . 2>/dev/null
	$(BIN)/pybabel update -i .supplies.pot -d supplies/locale -D supplies --no-fuzzy-matching --ignore-obsolete -w 100 2>/dev/null
	$(BIN)/pybabel compile -d supplies/locale -D supplies --statistics
	$(BIN)/pybabel extract -F webadmin/babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o .webadmin.pot . 2>/dev/null
	$(BIN)/pybabel update -i .webadmin.pot -d webadmin/translations -D messages --no-fuzzy-matching --ignore-obsolete -w 100 2>/dev/null
	$(BIN)/pybabel compile -d webadmin/translations -D messages --statistics
	rm -f .supplies.pot .webadmin.pot

clean:
	rm -rf $(VENV) .pytest_cache .pytest-tmp .hypothesis build *.egg-info
