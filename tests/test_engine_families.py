"""Family aggregations on engine sources (DuckDB via narwhals, Spark): the same result as the
pandas path on a synthetic world, hand-computed values on tiny tables, and the same DataError
text as pandas for bad input.

The equality tests compare against the pandas path (an independent implementation in numpy);
the tiny tables check the engine path against values worked out by hand in the comments.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from engines import engine_sources

from omnimkt.attribution import build_paths
from omnimkt.churn import churn_features
from omnimkt.datasets import generate
from omnimkt.errors import DataError, ModelError
from omnimkt.funnel import funnel
from omnimkt.overview import key_figures, monthly_sales
from omnimkt.retention import depletion_table
from omnimkt.segments import customer_table, rfm_scores, rfmcl_table, split_334

DUCK = ("polars", "arrow", "duckdb", "parquet", "csv")
CUT = "2025-06-30"


@pytest.fixture(scope="module")
def world():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(1500, seed=7)


def arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def same(a: pd.DataFrame | pd.Series, b: pd.DataFrame | pd.Series) -> None:
    if isinstance(a, pd.Series):
        assert list(a.index) == list(b.index)
        for k in a.index:
            if isinstance(a[k], float):
                assert b[k] == pytest.approx(a[k], rel=1e-9, nan_ok=True), k
            else:
                assert a[k] == b[k], k
        return
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)


def same_paths(a, b) -> None:
    same(a.table, b.table)
    assert a.channels == b.channels
    assert b.unattributed_conversions == a.unattributed_conversions
    assert b.unattributed_value == pytest.approx(a.unattributed_value, rel=1e-9)


def message(fn) -> str:
    with pytest.raises(DataError) as err:
        fn()
    return str(err.value)


# --------------------------------------------------------------------------- world: every engine
def _sources(df, tmp_path):
    return list(engine_sources(df, tmp_path, None, names=DUCK))


def test_segments_equal_pandas(world, tmp_path):
    tx = world.transactions
    want = customer_table(tx, cutoff=CUT)
    rfm, cl, tiers = rfm_scores(tx), rfmcl_table(tx), split_334(tx)
    for name, src in _sources(tx, tmp_path):
        same(want, customer_table(src, cutoff=CUT))
        if name != "duckdb":
            continue  # the scores on one engine (they share customer_table)
        got = rfm_scores(src)
        same(rfm.scores, got.scores)
        assert got.cutoff == rfm.cutoff, name
        got_cl = rfmcl_table(src)
        same(cl, got_cl)
        assert got_cl.attrs == cl.attrs, name
        same(tiers.summary, split_334(src).summary)


def test_retention_equals_pandas(world, tmp_path):
    tx = world.transactions
    settings = [{}, {"cutoff": CUT, "learn_consumption": True},
                {"cutoff": CUT, "carry_over": True, "category": None}]
    want = [depletion_table(tx, **kw) for kw in settings]
    for name, src in _sources(tx, tmp_path):
        for kw, w in zip(settings, want, strict=True):
            if kw and name != "duckdb":
                continue  # every setting on one engine, the default on every source
            same(w, depletion_table(src, **kw))


def test_churn_features_equal_pandas(world, tmp_path):
    tx, tp = world.transactions, world.touchpoints
    want = churn_features(tx, CUT, customers=world.customers, touchpoints=tp)
    assert {"cat_share_formula", "gap_cv", "n_referred", "n_touchpoints"} <= set(want.columns)
    for _, src in _sources(tx, tmp_path):
        same(want, churn_features(src, CUT, customers=world.customers, touchpoints=tp))
    # touchpoints in the engine too
    same(want, churn_features(arrow(tx), CUT, customers=world.customers,
                              touchpoints=arrow(tp)))


def test_overview_equals_pandas(world, tmp_path):
    tx = world.transactions
    want = key_figures(world)
    by_channel, total = monthly_sales(tx), monthly_sales(tx, by=None)
    for _, src in _sources(tx, tmp_path):
        got = key_figures(src)
        same(want.drop(["touches", "people_touched", "touched_who_bought"]), got)
        same(by_channel, monthly_sales(src))
        same(total, monthly_sales(src, by=None))


def test_build_paths_equals_pandas(world, tmp_path):
    tp, tx = world.touchpoints, world.transactions
    settings = [{}, {"window_days": None, "no_touch": "direct"},
                {"conversion": "every_purchase", "window_days": 7.5}]
    want = [build_paths(tp, tx, **kw) for kw in settings]
    for name, src in _sources(tp, tmp_path):
        other = arrow(tx) if name != "parquet" else tx  # pandas alongside an engine table
        for kw, w in zip(settings, want, strict=True):
            if kw and name != "duckdb":
                continue
            got = build_paths(src, other, **kw)
            same_paths(w, got)
            assert got.journeys is None and got.days_before is None


def test_funnel_equals_pandas(world, tmp_path):
    ev = world.touchpoints
    ch = sorted(ev["channel"].unique())
    settings = [(ch[:3], {}), ([ch[0], ch[0], ch[1]], {"window_days": 5}),
                ([ch[1], [ch[2], ch[3]]], {"attempts": "first", "window_days": None}),
                (ch[:2], {"start": "2024-06-01", "end": "2025-01-31"})]
    want = [funnel(ev, s, step_column="channel", **kw) for s, kw in settings]
    assert want[0].summary["customers"].iloc[1] > 0
    for name, src in _sources(ev, tmp_path):
        for (s, kw), w in zip(settings, want, strict=True):
            if kw and name != "duckdb":
                continue
            got = funnel(src, s, step_column="channel", **kw)
            same(w.summary, got.summary)
            same(w.units, got.units)


# --------------------------------------------------------------------------- tiny tables by hand
def test_customer_table_by_hand():
    # 1: baskets of 100, 300, 200 on 1, 11, 31 January; 2: one basket of two lines (50 + 25).
    tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31",
                                                    "2025-01-05 10:00", "2025-01-05 10:00"],
                                                   format="mixed"),
                       "amount": [100.0, 300.0, 200.0, 50.0, 25.0]})
    t = customer_table(arrow(tx), cutoff="2025-02-09")  # history ends at 10 Feb 00:00
    assert t["orders"].tolist() == [3, 1]
    assert t["spend"].tolist() == [600.0, 75.0]
    assert t["recency_days"].tolist() == [10.0, 35 + 14 / 24]  # 5 Jan 10:00 -> 10 Feb
    assert t["tenure_days"].tolist() == [40.0, 35 + 14 / 24]
    assert t["median_basket"].tolist() == [200.0, 75.0]
    # gaps 10 and 20 days: mean 15, population std 5 -> 1 / (1 + 5/15) = 0.75
    assert t.loc[1, "regularity"] == pytest.approx(0.75)
    assert np.isnan(t.loc[2, "regularity"])


def test_depletion_by_hand():
    # 2 cans on 1 Jan, 1 can on 10 Jan, 7 days a can; the table describes 21 Jan morning.
    tx = pd.DataFrame({"customer_id": [1, 1],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-10"]),
                       "amount": [100.0, 50.0], "quantity": [2, 1]})
    plain = depletion_table(arrow(tx), cutoff="2025-01-20", category=None)
    # no carry-over: 10 Jan + 7 days = 17 Jan, 4 days before 21 Jan
    assert str(plain.loc[1, "expected_depletion"].date()) == "2025-01-17"
    assert plain.loc[1, "days_until_depletion"] == -4.0
    assert plain.loc[1, ["units_last", "units_total", "purchases"]].tolist() == [1.0, 3.0, 2]
    assert plain.loc[1, "mean_basket"] == 75.0 and bool(plain.loc[1, "habit"])
    # carry-over: 1 Jan + 14 = 15 Jan; max(10 Jan, 15 Jan) + 7 = 22 Jan, 1 day after 21 Jan
    carry = depletion_table(arrow(tx), cutoff="2025-01-20", category=None, carry_over=True)
    assert carry.loc[1, "days_until_depletion"] == 1.0
    # learned pace: (9 days + 21) / (14 days bought before + 21) = 30/35 of 7 days
    learn = depletion_table(arrow(tx), cutoff="2025-01-20", category=None,
                            learn_consumption=True)
    assert learn.loc[1, "days_per_unit_factor"] == pytest.approx(30 / 35)
    assert learn.loc[1, "days_until_depletion"] == pytest.approx(9 + 7 * 30 / 35 - 20)


def test_churn_features_by_hand():
    tx = pd.DataFrame({"customer_id": [1, 1, 1, 2],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31",
                                                    "2025-01-20"]),
                       "amount": [10.0, 20.0, 30.0, 5.0]})
    f = churn_features(arrow(tx), "2025-02-10")
    # 1: gaps 10 and 20 days -> mean 15, median 15, cv 5/15; last purchase 10 days ago
    assert f.loc[1, ["n_orders", "recency_days", "tenure_days", "avg_basket"]].tolist() == [
        3, 10, 40, 20.0]
    assert f.loc[1, "gap_cv"] == pytest.approx(1 / 3)
    assert f.loc[1, "overdue_ratio"] == pytest.approx(10 / 15)
    assert f.loc[2, "recency_days"] == 21 and np.isnan(f.loc[2, "gap_mean_days"])


def test_overview_by_hand():
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 2],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-20",
                                                    "2025-02-01"]),
                       "amount": [10.0, 20.0, 5.0, 25.0],
                       "channel": ["web", "web", "store", "web"]})
    k = key_figures(arrow(tx))
    # 4 orders, 60 yuan, gaps 2 and 12 days -> median 7
    assert (k["customers"], k["orders"], k["revenue"]) == (2, 4, 60.0)
    assert k["median_days_between_orders"] == 7.0 and k["one_time_buyer_share"] == 0.0
    m = monthly_sales(arrow(tx))
    assert m.loc[pd.Period("2025-01", "M")].to_dict() == {"store": 5.0, "web": 30.0}
    assert m.loc[pd.Period("2025-02", "M")].to_dict() == {"store": 0.0, "web": 25.0}


def test_build_paths_by_hand():
    # 1: tv then search, buys 50 on 4 Jan; 2: tv only; 3: "b" and "a" at the same second
    # (ties by channel name: a > b); 4 buys 9 without any touch (unattributed).
    tp = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3],
                       "channel": ["tv", "search", "tv", "b", "a"],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-02",
                                                    "2025-01-05", "2025-01-05"])})
    tx = pd.DataFrame({"customer_id": [1, 4], "amount": [50.0, 9.0],
                       "timestamp": pd.to_datetime(["2025-01-04", "2025-01-04"])})
    p = build_paths(arrow(tp), arrow(tx))
    assert p.table.to_dict("list") == {
        "path": ["tv > search", "a > b", "tv"], "total_conversions": [1.0, 0.0, 0.0],
        "total_conversion_value": [50.0, 0.0, 0.0], "total_null": [0.0, 1.0, 1.0]}
    assert (p.unattributed_conversions, p.unattributed_value) == (1.0, 9.0)
    d = build_paths(arrow(tp), arrow(tx), no_touch="direct")
    assert d.channels == ["a", "b", "direct", "search", "tv"]
    assert d.table["path"].tolist() == ["direct", "tv > search", "a > b", "tv"]


def test_funnel_by_hand():
    # 1: click then purchase 4 days later; 2: purchase before click (never converts);
    # 3: click and purchase in the same second (ties in funnel order: click first).
    ev = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 3],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-05"] * 2
                                                   + ["2025-01-07"] * 2),
                       "event": ["click", "purchase", "purchase", "click", "purchase", "click"]})
    r = funnel(arrow(ev), ["click", "purchase"])
    assert r.summary["customers"].tolist() == [3, 2]
    assert r.units["steps_reached"].tolist() == [2, 1, 2]
    assert r.units["time_to_2"].tolist()[0] == pd.Timedelta(days=4)
    assert funnel(arrow(ev), ["click", "purchase"], window_days=3).summary[
        "customers"].tolist() == [3, 1]


# --------------------------------------------------------------------------- bad input
def test_bad_input_same_message_as_pandas():
    tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, -5.0],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    for fn in (lambda d: customer_table(d), lambda d: churn_features(d, "2025-01-02"),
               lambda d: monthly_sales(d), lambda d: depletion_table(d, category=None)):
        want = message(lambda fn=fn: fn(tx))
        assert "transactions.amount" in want
        assert message(lambda fn=fn: fn(arrow(tx))) == want
    no_amount = tx.drop(columns="amount")
    assert message(lambda: customer_table(arrow(no_amount))) == message(
        lambda: customer_table(no_amount))
    zero = tx.assign(amount=[10.0, 5.0], quantity=[0, 1])
    want = message(lambda: depletion_table(zero, category=None))
    assert "quantity" in want
    assert message(lambda: depletion_table(arrow(zero), category=None)) == want
    late = message(lambda: customer_table(tx.assign(amount=1.0), cutoff="2024-12-01"))
    assert message(lambda: customer_table(arrow(tx.assign(amount=1.0)),
                                          cutoff="2024-12-01")) == late


def test_bad_paths_and_funnel_input_same_message():
    tp = pd.DataFrame({"customer_id": [1], "timestamp": pd.to_datetime(["2025-01-01"]),
                       "medium": ["tv"]})
    tx = pd.DataFrame({"customer_id": [1], "amount": [5.0],
                       "timestamp": pd.to_datetime(["2025-01-02"])})
    want = message(lambda: build_paths(tp, tx))
    assert "touchpoints" in want and "channel" in want
    assert message(lambda: build_paths(arrow(tp), arrow(tx))) == want
    ev = tp.rename(columns={"medium": "event"})
    for steps in (["tv", "radio"], ["tv"]):
        kw = {"step_column": "nope"} if steps == ["tv"] else {}
        want = message(lambda steps=steps, kw=kw: funnel(ev, steps, **kw))
        assert message(lambda steps=steps, kw=kw: funnel(arrow(ev), steps, **kw)) == want
    with pytest.raises(ModelError, match="order='strict'"):
        funnel(arrow(ev), ["tv"], order="exact")


# --------------------------------------------------------------------------- Spark
class TestSpark:
    """Every family on one local Spark session (the session-scoped ``spark`` fixture)."""

    def test_segments_and_retention(self, spark, world):
        tx = world.transactions
        src = spark.createDataFrame(tx)
        same(customer_table(tx, cutoff=CUT), customer_table(src, cutoff=CUT))
        same(rfmcl_table(tx), rfmcl_table(src))
        same(depletion_table(tx), depletion_table(src))
        same(depletion_table(tx, carry_over=True), depletion_table(src, carry_over=True))

    def test_churn_and_overview(self, spark, world):
        tx = world.transactions
        src = spark.createDataFrame(tx)
        same(churn_features(tx, CUT, customers=world.customers),
             churn_features(src, CUT, customers=world.customers))
        same(key_figures(world).drop(["touches", "people_touched", "touched_who_bought"]),
             key_figures(src))
        same(monthly_sales(tx), monthly_sales(src))

    def test_paths_and_funnel(self, spark, world):
        tp, tx = world.touchpoints, world.transactions
        same_paths(build_paths(tp, tx), build_paths(spark.createDataFrame(tp), tx))
        ch = sorted(tp["channel"].unique())
        a = funnel(tp, ch[:3], step_column="channel")
        b = funnel(spark.createDataFrame(tp), ch[:3], step_column="channel")
        same(a.summary, b.summary)
        same(a.units, b.units)

    def test_bad_input_same_message(self, spark):
        tx = pd.DataFrame({"customer_id": [1, 2], "amount": [10.0, -5.0],
                           "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02"])})
        assert message(lambda: customer_table(spark.createDataFrame(tx))) == message(
            lambda: customer_table(tx))
