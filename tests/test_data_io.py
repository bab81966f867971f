"""Tests of omnimkt.data.io: reading, writing and loading data folders."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnimkt import Columns, DataError
from omnimkt.data import (
    Dataset,
    load_dataset,
    read_table,
    validate_dataset,
    write_dataset,
)


def make_dataset() -> Dataset:
    tx = pd.DataFrame({
        "customer_id": [1, 1, 2, 3],
        "timestamp": pd.to_datetime(["2025-01-05 10:00:01", "2025-02-01", "2025-03-01",
                                     "2025-01-01"], format="ISO8601"),
        "amount": [0.1 + 0.2, 12.0, 1e-7, 123456.789],
        "channel": ["app", "store_pos", "ecommerce", "app"],
        "quantity": [1, 3, 6, 1],
    })
    cu = pd.DataFrame({
        "customer_id": [1, 2, 3],
        "signup_date": pd.to_datetime(["2025-01-05", "2025-03-01", None]),
        "referrer_id": pd.array([pd.NA, 1, 1], dtype="Int64"),
    })
    tp = pd.DataFrame({"customer_id": [1, 9], "timestamp": pd.to_datetime(["2025-01-01"] * 2),
                       "channel": ["sms", "tv"], "cost": [0.05, 1.0]})
    ev = pd.DataFrame({"customer_id": [1, 1], "timestamp": pd.to_datetime(["2025-01-01"] * 2),
                       "stage": ["aware", "purchase"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return validate_dataset(Dataset(tx, touchpoints=tp, customers=cu, stage_events=ev))


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "parquet"])
def test_roundtrip(tmp_path, fmt):
    ds = make_dataset()
    paths = write_dataset(ds, tmp_path / "out", format=fmt)
    assert sorted(p.name for p in paths.values()) == sorted(
        f"{k}.{fmt}" for k in ("transactions", "touchpoints", "customers", "stage_events"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = load_dataset(tmp_path / "out")
    for name in ds.tables():
        pd.testing.assert_frame_equal(getattr(back, name), getattr(ds, name))


def test_write_is_byte_for_byte_reproducible(tmp_path):
    ds = make_dataset()
    a = write_dataset(ds, tmp_path / "a")
    b = write_dataset(ds, tmp_path / "b" / "deeper")
    for name, p in a.items():
        assert p.read_bytes() == b[name].read_bytes()
    raw = a["transactions"].read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip mtime field is zero
    text = gzip.decompress(raw).decode()
    assert text.splitlines()[1] == "1,2025-01-05T10:00:01,0.30000000000000004,app,1"
    assert "\r" not in text


def test_iso_timestamps_keep_sub_seconds_and_dates(tmp_path):
    ds = make_dataset()
    ts = pd.to_datetime(["2025-01-01 10:00:00.123456", "2025-01-02"], format="ISO8601")
    tp = ds.touchpoints.assign(timestamp=ts.astype("datetime64[ns]"))
    write_dataset(Dataset(ds.transactions, touchpoints=tp, customers=ds.customers), tmp_path,
                  format="csv")
    text = (tmp_path / "touchpoints.csv").read_text()
    assert "2025-01-01T10:00:00.123456," in text and "2025-01-02T00:00:00.000000," in text
    text = (tmp_path / "customers.csv").read_text()
    assert "\n1,2025-01-05T00:00:00,\n" in text and "\n3,,1\n" in text  # NaT is empty
    back = load_dataset(tmp_path)
    pd.testing.assert_frame_equal(back.touchpoints, tp)


def test_write_refuses_ambiguous_folder(tmp_path):
    ds = make_dataset()
    write_dataset(ds, tmp_path, format="csv")
    with pytest.raises(DataError, match="already holds transactions.csv"):
        write_dataset(ds, tmp_path, format="parquet")
    with pytest.raises(ValueError, match="format must be one of"):
        write_dataset(ds, tmp_path, format="xlsx")


def test_load_missing_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist. Pass a folder holding transactions"):
        load_dataset(tmp_path / "nope")
    (tmp_path / "f.csv").write_text("a\n1\n")
    with pytest.raises(DataError, match="is a file, not a folder.*read_table"):
        load_dataset(tmp_path / "f.csv")


def test_load_folder_without_transactions_lists_files(tmp_path):
    (tmp_path / "orders.csv").write_text("customer_id,timestamp,amount\n1,2025-01-01,1\n")
    (tmp_path / "customers.csv").write_text("customer_id\n1\n")
    with pytest.raises(DataError) as e:
        load_dataset(tmp_path)
    msg = str(e.value)
    assert "no transactions file" in msg and "customers.csv, orders.csv" in msg


def test_load_ambiguous_folder(tmp_path):
    ds = make_dataset()
    write_dataset(Dataset(ds.transactions), tmp_path, format="csv")
    ds.transactions.to_parquet(tmp_path / "transactions.parquet")
    with pytest.raises(DataError, match="more than one file for this table"):
        load_dataset(tmp_path)


def test_load_with_column_mapping_and_options(tmp_path):
    (tmp_path / "transactions.csv").write_text(
        "member,paid_at,total\n7,2025-01-02,9.5\n8,2025-01-03,-2\n")
    (tmp_path / "customers.csv").write_text("member,region\n7,north\n8,south\n")
    cols = Columns(customer_id="member", timestamp="paid_at", amount="total")
    with pytest.raises(DataError, match=r"transactions.amount \(your column 'total'\): 1 of 2"):
        load_dataset(tmp_path, cols)
    ds = load_dataset(tmp_path, cols, allow_refunds=True, duplicates="raise")
    assert ds.transactions["amount"].tolist() == [9.5, -2.0]
    assert ds.customers["region"].tolist() == ["north", "south"]
    with pytest.raises(TypeError, match="unexpected keyword"):
        load_dataset(tmp_path, cols, allow_refund=True)


def test_leading_zero_ids_stay_text(tmp_path):
    (tmp_path / "transactions.csv").write_text(
        "customer_id,timestamp,amount\n00042,2025-01-02,9.5\n42,2025-01-03,2\n")
    (tmp_path / "customers.csv").write_text("customer_id,referrer_id\n00042,\n42,00042\n")
    ds = load_dataset(tmp_path)
    assert ds.transactions["customer_id"].tolist() == ["00042", "42"]
    assert ds.customers["referrer_id"].tolist()[1] == "00042"
    tx = read_table(tmp_path / "transactions.csv", "transactions", id_type="str")
    assert tx["customer_id"].dtype == "str"


def test_parquet_text_ids_stay_text(tmp_path):
    pd.DataFrame({"customer_id": ["1", "2"], "timestamp": ["2025-01-01", "2025-01-02"],
                  "amount": [1.0, 2.0]}).to_parquet(tmp_path / "transactions.parquet")
    (tmp_path / "customers.csv").write_text("customer_id\n1\n2\n")
    ds = load_dataset(tmp_path)
    assert ds.transactions["customer_id"].tolist() == ["1", "2"]
    assert ds.customers["customer_id"].tolist() == ["1", "2"]


def test_plain_integer_ids_become_int(tmp_path):
    (tmp_path / "transactions.csv").write_text(
        "customer_id,timestamp,amount\n2,2025-01-02,9.5\n10,2025-01-03,2\n")
    tx = read_table(tmp_path / "transactions.csv", "transactions")
    assert tx["customer_id"].tolist() == [2, 10] and tx["customer_id"].dtype == "int64"


def test_read_table_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_table(tmp_path / "missing.csv", "transactions")
    (tmp_path / "t.json").write_text("x")
    with pytest.raises(DataError, match=r"supported file types are \.csv, \.csv\.gz, \.parquet, "
                                        r"\.xlsx, \.xls"):
        read_table(tmp_path / "t.json", "transactions")
    (tmp_path / "t.xlsx").write_text("x")
    with pytest.raises(DataError, match=r"t\.xlsx' is not a readable Excel file"):
        read_table(tmp_path / "t.xlsx", "transactions")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match="is empty"):
        read_table(tmp_path / "empty.csv", "transactions")
    with pytest.raises(ValueError, match="kind must be one of"):
        read_table(tmp_path / "empty.csv", "orders")


def test_read_gzip_written_by_pandas(tmp_path):
    df = pd.DataFrame({"customer_id": [1, 2], "timestamp": ["2025-01-01", "2025-01-02"],
                       "amount": [1, 2]})
    df.to_csv(tmp_path / "x.csv.gz", index=False)
    out = read_table(tmp_path / "x.csv.gz", "transactions")
    assert out["amount"].tolist() == [1.0, 2.0]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 10**12),
                          st.floats(0, 1e6, allow_nan=False)), min_size=2, max_size=20))
def test_csv_roundtrip_is_exact(tmp_path_factory, rows):
    raw = pd.DataFrame(rows, columns=["customer_id", "sec", "amount"])
    raw["timestamp"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(raw.pop("sec"), unit="us")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = validate_dataset(Dataset(raw))
    folder = tmp_path_factory.mktemp("rt")
    write_dataset(ds, folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = load_dataset(folder)
    pd.testing.assert_frame_equal(back.transactions, ds.transactions)
    assert np.array_equal(back.transactions["amount"].to_numpy(),
                          ds.transactions["amount"].to_numpy())


# ----------------------------------------------------------------- file faults (issue 9, item 6)
def _tx_bytes(n: int = 50) -> bytes:
    rows = "".join(f"{i},2025-01-{1 + i % 28:02d},{10 + i}.5\n" for i in range(1, n + 1))
    return ("customer_id,timestamp,amount\n" + rows).encode()


def test_truncated_gzip_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "transactions.csv.gz"
    p.write_bytes(gzip.compress(_tx_bytes(2000))[:-40])  # cut off: no end-of-stream marker
    with pytest.raises(DataError, match=r"transactions.csv.gz' is a truncated gzip file.*"
                                        r"Copy or export the file again"):
        load_dataset(tmp_path)


def test_corrupt_gzip_is_an_error_naming_the_file(tmp_path):
    data = bytearray(gzip.compress(_tx_bytes(2000)))
    data[40:60] = b"\xff" * 20  # damage the compressed stream
    (tmp_path / "transactions.csv.gz").write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"transactions.csv.gz' is not a readable gzip file"):
        read_table(tmp_path / "transactions.csv.gz", "transactions")
    (tmp_path / "plain.csv.gz").write_bytes(_tx_bytes())  # not compressed at all
    with pytest.raises(DataError, match=r"plain.csv.gz' is not a readable gzip file.*rename"):
        read_table(tmp_path / "plain.csv.gz", "transactions")


def test_ragged_csv_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "transactions.csv"
    p.write_text("customer_id,timestamp,amount\n1,2025-01-01,5\n2,2025-01-02,1,234.50\n")
    with pytest.raises(DataError, match=r"transactions.csv' is not a well-formed CSV table "
                                        r"\(Expected 3 fields in line 3, saw 4\).*quoted"):
        read_table(p, "transactions")


def test_open_quote_is_an_error(tmp_path):
    p = tmp_path / "transactions.csv"
    p.write_text('customer_id,timestamp,amount\n1,2025-01-01,"5\n2,2025-01-02,6\n')
    with pytest.raises(DataError, match=r"not a well-formed CSV table \(a quote opened on "
                                        r"line 2 is never closed"):
        read_table(p, "transactions")


def test_corrupt_parquet_is_an_error_naming_the_file(tmp_path):
    df = pd.DataFrame({"customer_id": [1, 2], "timestamp": pd.to_datetime(["2025-01-01"] * 2),
                       "amount": [1.0, 2.0]})
    df.to_parquet(tmp_path / "transactions.parquet")
    data = (tmp_path / "transactions.parquet").read_bytes()
    (tmp_path / "transactions.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"transactions.parquet' is not a readable Parquet file"):
        load_dataset(tmp_path)


def test_unreadable_file_is_an_error_naming_the_file(tmp_path, monkeypatch):
    import os
    import pathlib

    p = tmp_path / "transactions.csv"
    p.write_bytes(_tx_bytes())
    if os.geteuid() == 0:  # root reads any file: simulate the refusal
        def refuse(self):
            raise PermissionError(13, "Permission denied", str(self))
        monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    else:
        p.chmod(0)
    try:
        with pytest.raises(DataError, match=r"transactions.csv' cannot be read: permission "
                                            r"denied.*chmod"):
            load_dataset(tmp_path)
    finally:
        p.chmod(0o644)


@pytest.mark.parametrize("cut", ["1,2025-01-0", "1,2025-01-01", '1,"2025-01-01"'])
def test_csv_cut_mid_row_is_an_error_not_a_shorter_table(tmp_path, cut):
    p = tmp_path / "transactions.csv"
    p.write_bytes(_tx_bytes(5) + cut.encode())  # no line end: the copy stopped here
    with pytest.raises(DataError, match=r"transactions.csv' ends in the middle of a row "
                                        r"\(line 7.*cut off"):
        load_dataset(tmp_path)


def test_csv_without_final_line_end_but_whole_rows_is_fine(tmp_path):
    p = tmp_path / "transactions.csv"
    p.write_bytes(_tx_bytes(5) + b"6,2025-01-07,16.5")
    tx = read_table(p, "transactions")
    assert len(tx) == 6 and tx["amount"].iloc[-1] == 16.5


def test_truncated_gzip_of_a_csv_cut_mid_row(tmp_path):
    p = tmp_path / "transactions.csv.gz"
    p.write_bytes(gzip.compress(_tx_bytes(5) + b"6,2025-01-0"))  # complete gzip, cut CSV
    with pytest.raises(DataError, match="ends in the middle of a row"):
        read_table(p, "transactions")


def test_unknown_mapping_key_is_an_error(tmp_path):
    from omnimkt import ModelError

    (tmp_path / "transactions.csv").write_bytes(_tx_bytes())
    with pytest.raises(ModelError, match=r"columns: unknown canonical name\(s\) 'member'"):
        load_dataset(tmp_path, {"member": "customer_id"})


def test_detected_encoding_is_reported(tmp_path):
    (tmp_path / "transactions.csv").write_bytes(b"\xef\xbb\xbf" + _tx_bytes())
    ds = load_dataset(tmp_path)
    assert list(ds.transactions.columns) == ["customer_id", "timestamp", "amount"]
    assert ds.sources["transactions"] == {"file": "transactions.csv", "format": "csv",
                                          "encoding": "utf-8-sig", "rows": 50}


# ----------------------------------------------------------------- check_dataset
def test_check_dataset_lists_every_problem_at_once(tmp_path):
    from omnimkt.data import check_dataset

    (tmp_path / "transactions.csv").write_text(
        "customer_id,timestamp,amount\n1,2025-01-01,abc\n,2025-01-02,5\n3,someday,6\n")
    (tmp_path / "touchpoints.csv").write_text(
        "customer_id,timestamp,channel\n1,2025-01-01,sms\n2,2025-01-01,tv,extra\n")
    (tmp_path / "customers.csv").write_text("member,region\n1,north\n")
    (tmp_path / "stage_events.csv").write_text(
        "customer_id,timestamp,stage\n1,2025-01-01,aware\n1,2025-01-02,bought\n")
    report = check_dataset(tmp_path)
    assert not report.ok
    by_table = [(p.table, p.message.split(":")[0]) for p in report.problems]
    assert by_table == [
        ("touchpoints", "touchpoints"),
        ("transactions", "transactions.customer_id"),
        ("transactions", "transactions.timestamp"),
        ("transactions", "transactions.amount"),
        ("customers", "customers"),
        ("stage_events", "stage_events.stage"),
    ]
    msgs = [p.message for p in report.problems]
    assert "Expected 3 fields in line 3, saw 4" in msgs[0]
    assert "1 of 3 rows are not numbers (e.g. 'abc'" in msgs[3]
    assert "missing required column(s) 'customer_id'" in msgs[4]
    assert "1 of 2 rows are not a known lifecycle stage (e.g. 'bought'" in msgs[5]
    assert report.summary.to_dict("list") == {
        "table": ["transactions", "touchpoints", "customers", "stage_events"],
        "file": ["transactions.csv", "touchpoints.csv", "customers.csv", "stage_events.csv"],
        "read_as": ["utf-8", "", "utf-8", "utf-8"], "rows": [3, 0, 1, 2],
        "problems": [3, 1, 1, 1]}
    assert "6 problems found." in repr(report)


def test_check_dataset_on_a_good_folder_and_a_missing_one(tmp_path):
    from omnimkt.data import check_dataset

    write_dataset(make_dataset(), tmp_path / "ok", format="csv")
    report = check_dataset(tmp_path / "ok")
    assert report.ok and report.problems == []
    assert report.summary["rows"].tolist() == [4, 2, 3, 2]
    assert report.warnings == []
    missing = check_dataset(tmp_path / "nope")
    assert not missing.ok and "does not exist" in missing.problems[0].message


def test_xls_files_are_found_and_damage_is_named(tmp_path):
    (tmp_path / "transactions.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(DataError, match=r"transactions.xls' is not a readable Excel file"):
        load_dataset(tmp_path)


# ---------------------------------------------------------------- channel tables (issue 12)
#: One Chinese mapping for every table of the folder, as a client would pass it.
CN = {"customer_id": "客户编号", "timestamp": "时间", "source": "来源", "amount": "金额",
      "margin": "毛利", "captured": "获取日期", "account": "账号", "followers": "粉丝数",
      "clicks": "点击数"}


def _channel_folder(tmp_path, **bad: pd.DataFrame):
    """A folder with transactions and every channel table, Chinese column names."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    tables = {
        "transactions": pd.DataFrame({"客户编号": [1, 2], "时间": ["2025-01-02", "2025-01-03"],
                                      "金额": [10.0, 20.0]}),
        "sessions": pd.DataFrame({"客户编号": ["v1", "v2", "v1"],
                                  "时间": ["2025-01-02", "2025-01-02", "2025-01-05"],
                                  "来源": ["search", "direct", "search"], "pages": [3, 1, 4],
                                  "returning": [0, 0, 1], "ordered": [1, 0, 0]}),
        "leads": pd.DataFrame({"客户编号": [7, 8], "来源": ["fair", "walk_in"],
                               "获取日期": ["2025-03-01", "2025-03-02"],
                               "event_id": ["F1", None],
                               "contacted": ["2025-03-20", "2025-03-02"]}),
        "lead_events": pd.DataFrame({"event_id": ["F1"], "来源": ["fair"],
                                     "event_date": ["2025-03-01"], "fee": [12000],
                                     "fee_per_order": [50]}),
        "lead_orders": pd.DataFrame({"客户编号": [7, 8], "时间": ["2025-03-01", "2025-03-05"],
                                     "金额": [5000.0, 3000.0], "毛利": [100.0, 450.0]}),
        "social_posts": pd.DataFrame({"账号": ["a", "b"], "粉丝数": [1000, 5000],
                                      "impressions": [800, 4000], "点击数": [40, 400],
                                      "conversions": [30, 20], "holdout": [200, 1000],
                                      "holdout_conversions": [2, 5], "topic": ["x", "x"]}),
    }
    tables.update(bad)
    for name, df in tables.items():
        df.to_csv(tmp_path / f"{name}.csv", index=False, encoding="utf-8")
    return tmp_path


def test_load_dataset_reads_every_channel_table_with_a_chinese_mapping(tmp_path):
    ds = load_dataset(_channel_folder(tmp_path), CN)
    assert ds.tables() == ["transactions", "sessions", "leads", "lead_events", "lead_orders",
                           "social_posts"]
    # Ids are typed per group: visitors keep text ids, customers and leads become integers.
    # (Visits come back sorted by visitor and time.)
    assert ds.sessions["customer_id"].tolist() == ["v1", "v1", "v2"]
    assert ds.transactions["customer_id"].dtype == "int64"
    assert ds.leads["customer_id"].tolist() == [7, 8]
    assert ds.sessions["returning"].tolist() == [False, True, False]
    assert ds.lead_orders["margin"].tolist() == [100.0, 450.0]
    assert ds.lead_events["fee"].tolist() == [12000.0]
    assert ds.social_posts.columns[:2].tolist() == ["account", "followers"]
    assert ds.social_posts["topic"].tolist() == ["x", "x"]  # optional columns kept
    assert ds.sources["sessions"]["encoding"] == "utf-8"
    # (leads.contacted - captured) by hand: 2025-03-20 - 2025-03-01 = 19 days, walk-in 0
    delay = (ds.leads["contacted"] - ds.leads["captured"]).dt.days.tolist()
    assert delay == [19, 0]


def test_read_table_channel_kinds(tmp_path):
    folder = _channel_folder(tmp_path)
    s = read_table(folder / "sessions.csv", "sessions", CN, allow_refunds=True)
    assert s["source"].tolist() == ["search", "search", "direct"]
    posts = read_table(folder / "social_posts.csv", "social_posts", CN)
    assert posts["clicks"].tolist() == [40, 400]
    orders = read_table(folder / "lead_orders.csv", "lead_orders", CN)
    assert orders["amount"].sum() == 8000.0


@pytest.mark.parametrize("table, frame, match", [
    ("sessions", pd.DataFrame({"客户编号": ["v1"], "时间": ["2025-01-02"], "来源": ["search"],
                               "pages": [-2]}), r"^sessions\.pages: .*negative"),
    ("leads", pd.DataFrame({"客户编号": [7], "来源": ["fair"], "获取日期": ["2025-03-10"],
                            "contacted": ["2025-03-01"]}), r"^leads\.contacted: .*before"),
    ("lead_events", pd.DataFrame({"event_id": [None], "来源": ["fair"],
                                  "event_date": ["2025-03-01"], "fee": [500]}),
     r"^lead_events\.event_id: .*fee without a fair"),
    ("lead_orders", pd.DataFrame({"客户编号": [7], "时间": ["2025-03-01"], "金额": [5.0]}),
     r"^lead_orders: missing the column '毛利'"),
    ("lead_orders", pd.DataFrame({"客户编号": [7], "时间": ["2025-03-01"], "金额": ["abc"],
                                  "毛利": [1.0]}), r"^lead_orders\.amount \(your column '金额'\): 1 of 1 rows"),
    ("social_posts", pd.DataFrame({"账号": ["a"], "粉丝数": [10], "impressions": [5],
                                   "点击数": [9], "conversions": [0], "holdout": [1],
                                   "holdout_conversions": [0]}),
     r"^social_posts\.clicks: 1 rows have more clicks than impressions"),
    ("social_posts", pd.DataFrame({"账号": ["a"], "impressions": [5], "点击数": [1],
                                   "conversions": [0], "holdout": [1],
                                   "holdout_conversions": [0]}),
     r"^social_posts: no column 'followers'"),
])
def test_bad_channel_table_names_its_table(tmp_path, table, frame, match):
    folder = _channel_folder(tmp_path, **{table: frame})
    with pytest.raises(DataError, match=match):
        read_table(folder / f"{table}.csv", table, CN)
    with pytest.raises(DataError, match=match):
        load_dataset(folder, CN)


def test_check_command_lists_channel_tables_and_their_problems(tmp_path, capsys):
    import json

    from omnimkt.cli import main

    good = _channel_folder(tmp_path / "good")
    assert main(["check", "--data", str(good), "--columns", json.dumps(CN)]) == 0
    out = capsys.readouterr().out
    for t in ("sessions", "leads", "lead_events", "lead_orders", "social_posts"):
        assert f"{t}.csv" in out
    bad = _channel_folder(tmp_path / "bad", sessions=pd.DataFrame(
        {"客户编号": ["v1"], "时间": ["2025-01-02"], "来源": [None]}))
    assert main(["check", "--data", str(bad), "--columns", json.dumps(CN)]) == 1
    out = capsys.readouterr()
    assert "sessions.source (your column '来源'): 1 of 1 rows are empty" in out.err


def test_write_and_reload_channel_tables(tmp_path):
    ds = load_dataset(_channel_folder(tmp_path / "in"), CN)
    write_dataset(ds, tmp_path / "out", format="csv.gz")
    again = load_dataset(tmp_path / "out")
    for t in ds.tables():
        pd.testing.assert_frame_equal(getattr(again, t), getattr(ds, t), check_dtype=False)
