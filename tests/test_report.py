"""The one full report build (papermill): the sample in Chinese, with a hostile title,
client and label; the content itself is tested in tests/test_report_content.py and the
command line / PDF side in tests/test_report_pipeline.py and tests/test_cli.py."""

from __future__ import annotations

import html
import importlib
import re
from pathlib import Path

import pandas as pd
import pytest

from omnimkt import DataError
from omnimkt.report import build_report
from omnimkt.report_sections import SECTIONS

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
EVIL = "Q3 <script>alert(3)</script>"
AMP = "A&B Stores <Q3> review"


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]+"', "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "sample.html"
    files = build_report(SAMPLE, out, lang="zh", title=EVIL, client=AMP,
                         labels={"store_visit": AMP}, pdf=False)
    return files, files.html.read_text(encoding="utf-8")


def test_report_is_self_contained_without_code(built):
    _, page = built
    assert "analyse_section(" not in page and "build_report_content" not in page
    assert not re.search(r"<script[^>]+src=\"https?://", page)
    assert page.count("data:image/png;base64") >= 6
    text = _text(page)
    for bad in ("Traceback", "Warning", "NaN", "…", "本部分无法基于现有数据计算"):
        assert bad not in text


def test_title_client_and_labels_show_as_typed_and_never_run(built):
    _, page = built
    assert "<script>alert(3)</script>" not in page and "<Q3>" not in page
    assert html.escape(EVIL) in page and html.escape(AMP) in page
    assert EVIL in _text(page) and AMP in _text(page)


def test_chinese_report_states_the_sample_figures(built):
    text = _text(built[1])
    for part in ("执行摘要", "目录", "术语表", "本报告采用的假设", "数据期间：2024年1月2日至2025年12月31日",
                 "5,000位客户共下单44,869笔订单，销售额¥30,830,232", "报告日期：2025年12月31日"):
        assert part in text


def test_workbook_holds_the_numbers_of_the_html(built):
    files, page = built
    text = _text(page)
    sheets = pd.read_excel(files.workbook, sheet_name=None, engine="openpyxl")
    assert {"客户终身价值", "客户分层", "挽回名单", "行动清单", "渠道表"} <= set(sheets)
    total = sheets["客户终身价值"]["客户终身价值"].sum()
    assert f"¥{total:,.0f}" in text
    n = len(sheets["行动清单"])
    assert f"完整名单（共{n}行）见Excel工作簿中的“行动清单”工作表" in text
    assert len(sheets["挽回名单"]) and f"共{len(sheets['挽回名单']):,}行" in text


def test_every_section_has_a_module():
    for name in SECTIONS:
        module = importlib.import_module(f"omnimkt.report_sections.{name}")
        assert callable(module.analyse) and callable(module.build)


def test_bad_data_stops_before_running(tmp_path):
    (tmp_path / "transactions.csv").write_text("customer_id,timestamp,amount\n1,yesterday,5\n")
    with pytest.raises(DataError, match="timestamp"):
        build_report(tmp_path, tmp_path / "r.html", pdf=False)
    assert not (tmp_path / "r.html").exists()
