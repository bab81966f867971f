"""Chinese teams' files (issue 14): encodings, Excel, ¥ amounts, Chinese dates and channels.

Every folder of tests/chinese_folders.py is loaded with load_dataset and its
values compared with the bundled sample's own frames (the independent source),
transformed the way the folder wrote them (channels renamed, times to the minute).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omnimkt import DataError
from omnimkt.data import check_dataset, load_dataset, read_table

sys.path.insert(0, str(Path(__file__).parent))
from chinese_folders import CHANNELS_ZH, make_chinese_folders, sample_subset  # noqa: E402


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return make_chinese_folders(tmp_path_factory.mktemp("zh"))


@pytest.fixture(scope="module")
def sample():
    return sample_subset()


def load(folder: Path, **kw):
    cols = json.loads((folder / "columns.json").read_text("utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_dataset(folder, cols, **kw)


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal values, whatever the tie order of rows equal in customer and time."""
    assert list(got.columns) == list(want.columns)
    keys = list(want.columns)
    a = got.sort_values(keys, kind="stable").reset_index(drop=True)
    b = want.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def zh_channels(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("channel", "acquisition_channel") if c in df.columns]
    return df.assign(**{c: df[c].map(CHANNELS_ZH) for c in cols})


def test_gbk_csv_with_chinese_column_names(folders, sample):
    ds = load(folders["gbk_csv"])
    assert ds.sources["transactions"]["encoding"] == "gbk"
    assert ds.transactions.attrs["encoding"] == "gbk"
    same(ds.transactions, sample.transactions)
    same(ds.customers, sample.customers)


def test_gbk_needs_no_option_but_explicit_encoding_wins(folders):
    path = folders["gbk_csv"] / "transactions.csv"
    with pytest.raises(DataError, match=r"transactions.csv' is not valid utf-8 text.*"
                                        r"looks like gb"):
        read_table(path, "transactions", json.loads(
            (folders["gbk_csv"] / "columns.json").read_text("utf-8")), encoding="utf-8")


def test_xlsx(folders, sample):
    ds = load(folders["xlsx"])
    assert ds.sources["transactions"] == {"file": "transactions.xlsx", "format": "xlsx",
                                          "sheet": "数据", "rows": len(sample.transactions)}
    same(ds.transactions, sample.transactions)
    same(ds.customers, sample.customers)


def test_xlsx_sheet_by_name_and_missing_sheet(folders):
    path = folders["xlsx"] / "transactions.xlsx"
    with pytest.raises(DataError, match=r"has no sheet '订单'. Its sheets: '数据', '说明'. "
                                        r"Pass sheet="):
        read_table(path, "transactions", sheet="订单")
    with pytest.raises(DataError, match=r"missing required column.*'customer_id'"):
        read_table(path, "transactions", sheet=1)  # the note sheet: no such columns
    tx = read_table(path, "transactions", sheet="数据")
    assert tx.attrs["sheet"] == "数据"


def test_yuan_amounts(folders, sample):
    ds = load(folders["yuan_amounts"])
    want = sample.transactions.assign(amount=sample.transactions["amount"].round(2))
    same(ds.transactions, want)


def test_chinese_dates(folders, sample):
    ds = load(folders["chinese_dates"])
    want = sample.transactions.assign(timestamp=sample.transactions["timestamp"].dt.floor("min"))
    same(ds.transactions, want)
    same(ds.customers, sample.customers)


def test_chinese_channels(folders, sample):
    ds = load(folders["chinese_channels"])
    same(ds.transactions, zh_channels(sample.transactions))
    same(ds.touchpoints, zh_channels(sample.touchpoints))
    same(ds.customers, zh_channels(sample.customers))
    assert set(ds.transactions["channel"]) <= {"门店", "天猫旗舰店", "微信小程序", "京东"}


def test_transactions_only_utf8_bom(folders, sample):
    ds = load(folders["transactions_only"])
    assert ds.tables() == ["transactions"]
    assert ds.sources["transactions"]["encoding"] == "utf-8-sig"
    same(ds.transactions, sample.transactions[["customer_id", "timestamp", "amount", "channel"]])


def test_full_folder(folders, sample):
    ds = load(folders["full"])
    assert {k: v.get("encoding", v.get("sheet")) for k, v in ds.sources.items()} == {
        "transactions": "gbk", "touchpoints": "utf-8-sig", "customers": "数据",
        "stage_events": "gbk"}
    tx = zh_channels(sample.transactions)
    same(ds.transactions, tx.assign(amount=tx["amount"].round(2),
                                    timestamp=tx["timestamp"].dt.floor("min")))
    tp = zh_channels(sample.touchpoints)
    same(ds.touchpoints, tp.assign(cost=tp["cost"].round(2)))
    same(ds.customers, zh_channels(sample.customers))
    same(ds.stage_events, sample.stage_events)


@pytest.mark.parametrize("name", ["gbk_csv", "xlsx", "yuan_amounts", "chinese_dates",
                                  "chinese_channels", "transactions_only", "full"])
def test_check_dataset_passes_every_folder(folders, name):
    cols = json.loads((folders[name] / "columns.json").read_text("utf-8"))
    report = check_dataset(folders[name], columns=cols)
    assert report.ok, report.problems
    assert report.summary["problems"].sum() == 0 and (report.summary["rows"] > 0).all()


# ----------------------------------------------------------------- amounts, one form each
@pytest.mark.parametrize(("text", "value"), [
    ("¥211.18", 211.18), ("￥1,234.50", 1234.5), ("1,201.61", 1201.61), ("20元", 20.0),
    ("RMB 35", 35.0), ("CNY 35", 35.0), (" 35 ", 35.0), ("rmb35", 35.0),
])
def test_amount_forms(text, value):
    from omnimkt.data import validate_transactions

    out = validate_transactions(pd.DataFrame({
        "customer_id": [1, 2], "timestamp": ["2024-01-01", "2024-01-02"],
        "amount": [text, "¥1.00"]}))
    assert out["amount"].tolist() == [value, 1.0]


def test_negative_amount_forms_follow_the_refund_rule():
    from omnimkt.data import validate_transactions

    raw = pd.DataFrame({"customer_id": [1, 2, 3], "timestamp": ["2024-01-01"] * 3,
                        "amount": ["-¥5", "(5)", "¥12.50"]})
    with pytest.raises(DataError, match=r"transactions.amount: 2 of 3 rows are negative.*"
                                        r"allow_refunds=True"):
        validate_transactions(raw)
    out = validate_transactions(raw, allow_refunds=True)
    assert out["amount"].tolist() == [-5.0, -5.0, 12.5]


def test_amounts_read_only_when_the_whole_column_reads():
    from omnimkt.data import validate_transactions

    raw = pd.DataFrame({"customer_id": [1, 2, 3], "timestamp": ["2024-01-01"] * 3,
                        "amount": ["¥12.50", "12,5", "about 3"]})
    with pytest.raises(DataError, match=r"2 of 3 rows are not numbers \(e.g. '12,5', 'about 3'"):
        validate_transactions(raw)


# ----------------------------------------------------------------- dates, one form each
@pytest.mark.parametrize(("text", "when"), [
    ("2024年3月5日 14:03", "2024-03-05 14:03"), ("2024年3月5日", "2024-03-05"),
    ("2024/3/5", "2024-03-05"), ("2024-3-5 9:05", "2024-03-05 09:05"),
    ("20240305", "2024-03-05"), ("2024年03月05日14:03:09", "2024-03-05 14:03:09"),
])
def test_date_forms(text, when):
    from omnimkt.data import validate_transactions

    out = validate_transactions(pd.DataFrame({
        "customer_id": [1, 2], "timestamp": [text, "2024年1月1日"], "amount": [1, 2]}))
    assert out["timestamp"].tolist() == [pd.Timestamp(when), pd.Timestamp("2024-01-01")]


def test_yyyymmdd_integers_are_dates_other_numbers_are_not():
    from omnimkt.data import validate_transactions

    out = validate_transactions(pd.DataFrame({
        "customer_id": [1, 2], "timestamp": [20240305, 20231231], "amount": [1, 2]}))
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2023-12-31")]
    with pytest.raises(DataError, match=r"holds numbers .*valid yyyymmdd.*unit='s'"):
        validate_transactions(pd.DataFrame({
            "customer_id": [1, 2], "timestamp": [20240305, 20241345], "amount": [1, 2]}))


def test_day_first_decided_by_the_data():
    from omnimkt.data import validate_transactions

    raw = pd.DataFrame({"customer_id": [1, 2, 3], "timestamp": ["05/03/2024", "25/03/2024",
                                                                "01/04/2024 10:30"],
                        "amount": [1, 2, 3]})
    out = validate_transactions(raw)
    assert out["timestamp"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-25"),
                                         pd.Timestamp("2024-04-01 10:30")]
    ambiguous = raw.assign(timestamp=["05/03/2024", "06/03/2024", "01/04/2024"])
    with pytest.raises(DataError, match=r"transactions.timestamp: 3 of 3 rows could be "
                                        r"day/month or month/day.*dayfirst=True"):
        validate_transactions(ambiguous)
    out = validate_transactions(ambiguous, dayfirst=False)
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-05-03")


def test_dayfirst_reaches_load_dataset(tmp_path):
    (tmp_path / "transactions.csv").write_text(
        "customer_id,timestamp,amount\n1,05/03/2024,1\n2,06/03/2024,2\n")
    with pytest.raises(DataError, match="dayfirst"):
        load_dataset(tmp_path)
    ds = load_dataset(tmp_path, dayfirst=True)
    assert ds.transactions["timestamp"].tolist() == [pd.Timestamp("2024-03-05"),
                                                     pd.Timestamp("2024-03-06")]


def test_excel_serial_numbers_only_from_excel(tmp_path):
    days = np.array([45356.5, 45292.0])  # 2024-03-05 12:00 and 2024-01-01
    df = pd.DataFrame({"customer_id": [1, 2], "timestamp": days, "amount": [1.0, 2.0]})
    df.to_excel(tmp_path / "transactions.xlsx", index=False)
    tx = read_table(tmp_path / "transactions.xlsx", "transactions")
    assert tx["timestamp"].tolist() == [pd.Timestamp("2024-03-05 12:00"),
                                        pd.Timestamp("2024-01-01")]
    df.to_csv(tmp_path / "transactions.csv", index=False)
    with pytest.raises(DataError, match="holds numbers"):
        read_table(tmp_path / "transactions.csv", "transactions")


def test_undecidable_encoding_asks_for_encoding(tmp_path):
    p = tmp_path / "transactions.csv"
    p.write_bytes("customer_id,timestamp,amount,channel\n1,2024-01-01,5,café crème\n"
                  "2,2024-01-02,6,store\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"cannot decide its text encoding.*Pass encoding="):
        read_table(p, "transactions")
    tx = read_table(p, "transactions", encoding="latin-1")
    assert tx["channel"].tolist() == ["café crème", "store"]
    assert tx.attrs["encoding"] == "latin-1"
