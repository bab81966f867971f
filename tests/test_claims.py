"""Case K's claims: counts, the marketing-channel claims and the shopper-spend claims on
hand-made tables whose answers are worked out below; bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from omnimkt.claims import channel_counts, marketing_channel_claims, shopper_spend
from omnimkt.claims.marketing import mechanism_check, noisy_or_probs
from omnimkt.errors import DataError, ModelError

Z = 1.959963984540054


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "timestamp", "channel",
                                       "amount"]).assign(timestamp=lambda d: pd.to_datetime(
                                           d["timestamp"]))


def _tp(rows):
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "channel", "event"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]))


# Six people; cutoff 2025-01-31, horizon 30 days -> outcomes up to 2025-03-02.
TP = _tp([
    (1, "2025-01-01", "sms", "impression"), (1, "2025-01-02", "tv", "impression"),
    (1, "2025-01-03", "app_push", "click"),
    (2, "2025-01-01", "sms", "click"), (2, "2025-01-02", "tv", "click"),
    (2, "2025-01-03", "search_ads", "click"),
    (3, "2025-01-01", "sms", "impression"), (3, "2025-01-02", "sms", "impression"),
    (3, "2025-01-03", "sms", "impression"),
    (4, "2025-01-01", "tv", "impression"),
    (5, "2025-01-01", "tv", "click"), (5, "2025-01-02", "sms", "impression"),
    (6, "2025-01-01", "sms", "impression"), (6, "2025-01-02", "tv", "impression"),
    (6, "2025-01-03", "search_ads", "impression"), (6, "2025-01-04", "social_kol", "impression"),
    (1, "2025-01-20", "referral", "visit"),  # after person 1's first order
])
TX = _tx([
    (1, 1, "2025-01-10", "store_pos", 100.0), (1, 2, "2025-02-10", "app", 50.0),
    (2, 3, "2025-01-12", "store_pos", 80.0),
    (3, 4, "2025-01-15", "app", 60.0), (3, 5, "2025-02-20", "app", 60.0),
    (5, 6, "2025-03-10", "store_pos", 70.0),
    (6, 7, "2025-02-05", "ecommerce", 90.0),
])


def test_channel_counts_by_hand():
    c = channel_counts(TX, TP, cutoff="2025-01-31")
    # Person 1: sms, tv, app_push before the first order; the referral visit comes after.
    assert c.loc[1, ["n_marketing_channels", "n_touches", "n_sales_channels",
                     "n_orders"]].tolist() == [3, 3, 1, 1]
    assert c.loc[1, "engaged_share"] == pytest.approx(1 / 3)
    assert c.loc[3, ["n_marketing_channels", "n_touches"]].tolist() == [1, 3]
    assert c.loc[6, "n_orders"] == 0  # bought after the cut-off
    c_all = channel_counts(TX, TP, pre_purchase=False)
    assert c_all.loc[1, ["n_marketing_channels", "n_sales_channels", "n_orders"]].tolist() \
        == [4, 2, 2]
    assert c_all.loc[1, "store_trip_spend"] == 100.0
    assert c_all.loc[1, "online_trip_spend"] == 50.0


def test_marketing_claims_by_hand():
    r = marketing_channel_claims(TX, TP, "2025-01-31", 30)
    s = r.summary
    # Purchase rate (bought by 2025-03-02): 3+ channels = people 1, 2, 6 -> 1, 1, 1;
    # fewer = 3, 4, 5 -> 1, 0, 0 (person 5 buys on 03-10, after the horizon).
    raw = s.loc[("purchase_rate", "raw")]
    assert raw["treated"] == 1.0 and raw["control"] == pytest.approx(1 / 3)
    assert raw["relative_uplift"] == pytest.approx(2.0)
    # Same number of touches: only the 3-touch band has both groups: 1, 2 vs 3 -> 1 vs 1.
    adj = s.loc[("purchase_rate", "adjusted")]
    assert adj["relative_uplift"] == pytest.approx(0.0)
    assert adj["excluded_treated_share"] == pytest.approx(1 / 3)
    # Engagement: clicks/visits per touch: (1/3, 1, 0) vs (0, 0, 1/2).
    eng = s.loc[("engagement", "raw")]
    assert eng["treated"] == pytest.approx(4 / 9) and eng["control"] == pytest.approx(1 / 6)
    assert eng["relative_uplift"] == pytest.approx((4 / 9) / (1 / 6) - 1)
    # Difference interval: ddof=0 variances / n, normal approximation.
    v1 = np.var([1 / 3, 1, 0]) / 3
    v0 = np.var([0, 0, 0.5]) / 3
    assert eng["diff_ci_low"] == pytest.approx(4 / 9 - 1 / 6 - Z * math.sqrt(v1 + v0))
    se_log = math.sqrt(v1 / (4 / 9) ** 2 + v0 / (1 / 6) ** 2)
    assert eng["uplift_ci_high"] == pytest.approx(math.exp(math.log(8 / 3) + Z * se_log) - 1)
    # Retention: buyers by the cut-off 1, 2 (3+ channels) and 3 (one channel);
    # bought again within 30 days: 1 yes, 2 no, 3 yes -> 0.5 vs 1.0.
    ret = s.loc[("retention", "raw")]
    assert (ret["treated"], ret["control"]) == (0.5, 1.0)
    assert ret["relative_uplift"] == pytest.approx(-0.5)
    # Two and one customers: the interval exp(log 0.5 +- 1.96 sqrt(0.125 / 0.25)) - 1
    # is about (-0.88, +1.0), wide enough to hold the +90% claim.
    se_log = math.sqrt((0.25 / 2) / 0.5**2)
    assert ret["uplift_ci_high"] == pytest.approx(0.5 * math.exp(Z * se_log) - 1)
    assert ret["claim"] == 0.9 and ret["verdict"] == "consistent with the claim"
    assert r.by_channels.loc[("retention", "3+"), "people"] == 2


def test_mechanism_check_and_noisy_or_by_hand():
    p = noisy_or_probs(TP, {"sms": 0.1, "tv": 0.2, "app_push": 0.5, "search_ads": 0.0,
                            "social_kol": 0.0, "referral": 0.9}, 0.1)
    # Person 1, all touches: 1 - 0.9 * 0.9 * 0.8 * 0.5 * 0.1.
    assert p[1] == pytest.approx(1 - 0.9 * 0.9 * 0.8 * 0.5 * 0.1)
    r = marketing_channel_claims(TX, TP, "2025-01-31", 30)
    flat = mechanism_check(r, pd.Series(0.3, index=[1, 2, 3, 4, 5, 6]))
    assert flat["mechanism_uplift"].tolist() == [0.0, 0.0]
    with pytest.raises(DataError, match="touch_probs: no probability for 1 "):
        mechanism_check(r, pd.Series(0.3, index=[1, 2, 3, 4, 5]))
    with pytest.raises(ModelError, match="effects: need an effect"):
        noisy_or_probs(TP, {"sms": 0.1}, 0.1)


def test_shopper_spend_by_hand():
    tx = _tx([
        ("A", 1, "2025-01-01", "store_pos", 100.0),
        ("B", 2, "2025-01-01", "store_pos", 80.0), ("B", 3, "2025-01-02", "store_pos", 120.0),
        ("C", 4, "2025-01-01", "store_pos", 110.0), ("C", 5, "2025-01-02", "app", 90.0),
        ("D", 6, "2025-01-01", "store_pos", 130.0), ("D", 7, "2025-01-02", "app", 60.0),
        ("D", 8, "2025-01-03", "mini_shop", 70.0), ("D", 9, "2025-01-04", "ecommerce", 80.0),
        ("E", 10, "2025-01-01", "app", 50.0),
        ("F", 11, "2025-01-01", "app", 60.0), ("F", 12, "2025-01-02", "app", 60.0),
        ("F", 13, "2025-01-03", "app", 90.0),
    ])
    s = shopper_spend(tx).summary
    # Store, 2+ vs 1: C 110, D 130 (mean 120) vs A 100, B 100.
    raw = s.loc[("store_2plus_vs_1", "raw")]
    assert raw["relative_uplift"] == pytest.approx(0.2)
    se_log = math.sqrt((np.var([110, 130]) / 2) / 120**2)
    assert raw["uplift_ci_low"] == pytest.approx(math.exp(math.log(1.2) - Z * se_log) - 1)
    # Adjusted: only the 2-3 order band has both groups (C 110 vs B 100).
    adj = s.loc[("store_2plus_vs_1", "adjusted")]
    assert adj["relative_uplift"] == pytest.approx(0.1)
    assert adj["excluded_treated_share"] == pytest.approx(0.5)
    # Online: C 90, D 70 (mean of D's three online trips) vs E 50, F 70.
    assert s.loc[("online_2plus_vs_1", "raw"), "relative_uplift"] == pytest.approx(80 / 60 - 1)
    assert s.loc[("online_2plus_vs_1", "adjusted"), "relative_uplift"] \
        == pytest.approx(90 / 70 - 1)
    assert s.loc[("store_4plus_vs_1", "raw"), "relative_uplift"] == pytest.approx(0.3)
    assert s.loc[("store_4plus_vs_1", "adjusted"), "verdict"] == "cannot be tested"


def test_synthetic_world_has_no_channel_effect_on_retention_or_spend():
    from omnimkt.datasets import generate

    w = generate(3000, seed=5)
    r = marketing_channel_claims(w.transactions, w.touchpoints, "2025-06-30")
    ret = r.summary.loc[("retention", "adjusted")]
    # Retention is drawn independently of the journey: no +90% here.
    assert ret["uplift_ci_high"] < 0.9
    p = noisy_or_probs(w.touchpoints[w.touchpoints["timestamp"] < "2025-07-01"],
                       w.truth.channels["true_effect"], w.truth.params["base_rate"],
                       r.counts["first_order"])
    chk = mechanism_check(r, p).loc["adjusted"]
    # The mechanism has no "number of channels" term; what remains is channel mix.
    assert chk["mechanism_ci_low"] - 0.1 < chk["observed_uplift"] < chk["mechanism_ci_high"] + 0.1


def test_bad_input():
    with pytest.raises(DataError, match="transactions: no channel column"):
        channel_counts(TX.drop(columns="channel"), TP)
    with pytest.raises(DataError, match="touchpoints"):
        channel_counts(TX, TP.drop(columns="channel"))
    with pytest.raises(DataError, match="customers|customer_id"):
        channel_counts(TX.drop(columns="customer_id"), TP)
    with pytest.raises(ModelError, match="threshold"):
        marketing_channel_claims(TX, TP, "2025-01-31", 30, threshold=1)
    with pytest.raises(ModelError, match="bands"):
        marketing_channel_claims(TX, TP, "2025-01-31", 30, bands=[])
    with pytest.raises(DataError, match="transactions.timestamp: the last purchase"):
        marketing_channel_claims(TX, TP, "2025-03-01", 30)
    with pytest.raises(ModelError, match="store_channels"):
        shopper_spend(TX, store_channels="store_pos")
    with pytest.raises(ModelError, match="top"):
        shopper_spend(TX, top=1)
