"""The report pipeline end to end on a Chinese team's folder: HTML, PDF, workbook, byte-stable.

Building a report takes about a minute on the shared machine, so this module
builds exactly twice: once through the command line with every deliverable, once
through :func:`build_report` with the same inputs (HTML only) to compare bytes.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from pathlib import Path

import pytest

from omnimkt.cli import main
from omnimkt.report import build_report

chinese_folders = pytest.importorskip("chinese_folders")

TITLE = r"Q3 复盘 <b>A&B</b> \1"
CLIENT = "天猫 & 京东 <旗舰店>"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("zh")
    full = chinese_folders.make_chinese_folders(root, n_customers=300)["full"]
    return full, (full / "columns.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(folder, tmp_path_factory) -> dict:
    data, columns = folder
    out = tmp_path_factory.mktemp("out") / "客户报告.html"
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        status = main(["report", "--data", str(data), "--out", str(out), "--lang", "zh",
                       "--columns", columns, "--title", TITLE, "--client", CLIENT])
    assert status == 0, err.getvalue()
    return {"out": out, "stderr": err.getvalue(), "stdout": std.getvalue(),
            "html": out.read_text(encoding="utf-8")}


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_deliverable_is_written_and_nothing_else(built):
    out = built["out"]
    files = sorted(p.name for p in out.parent.iterdir())
    assert files == ["客户报告.html", "客户报告.pdf", "客户报告.xlsx"]
    printed = built["stdout"]
    for path in (out, out.with_suffix(".pdf"), out.with_suffix(".xlsx")):
        assert str(path.resolve()) in printed


def test_progress_is_one_line_per_section(built):
    lines = [ln for ln in built["stderr"].splitlines() if ln.startswith("omnimkt report: [")]
    names = [ln.split("] ", 1)[1] for ln in lines]
    for section in ("overview", "clv", "churn", "segments", "retention", "funnel",
                    "attribution", "loyalty"):
        assert names.count(section) == 1
    assert len({ln.split("]")[0].split("/")[1] for ln in lines}) == 1  # one total


def test_user_text_is_escaped_and_shown_as_typed(built):
    page = built["html"]
    assert f"<title>{html.escape(TITLE)}</title>" in page
    assert "<b>A&B</b>" not in page and "<旗舰店>" not in page
    assert TITLE in _text(page) and CLIENT in _text(page)


def test_html_is_chinese_static_and_without_nan(built):
    page = built["html"]
    text = _text(page)
    headings = [_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]
    assert len(headings) >= 5 and all(CJK.search(h) for h in headings)
    assert "NaN" not in text and "Traceback" not in text
    assert "<script" not in page  # static: nothing runs, nothing is fetched from the web


def test_pdf_holds_the_html_headings_and_numbers(built):
    from pypdf import PdfReader

    reader = PdfReader(built["out"].with_suffix(".pdf"))
    pdf = _squeeze("".join(p.extract_text() for p in reader.pages))
    page = built["html"]
    headings = [_squeeze(_text(h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]
    assert headings and all(h in pdf for h in headings), [h for h in headings if h not in pdf]
    # Every amount and count with a thousands separator in the executive summary.
    summary = page[page.find('id="summary"'):]
    summary = summary[:summary.find("</section>")]
    numbers = set(re.findall(r"¥?\d{1,3}(?:,\d{3})+(?:\.\d+)?", _text(summary)))
    assert numbers and all(n in pdf for n in numbers), sorted(n for n in numbers if n not in pdf)


def test_workbook_opens_with_its_sheets(built):
    import openpyxl

    book = openpyxl.load_workbook(built["out"].with_suffix(".xlsx"), read_only=True)
    assert len(book.sheetnames) >= 3
    assert all(book[name].max_row >= 1 for name in book.sheetnames)


def test_html_is_byte_identical_across_runs(built, folder, tmp_path):
    data, columns = folder
    again = build_report(data, tmp_path / "elsewhere" / "again.html", lang="zh",
                         columns=json.loads(columns), title=TITLE, client=CLIENT,
                         pdf=False, workbook=False, progress=False)
    assert again.pdf is None and again.workbook is None
    assert again.html.read_bytes() == built["out"].read_bytes()


@pytest.fixture(scope="module")
def team_folders(tmp_path_factory) -> dict[str, Path]:
    return chinese_folders.make_chinese_folders(tmp_path_factory.mktemp("teams"),
                                                n_customers=300)


@pytest.mark.parametrize("name", ["gbk_csv", "xlsx", "yuan_amounts", "chinese_dates",
                                  "chinese_channels", "transactions_only"])
def test_check_and_chinese_report_on_every_team_folder(team_folders, name, tmp_path):
    from openpyxl import load_workbook

    data = team_folders[name]
    columns = (data / "columns.json").read_text(encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["check", "--data", str(data), "--columns", columns]) == 0, err.getvalue()
        status = main(["report", "--data", str(data), "--out", str(tmp_path / "r.html"),
                       "--lang", "zh", "--columns", columns, "--no-pdf"])
    assert status == 0, err.getvalue()
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    headings = [_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]
    assert len(headings) >= 5 and all(CJK.search(h) for h in headings)
    text = _text(page)
    assert "NaN" not in text and "Traceback" not in text
    # The workbook's customer count is the one the cover states for the data.
    book = load_workbook(tmp_path / "r.xlsx", read_only=True)
    first = book[book.sheetnames[0]]
    rows = sum(1 for _ in first.iter_rows(min_row=2))
    assert f"{rows:,}" in text
