"""The one-command report: sample data, a client's own columns, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from omnimkt import DataError, DataWarning
from omnimkt.cli import main
from omnimkt.datasets import load_cdnow
from omnimkt.report import build_report
from omnimkt.report_sections import SECTIONS

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "sample.html"
    assert main(["report", "--data", str(SAMPLE), "--out", str(out), "--title", "Sample brand"]) == 0
    return out.read_text()


def test_sample_report_is_self_contained_without_code(sample_html):
    assert "<title>Sample brand</title>" in sample_html
    assert "render_section(" not in sample_html  # no code cells
    assert not re.search(r"<script[^>]+src=\"https?://", sample_html)
    assert sample_html.count("data:image/png;base64") >= 4
    text = _text(sample_html)
    for bad in ("Traceback", "Warning", "could not be computed"):
        assert bad not in text


def test_sample_report_states_the_sample_figures(sample_html):
    text = _text(sample_html)
    assert "The data at a glance" in text
    assert "5,000 customers" in text
    assert "44,869 orders" in text


def test_report_on_client_columns_with_transactions_only(tmp_path):
    data = tmp_path / "client"
    data.mkdir()
    tx = load_cdnow("sample").rename(
        columns={"customer_id": "member_no", "timestamp": "paid_at", "amount": "total"}
    )
    tx.to_csv(data / "transactions.csv", index=False)
    # CDNOW repeats 21 rows exactly; loading drops them and says so.
    with pytest.warns(DataWarning, match="21 of 6,919 rows are exact duplicates"):
        out = build_report(data, tmp_path / "client.html", pdf=False, workbook=False,
                           columns={"customer_id": "member_no", "timestamp": "paid_at",
                                    "amount": "total"})
    text = _text(out.html.read_text())
    assert "2,357 customers" in text
    assert "Traceback" not in text


def test_bad_data_stops_before_running(tmp_path, capsys):
    (tmp_path / "transactions.csv").write_text("customer_id,timestamp,amount\n1,yesterday,5\n")
    with pytest.raises(DataError, match="timestamp"):
        build_report(tmp_path, tmp_path / "r.html")
    assert main(["report", "--data", str(tmp_path / "nowhere"), "--out", "x.html"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_bad_columns_json(capsys):
    assert main(["report", "--data", str(SAMPLE), "--out", "x.html", "--columns", "{oops"]) == 2
    assert "JSON" in capsys.readouterr().err


def test_every_section_has_a_module():
    import importlib

    for name in SECTIONS:
        assert callable(importlib.import_module(f"omnimkt.report_sections.{name}").render)


def test_cli_spells_out_the_remedies(tmp_path, capsys):
    (tmp_path / "transactions.csv").write_text(
        "member_no,paid_at,total\n1,2025-01-02,100\n1,2025-02-01,120\n2,2025-01-05,-30\n"
    )
    out = str(tmp_path / "r.html")
    assert main(["report", "--data", str(tmp_path), "--out", out]) == 1
    assert "--columns" in capsys.readouterr().err
    mapping = '{"customer_id": "member_no", "timestamp": "paid_at", "amount": "total"}'
    assert main(["report", "--data", str(tmp_path), "--out", out, "--columns", mapping]) == 1
    err = capsys.readouterr().err
    assert "1 of 3 rows are negative" in err and "--allow-refunds" in err
