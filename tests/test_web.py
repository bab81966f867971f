"""Web shop measurement (case F): sessions table, visit analytics, media pricing and risk.

Expected values are computed by hand in the tests (pricing arithmetic, Wilson's
formula, 2x2 odds ratios, the law of total variance), never by the code under test.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from omnimkt.data import validate_sessions
from omnimkt.datasets.sessions import generate_sessions
from omnimkt.errors import DataError, ModelError
from omnimkt.web import (
    VisitModel,
    campaign_volumes,
    depth_band,
    price_campaign,
    pricing_risk,
    visit_metrics,
    visit_rates,
)

matplotlib.use("Agg")

# The brief's small campaign: 200,000 impressions, CTR 1 %, conversion 2 %, 300 yuan an order.
VOL = {"impressions": 200_000, "clicks": 2_000, "actions": 100, "orders": 40, "sales": 12_000}
PRICES = {"CPM": 20, "CPC": 1.5, "CPA": 30, "CPS": 0.10}


@pytest.fixture(scope="module")
def world():
    return generate_sessions(12_000, seed=0)


def ten_visits() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "a", "d", "e", "f", "b", "g", "h"],
        "timestamp": pd.date_range("2025-03-01", periods=10, freq="h"),
        "source": ["direct", "search", "search", "direct", "referral", "search", "direct",
                   "search", "referral", "search"],
        "returning": [0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
        "dwell_seconds": [30, 200, 60, 400, 90, 20, 45, 300, 150, 10],
        "pages": [1, 6, 2, 8, 3, 1, 1, 5, 4, 1],
        "registered": [0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
        "ordered": [0, 1, 0, 1, 0, 0, 0, 1, 1, 0],
        "order_value": [0, 320.0, 0, 450.0, 0, 0, 0, 280.0, 199.0, 0],
    })


# --------------------------------------------------------------------------- pricing
def test_four_pricing_models_by_hand():
    r = price_campaign(VOL, PRICES, margin=0.4).summary.set_index("model")
    # CPM: 200,000 / 1,000 x 20 = 4,000 yuan; 4,000 / 40 orders = 100 per order.
    # CPC: 2,000 clicks x 1.5 = 3,000; 75 per order.  CPA: 100 actions x 30 = 3,000; 75.
    # CPS: 10 % of 12,000 = 1,200; 30 per order (10 % of the 300 yuan order).
    assert r["cost"].to_dict() == pytest.approx({"CPM": 4000, "CPC": 3000, "CPA": 3000,
                                                 "CPS": 1200})
    assert r["cost_per_order"].to_dict() == pytest.approx({"CPM": 100, "CPC": 75, "CPA": 75,
                                                           "CPS": 30})
    assert r.loc["CPM", "cost_per_click"] == pytest.approx(4000 / 2000)
    assert r.loc["CPC", "cost_share_of_sales"] == pytest.approx(3000 / 12000)
    # Equal cost with the CPM buy (4,000): 2.0 a click, 40 an action, 33.3 % of sales.
    assert r["equal_cost_rate"].to_dict() == pytest.approx(
        {"CPM": 20, "CPC": 2.0, "CPA": 40, "CPS": 4000 / 12000})
    # Break-even at a 40 % margin: the media may cost 4,800 (0.4 x 12,000).
    assert r["break_even_rate"].to_dict() == pytest.approx(
        {"CPM": 4800 / 200, "CPC": 2.4, "CPA": 48, "CPS": 0.4})


def test_reference_and_several_campaigns():
    two = pd.DataFrame([{**VOL, "campaign": "x"},
                        {"campaign": "y", "impressions": 100_000, "clicks": 500, "actions": 20,
                         "orders": 5, "sales": 1_500}])
    r = price_campaign(two, {"CPM": 20, "CPC": 1.5}, reference="CPC")
    y = r.summary[r.summary["campaign"] == "y"].set_index("model")
    # y: CPM 100 x 20 = 2,000 (400 an order), CPC 500 x 1.5 = 750 (150 an order);
    # the CPM rate costing what CPC costs: 750 / 100 = 7.5 per thousand.
    assert y["cost_per_order"].to_dict() == pytest.approx({"CPM": 400, "CPC": 150})
    assert y.loc["CPM", "equal_cost_rate"] == pytest.approx(7.5)
    assert r.cheapest.to_dict() == {"x": "CPC", "y": "CPC"}


def test_pricing_risk_cpm_and_cps_by_construction():
    r = pricing_risk(VOL, PRICES, rate_cv=0.3, n_runs=3000, seed=4).summary
    # CPM: the publisher is paid 4,000 whatever happens; CPS: the buyer pays 10 % of a
    # fixed 300-yuan order = 30 per order whatever happens.
    assert r.loc["CPM", "publisher_revenue_sd"] == 0
    assert r.loc["CPM", "publisher_revenue_mean"] == pytest.approx(4000)
    assert r.loc["CPS", "buyer_cost_per_order_sd"] == pytest.approx(0, abs=1e-9)
    assert r.loc["CPS", "buyer_cost_per_order_mean"] == pytest.approx(30)
    assert r.loc["CPM", "risk_on"] == "buyer" and r.loc["CPS", "risk_on"] == "publisher"


def test_pricing_risk_cpc_revenue_spread_matches_total_variance():
    r = pricing_risk(VOL, {"CPC": 1.5}, rate_cv=0.3, n_runs=20_000, seed=7).summary
    # clicks | ctr ~ Binomial(N, ctr), ctr with mean m and sd c·m:
    # Var(clicks) = E[N ctr (1 - ctr)] + N² Var(ctr) = N (m - m² - c² m²) + N² c² m².
    n, m, c = 200_000, 0.01, 0.3
    var = n * (m - m**2 - (c * m) ** 2) + n**2 * (c * m) ** 2
    assert r.loc["CPC", "publisher_revenue_cv"] == pytest.approx(math.sqrt(var) / (n * m),
                                                                 rel=0.03)
    assert r.loc["CPC", "publisher_revenue_mean"] == pytest.approx(1.5 * n * m, rel=0.01)


def test_pricing_risk_same_seed_same_draws():
    a = pricing_risk(VOL, PRICES, n_runs=200, seed=3).draws
    b = pricing_risk(VOL, PRICES, n_runs=200, seed=3).draws
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("prices, volumes, match", [
    ({"CPA": 30}, {k: v for k, v in VOL.items() if k != "actions"},
     r"volumes: CPA pricing needs 'actions'"),
    ({"CPM": 20}, {"clicks": 2000, "orders": 40}, r"volumes: CPM pricing needs 'impressions'"),
    ({"CPC": 1.5}, {"impressions": 1000, "clicks": 20}, r"volumes: cost per order needs 'orders'"),
    ({"CPC": -1.5}, VOL, r"Pricing.rate: must be a number >= 0, got -1.5"),
    ({"CPX": 2}, VOL, r"Pricing.model: 'CPX' is not one of 'CPM', 'CPC', 'CPA', 'CPS'"),
    ({}, VOL, r"prices: give at least one"),
    ({"CPC": 1.5}, {**VOL, "clicks": 300_000}, r"volumes: clicks exceed impressions"),
    ({"CPC": 1.5}, {**VOL, "orders": -1}, r"volumes: 'orders' must be numbers >= 0"),
    ("CPC", VOL, r"prices: expected a dict"),
])
def test_pricing_bad_input(prices, volumes, match):
    with pytest.raises(ModelError, match=match):
        price_campaign(volumes, prices)


def test_pricing_bad_settings():
    with pytest.raises(ModelError, match=r"reference: 'CPS' is not among"):
        price_campaign(VOL, {"CPM": 20}, reference="CPS")
    with pytest.raises(ModelError, match=r"margin: must be a number >= 0 and <= 1"):
        price_campaign(VOL, {"CPM": 20}, margin=40)
    with pytest.raises(ModelError, match=r"rate_cv: 12 is too large"):
        pricing_risk(VOL, {"CPM": 20}, rate_cv=12)
    with pytest.raises(ModelError, match=r"n_runs: must be a whole number >= 1"):
        pricing_risk(VOL, {"CPM": 20}, n_runs=0)
    with pytest.raises(ModelError, match=r"pricing_risk needs clicks > 0 and orders > 0"):
        pricing_risk({**VOL, "orders": 0}, {"CPM": 20})


# --------------------------------------------------------------------------- visits
def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out (Wilson 1927; Agresti & Coull 1998, eq. 2)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_visit_rates_on_ten_visits_by_hand():
    r = visit_rates(ten_visits(), by="source", outcomes="ordered").table("ordered")
    # direct: visits a, a, f -> orders 0, 1, 0; referral: e, g -> 0, 1;
    # search: b, c, e, b, h -> 1, 0, 0, 1, 0.
    assert r["visits"].to_dict() == {"direct": 3, "referral": 2, "search": 5}
    assert r["events"].to_dict() == {"direct": 1, "referral": 1, "search": 2}
    assert r.loc["search", "rate"] == pytest.approx(0.4)
    for src, (k, n) in {"direct": (1, 3), "referral": (1, 2), "search": (2, 5)}.items():
        lo, hi = _wilson(k, n)
        assert r.loc[src, "ci_low"] == pytest.approx(lo)
        assert r.loc[src, "ci_high"] == pytest.approx(hi)


def test_visit_rates_by_source_returning_depth():
    r = visit_rates(ten_visits(), outcomes=["registered", "ordered"]).table("ordered")
    # search, new: pages 6 (b), 2 (c), 1 (e?), 1 (h): bands 5+, 2-4, 1, 1.
    assert r.loc[("search", "new", "1 page"), "visits"] == 2
    assert r.loc[("search", "new", "5+ pages"), "events"] == 1
    assert r.loc[("direct", "returning", "5+ pages"), "rate"] == 1.0
    assert r.loc[("direct", "returning", "5+ pages"), "ci_high"] == 1.0
    assert r.loc[("search", "new", "1 page"), "ci_low"] == 0.0


def test_visit_metrics_on_ten_visits_by_hand():
    m = visit_metrics(ten_visits()).summary
    # search: dwell 200, 60, 20, 300, 10 -> mean 118; pages 6, 2, 1, 5, 1 -> 3;
    # visitors b, c, e, h -> 4; new visits 4 of 5; sales 320 + 280.
    s = m.loc["search"]
    assert (s["visits"], s["visitors"]) == (5, 4)
    assert s["mean_dwell_seconds"] == pytest.approx(118)
    assert s["mean_pages"] == pytest.approx(3)
    assert s["new_share"] == pytest.approx(0.8)
    assert s["sales"] == pytest.approx(600)
    assert m.loc["all", "ordered"] == 4 and m.loc["all", "registered"] == 2
    assert m.loc["all", "order_rate"] == pytest.approx(0.4)
    assert m["share"].drop("all").sum() == pytest.approx(1)


def test_depth_band_edges():
    bands = depth_band(pd.Series([0, 1, 2, 4, 5, 30])).tolist()
    assert bands == ["0 pages", "1 page", "2-4 pages", "2-4 pages", "5+ pages", "5+ pages"]
    with pytest.raises(ModelError, match="depth_bands: lowest page counts must rise"):
        depth_band(pd.Series([1]), {"a": 3, "b": 2})


def test_visit_model_single_feature_is_the_2x2_log_odds_ratio():
    rng = np.random.default_rng(0)
    n = 400
    ret = rng.random(n) < 0.4
    y = rng.random(n) < np.where(ret, 0.3, 0.1)
    df = pd.DataFrame({"customer_id": np.arange(n), "timestamp": "2025-01-01",
                       "source": "direct", "returning": ret, "ordered": y})
    m = VisitModel(features=["returning"]).fit(df)
    a, b = (ret & y).sum(), (ret & ~y).sum()
    c, d = (~ret & y).sum(), (~ret & ~y).sum()
    assert m.coef_["returning"] == pytest.approx(math.log(a * d / (b * c)), rel=1e-6)
    assert m.coef_["intercept"] == pytest.approx(math.log(c / d), rel=1e-6)
    # Wald interval of a log odds ratio: ± 1.96 sqrt(1/a + 1/b + 1/c + 1/d).
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert m.conf_int_.loc["returning", "ci_high"] == pytest.approx(
        math.log(a * d / (b * c)) + 1.959964 * se, rel=1e-4)


def test_visit_model_recovers_the_synthetic_truth():
    w = generate_sessions(30_000, seed=11)
    m = VisitModel(alpha=0.01).fit(w.sessions)
    truth = w.truth.logit["ordered"]
    ci = m.conf_int_.loc[truth.index]
    inside = (ci["ci_low"] <= truth) & (truth <= ci["ci_high"])
    assert inside.all(), pd.concat([m.coef_, truth], axis=1)[~inside]


def test_visit_model_bad_settings_and_data(world):
    with pytest.raises(ModelError, match="outcome: 'sales' is not one of"):
        VisitModel(outcome="sales").fit(world.sessions)
    with pytest.raises(ModelError, match="features: 'age' is not one of"):
        VisitModel(features=["age"]).fit(world.sessions)
    none = ten_visits().assign(ordered=0, order_value=0.0)
    with pytest.raises(DataError, match=r"sessions.ordered: every visit has the same value"):
        VisitModel(features=["source"]).fit(none)
    with pytest.raises(DataError, match=r"sessions: no column 'interest'"):
        VisitModel(features=["interest"]).fit(ten_visits())


def test_visit_rates_bad_settings():
    with pytest.raises(ModelError, match="outcomes: 'sales' is not one of"):
        visit_rates(ten_visits(), outcomes="sales")
    with pytest.raises(ModelError, match="alpha: must be a number > 0 and < 1"):
        visit_rates(ten_visits(), alpha=5)
    with pytest.raises(DataError, match="sessions: no outcome column"):
        visit_rates(ten_visits().drop(columns=["registered", "ordered"]), by="source")


# --------------------------------------------------------------------------- sessions table
@pytest.mark.parametrize("change, match", [
    (lambda d: d.drop(columns="source"), r"sessions: missing required column\(s\) 'source'"),
    (lambda d: d.assign(source=[None] + ["search"] * 9), r"sessions.source: 1 of 10 rows are empty"),
    (lambda d: d.assign(dwell_seconds=[-5] + [10] * 9),
     r"sessions.dwell_seconds: 1 of 10 rows are negative \(e.g. -5"),
    (lambda d: d.assign(pages=[1, 0] + [1] * 8),
     r"sessions.pages: 1 of 10 rows are 0 on a visit with an order"),
    (lambda d: d.assign(pages=[1.5] + [1] * 9), r"sessions.pages: 1 of 10 rows are not whole"),
    (lambda d: d.assign(ordered=["yes"] + [0] * 9), r"sessions.ordered: 1 of 10 rows are not a yes/no"),
    (lambda d: d.assign(order_value=[50.0] + [0.0] * 9),
     r"sessions.order_value: 1 of 10 rows have a value but no order"),
    (lambda d: d.assign(returning=["maybe"] + [0] * 9), r"sessions.returning: 1 of 10 rows"),
])
def test_sessions_bad_input(change, match):
    with pytest.raises(DataError, match=match):
        validate_sessions(change(ten_visits()))


def test_sessions_column_mapping_and_text_flags():
    raw = ten_visits().rename(columns={"source": "来源", "customer_id": "访客",
                                       "pages": "浏览页数"})
    raw["returning"] = np.where(raw["returning"] == 1, "returning", "new")
    cols = {"source": "来源", "customer_id": "访客", "pages": "浏览页数"}
    s = validate_sessions(raw, cols)
    assert {"source", "customer_id", "pages"} <= set(s.columns)
    assert s["returning"].sum() == 2
    assert visit_rates(raw, by="source", columns=cols).table("ordered")["visits"].sum() == 10
    with pytest.raises(DataError, match=r"sessions.pages \(your column '浏览页数'\): 1 of 10"):
        validate_sessions(raw.assign(浏览页数=[-1] + [1] * 9), cols)


# --------------------------------------------------------------------------- synthetic world
def test_generator_is_seeded_and_valid(world):
    again = generate_sessions(12_000, seed=0)
    pd.testing.assert_frame_equal(world.sessions, again.sessions)
    assert not world.sessions.equals(generate_sessions(12_000, seed=1).sessions)
    s = validate_sessions(world.sessions)
    assert len(s) == len(world.sessions)
    # a visitor's first visit is new, every later one returning
    first = ~world.sessions["customer_id"].duplicated()
    assert (world.sessions["returning"] == ~first).all()


def test_campaign_clicks_follow_the_true_ctr(world):
    c = world.campaigns.set_index("campaign")
    t = world.truth.campaigns
    expected = t["impressions"] * t["true_ctr"]
    sd = np.sqrt(expected * (1 - t["true_ctr"]))
    assert (np.abs(c["clicks"] - expected) < 4 * sd).all()


def test_campaign_volumes_match_the_generator(world):
    imp = dict(zip(world.campaigns["campaign"], world.campaigns["impressions"], strict=True))
    mine = campaign_volumes(world.sessions, imp)
    theirs = world.campaigns.set_index("campaign")[mine.columns]
    pd.testing.assert_frame_equal(mine.astype(float), theirs.astype(float), check_names=False)
    with pytest.raises(ModelError, match="impressions: no count for campaign"):
        campaign_volumes(world.sessions, {"search_ads": 1})


def test_generator_rates_follow_the_true_probabilities(world):
    p = world.truth.probabilities
    s = world.sessions.set_index("session_id")
    for k in ("ordered", "registered"):
        n_exp, n_obs = p[k].sum(), s[k].sum()
        assert abs(n_obs - n_exp) < 4 * math.sqrt((p[k] * (1 - p[k])).sum())


def test_plots_return_their_axes(world):
    import matplotlib.pyplot as plt

    from omnimkt.plotting import web as P

    fig, ax = plt.subplots()
    assert P.plot_visit_rates(visit_rates(world.sessions, by="source"), ax=ax) is ax
    assert P.plot_pricing(price_campaign(VOL, PRICES), ax=ax) is ax
    assert P.plot_pricing_risk(pricing_risk(VOL, PRICES, n_runs=100), ax=ax) is ax
    assert P.plot_visit_effects(VisitModel(features=["source"]).fit(world.sessions), ax=ax) is ax
    plt.close("all")
