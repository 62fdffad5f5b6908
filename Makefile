# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: run test install lint typecheck demo clean

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(STAMP)

## make run: migrate, load the demo, start web + worker + one beat on http://127.0.0.1:8000
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py demo_data
	@echo
	@echo "Open http://127.0.0.1:8000 and sign in with one of the demo people above."
	@echo "Emails (sign-up links, invitations, reminders) are printed below by the worker."
	@echo "Stop with Ctrl+C."
	@echo
	$(VENV)/bin/honcho start -f Procfile

## make test: lint, migrations check, and the whole test suite
test: install
	@mkdir -p var
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m mypy
	@eval "$$($(PY) tests/services.py)" && $(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var $(VENV)
