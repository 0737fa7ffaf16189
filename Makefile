# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-browser test-faults lint bench i18n install clean

# (Re)install when the venv is missing or pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/napreview up

test: $(STAMP)
	$(BIN)/pytest -q --ignore=tests/faults

# The portal's tests alone (also part of `make test`): Debian's Chromium driven by Playwright.
test-browser: $(STAMP)
	$(BIN)/pytest -q tests/web

# Long fault suite (killed workers and servers, outages); .ci/run runs it after `make test`.
test-faults: $(STAMP)
	$(BIN)/pytest -q tests/faults

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The translation catalogs (README, "Translating"): extract every message id the code and the
# portal's pages use (i18n/babel.cfg), then bring i18n/locale/{en,fr,es} up to date with them
# (a changed English phrase comes back fuzzy in French and Spanish, for a translator to check).
i18n: $(STAMP)
	$(BIN)/pybabel -q extract -F i18n/babel.cfg --add-comments=Translators: --strip-comment-tags \
		--project=napreview -o $(VENV)/napreview.pot .
	$(BIN)/pybabel -q update -i $(VENV)/napreview.pot -d i18n/locale -D napreview --ignore-obsolete \
		-l en --no-fuzzy-matching
	for language in fr es; do $(BIN)/pybabel -q update -i $(VENV)/napreview.pot -d i18n/locale \
		-D napreview --ignore-obsolete -l $$language || exit 1; done

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) *.egg-info
