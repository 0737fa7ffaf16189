# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency, dev included, at the version CI tested, with its hashes (`make lock`).
LOCK := requirements.lock
# pip-compile lives in a venv of its own, so its dependencies never mix with the project's.
LOCK_TOOLS := .venv-lock
PIP_TOOLS := pip-tools==7.7.0

.PHONY: run test test-browser test-faults lint bench bench-portal i18n install lock clean

# (Re)install when the venv is missing or the lock or pyproject.toml changed since the last
# install: the dependencies exactly as locked, then napreview itself (editable) without resolving
# anything; `pip check` fails if pyproject.toml asks for something the lock does not hold.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP)

# Regenerate the lock from pyproject.toml after changing a dependency (keeping every other pin;
# `make lock LOCK_ARGS=--upgrade` takes the newest of everything), from PyPI itself and nothing a
# machine's pip configuration adds; `make install` then installs it.
LOCK_ARGS ?=
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || $(PYTHON) -m venv $(LOCK_TOOLS)
	test -x $(LOCK_TOOLS)/bin/pip-compile || $(LOCK_TOOLS)/bin/python -m pip install --quiet '$(PIP_TOOLS)'
	CUSTOM_COMPILE_COMMAND="make lock" PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(LOCK_TOOLS)/bin/pip-compile --quiet $(LOCK_ARGS) \
		--extra dev --strip-extras --generate-hashes --allow-unsafe \
		--index-url https://pypi.org/simple --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml

# `make run PORT=7400 PORTAL_PORT=8400` (or the same variables in the environment): Temporal on
# PORT, its Web UI on PORT+1000, the portal on PORTAL_PORT.
run: $(STAMP)
	$(BIN)/napreview up $(if $(PORT),--port $(PORT)) $(if $(PORTAL_PORT),--portal-port $(PORTAL_PORT))

# Everything but the fault suite and the browser tests (each has its own target, both run by
# .ci/run): under ten minutes on two cores.
test: $(STAMP)
	$(BIN)/pytest -q --ignore=tests/faults -m "not browser"

# The portal in Debian's Chromium driven by Playwright (axe-core, screenshots in tests/screenshots).
test-browser: $(STAMP)
	$(BIN)/pytest -q tests/web -m browser

# Long fault suite (killed workers and servers, outages); .ci/run runs it after `make test`.
test-faults: $(STAMP)
	$(BIN)/pytest -q tests/faults

# The rules of the house (pyproject: [tool.importlinter], [tool.mypy]). mypy reads the package
# under its import name through a link, as the sandbox and the worker import it.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	mkdir -p $(VENV)/mypy && ln -sfn ../.. $(VENV)/mypy/napreview
	MYPYPATH=$(VENV)/mypy $(BIN)/mypy -p napreview

# The translation catalogs (README, "Translating"): extract every message id the code and the
# portal's pages use (i18n/babel.cfg), then bring i18n/locale/{en,fr,es} up to date with them
# (a changed English phrase comes back fuzzy in French and Spanish, for a translator to check).
i18n: $(STAMP)
	$(BIN)/pybabel -q extract -F i18n/babel.cfg --add-comments=Translators: --strip-comment-tags \
		--project=napreview --no-location --sort-output -o $(VENV)/napreview.pot .
	$(BIN)/pybabel -q update -i $(VENV)/napreview.pot -d i18n/locale -D napreview --ignore-obsolete \
		-l en --no-fuzzy-matching
	for language in fr es; do $(BIN)/pybabel -q update -i $(VENV)/napreview.pot -d i18n/locale \
		-D napreview --ignore-obsolete -l $$language || exit 1; done
	sed -i '/^"POT-Creation-Date: /d' i18n/locale/*/LC_MESSAGES/napreview.po  # no merge conflicts

bench: $(STAMP)
	$(BIN)/python -m bench.run

# The portal under load and the command-line calls (bench/portal_load.py), on a cycle of 83
# members and one of 10,000, each written straight into the read model of a store of its own.
bench-portal: $(STAMP)
	BENCH_N=83 $(BIN)/python -m bench.portal_load
	BENCH_N=10000 $(BIN)/python -m bench.portal_load

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) *.egg-info
