# Two entry points for a fresh machine (see README): `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install run test test-sqlite lint schema migrations bench bench-quick

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
	for d in $$(ls locales/*/LC_MESSAGES/*.po 2>/dev/null | xargs -rn1 basename | sort -u | sed "s/\.po$$//"); do $(BIN)/pybabel compile -d locales -D $$d -f --statistics || exit 1; done

# The service on the embedded default: SQLite in ./var, its own Redis, demo data, the arq worker (`PORT=8001`).
run: install
	bash scripts/ensure-redis-server.sh
	$(BIN)/polku dev $(if $(PORT),--port $(PORT))

# The whole suite against PostgreSQL on 127.0.0.1:5432 and Redis on 6379 (started here when none answers).
test: install
	bash scripts/ensure-test-services.sh
	$(BIN)/ruff check .
	$(BIN)/mypy api models jobs survey_ui
	$(BIN)/polku schema > /tmp/polku-schema.graphql && diff -u schema.graphql /tmp/polku-schema.graphql
	$(BIN)/pytest -q -p no:cacheprovider
	POLKU_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider -m "not browser and not postgres_only"

schema: install
	$(BIN)/polku schema > schema.graphql

migrations: install
	DATABASE_URL=sqlite://$(CURDIR)/var/makemigrations.sqlite3 $(BIN)/tortoise -c models.db.TORTOISE_ORM makemigrations
	rm -f var/makemigrations.sqlite3

# Every benchmark in bench/ with one table of figure, target and verdict (not run by CI; PostgreSQL on 127.0.0.1).
bench: install
	$(PY) bench/run_all.py

bench-quick: install
	$(PY) bench/run_all.py --quick
