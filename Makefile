# Two commands matter (see README):
#   make demo   set up, generate the demo landing data, build the demo warehouse on DuckDB and
#               the dashboard site with the daily/weekly/monthly reports (site/index.html)
#   make test   set up and run every test (generator, landing checks, dbt on DuckDB and Spark, lint,
#               the dashboard site in headless Chromium)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
BIN         := $(VENV)/bin
SEED        ?= 42
SCALE       ?= demo
BENCH_SCALE ?= large
# The demo exports always live in data/landing (make data/delta/demo/test write and read them
# there); build, gate and refresh read CRM_LANDING_DIR when it is set (a real CRM's exports).
DEMO_LANDING := $(abspath data/landing)
# The second data set make test builds (the production path): the small scale, 100+ reps.
SMALL_LANDING := $(abspath data/small)
# The Spark lane's data set: the tiny scale (two teams, six reps), built on Spark and on DuckDB.
TINY_LANDING := $(abspath data/tiny)
LANDING_DIR ?= $(abspath $(or $(CRM_LANDING_DIR),$(DEMO_LANDING)))
export CRM_LANDING_DIR := $(LANDING_DIR)
export DBT_PROFILES_DIR := $(abspath .)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export SPARK_CONF_DIR := $(abspath conf/spark)
# Personal-data salts. Production sets its own secret CRM_PII_SALT (builds without one are
# refused); the demo and the tests use fixed salts that are NOT secret, so their hashes are not
# protected. dbt itself reads the salt only as DBT_ENV_SECRET_CRM_PII_SALT (scrubbed from logs).
DEMO_SALT := demo-not-secret
TEST_SALT := test-salt-not-secret
TEST_ENV := CRM_PII_SALT=$(TEST_SALT) DBT_ENV_SECRET_CRM_PII_SALT=$(TEST_SALT)
# make build AS_OF=YYYY-MM-DD / make refresh AS_OF=...: the as-of date (else env CRM_AS_OF_DATE,
# else the last date in the data, bounded by the export date).
AS_OF ?=
AS_OF_ARG = $(if $(AS_OF),--as-of-date=$(AS_OF))
# make test-production: the production path with a random salt and a month-end as-of date.
PRODUCTION_TEST_AS_OF ?= 2026-10-31
PRODUCTION_TEST_DIR ?= warehouse/production-test
PRODUCTION_TEST_LANDING ?= $(LANDING_DIR)

NODE_STAMP  := node_modules/.installed
# Superset's own environment (requirements-superset.txt), apart from the warehouse's .venv.
SUPERSET_VENV := .venv-superset
SUPERSET_WAREHOUSE ?= $(SITE_WAREHOUSE)
SUPERSET_PORT ?= 0
SITE_DIR    ?= site
# The site reads the served warehouse; SITE_WAREHOUSE=warehouse/parquet reads the Parquet marts.
SITE_WAREHOUSE ?= warehouse/crm.duckdb
# make site-bundles: where the per-person bundles go (served behind single sign-on, docs/delivery.md).
BUNDLES_DIR ?= site-bundles
# make push: the warehouse the group-robot pushes read (its send log sits beside it, in push/).
PUSH_WAREHOUSE ?= warehouse/crm.duckdb
PUSH_ARGS ?=

.PHONY: push site-bundles help setup data data-small data-tiny demo build gate adapt test-adapt test test-python test-duckdb test-spark test-production test-unit-as-of lint clean delta benchmark docs refresh rollback site browser screenshots bi-views semantic-metrics semantic-manifest superset-setup superset test-superset

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==25.3"
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

setup: $(VENV)/.installed ## create .venv, install the pinned dependencies and the crm_warehouse package (editable)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser: ## install Debian's chromium and CJK fonts (browser tests, screenshots); no-op when present
	scripts/install_browser.sh

data: setup ## generate the demo landing exports into data/landing (SCALE=, SEED=)
	$(BIN)/crmwh generate --scale $(SCALE) --seed $(SEED) --out $(DEMO_LANDING) --quiet

data-small: setup ## generate the small-scale exports (100+ reps) into data/small: make test's second data set
	$(BIN)/crmwh generate --scale small --seed $(SEED) --out $(SMALL_LANDING) --quiet

data-tiny: setup ## generate the tiny-scale exports (six reps) into data/tiny: the Spark lane's data set
	$(BIN)/crmwh generate --scale tiny --seed $(SEED) --out $(TINY_LANDING) --quiet

delta: setup ## write the next day's delta export into data/landing
	$(BIN)/crmwh generate --scale $(SCALE) --seed $(SEED) --out $(DEMO_LANDING) --delta --quiet

gate: setup ## Great Expectations landing gate: Data Docs and summary in warehouse/gate/
	$(BIN)/crmwh gate --landing-dir $(LANDING_DIR)

# make adapt MAPPING=mappings/salesforce.yml IN=<the CRM's exports> OUT=<landing folder> (docs/adapt.md);
# make build / make refresh run it first when CRM_SOURCE_MAPPING and CRM_SOURCE_DIR are set.
MAPPING ?=
IN ?=
OUT ?=
adapt: setup ## adapt a CRM's own exports (Salesforce, HubSpot, Chinese CRM Excel) to the landing contract (MAPPING= IN= OUT=)
	$(BIN)/crmwh adapt --mapping "$(MAPPING)" --in "$(IN)" --out "$(OUT)"

test-adapt: setup ## round trip of every shipped mapping, with a warehouse build per source (make test builds the Chinese Excel one)
	$(TEST_ENV) CRM_TEST_ADAPT_ALL=1 $(BIN)/python -m pytest tests/python/adapt/test_adapt_roundtrip.py -q --durations=8

build: setup ## check the landing files and build the warehouse (swapped in only when green; needs CRM_PII_SALT; AS_OF=)
	$(BIN)/crmwh build --landing-dir $(LANDING_DIR) $(AS_OF_ARG)

refresh: setup ## nightly refresh: gate, freshness, incremental build into a fresh file, atomic swap, Parquet copies (needs CRM_PII_SALT; AS_OF=, REFRESH_ARGS=)
	$(BIN)/crmwh refresh --landing-dir $(LANDING_DIR) $(AS_OF_ARG) $(REFRESH_ARGS)

rollback: setup ## put the previous good warehouse back in service (TO=warehouse/history/crm.<ts>.duckdb to choose)
	$(BIN)/crmwh rollback $(if $(TO),--to $(TO))

demo: data $(NODE_STAMP) ## the main job: set up, generate demo data, build the demo warehouse and its dashboard site
	CRM_PII_SALT=$(DEMO_SALT) $(BIN)/crmwh build --landing-dir $(DEMO_LANDING)
	$(BIN)/crmwh site --warehouse warehouse/crm.duckdb --out $(SITE_DIR) --dbt-docs

site: setup $(NODE_STAMP) ## dashboard site + daily/weekly/monthly role reports from the served marts into site/ (SITE_WAREHOUSE=)
	$(BIN)/crmwh site --warehouse $(SITE_WAREHOUSE) --out $(SITE_DIR) --dbt-docs

site-bundles: setup $(NODE_STAMP) ## the site, then one bundle per person (rep, team lead, director) into site-bundles/ (BUNDLES_DIR=; docs/delivery.md)
	$(BIN)/crmwh site --warehouse $(SITE_WAREHOUSE) --out $(SITE_DIR) --bundles --bundles-out $(BUNDLES_DIR)

push: setup ## group-robot pushes (DingTalk, WeCom, Feishu) of what is due, from the served marts (PUSH_ARGS="--team T002", "--dry-run --out DIR", …; docs/push.md)
	$(BIN)/crmwh push --warehouse $(PUSH_WAREHOUSE) $(PUSH_ARGS)

bi-views: setup ## DuckDB file of views over the Parquet marts for BI tools (warehouse/bi_parquet.duckdb)
	$(BIN)/crmwh bi-views --parquet warehouse/parquet --out warehouse/bi_parquet.duckdb

semantic-metrics: setup ## regenerate the semantic layer's metrics (models/marts/semantic/metrics.yml) from the indicator catalog
	$(BIN)/crmwh semantic-metrics

semantic-manifest: setup ## dbt parse into target/ so `mf query` finds the semantic manifest (docs/semantic-layer.md)
	CRM_DUCKDB_PATH=$(abspath $(SITE_WAREHOUSE)) $(BIN)/dbt parse --target duckdb

$(SUPERSET_VENV)/.installed: requirements-superset.txt pyproject.toml
	$(PYTHON_BOOT) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --upgrade "pip==25.3"
	$(SUPERSET_VENV)/bin/pip install --quiet -r requirements-superset.txt
	$(SUPERSET_VENV)/bin/pip install --quiet --no-deps -e .
	$(SUPERSET_VENV)/bin/pip check
	touch $@

superset-setup: $(SUPERSET_VENV)/.installed ## install Superset (pinned) into its own .venv-superset

superset: $(SUPERSET_VENV)/.installed ## Superset on 127.0.0.1 with the cockpit dashboard over a read-only copy of the served warehouse (SUPERSET_PORT=, SUPERSET_ADMIN_PASSWORD=; docs/superset.md)
	$(SUPERSET_VENV)/bin/crmwh superset --warehouse $(SUPERSET_WAREHOUSE) --home warehouse/superset --port $(SUPERSET_PORT)

test-superset: setup $(SUPERSET_VENV)/.installed browser ## browser test of the Superset dashboard (not part of make test; SUPERSET_WAREHOUSE=)
	CRM_TEST_DUCKDB=$(abspath $(SUPERSET_WAREHOUSE)) $(BIN)/python -m pytest tests/superset -q

screenshots: site browser ## README screenshots of the cockpit and a workbench into docs/img/
	$(BIN)/crmwh screenshots --site $(SITE_DIR) --out docs/img

# The Spark lane (mostly engine overhead) starts first and runs in the background on the tiny
# data set beside lint, the DuckDB dev build, the as-of unit tests and the production path, which
# run one after the other; pytest follows on both cores. The Spark lane's log is
# warehouse/test-spark.log, shown when it fails. (Running pytest beside lint and the dbt steps
# was measured slower: every lane starved on two cores.)
test: data data-small data-tiny $(NODE_STAMP) browser ## run every test: lint, DuckDB dev build, unit tests with the as-of var, the production path on the small scale, pytest; Spark on the tiny scale beside them
	@mkdir -p warehouse && rm -f warehouse/test-spark.rc
	@echo "test-spark: running in the background (log: warehouse/test-spark.log)"
	@( $(MAKE) --no-print-directory test-spark > warehouse/test-spark.log 2>&1; echo $$? > warehouse/test-spark.rc ) & \
	status=0; \
	$(MAKE) --no-print-directory lint test-duckdb test-unit-as-of test-production PRODUCTION_TEST_LANDING=$(SMALL_LANDING) \
		&& $(MAKE) --no-print-directory test-python PYTEST_ARGS="tests/python $(addprefix --ignore=,$(SPARK_TESTS))" || status=1; \
	wait; \
	if [ "$$(cat warehouse/test-spark.rc 2>/dev/null)" != "0" ]; then \
		tail -n 80 warehouse/test-spark.log; echo "test-spark FAILED (warehouse/test-spark.log)"; status=1; \
	else grep -E "Done\. PASS=| passed" warehouse/test-spark.log | tail -n 2; echo "test-spark: ok"; fi; \
	exit $$status

lint: setup ## ruff (lint and format check) and mypy on the Python package, sqlfluff lint of models, macros and tests
	mkdir -p warehouse
	$(BIN)/ruff check src tests/python
	$(BIN)/ruff format --check src tests/python
	$(BIN)/mypy
	$(BIN)/crmwh semantic-metrics --check
	CRM_DUCKDB_PATH=warehouse/lint.duckdb DBT_TARGET_PATH=target/lint $(BIN)/sqlfluff lint models tests/generic tests/data_quality tests/indicators tests/roles tests/utils analyses --processes 2

test-duckdb: setup ## dbt build (models, unit and data tests) on DuckDB into a scratch file
	rm -rf warehouse/test && mkdir -p warehouse/test
	$(TEST_ENV) CRM_CHECK_ALERT_CALIBRATION=1 CRM_LANDING_DIR=$(DEMO_LANDING) CRM_DUCKDB_PATH=warehouse/test/crm.duckdb $(BIN)/dbt build --target duckdb --target-path target/duckdb

# The test modules that read the Spark lane's builds (run by test-spark, not by test-python).
SPARK_TESTS := tests/python/dashboards/test_spark_marts.py tests/python/models/test_spark_limits.py
SPARK_DIR := warehouse/spark
# two dbt threads on one local Spark session: the build is mostly per-statement driver overhead
SPARK_THREADS ?= 2
test-spark: setup data-tiny ## on the tiny data set: dbt build on local Spark (every model, seed, unit and singular test; generic data tests run on DuckDB), the same models on DuckDB, and the tests comparing them
	rm -rf $(SPARK_DIR) && mkdir -p $(SPARK_DIR)/duckdb
	$(TEST_ENV) CRM_LANDING_DIR=$(TINY_LANDING) CRM_DUCKDB_PATH=$(SPARK_DIR)/duckdb/crm.duckdb \
		$(BIN)/dbt build --target duckdb --target-path target/spark-duckdb --exclude-resource-type test unit_test
	$(TEST_ENV) CRM_LANDING_DIR=$(TINY_LANDING) CRM_SPARK_HOME=$(abspath $(SPARK_DIR)) CRM_SPARK_THREADS=$(SPARK_THREADS) \
		$(BIN)/dbt build --target spark --target-path target/spark \
		--exclude test_type:generic
	$(TEST_ENV) CRM_REQUIRE_SPARK=1 CRM_TEST_SPARK_WAREHOUSE=$(abspath $(SPARK_DIR))/spark-warehouse \
		CRM_TEST_SPARK_DUCKDB=$(abspath $(SPARK_DIR))/duckdb/crm.duckdb CRM_TEST_SPARK_DBT_TARGET=$(abspath target/spark) \
		$(BIN)/python -m pytest $(SPARK_TESTS) -q -p no:cacheprovider --basetemp=$(abspath $(SPARK_DIR))/pytest

test-python: setup $(NODE_STAMP) browser ## pytest: generator, landing checks, build safety, incremental = full, site in Chromium (reuses test-duckdb's warehouse)
	$(TEST_ENV) CRM_REQUIRE_BROWSER=1 CRM_TEST_DUCKDB=$(abspath warehouse/test/crm.duckdb) \
		CRM_TEST_LANDING_DIR=$(DEMO_LANDING) CRM_LANDING_DIR=$(DEMO_LANDING) \
		$(BIN)/python -m pytest $(or $(PYTEST_ARGS),tests/python) -q -n 2 --dist loadscope --durations=15

test-unit-as-of: setup ## the unit tests again with the var as_of_date set to a month end (on a copy of test-duckdb's warehouse, which pytest reads meanwhile)
	rm -rf warehouse/test-as-of && mkdir -p warehouse/test-as-of && cp warehouse/test/crm.duckdb warehouse/test-as-of/crm.duckdb
	$(TEST_ENV) CRM_LANDING_DIR=$(DEMO_LANDING) CRM_DUCKDB_PATH=warehouse/test-as-of/crm.duckdb $(BIN)/dbt test --target duckdb \
		--target-path target/duckdb-as-of --select test_type:unit --vars '{"as_of_date": "$(PRODUCTION_TEST_AS_OF)"}'

test-production: setup $(NODE_STAMP) ## the production path as the README sets it up: random CRM_PII_SALT, month-end as-of date; asserts it publishes and leaks no salt
	rm -rf $(PRODUCTION_TEST_DIR) && mkdir -p $(PRODUCTION_TEST_DIR)
	$(BIN)/crmwh check-production --landing-dir $(PRODUCTION_TEST_LANDING) \
		--serving-path $(abspath $(PRODUCTION_TEST_DIR))/crm.duckdb --as-of-date $(PRODUCTION_TEST_AS_OF)
	$(BIN)/crmwh site --warehouse $(PRODUCTION_TEST_DIR)/crm.duckdb --out $(PRODUCTION_TEST_DIR)/site

benchmark: setup ## scale benchmark (BENCH_SCALE=large): prints build time, memory, ratios
	$(BIN)/crmwh benchmark --scale $(BENCH_SCALE)

docs: setup ## static dbt docs site (lineage, descriptions) that opens from disk: target/docs/index.html, from a copy of the served warehouse
	$(BIN)/crmwh docs --warehouse warehouse/crm.duckdb --out target/docs/index.html

clean: ## remove generated data, warehouses, the site and dbt artefacts
	rm -rf data warehouse target logs $(SITE_DIR) $(SITE_DIR).tmp $(SITE_DIR).old reports node_modules $(BUNDLES_DIR) $(BUNDLES_DIR).tmp $(BUNDLES_DIR).old
