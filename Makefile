# Onward: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2
NAME ?=

.PHONY: install demo serve code test lint bench assets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The current MFA code of a demo staff account: make code EMAIL=manager@demo.onward.test
code: install
	@$(BIN)/python manage.py demo_code $(EMAIL)

serve: install
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite runs on PostgreSQL (money, concurrency, tasks need it); set DATABASE_URL to change.
test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} ONWARD_ENV=test \
	  $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# make bench            runs every benchmark in bench/
# make bench NAME=pages runs one; results land in bench/results/NAME.json
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench $(NAME)

# Rebuild frontend/static/govuk from the govuk-frontend npm package (needs Node.js).
assets:
	cd frontend/assets && npm install --no-audit --no-fund && \
	  npx sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
	    onward.scss ../static/govuk/onward-govuk.min.css && \
	  cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js ../static/govuk/ && \
	  cp node_modules/htmx.org/dist/htmx.min.js ../static/htmx/

clean:
	rm -rf $(VENV) var/static
