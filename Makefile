# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench clean browser screenshots fuzz

install: $(STAMP)

# Reinstall only when the requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# The session key must not be the development default outside debugging: make one once.
instance/secret_key:
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

# make run PORT=5001 when 5000 is taken.
PORT ?= 5000
run: install instance/secret_key
	FRAMING_SECRET_KEY=$$(cat instance/secret_key) $(BIN)/framing serve --load-sample --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium (no browser download works here): install it when
# missing, as root or through sudo.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check framing webapp tests
	$(BIN)/ruff format --check framing webapp tests

clean:
	rm -rf $(VENV) instance .pytest_cache

# Pictures of the web view for the README (docs/screenshots/); look at them before committing.
screenshots: install browser
	$(BIN)/python docs/make_screenshots.py

bench: install
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/framing eval-alignment --ceiling --format text
	$(BIN)/framing eval-alignment --gold tests/gold/real_alignment.yaml --articles tests/gold/real_articles --articles tests/gold/real_events_articles --events tests/gold/real_events.yaml --ceiling --format text
	$(BIN)/framing eval-guard
	$(BIN)/framing eval-attribution
	$(BIN)/framing eval-attribution --gold tests/gold/attribution_holdout.yaml --articles tests/gold/fresh_alignment_articles
	$(BIN)/framing eval-quotes
	$(BIN)/framing eval-events --grid
	$(BIN)/python benchmarks/bench_score.py
	$(BIN)/python benchmarks/bench_dask.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_own.py
	$(BIN)/python benchmarks/bench_fetch.py
	$(BIN)/python benchmarks/bench_links.py
	$(BIN)/python benchmarks/bench_speed.py
	$(BIN)/python benchmarks/bench_int8.py
	$(BIN)/python benchmarks/bench_scale.py --sizes 300,1000

# Coverage-guided fuzzing of ingest, segmentation, lexicon and alignment for 10 minutes; a
# crashing input is written to fuzz/crash-*. The tests run the same target for 2000 inputs.
fuzz: install
	$(BIN)/python fuzz/fuzz_pipeline.py -max_total_time=600 -max_len=8192 -rss_limit_mb=4096 -artifact_prefix=fuzz/
