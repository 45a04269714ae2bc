# Łącznik — the two commands: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
APPS := $(notdir $(patsubst %/locale,%,$(wildcard lacznik/*/locale)))
# The demo runs in development mode on SQLite; the second factor is skipped for the demo logins.
DEV_ENV := DEBUG=1 LACZNIK_DEV_SKIP_SECOND_FACTOR=1

# The suite runs on every core, at most four workers (each runs Chromium in the browser tests); the
# concurrency tests that open 50 connections share one worker (xdist_group). XDIST= runs it serially.
XDIST ?= --numprocesses=auto --maxprocesses=4 --dist=loadgroup

.DEFAULT_GOAL := help
.PHONY: help run test install install-test browser-deps messages bench clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed ## Install the platform into .venv

install-test: $(VENV)/.installed-test browser-deps ## Install the platform, the test tools and Debian's chromium

browser-deps: ## Install Debian's chromium and gettext when missing (tests need them)
	@bash scripts/system-deps.sh

run: install ## Start the platform on SQLite with the TERC register and demo data at http://127.0.0.1:8000
	@$(DEV_ENV) $(MANAGE) compile_translations
	@$(DEV_ENV) $(MANAGE) migrate --no-input
	@$(DEV_ENV) $(MANAGE) createcachetable
	@$(DEV_ENV) $(MANAGE) import_terc
	@$(DEV_ENV) $(MANAGE) import_cpv
	@$(DEV_ENV) $(MANAGE) seed_demo
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: install-test ## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	@DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py compile_translations
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

messages: install ## Extract translatable texts into every app's locale/pl/LC_MESSAGES/django.po
	@for app in $(APPS); do (cd lacznik/$$app && DJANGO_SETTINGS_MODULE=lacznik.settings DEBUG=1 PYTHONPATH=../.. ../../$(BIN)/python -P -m django makemessages -l pl -l en --no-obsolete --no-location); done

# DEBUG=1 only lets the command start without production secrets; it switches DEBUG off to measure.
bench: install ## Measure the headline operations at national scale (BENCH_ARGS="--scale 0.1" for less)
	@DEBUG=1 $(MANAGE) compile_translations
	@DEBUG=1 $(MANAGE) bench $(BENCH_ARGS)

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var staticfiles
