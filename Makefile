# Two commands do everything: `make run` and `make test` (see README.md).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Local runs use DEBUG; a real deployment sets its own environment. The test
# settings live in pyproject.toml ([tool.pytest.ini_options] env).
RUN_ENV := DEBUG=1
# `make run` serves SQLite; point it elsewhere with RUN_DATABASE_URL=postgres://...
RUN_DATABASE_URL ?= sqlite:///$(CURDIR)/db.sqlite3

.PHONY: vendor run test install system-packages browser migrate content lint format check-migrations pytest-sqlite pytest-postgres clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the project needs beyond Python: installed here (as root) so that
# `make run` and `make test` work on a fresh machine; without root they stop at once
# and say what to run. $(call apt-ensure,PACKAGES,WHY) is one recipe line.
define apt-ensure
if [ "$$(dpkg-query -W -f='$${Status}\n' $(1) 2>/dev/null | grep -c 'ok installed')" = "$(words $(1))" ]; then exit 0; fi; \
if [ "$$(id -u)" != 0 ]; then \
  echo "$(2) Run:  sudo apt-get install $(1)" >&2; exit 1; \
fi; \
echo "== installing $(1) =="; \
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null
endef

# PDF downloads are made by WeasyPrint, which lays out text with Pango.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0
system-packages:
	@$(call apt-ensure,$(PDF_PACKAGES),PDF downloads (WeasyPrint) need Pango.)

# Browser tests drive Debian's Chromium; a CJK font lets Chinese titles render in
# their screenshots (and in PDFs).
BROWSER_PACKAGES := chromium fonts-wqy-microhei
browser:
	@if [ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ]; then exit 0; fi; \
	$(call apt-ensure,$(BROWSER_PACKAGES),Browser tests need Chromium and a CJK font.)

migrate: $(STAMP)
	env DATABASE_URL=$(RUN_DATABASE_URL) $(RUN_ENV) $(BIN)/python manage.py migrate --noinput

content: migrate
	env DATABASE_URL=$(RUN_DATABASE_URL) $(RUN_ENV) $(BIN)/python manage.py load_reference

## make run: install, migrate the database (SQLite unless RUN_DATABASE_URL), load the reference content, serve on http://$(HOST):$(PORT)
run: system-packages content
	env DATABASE_URL=$(RUN_DATABASE_URL) $(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Backups of the database `make run` serves (RUN_DATABASE_URL): pg_dump on PostgreSQL, the
# SQLite backup API on SQLite. A deployment calls manage.py backup/restore in its own environment.
.PHONY: backup restore
## make backup [FILE=...]: back up the whole database, history included (default backups/kb-<UTC time>.<pgdump|sqlite3>)
backup: $(STAMP)
	env DATABASE_URL=$(RUN_DATABASE_URL) $(RUN_ENV) $(BIN)/python manage.py backup $(if $(FILE),"$(FILE)")

## make restore FILE=...: replace the whole database with a backup (asks first; a bad file changes nothing)
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/kb-....sqlite3" >&2; exit 2; }
	env DATABASE_URL=$(RUN_DATABASE_URL) $(RUN_ENV) $(BIN)/python manage.py restore "$(FILE)"

check-migrations: $(STAMP)
	env -u DATABASE_URL $(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each pass runs on every core (pytest-xdist); the browser tests stay together on one
# worker (loadgroup), sharing one server and one Chromium. PYTEST_WORKERS=0 runs serially.
# Tests marked database_independent (content checks, the CSV writer) run in the SQLite pass
# only: they would repeat the same work in the PostgreSQL pass.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

pytest-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	@start=$$(date +%s); env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS); status=$$?; \
	echo "== SQLite pass: $$(( $$(date +%s) - start )) s =="; exit $$status

pytest-postgres: $(STAMP)
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*) \
	    echo "== test suite on PostgreSQL ($${DATABASE_URL%%\?*}) =="; \
	    start=$$(date +%s); $(PYTEST) -m "not database_independent" $(PYTEST_ARGS); status=$$?; \
	    echo "== PostgreSQL pass: $$(( $$(date +%s) - start )) s =="; exit $$status;; \
	  *) echo "== PostgreSQL run skipped: DATABASE_URL does not point to PostgreSQL ==";; \
	esac

# The scale benchmark of issue 14 (bench/scale.py, see bench/README.md): the public pages on
# 50,000 synthetic rules, PostgreSQL and SQLite, beside Datasette. Datasette and sqlite-utils
# come from the `bench` extras. BENCH_DATABASE_URL is the PostgreSQL database it builds or reuses;
# BENCH_ARGS passes options (e.g. BENCH_ARGS="--only sqlite --skip-load").
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kb_scale

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

.PHONY: bench
## make bench [BENCH_ARGS=...]: build the scale databases (once) and time the public pages beside Datasette
bench: $(BENCH_STAMP)
	$(BIN)/python bench/scale.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

## make test: migrations check, ruff, the suite on SQLite, and on PostgreSQL when DATABASE_URL points to one
test: check-migrations lint system-packages browser pytest-sqlite pytest-postgres

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Front-end assets are vendored from the npm registry and committed; this target
# refreshes them (needs npm) at the versions pinned here.
BOOTSTRAP_VERSION := 5.3.9
HTMX_VERSION := 2.0.11
AXE_VERSION := 4.14.1
SWAGGER_UI_VERSION := 5.35.0
WORLD_MAP_VERSION := 2.0.0

vendor:
	rm -rf .vendor-tmp && mkdir -p .vendor-tmp
	cd .vendor-tmp && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) htmx.org@$(HTMX_VERSION) axe-core@$(AXE_VERSION) swagger-ui-dist@$(SWAGGER_UI_VERSION) @svg-maps/world@$(WORLD_MAP_VERSION)
	cd .vendor-tmp && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/dist/css/bootstrap.min.css* .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/LICENSE static/vendor/bootstrap/
	cp .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp .vendor-tmp/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js .vendor-tmp/htmx.org-$(HTMX_VERSION)/package/LICENSE static/vendor/htmx/
	cd .vendor-tmp/swagger-ui-dist-$(SWAGGER_UI_VERSION)/package && cp swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css swagger-ui.css.map LICENSE NOTICE $(CURDIR)/static/vendor/swagger-ui/
	cp .vendor-tmp/axe-core-$(AXE_VERSION)/package/axe.min.js tests/e2e/vendor/
	cp .vendor-tmp/svg-maps-world-$(WORLD_MAP_VERSION)/package/LICENSE.md static/vendor/svg-maps-world/
	$(BIN)/python -m regulations.provisions.map_build .vendor-tmp/svg-maps-world-$(WORLD_MAP_VERSION)/package/index.js static/vendor/svg-maps-world/world.json
	cp .vendor-tmp/axe-core-$(AXE_VERSION)/package/LICENSE tests/e2e/vendor/LICENSE-axe-core
	rm -rf .vendor-tmp
