"""``omnimkt report --engine duckdb|spark``: the report built where the data live.

The engine aggregates the report adds are checked against hand computations and
against the pandas functions they stand in for; the whole report on a Parquet
folder is checked against the pandas report of the same folder and against
figures computed straight from the Parquet files with pyarrow.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from omnimkt.data import load_dataset
from omnimkt.datasets import generate
from omnimkt.report_sections import _engine as eng

SEED = 11


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("world")
    generate(3000, seed=SEED, out=d)
    (d / "truth_customers.parquet").unlink()  # the truth is not client data
    return d


@pytest.fixture(scope="module")
def world(folder: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(folder / f"{t}.parquet") for t in ("transactions", "touchpoints")}


# --------------------------------------------------------------------------- aggregates
def test_tiny_aggregates_by_hand() -> None:
    tx = pa.table({"customer_id": [1, 1, 2, 3, 4],
                   "timestamp": ["2025-01-01", "2025-03-01", "2025-02-25", "2025-01-10",
                                 "2025-02-28 23:00"],
                   "amount": [10.4, 20.6, 5.0, 7.0, 3.0]})
    # order values 10.4 -> 10, 20.6 -> 21, 5, 7, 3: one order each
    assert eng.basket_counts(tx).to_dict() == {3.0: 1, 5.0: 1, 7.0: 1, 10.0: 1, 21.0: 1}
    # last day 2025-03-01; 7 days back from it: 2025-02-23 .. 03-01. One row each and in
    # them: customers 2 and 4 (customer 1 has two rows). Mean per row: 46 / 5.
    got = eng.one_time_recent(tx, 7)
    assert got == {"recent_once": 2, "mean_order": pytest.approx(46.0 / 5)}
    # spend per customer in the 365 days to 2025-03-01: 31, 5, 7, 3 -> median 6; x 0.5
    assert eng.saved_value_engine(tx, 0.5) == pytest.approx(3.0)
    ev = pd.DataFrame(nw.from_native(eng.order_events(tx)).sort(
        "customer_id", "timestamp").collect(backend="pandas").to_native())
    assert ev["event"].tolist() == ["purchase", "repeat_purchase", "purchase", "purchase",
                                    "purchase"]


def test_aggregates_equal_the_pandas_functions(world: dict[str, pd.DataFrame],
                                               folder: Path) -> None:
    from omnimkt.attribution import channel_costs
    from omnimkt.churn import saved_customer_value
    from omnimkt.funnel import purchase_funnel
    from omnimkt.funnel.engine import funnel
    from omnimkt.overview import basket_sizes

    tx, tp = world["transactions"], world["touchpoints"]
    src = folder / "transactions.parquet"
    assert eng.saved_value_engine(src, 0.3) == pytest.approx(saved_customer_value(tx, margin=0.3))
    v = basket_sizes(tx).to_numpy(dtype=float)
    half_up = np.sign(v) * np.floor(np.abs(v) + 0.5)  # SQL's ROUND: halves away from zero
    expected = pd.Series(half_up).value_counts().sort_index()
    got = eng.basket_counts(src)
    np.testing.assert_array_equal(got.index.to_numpy(), expected.index.to_numpy())
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    per = tx.groupby("customer_id")["timestamp"].agg(["count", "max"])
    since = tx["timestamp"].max().normalize() - pd.Timedelta(days=59)
    assert eng.one_time_recent(src, 60) == {
        "recent_once": int(((per["count"] == 1) & (per["max"] >= since)).sum()),
        "mean_order": pytest.approx(tx["amount"].sum() / len(tx))}
    costs = eng.channel_cost_table(folder / "touchpoints.parquet")
    pd.testing.assert_series_equal(costs["cost"], channel_costs(tp)["cost"].sort_index(),
                                   check_names=False)
    buy = funnel(eng.order_events(src), ["purchase", "repeat_purchase", "repeat_purchase"],
                 window_days=None)
    assert (buy.summary["customers"].tolist()
            == purchase_funnel(tx, 3).summary["customers"].tolist())


# --------------------------------------------------------------------------- no raw rows
def test_engine_report_never_materialises_raw_rows(folder: Path, world: dict[str, pd.DataFrame],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from omnimkt.report_sections import analyse_all, build_report_content

    data = load_dataset(folder, engine="duckdb")

    def refuse(*a, **k):
        raise AssertionError("raw rows read into pandas on the engine path")

    monkeypatch.setattr(pd, "read_parquet", refuse)
    monkeypatch.setattr(pq, "read_table", refuse)
    sizes: list[int] = []
    real = nw.LazyFrame.collect

    def counted(self, *a, **k):
        out = real(self, *a, **k)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(nw.LazyFrame, "collect", counted)
    an = analyse_all(data)
    html = build_report_content(data, lang="en", analysis=an).html()
    raw = min(len(world["transactions"]), len(world["touchpoints"]))
    assert sizes and max(sizes) < raw / 2, (max(sizes), raw)
    assert "customers" in html and int(an["overview"]["k"]["customers"]) == 3000


# --------------------------------------------------------------------------- whole report
def _figures(html: str) -> dict[str, str]:
    """The overview table's customers / orders / revenue cells."""
    out = {}
    for key in ("customers", "orders", "revenue"):
        m = re.search(rf"<td>{key}</td>\s*<td>([^<]+)</td>", html)
        assert m, key
        out[key] = m.group(1)
    return out


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


@pytest.fixture(scope="module")
def pandas_html(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    from omnimkt.report import build_report

    out = tmp_path_factory.mktemp("pandas") / "r.html"
    build_report(folder, out, lang="en", pdf=False, workbook=False, engine="pandas")
    return out.read_text(encoding="utf-8")


SKIPPED = ("Which customers are slipping away", "Replenishment reminders", "Cohort retention",
           "User paths", "Points ladder", "Journey funnel")


def _check_engine_report(html: str, pandas_html: str, folder: Path) -> None:
    got, want = _figures(html), _figures(pandas_html)
    assert got == want
    tx = pq.read_table(folder / "transactions.parquet")
    assert _number(got["customers"]) == len(pc.unique(tx["customer_id"]))
    assert _number(got["orders"]) == len(pc.unique(tx["order_id"]))
    assert _number(got["revenue"]) == round(pc.sum(tx["amount"]).as_py())
    for name in SKIPPED:
        assert re.search(rf"{re.escape(name)}[^<]*: needs the raw rows in pandas; run with "
                         r"--engine pandas", html), name
    # sections that ran in the engine show their tables, as in the pandas report
    for heading in ("sec-clv", "sec-segments", "sec-attribution"):
        assert f'id="{heading}"' in html


def test_report_duckdb_equals_pandas(folder: Path, pandas_html: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from omnimkt.cli import main

    out = tmp_path / "duck.html"
    rc = main(["report", "--data", str(folder), "--out", str(out), "--engine", "duckdb",
               "--lang", "en", "--no-pdf", "--no-workbook"])
    assert rc == 0
    err = capsys.readouterr().err
    assert "overview: summarising key figures, monthly sales and order values in DuckDB" in err
    assert "cohorts: not run in DuckDB (needs --engine pandas)" in err
    _check_engine_report(out.read_text(encoding="utf-8"), pandas_html, folder)


@pytest.mark.skipif(not os.environ.get("OMNIMKT_SPARK_REPORT"),
                    reason="about 5 minutes on 2 shared cores (a Spark job per aggregate); "
                           "set OMNIMKT_SPARK_REPORT=1 to run it")
def test_report_spark_equals_pandas(folder: Path, pandas_html: str, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from omnimkt.report import build_report

    # Spark 3.5 cannot read nanosecond Parquet timestamps (generate writes them);
    # warehouse exports use microseconds, as here.
    data = tmp_path / "data"
    data.mkdir()
    for f in folder.glob("*.parquet"):
        pq.write_table(pq.read_table(f), data / f.name, coerce_timestamps="us")
    out = tmp_path / "spark.html"
    t0 = time.perf_counter()
    build_report(data, out, lang="en", pdf=False, workbook=False, engine="spark")
    print(f"spark report: {time.perf_counter() - t0:.0f} s")
    _check_engine_report(out.read_text(encoding="utf-8"), pandas_html, folder)


def test_auto_picks_pandas_for_small_data(folder: Path) -> None:
    from omnimkt.data._engine_io import choose_engine

    # three small Parquet files are far below a quarter of this machine's memory
    assert choose_engine(folder, "auto") == "pandas"


def test_bad_engine_is_a_model_error(folder: Path, tmp_path: Path) -> None:
    from omnimkt.errors import ModelError
    from omnimkt.report import build_report

    with pytest.raises(ModelError, match="engine"):
        build_report(folder, tmp_path / "r.html", engine="polars", pdf=False, workbook=False)
