# San Andrés Cholula open-data catalogue — the two commands:
#   make run    set up everything and serve http://127.0.0.1:5000 with a demo catalogue
#   make test   set up the test database and run the whole test suite
#   make test-unit   only the tests that need no service (no PostgreSQL, Redis or CKAN app), in seconds
# Other targets: make dev (same site on CKAN's development server), make stop (stop what this
# clone started: web server, jobs worker, PostgreSQL, Redis), make services, make install, make clean-data

SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PY := $(VENV)/bin/python
CKAN := $(VENV)/bin/ckan
HOST ?= 127.0.0.1
TESTS ?= tests
PORT ?= 5000
export SACH_PG_PORT ?= 54329
export SACH_REDIS_PORT ?= 63799

.PHONY: run dev test test-unit lint-types lint lint-report conformance stop services install ini db admin demo serve test-db browser clean-data i18n

run: install i18n services ckan.ini db admin demo serve

# The development server (`ckan run`), only on demand.
dev: install i18n services ckan.ini db admin demo
	@scripts/check_port.sh $(HOST) $(PORT)
	@scripts/serve.sh $(CKAN) ckan.ini $(HOST) $(PORT) dev

test: install i18n browser test-db
	$(VENV)/bin/pytest --ckan-ini=test.ini $(TESTS) $(PYTEST_ARGS)

# Tests marked `unit` (setup.cfg): no PostgreSQL, Redis, CKAN app or browser needed.
test-unit: install i18n
	$(VENV)/bin/pytest -m unit $(TESTS) $(PYTEST_ARGS)

# Type gate (issue #17): mypy over ckanext/sach with CKAN's own annotations followed (settings in
# setup.cfg [mypy]); any finding fails. CI runs it before the tests.
# Lint gate (settings in pyproject.toml): any finding fails; CI runs it before the tests.
lint: install
	$(VENV)/bin/ruff check ckanext tests bench scripts

# The same findings counted by rule (never fails): where to start when the gate is red.
lint-report: install
	$(VENV)/bin/ruff check ckanext tests bench scripts --statistics --exit-zero

lint-types: install
	$(VENV)/bin/mypy

$(VENV)/bin/activate:
	@test -n "$(PYTHON)" || { echo "ERROR: Python 3.11 not found (install python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip setuptools wheel

$(VENV)/.installed: $(VENV)/bin/activate requirements.txt dev-requirements.txt setup.cfg setup.py
	$(VENV)/bin/pip install -q -r requirements.txt -r dev-requirements.txt
	$(VENV)/bin/pip install -q -e .
	touch $@

install: $(VENV)/.installed

i18n: install
	@$(PY) setup.py -q compile_catalog >/dev/null 2>&1 || $(PY) setup.py compile_catalog

services:
	@scripts/services.sh start

ckan.ini: ckan.ini.example
	@if [ -f ckan.ini ]; then echo "==> ckan.ini is older than ckan.ini.example: review the differences"; touch ckan.ini; \
	else SACH_SITE_URL=http://$(HOST):$(PORT) $(PY) scripts/make_ini.py ckan.ini.example ckan.ini && echo "==> Created ckan.ini"; fi

db: install services ckan.ini
	@scripts/services.sh ensure-db ckan_sach
	@scripts/services.sh ensure-datastore ckan_sach_datastore
	$(CKAN) -c ckan.ini db upgrade
	@$(CKAN) -c ckan.ini translation js >/dev/null 2>&1 || echo "WARNING: could not build the JavaScript translations"
	$(CKAN) -c ckan.ini search-index rebuild -o -q

admin: db
	@$(PY) scripts/make_admin.py ckan.ini

demo: admin
	$(CKAN) -c ckan.ini sach seed
	$(CKAN) -c ckan.ini sach demo
	$(CKAN) -c ckan.ini sach demo-microsite

serve:
	@scripts/check_port.sh $(HOST) $(PORT)
	@scripts/serve.sh $(CKAN) ckan.ini $(HOST) $(PORT) prod

# CKAN 2.12's own search-related tests (from the installed ckan package) against sach_pgsearch:
# tests/conformance/ (settings, fixtures, and the Solr-only tests with their reasons). CI runs it.
CKAN_TESTS := $(VENV)/lib/python3.11/site-packages/ckan/tests
CONFORMANCE_TESTS ?= $(CKAN_TESTS)/lib/search \
  $(CKAN_TESTS)/logic/action/test_get.py \
  $(CKAN_TESTS)/logic/action/test_init.py::TestSearchPluginInterface \
  $(CKAN_TESTS)/cli/test_search_index.py \
  $(CKAN_TESTS)/cli/test_db.py::TestDBCleanSearchIndex \
  $(CKAN_TESTS)/controllers/test_package.py \
  $(CKAN_TESTS)/controllers/test_group.py \
  $(CKAN_TESTS)/controllers/test_organization.py \
  $(CKAN_TESTS)/controllers/test_home.py \
  $(CKAN_TESTS)/controllers/test_api.py
conformance: install services
	@$(VENV)/bin/pip install -q -r tests/conformance/requirements.txt
	@scripts/services.sh ensure-db ckan_sach_conformance
	@$(CKAN) -c tests/conformance/conformance.ini db upgrade >/dev/null
	PYTHONPATH=.:tests/conformance $(VENV)/bin/pytest -c tests/conformance/pytest.ini --rootdir=. \
	  --ckan-ini=tests/conformance/conformance.ini $(CONFORMANCE_TESTS) -q -rfEsxX $(PYTEST_ARGS)

browser:
	@scripts/install_browser.sh

test-db: install services
	@scripts/services.sh ensure-db ckan_sach_test
	@scripts/services.sh ensure-datastore ckan_sach_datastore_test
	@$(CKAN) -c test.ini db upgrade >/dev/null

stop:
	@scripts/services.sh stop

clean-data: stop
	rm -rf .local
