# Manabi — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links, QR codes and mails point here: `make run PORT=8101` moves them too, unless MANABI_SITE_URL is set.
MANABI_SITE_URL ?= http://$(HOST):$(PORT)
SITE_URL := $(MANABI_SITE_URL)
export MANABI_SITE_URL

.PHONY: site-url run test install system-deps messages translations migrate demo lint format migrations-check bench clean

## make run: set everything up, then serve the site with a Celery worker and beat (Ctrl-C stops all).
run: install messages migrate demo
	@echo "Manabi: $(SITE_URL)/  (demo learner: demo@manabi.example / manabi-demo-2026; demo organiser: organiser@manabi.example, same password)"
	@exec $(PY) scripts/run_dev.py $(HOST):$(PORT)

## make site-url PORT=…: the address links and QR codes will use (what `make run` with the same arguments serves).
site-url:
	@echo "$(SITE_URL)"

## make test: set everything up, then run every test (lint and migrations check included).
test: install system-deps messages lint migrations-check
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

## Debian packages the tests use: Chromium and its driver (browser tests), gettext (catalogues),
## Japanese fonts (screenshots and printed PDFs). Installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium chromium-driver"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## Compiled catalogues are committed; recompile when gettext is present so they never go stale.
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

## After adding strings: extract them, fill Japanese from scripts/ja_translations.json, compile.
translations: install
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=tests --ignore=var --ignore=staticfiles --ignore=benchmarks -v 0
	$(PY) scripts/fill_translations.py
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: install
	$(PY) manage.py migrate --noinput -v 0

demo: install
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_circles_demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run -v 0

bench: install
	$(PY) benchmarks/verify.py

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
