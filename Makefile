# Mahi Tahi: `make run` serves the demo, `make test` runs every check CI runs.

# Python 3.12 or newer: the repo's .python-version (3.13) where pyenv is used,
# otherwise the newest python3.1x on the PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $(HOME)/.pyenv/versions/3.13*/bin/python; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
# axe-core, for the accessibility tests only (tests/browser/test_accessibility.py): pinned in
# package-lock.json, installed from the npm registry, never served to users.
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint messages benchmark-seed clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Mahi Tahi needs Python 3.12 or newer (python3.13 recommended)." >&2; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Without npm the sweep is skipped on a laptop (and fails in CI, which installs npm).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $(AXE); \
	else \
		echo "npm not found: the accessibility sweep will be skipped (Debian: apt-get install nodejs npm)." >&2; \
	fi

run: $(STAMP)
	mkdir -p var/celery/queue var/celery/control var/media
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo | tee var/demo-logins.txt
	@worker_pid=""; \
	trap 'test -n "$$worker_pid" && kill $$worker_pid 2>/dev/null' EXIT INT TERM; \
	$(BIN)/celery -A config worker --beat --pool solo --loglevel INFO \
		--schedule var/celerybeat-schedule & worker_pid=$$!; \
	(sleep 6; echo; cat var/demo-logins.txt; echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops the web server and the worker)") & \
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint $(AXE)
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite://:memory: \
		$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=mahitahi.example EMAIL_URL=smtp://localhost:25 \
		$(MANAGE) check --deploy --fail-level WARNING
	@# The compiled catalogues are committed, not rebuilt here: tests/test_catalogue.py checks
	@# each .mo is its .po compiled (a rebuild first would hide a stale one).
	@# Branch coverage of the apps and config; fail_under lives in pyproject.toml.
	$(BIN)/python -m pytest --cov --cov-branch

# Translators: refresh the catalogues after changing user-facing text.
messages: $(STAMP)
	$(MANAGE) makemessages --locale mi --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'node_modules/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3 node_modules
