"""Case M: each maturity indicator on a 10-row table computed by hand, the stage
placement, the fulfilment generator against its settings, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from omnimkt.datasets.omni import add_fulfilment
from omnimkt.errors import DataError, ModelError
from omnimkt.maturity import assess_maturity, indicator_status, indicator_values

ROWS = [  # customer, order, day, channel, category, fulfilment, store
    (1, 1, "2025-01-01", "store_pos", "formula", "store", "S1"),
    (1, 1, "2025-01-01", "store_pos", "other", "store", "S1"),
    (1, 2, "2025-01-05", "app", "formula", "store", "S1"),
    (2, 3, "2025-01-02", "app", "formula", "delivery", None),
    (2, 4, "2025-01-09", "app", "formula", "store", "S2"),
    (3, 5, "2025-01-03", "store_pos", "formula", "store", "S3"),
    (3, 6, "2025-01-04", "ecommerce", "other", "store", "S1"),
    (4, 7, "2025-01-05", "mini_shop", "formula", "delivery", None),
    (4, 8, "2025-01-06", "mini_shop", "formula", "delivery", None),
    (5, 9, "2025-01-07", "store_pos", "formula", "store", "S2"),
]
TX = pd.DataFrame(ROWS, columns=["customer_id", "order_id", "timestamp", "channel", "category",
                                 "fulfilment", "store_id"]).assign(
    timestamp=lambda d: pd.to_datetime(d["timestamp"]), amount=100.0)
CU = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5],
                   "home_store_id": ["S1", "S2", "S3", "S1", "S2"]})
TP = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3], "channel": ["sms", "tv", "sms", "tv", "tv"],
                   "timestamp": pd.to_datetime(["2024-12-20"] * 5)})
SURVEY = pd.DataFrame({"respondent_id": [1], "q1": [4]})


def test_each_indicator_by_hand():
    v = indicator_values(TX, touchpoints=TP, customers=CU, data_kinds={"attitude": SURVEY})
    # Sales channels: 1 {store, app}, 3 {store, ecommerce} of five buyers use 2+.
    assert v["multichannel_share"] == pytest.approx(2 / 5)
    # Marketing channels: only customer 1 of the three reached has 2+ (3 sees tv twice).
    assert v["media_reach_share"] == pytest.approx(1 / 3)
    # Online orders 2, 3, 4, 6, 7, 8; fulfilled in a store: 2, 4, 6.
    assert v["offline_fulfilment_share"] == pytest.approx(3 / 6)
    # Of those, home store: 2 (S1 = S1), 4 (S2 = S2); not 6 (S1, home S3).
    assert v["nearest_store_share"] == pytest.approx(2 / 3)
    # Orders per customer 2, 2, 2, 2, 1.
    assert v["repeat_share"] == pytest.approx(4 / 5)
    # Two categories: customers 1 and 3.
    assert v["cross_category_share"] == pytest.approx(2 / 5)
    # usage (transactions), relationship (touchpoints), attitude (the survey) of six.
    assert v["data_coverage"] == pytest.approx(3 / 6)


def test_not_measurable_without_columns():
    v = indicator_values(TX.drop(columns=["fulfilment", "store_id", "category"]))
    assert v[["media_reach_share", "offline_fulfilment_share", "nearest_store_share",
              "cross_category_share"]].isna().all()
    assert v["data_coverage"] == pytest.approx(1 / 6)


def test_stage_placement_by_hand():
    r = assess_maturity(TX, touchpoints=TP, customers=CU, data_kinds={"attitude": SURVEY})
    # media reach 1/3 is between 0.3 and 0.6: started, so stage 1 is not achieved.
    assert r.summary.loc["media_reach_share", "status"] == "started"
    assert r.stage == 0
    r = assess_maturity(TX, touchpoints=TP, customers=CU, data_kinds={"attitude": SURVEY},
                        thresholds={"media_reach_share": (0.2, 0.3)})
    # Stage 1 and 2 achieved (0.4 >= 0.3, 1/3 >= 0.3, 0.5 >= 0.2); nearest store 2/3 < 0.7.
    assert r.stages["status"].tolist() == ["achieved", "achieved", "started", "started"]
    assert r.stage == 2
    assert indicator_status(float("nan"), 0.1, 0.2) == "not measurable"
    assert indicator_status(0.05, 0.1, 0.2) == "not started"


def test_fulfilment_generator_against_its_settings():
    from omnimkt.datasets import generate

    w = generate(2000, seed=4, tables=("transactions", "customers"))
    f = add_fulfilment(w.transactions, w.customers, offline_share=0.3, nearest_share=0.6,
                       seed=7)
    v = indicator_values(f.transactions, customers=f.customers)
    online = (w.transactions.drop_duplicates("order_id")["channel"] != "store_pos").sum()
    # Binomial draws: within 4 standard errors of the settings.
    assert abs(v["offline_fulfilment_share"] - 0.3) < 4 * (0.3 * 0.7 / online) ** 0.5
    assert abs(v["nearest_store_share"] - 0.6) < 4 * (0.6 * 0.4 / (0.3 * online)) ** 0.5
    g = add_fulfilment(w.transactions, w.customers, offline_share=0.3, nearest_share=0.6,
                       seed=7)
    pd.testing.assert_frame_equal(f.transactions, g.transactions)


def test_bad_input():
    with pytest.raises(DataError, match="transactions: no channel column"):
        indicator_values(TX.drop(columns="channel"))
    with pytest.raises(DataError, match="customers: missing required column"):
        assess_maturity(TX, customers=CU.drop(columns="customer_id"))
    with pytest.raises(ModelError, match=r"thresholds\['repeat_share'\]: out of order"):
        assess_maturity(TX, thresholds={"repeat_share": (0.6, 0.4)})
    with pytest.raises(ModelError, match="thresholds: unknown indicator 'loyalty'"):
        assess_maturity(TX, thresholds={"loyalty": (0.1, 0.2)})
    with pytest.raises(ModelError, match="started: must be a number >= 0 and <= 1"):
        assess_maturity(TX, thresholds={"repeat_share": (-0.1, 0.2)})
    with pytest.raises(ModelError, match="data_kinds: unknown data kind"):
        assess_maturity(TX, data_kinds={"social": SURVEY})
    with pytest.raises(ModelError, match=r"data_kinds\['credit'\]: expected a DataFrame"):
        assess_maturity(TX, data_kinds={"credit": "credit.csv"})
    with pytest.raises(DataError, match="customers: no customer_id"):
        add_fulfilment(TX, CU.drop(columns="customer_id"))
    with pytest.raises(DataError, match="rows of customers not in customers"):
        add_fulfilment(TX, CU.iloc[:2])
    with pytest.raises(ModelError, match="offline_share"):
        add_fulfilment(TX, CU, offline_share=1.5)
