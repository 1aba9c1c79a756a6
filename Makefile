# Two commands on a fresh machine: `make run` (set up, clean the bundled sample corpus) and
# `make test` (set up, run the tests). Everything installs into .venv from PyPI; the native
# core (core/, Rust) is built from source with cargo by maturin.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
SAMPLE_OUT := out/sample-corpus

.PHONY: setup core browser run test eval bench fuzz fuzz-inputs fuzz-folders lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# The native core, rebuilt in place (cleaner/_core*.so) whenever its sources change; cargo
# makes this a no-op when nothing did.
core: $(STAMP)
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin develop --release --skip-install --quiet

setup: $(STAMP) core

run: setup
	rm -rf $(SAMPLE_OUT)
	$(VENV)/bin/cleaner clean fixtures/sample-corpus -o $(SAMPLE_OUT)
	@echo
	@echo "Cleaned files are in $(SAMPLE_OUT)/. Why each line went, for one of them:"
	@echo "  $(VENV)/bin/cleaner explain fixtures/sample-corpus/$$(ls fixtures/sample-corpus | head -n 1)"
	@echo
	$(VENV)/bin/cleaner explain fixtures/sample-corpus/$$(ls fixtures/sample-corpus | head -n 1) | grep -E 'DROP|CUT|↳' | head -n 24

# Headless Chromium for the browser test (tests/report/test_report.py, which skips without it). An
# explicit step: it installs a system package (as root, with apt-get), so `make test` never
# runs it; .ci/run does. Never fails: without root or apt-get that one test says why it skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; } \
	      || echo "make browser: could not install chromium; the browser test will skip"; \
	  else echo "make browser: no chromium; install it with: sudo apt-get install chromium"; fi; }

test: setup
	cargo test --quiet -p cleaner-core
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	$(PY) -m pytest -q

# The leave-one-dataset-out table (README "Quality"): every dataset of ../shared/data scored
# by models that never saw it, text and HTML, beside C4 and trafilatura, then the HTML default
# (the router) and the confidence's calibration. The first run trains the models of every
# group (about 45 minutes on two cores, cached in .cache/loo) and gathers every page's results
# for the router (about 10 minutes, cached in .cache/router); later runs reuse both while the
# training examples and the signals are unchanged (about 20 minutes).
eval: setup
	mkdir -p out
	$(VENV)/bin/cleaner eval --loo --out out/loo.md

bench: $(BENCH_STAMP) core
	$(PY) bench/bench_core.py
	$(PY) bench/bench_text.py
	$(PY) bench/bench_batch.py
	$(PY) bench/bench_html.py
	$(PY) bench/bench_profile.py

# Coverage-guided fuzzing of the core's entry points (fuzz/, cargo fuzz on the stable toolchain,
# without a sanitizer: the core has no unsafe code). Installs cargo-fuzz into ~/.cargo/bin when
# it is missing. FUZZ_RUNS executions of the page targets; the patterns target compiles a rule
# set per input (about 15 ms), so it gets PATTERN_RUNS. A crash or an input over 10 s fails.
FUZZ_RUNS ?= 1000000
PATTERN_RUNS ?= 20000
FUZZ_FLAGS := -timeout=10 -max_len=65536
fuzz:
	command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
	cd fuzz && cargo fuzz run text -s none -- -runs=$(FUZZ_RUNS) $(FUZZ_FLAGS)
	cd fuzz && cargo fuzz run html -s none -- -runs=$(FUZZ_RUNS) $(FUZZ_FLAGS)
	cd fuzz && cargo fuzz run patterns -s none -- -runs=$(PATTERN_RUNS) $(FUZZ_FLAGS)

# Input fuzzing at the API level (bench/fuzz_inputs.py): FUZZ_INPUTS mutated real pages and
# generated inputs through explain/explain_html in one watched child process, FUZZ_SEED picks
# them. A crash or an input over FUZZ_TIMEOUT seconds (a hang) fails, its input saved.
FUZZ_INPUTS ?= 100000
FUZZ_SEED ?= 1
FUZZ_TIMEOUT ?= 10
fuzz-inputs: setup
	$(PY) bench/fuzz_inputs.py --inputs $(FUZZ_INPUTS) --seed $(FUZZ_SEED) --timeout $(FUZZ_TIMEOUT)

# Corpus runs over random folders (damaged pages and shards, binaries, other formats,
# colliding names, symlinks) until FOLDER_INPUTS inputs are accounted for: each cleaned or
# listed with a reason; reruns change nothing. Prints a table; fails on a crash or hang.
FOLDER_INPUTS ?= 100000
fuzz-folders: setup
	$(PY) bench/fuzz_folders.py --inputs $(FOLDER_INPUTS)

lint: setup
	$(VENV)/bin/ruff check cleaner tests bench

clean:
	rm -rf $(VENV) out .cache .pytest_cache .hypothesis target cleaner/_core*.so
