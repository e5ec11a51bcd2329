# 诉调通 — the two commands that matter: `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SUTIAO_DEV := 1
# xstatic-bootstrap is an sdist whose setup.py still needs pkg_resources (gone from setuptools 81). pip 26.2
# and newer apply only PIP_BUILD_CONSTRAINT to build environments, older ones only PIP_CONSTRAINT.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_BUILD_CONSTRAINT := $(CURDIR)/constraints.txt

.PHONY: up test lint bench bench-media bench-reports bench-lists bench-uploads bench-parties bench-signing chaos browser-deps system-deps signature-deps clean rules-doc scan

# Debian's libmagic, which python-magic loads to decide an upload's type by its content (sutiao.documents);
# the CJK font the agreement PDFs embed, and poppler's tools their tests read them with.
system-deps: signature-deps
	@if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1'; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmagic1 >/dev/null; \
	  else echo "libmagic1 missing and not root: install it (apt-get install libmagic1)" >&2; exit 1; fi; fi
	@# The agreement PDFs embed a CJK font (sutiao.documents.pdf; without it they fall back to a font that is not
	@# embedded) and their tests read them back with poppler's pdftotext and pdffonts.
	@if [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || [ ! -x /usr/bin/pdftotext ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei poppler-utils >/dev/null; \
	  else echo "fonts-wqy-zenhei or poppler-utils missing and not root: PDFs fall back to STSong-Light, their tests skip" >&2; fi; fi

# poppler's pdfsig, the independent verifier of our PDF signatures in the tests (sutiao.documents.signing), and
# NSS's certutil, which makes the test's trust store for it (Debian's poppler-utils, libnss3-tools).
signature-deps:
	@if ! command -v pdfsig >/dev/null || ! command -v certutil >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libnss3-tools >/dev/null; \
	  else echo "pdfsig/certutil missing and not root: the signature tests will be skipped (apt-get install poppler-utils libnss3-tools)"; fi; fi

$(STAMP): pyproject.toml constraints.txt | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

# UP_ARGS: --reset (empty databases) or --no-prepare (servers only); ports: SUTIAO_COURT_PORT, SUTIAO_INVESTOR_PORT.
up: $(STAMP)
	$(BIN)/sutiao up $(UP_ARGS)

# Debian's Chromium for the browser tests (Playwright drives it through executable_path; no download).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei poppler-utils >/dev/null; \
	  else echo "Chromium missing and not root: browser tests will be skipped"; fi; fi

# The two platforms' suites share nothing (own settings, own test databases), so they run side by side on the
# machine's two cores; each one's output is shown whole when both are done. Then both platforms live (e2e).
test: $(STAMP) browser-deps signature-deps
	@mkdir -p var/test-logs; \
	$(BIN)/pytest tests/unit tests/court --ds=sutiao.settings.court -q > var/test-logs/court.log 2>&1 & court=$$!; \
	$(BIN)/pytest tests/investor --ds=sutiao.settings.investor -q > var/test-logs/investor.log 2>&1 & investor=$$!; \
	wait $$court; court_rc=$$?; wait $$investor; investor_rc=$$?; \
	echo "--- tests/unit tests/court"; cat var/test-logs/court.log; \
	echo "--- tests/investor"; cat var/test-logs/investor.log; \
	[ $$court_rc = 0 ] && [ $$investor_rc = 0 ]
	$(BIN)/pytest tests/e2e -q --durations=12

# pip-audit over the installed dependencies: fails on a known vulnerability, skips (with a message, exit 0) where
# no vulnerability database can be reached (tools/audit_dependencies.py).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/lint-imports
	$(BIN)/python tools/audit_dependencies.py

# docs/rules.md from the rules register, the code and the tests (tests/unit/test_rules_register.py checks it);
# docs/permission-matrix.md from the platforms' permission matrices (tests/unit/test_permission_matrix_doc.py).
rules-doc: $(STAMP)
	$(BIN)/python -m sutiao.rules_doc
	$(BIN)/python -m sutiao.access_doc

bench: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/docking.py $(BENCH_ARGS)
	SUTIAO_DEV=1 $(BIN)/python bench/lists.py $(BENCH_LISTS_ARGS)
	SUTIAO_DEV=1 $(BIN)/python bench/signing.py $(BENCH_SIGNING_ARGS)
	SUTIAO_DEV=1 $(BIN)/python bench/reports.py $(BENCH_REPORTS_ARGS)
	SUTIAO_DEV=1 $(BIN)/python bench/media.py $(BENCH_MEDIA_ARGS)
	$(BIN)/pip install -q -e ".[dev,bench]"
	SUTIAO_DEV=1 $(BIN)/python bench/parties.py $(BENCH_PARTIES_ARGS)

# The audio/video rooms' signalling server (issue 12): 50 rooms × 4 participants on one process.
bench-media: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/media.py $(BENCH_MEDIA_ARGS)

# Signing (issue 11): 1,000 agreements signed by three signers with timestamps and verified, against a bare SHA-256
# of the same PDFs. BENCH_SIGNING_ARGS="--agreements 50" for a quick look.
bench-signing: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/signing.py $(BENCH_SIGNING_ARGS)

# Periodic reports and the dashboard (issue 13 §3): the quarterly report over 100,000 cases on SQLite and 1,000,000
# on PostgreSQL, its PDF pages rendered into test-artifacts/. BENCH_REPORTS_ARGS="--sqlite 20000 --postgres 0".
bench-reports: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/reports.py $(BENCH_REPORTS_ARGS)

# Lists at scale (issue 15, P3): 1,000,000 cases and 2,000,000 parties, SQLite then PostgreSQL; a clerk's six
# requests, one at a time and from 20 clients. BENCH_LISTS_ARGS="--cases 20000" for a quick look.
BENCH_LISTS_ARGS ?= --cases 1000000
bench-lists: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/lists.py $(BENCH_LISTS_ARGS)

# Accepting and serving uploads (sutiao.documents) in one process, SQLite then PostgreSQL.
bench-uploads: $(STAMP)
	SUTIAO_DEV=1 $(BIN)/python bench/uploads.py $(BENCH_ARGS)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} SUTIAO_DEV=1 $(BIN)/python bench/uploads.py $(BENCH_ARGS)

# 200 simulated parties, each with its own account, sign in (password + SMS code, 4 at a time: the ramp, timed
# apart) and then post messages and small files to their mediation workspaces for 60 s (Locust, loopback), on
# SQLite then PostgreSQL (issue 10). BENCH_PARTIES_ARGS="--parties 20 --seconds 10" for a quick look.
bench-parties: $(STAMP)
	$(BIN)/pip install -q -e ".[dev,bench]"
	SUTIAO_DEV=1 $(BIN)/python bench/parties.py $(BENCH_PARTIES_ARGS)

# The full chaos run (issue 3): 10,000 cases, at least 20 SIGKILLs of each process, on SQLite then PostgreSQL.
chaos: $(STAMP)
	CHAOS_CASES=10000 CHAOS_KILLS=20 $(BIN)/pytest tests/e2e/test_chaos.py -q -s -p no:cacheprovider
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} CHAOS_CASES=10000 CHAOS_KILLS=20 \
	  $(BIN)/pytest tests/e2e/test_chaos.py -q -s -p no:cacheprovider

# A scan of both running platforms with wapiti (issue 14), loopback only: demo data on free ports, the public
# surface and a signed-in staff member's, reports under var/scan/. wapiti3 pins older Django-side packages
# (asgiref, cryptography, httpx), so it gets a venv of its own, made for this target only.
SCAN_VENV := var/scan-venv
$(SCAN_VENV)/bin/wapiti:
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install -q --upgrade pip
	PIP_CONSTRAINT= PIP_BUILD_CONSTRAINT= $(SCAN_VENV)/bin/pip install -q "wapiti3==3.2.3"

scan: $(STAMP) $(SCAN_VENV)/bin/wapiti
	WAPITI=$(CURDIR)/$(SCAN_VENV)/bin/wapiti SUTIAO_DEV=1 $(BIN)/python bench/scan.py

clean:
	rm -rf $(VENV) var test-artifacts
