"""The ``omnimkt`` command under bad input: one-line errors, ``--out`` checked first, Ctrl-C.

No test here builds a report: the checks run before any work, and the work
itself is replaced by a stand-in where a test needs it (tests/test_report_pipeline.py
builds real reports).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import omnimkt.report as report_module
from omnimkt.cli import main

TX = "customer_id,timestamp,amount\n1,2025-01-02,100\n1,2025-02-01,120\n2,2025-01-05,30\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "transactions.csv").write_text(TX)
    return folder


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if the data are read: every error below must come first."""
    def work_started(*_a, **_k):
        raise AssertionError("work started before the command line was checked")

    monkeypatch.setattr(report_module, "load_dataset", work_started)
    monkeypatch.setattr(report_module, "_run_template", work_started)


def _err_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err  # one line, no traceback
    assert lines[0].startswith("omnimkt: ")
    return lines[0]


def _report(data: Path, out, *extra: str) -> int:
    return main(["report", "--data", str(data), "--out", str(out), *extra])


# ----------------------------------------------------------------- version and help
def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.fullmatch(r"omnimkt \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_help_lists_the_canonical_columns_of_every_table(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    # Hand-copied from the schema's documented columns.
    assert "transactions: customer_id, timestamp, amount; optional: order_id, channel" in out
    assert "touchpoints: customer_id, timestamp, channel" in out
    assert "customers: customer_id; optional: signup_date" in out
    assert "stage_events: customer_id, timestamp, stage" in out
    assert '"customer_id": "会员编号"' in out  # an example mapping
    for flag in ("--lang", "--currency", "--config", "--labels", "--no-pdf", "--encoding",
                 "--sheet", "--dayfirst", "--monthfirst"):
        assert flag in out


# ----------------------------------------------------------------- bad options
@pytest.mark.parametrize(("columns", "message"), [
    ('["会员编号"]', "--columns must be a JSON object"),
    ("{oops", "--columns is not valid JSON"),
    ('{"member": "会员编号"}', "unknown canonical name(s) 'member'"),
    ('{"customer_id": 3}', "must be your column name as text"),
])
def test_bad_columns_are_one_line_usage_errors(data, tmp_path, capsys, no_work, columns,
                                               message):
    assert _report(data, tmp_path / "r.html", "--columns", columns) == 2
    assert message in _err_line(capsys)


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--lang", "fr", "lang: 'fr' is not one of 'zh', 'en'"),
    ("--currency", "yuan", "currency: expected a three-letter ISO 4217 code"),
    ("--title", "two\nlines", "title: "),
    ("--title", "   ", "title: must not be empty"),
    ("--labels", '["门店"]', "labels: expected a mapping"),
    ("--labels", "nowhere.json", "labels: 'nowhere.json' is neither a file nor JSON text"),
    ("--config", "nowhere.toml", "config: 'nowhere.toml' does not exist"),
])
def test_bad_report_settings_are_one_line_usage_errors(data, tmp_path, capsys, no_work, flag,
                                                       value, message):
    assert _report(data, tmp_path / "r.html", flag, value) == 2
    assert message in _err_line(capsys)


def test_unknown_assumption_in_the_config_file_is_named(data, tmp_path, capsys, no_work):
    cfg = tmp_path / "client.toml"
    cfg.write_text('title = "Q3"\nno_such_assumption = 3\n', encoding="utf-8")
    assert _report(data, tmp_path / "r.html", "--config", str(cfg)) == 2
    assert "no_such_assumption" in _err_line(capsys)


def test_bad_toml_is_a_usage_error(data, tmp_path, capsys, no_work):
    cfg = tmp_path / "client.toml"
    cfg.write_text("title = \n", encoding="utf-8")
    assert _report(data, tmp_path / "r.html", "--config", str(cfg)) == 2
    assert "is not valid TOML" in _err_line(capsys)


def test_titles_with_regex_specials_and_html_are_accepted(data, tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_template(params, title, kernel_name, show):
        seen.update(params)
        return report_module.finish_html(
            "<html><head><title>x</title></head><body></body></html>", title)

    monkeypatch.setattr(report_module, "_run_template", fake_template)
    title = r"Q3 <script>alert(3)</script> \1 A&B"
    assert _report(data, tmp_path / "r.html", "--title", title, "--no-pdf", "--no-workbook",
                   "--client", "天猫 & 京东") == 0
    assert seen["title"] == title and seen["client"] == "天猫 & 京东"
    assert seen["lang"] == "zh" and seen["currency"] == "CNY"  # the defaults
    page = (tmp_path / "r.html").read_text()
    assert "<title>Q3 &lt;script&gt;alert(3)&lt;/script&gt; \\1 A&amp;B</title>" in page
    assert "Report:" in capsys.readouterr().out


def test_config_file_holds_settings_and_assumptions_flags_override(data, tmp_path,
                                                                    monkeypatch):
    seen = {}

    def fake_template(params, title, kernel_name, show):
        seen.update(params)
        return report_module.finish_html("<title>x</title>", title)

    monkeypatch.setattr(report_module, "_run_template", fake_template)
    cfg = tmp_path / "client.toml"
    cfg.write_text('title = "季度复盘"\nclient = "某母婴品牌"\nlang = "en"\ncurrency = "usd"\n'
                   "margin = 0.25\ncost_per_contact = 15\n"
                   '[labels]\nstore_visit = "门店到访"\n', encoding="utf-8")
    assert _report(data, tmp_path / "r.html", "--config", str(cfg), "--title", "Q3",
                   "--no-pdf", "--no-workbook") == 0
    assert (seen["title"], seen["client"], seen["lang"], seen["currency"]) == (
        "Q3", "某母婴品牌", "en", "USD")
    assert json.loads(seen["labels_json"]) == {"store_visit": "门店到访"}
    assumptions = json.loads(seen["config_json"])
    assert assumptions["margin"] == 0.25 and assumptions["cost_per_contact"] == 15
    assert json.loads(seen["dayfirst_json"]) is None


# ----------------------------------------------------------------- --out checked first
def test_out_equal_to_an_input_file_is_refused_and_the_input_untouched(data, capsys, no_work):
    before = (data / "transactions.csv").read_bytes()
    assert _report(data, data / "transactions.csv") == 2
    assert "transactions.csv" in _err_line(capsys)
    # A sibling that would overwrite an input: transactions.html's workbook is the input.
    (data / "transactions.xlsx").write_bytes(b"PK fake")
    assert _report(data, data / "transactions.html") == 2
    line = _err_line(capsys)
    assert "transactions.xlsx" in line and "is one of the input files" in line
    assert (data / "transactions.csv").read_bytes() == before
    assert (data / "transactions.xlsx").read_bytes() == b"PK fake"
    assert not (data / "transactions.html").exists()


def test_out_through_a_link_to_an_input_is_refused(data, tmp_path, capsys, no_work):
    (data / "customers.csv").write_text("customer_id\n1\n")
    link = tmp_path / "r.xlsx"
    link.symlink_to(data / "customers.csv")
    assert _report(data, tmp_path / "r.html") == 2
    assert "is one of the input files" in _err_line(capsys)
    assert (data / "customers.csv").read_text() == "customer_id\n1\n"


def test_out_that_is_a_folder_is_refused(data, tmp_path, capsys, no_work):
    (tmp_path / "reports.html").mkdir()
    assert _report(data, tmp_path / "reports.html") == 2
    assert "it is a folder" in _err_line(capsys)
    assert _report(data, tmp_path) == 2
    assert "it is a folder" in _err_line(capsys)


def test_out_in_an_unwritable_place_is_refused(data, tmp_path, capsys, no_work):
    assert _report(data, data / "transactions.csv" / "r.html") == 2
    assert "is a file, not a folder" in _err_line(capsys)
    assert _report(data, "/proc/omnimkt-test/r.html") == 2
    assert "/proc/omnimkt-test" in _err_line(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_in_a_read_only_folder_is_refused(data, tmp_path, capsys, no_work):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert _report(data, ro / "r.html") == 2
        assert "not writable" in _err_line(capsys)
    finally:
        ro.chmod(0o755)


def test_missing_out_folders_are_made_and_removed_again_on_failure(data, tmp_path, capsys,
                                                                   monkeypatch):
    def failing(*_a, **_k):
        raise report_module.ReportError("report: the section in cell 5 failed")

    monkeypatch.setattr(report_module, "_run_template", failing)
    out = tmp_path / "new" / "deeper" / "r.html"
    assert _report(data, out) == 1
    assert "cell 5 failed" in _err_line(capsys)
    assert not (tmp_path / "new").exists()


# ----------------------------------------------------------------- Ctrl-C
def test_ctrl_c_prints_one_line_exits_130_and_leaves_no_file(data, tmp_path, capsys,
                                                             monkeypatch):
    out = tmp_path / "out" / "r.html"
    out.parent.mkdir()
    (out.parent / "r.pdf").write_bytes(b"old pdf")  # a previous report stays as it was

    def interrupted(params, *_a):
        Path(params["workbook_path"]).write_bytes(b"half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "_run_template", interrupted)
    assert _report(data, out) == 130
    assert _err_line(capsys) == "omnimkt: interrupted, nothing written"
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.pdf"]
    assert (out.parent / "r.pdf").read_bytes() == b"old pdf"


# ----------------------------------------------------------------- check
@pytest.fixture
def check_dataset():
    data_module = pytest.importorskip("omnimkt.data")
    if not hasattr(data_module, "check_dataset"):
        pytest.skip("omnimkt.data.check_dataset not available yet")
    return data_module.check_dataset


def test_check_passes_a_clean_folder(data, capsys, check_dataset):
    assert main(["check", "--data", str(data)]) == 0
    assert "ready" in capsys.readouterr().out


def test_check_lists_every_problem_at_once(tmp_path, capsys, check_dataset):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "transactions.csv").write_text(
        "member_no,paid_at,total\n1,2025-01-02,100\n2,yesterday,5\n3,2025-01-05,-30\n")
    (folder / "touchpoints.csv").write_text("customer_id,timestamp\n1,2025-01-01\n")
    mapping = json.dumps({"customer_id": "member_no", "timestamp": "paid_at", "amount": "total"})
    assert main(["check", "--data", str(folder), "--columns", mapping]) == 1
    err = capsys.readouterr().err
    assert re.search(r"omnimkt check: [2-9]\d* problem\(s\)", err), err
    assert "yesterday" in err or "timestamp" in err  # the unparsable date
    assert "channel" in err  # the touchpoints table lacks a required column


def test_check_bad_columns_is_a_usage_error(data, capsys, check_dataset):
    assert main(["check", "--data", str(data), "--columns", '["会员编号"]']) == 2
    assert "--columns must be a JSON object" in _err_line(capsys)


def test_check_accepts_every_chinese_team_folder(tmp_path, capsys, check_dataset):
    chinese = pytest.importorskip("chinese_folders")
    folders = chinese.make_chinese_folders(tmp_path, n_customers=80)
    for name, folder in folders.items():
        columns = (folder / "columns.json").read_text(encoding="utf-8")
        status = main(["check", "--data", str(folder), "--columns", columns])
        assert status == 0, (name, capsys.readouterr().err)
