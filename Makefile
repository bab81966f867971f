# Two commands do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
OMNIMKT := $(VENV)/bin/omnimkt

.PHONY: demo check-demo test install system-libs lint bench sample clean

# WeasyPrint (the PDF) needs Pango and HarfBuzz (with its font subsetter) from the
# system; install them from Debian's packages only when they are missing.
system-libs:
	@if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' && \
	    ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && \
	    ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0'; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing the PDF libraries (pango) from Debian's packages"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	else \
	    echo "warning: libpango is missing and apt-get is not available; install Pango for PDF output" >&2; \
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
