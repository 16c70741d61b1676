# Landscape Academy: `make run` for a working demo site, `make test` for the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SOAK_SECONDS ?= 60
# lms/settings/base.py reads them too: links, QR codes and the printed logins carry the address served.
export HOST PORT

.PHONY: run test test-postgres bench install system-packages migrate demo messages lint format clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Debian packages the project needs: Chromium for browser tests, gettext for catalogues, Noto fonts for PDFs in
# every script, poppler (pdftotext, pdftoppm) and zbar (a QR decoder) for the tests that read PDFs back, fontconfig
# (fc-list: which characters a certificate's fonts can print), wrk for the served benchmark (`make bench`), kiwix-tools
# (kiwix-serve) for the test that reads an exported ZIM in Chromium, redis-server for the scale-out test (it starts and
# restarts a Redis of its own). Installed only when missing; needs root (CI and the dev machines run as root).
system-packages:
	@missing=""; \
	for pkg in chromium gettext fonts-noto-core fontconfig poppler-utils zbar-tools wrk kiwix-tools redis-server; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: install
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py demo_accounts
	$(PY) manage.py demo_workshop

run: system-packages demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs in TEST_WORKERS processes (pytest-xdist; `auto`: one per core, `0`: in pytest's own process), each
# with its own copy of the demo database; tests that share a server stay in one process (xdist_group markers).
# The 20 slowest steps are listed at the end: CI must stay well under 20 minutes for both databases.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20

test: system-packages install
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PYTEST) $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, database "test" by default).
test-postgres: system-packages install
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PYTEST) $(PYTEST_ARGS)

# Benchmarks (not part of `make test`): pages against a bare Wagtail page, rendered in-process and served by gunicorn
# (wrk, BENCH_SERVED_ROUNDS of BENCH_SERVED_SECONDS per page), PDFs, and a soak of 20 learners for SOAK_SECONDS against
# gunicorn + PostgreSQL (databases of their own on DATABASE_URL's server, else 127.0.0.1:5432; BENCH_DATABASE names the
# served benchmark's, BENCH_PORTS="8150-8159" the ports it may use); then how many learners locust can add with p95
# under 300 ms (BENCH_CAPACITY_LEARNERS, _SECONDS, _THINK: up to 9 minutes), a 1,000-page workbook's peak memory
# (BENCH_WORKBOOK_PAGES) and `make demo` on a fresh checkout (README, "Capacity, PDFs and startup").
bench: install
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	SOAK_SECONDS=$(SOAK_SECONDS) $(PY) -m pytest tests/benchmarks -p no:randomly -s --no-header -q

# Refresh the interface catalogues after changing templates or code; translate, then `make test` checks them.
messages: install
	$(PY) manage.py makemessages --all --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=media
	$(PY) manage.py compilemessages --ignore=.venv -v 0

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/db.sqlite3 var/static var/test-media var/test-private
