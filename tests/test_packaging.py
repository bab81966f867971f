"""The files that load_sample() and the report read at run time ship inside the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_package_data_covers_sample_and_report_template():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["omnimkt"]
    shipped = {p for pat in patterns for p in (ROOT / "omnimkt").glob(pat)}
    needed = {ROOT / "omnimkt" / "report_template.ipynb"}
    needed |= set((ROOT / "omnimkt" / "datasets" / "sample").iterdir())
    assert len(needed) == 13  # the template, 4 customer tables, 5 channel tables, 3 truths
    assert needed <= shipped
    # sample_data/ at the top of the repo is the same folder, not a copy
    assert (ROOT / "sample_data").resolve() == (ROOT / "omnimkt" / "datasets" / "sample").resolve()
