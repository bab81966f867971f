"""Behaviour analytics against hand-computed small cases and scipy / statsmodels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from omnimkt import DataError, ModelError
from omnimkt import behaviour as B
from omnimkt.data import Dataset

matplotlib.use("Agg")
NAN = np.nan


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "amount"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]))


# Six customers, monthly cohorts, cut-off 15 April: April is not fully observed.
SIX = _tx([
    ("A", "2025-01-05", 10), ("A", "2025-02-10", 20), ("A", "2025-04-02", 5),
    ("B", "2025-01-20", 30), ("B", "2025-03-03", 10),
    ("C", "2025-01-31", 40),
    ("D", "2025-02-01", 15), ("D", "2025-02-20", 5), ("D", "2025-03-15", 25),
    ("E", "2025-02-28", 50),
    ("F", "2025-03-10", 8), ("F", "2025-04-10", 12),
])
SIX_CUSTOMERS = pd.DataFrame({"customer_id": list("ABCDEF"),
                              "acquisition_channel": ["app", "app", "store", "app", "store",
                                                      "store"]})


def _rows(frame):
    return [[None if np.isnan(v) else round(v, 10) for v in row] for row in frame.to_numpy()]


# --------------------------------------------------------------------------- cohorts
def test_cohort_triangle_by_hand():
    r = B.cohort_retention(SIX, cutoff="2025-04-15")
    assert r.sizes.tolist() == [3, 2, 1]
    assert list(r.sizes.index) == list(pd.to_datetime(["2025-01-01", "2025-02-01",
                                                       "2025-03-01"]))
    # Jan: A,B,C; Feb: A only; Mar: B only. Feb cohort (D,E): Mar D. April is censored.
    assert _rows(r.on) == [[1, round(1 / 3, 10), round(1 / 3, 10)], [1, 0.5, None],
                           [1, None, None]]
    # on or after: Jan P1 = A (Feb) and B (Mar); A's April purchase is not observed.
    assert _rows(r.on_or_after) == [[1, round(2 / 3, 10), round(1 / 3, 10)], [1, 0.5, None],
                                    [1, None, None]]
    assert _rows(r.revenue) == [[80, 20, 10], [70, 25, None], [8, None, None]]
    assert _rows(r.revenue_retention) == [[1, 0.25, 0.125], [1, round(25 / 70, 10), None],
                                          [1, None, None]]
    assert _rows(r.ltv) == [[round(80 / 3, 10), round(100 / 3, 10), round(110 / 3, 10)],
                            [35, 47.5, None], [8, None, None]]
    # weighted over cohorts that observed the period: P1 = (1 + 1) / (3 + 2)
    assert r.curves["on"].round(10).tolist() == [1, 0.4, round(1 / 3, 10)]
    assert r.curves["on_or_after"].round(10).tolist() == [1, 0.6, round(1 / 3, 10)]
    assert r.curves["customers"].tolist() == [6, 5, 3]


def test_cohort_breakdown_by_acquisition_channel():
    r = B.cohort_retention(SIX, cutoff="2025-04-15", customers=SIX_CUSTOMERS,
                           breakdown="channel")
    # app: A (Jan, back in Feb), B (Jan, not in Feb), D (Feb, back in Mar) -> P1 = 2/3
    # store: C (Jan), E (Feb) never back; F's P1 (April) is not observed -> 0/2
    assert r.by_channel.loc["app"].round(10).tolist() == [1, round(2 / 3, 10), 0.5]
    assert r.by_channel.loc["store"].tolist() == [1, 0, 0]
    assert r.channel_sizes.to_dict() == {"app": 3, "store": 3}


def test_cohort_columns_mapping_and_n_periods():
    raw = SIX.rename(columns={"customer_id": "会员", "timestamp": "时间", "amount": "金额"})
    r = B.cohort_retention(raw, cutoff="2025-04-15", n_periods=4,
                           columns={"customer_id": "会员", "timestamp": "时间",
                                    "amount": "金额"})
    assert r.on.shape == (3, 5) and r.on.iloc[:, 3:].isna().all().all()
    assert r.on_or_after.iloc[0, :3].round(10).tolist() == [1, round(2 / 3, 10), round(1 / 3, 10)]


def test_cohort_on_or_after_counts_purchases_past_the_shown_periods():
    r = B.cohort_retention(SIX, cutoff="2025-04-15", n_periods=1)
    assert r.on.iloc[0].round(10).tolist() == [1, round(1 / 3, 10)]
    assert r.on_or_after.iloc[0].round(10).tolist() == [1, round(2 / 3, 10)]


def test_weekly_cohorts_start_on_monday():
    tx = _tx([(1, "2025-01-05 10:00", 5), (1, "2025-01-06 09:00", 5), (2, "2025-01-06 00:00", 5)])
    r = B.cohort_retention(tx, freq="w", cutoff="2025-01-19")
    # Sunday 5 Jan closes the week of Monday 30 Dec; Monday 6 Jan opens the next one
    assert list(r.sizes.index) == list(pd.to_datetime(["2024-12-30", "2025-01-06"]))
    assert _rows(r.on) == [[1, 1, 0], [1, 0, None]]


def test_signup_cohorts_count_customers_who_never_bought():
    cu = pd.DataFrame({"customer_id": ["A", "B", "G"],
                       "signup_date": pd.to_datetime(["2025-01-02", "2025-01-03",
                                                      "2025-01-09"])})
    r = B.cohort_retention(SIX, cohort_by="signup", customers=cu, cutoff="2025-03-31")
    assert r.sizes.tolist() == [3]
    # A buys in Jan and Feb, B in Jan and Mar, G never
    assert r.on.round(10).iloc[0].tolist() == [round(2 / 3, 10), round(1 / 3, 10),
                                              round(1 / 3, 10)]
    assert r.revenue.iloc[0].tolist() == [40, 20, 10]


def test_event_cohorts_use_the_first_of_the_start_events():
    ev = pd.DataFrame({"customer_id": ["A", "A", "D"], "event": ["ad", "visit", "visit"],
                       "timestamp": pd.to_datetime(["2024-12-20", "2025-01-01", "2025-02-01"])})
    r = B.cohort_retention(SIX, cohort_by="event", events=ev, start_events=["visit", "ad"],
                           cutoff="2025-03-31")
    assert r.sizes.tolist() == [1, 1]  # A joins in December 2024, D in February
    assert _rows(r.on) == [[0, 1, 1, 0], [1, 1, None, None]]


def test_cohort_properties_on_random_logs():
    rng = np.random.default_rng(4)
    for _ in range(5):
        n = 400
        tx = pd.DataFrame({"customer_id": rng.integers(0, 60, n),
                           "timestamp": pd.Timestamp("2024-01-01")
                           + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
                           "amount": rng.uniform(1, 50, n)})
        r = B.cohort_retention(tx, freq=str(rng.choice(["D", "W", "M"])))
        assert r.sizes.sum() == tx["customer_id"].nunique()
        assert (r.on_or_after.fillna(0) >= r.on.fillna(0)).all().all()
        assert r.on_or_after.isna().equals(r.on.isna())


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"freq": "Q"}, "freq"), ({"freq": "0D"}, "freq"), ({"freq": ""}, "freq"),
    ({"freq": None}, "freq"), ({"n_periods": 0}, "n_periods"),
    ({"n_periods": float("nan")}, "n_periods"), ({"n_periods": True}, "n_periods"),
    ({"cohort_by": "birthday"}, "cohort_by"), ({"breakdown": "region"}, "breakdown"),
    ({"cohort_by": "signup"}, "customers"), ({"cohort_by": "event"}, "events"),
    ({"cutoff": 20250101}, "cutoff"),
])
def test_cohort_bad_parameters(kwargs, match):
    with pytest.raises(ModelError, match=match):
        B.cohort_retention(SIX, **kwargs)


def test_cohort_start_event_that_never_occurs():
    ev = pd.DataFrame({"customer_id": ["A"], "event": ["visit"],
                       "timestamp": pd.to_datetime(["2025-01-01"])})
    with pytest.raises(ModelError, match="start_events: event 'signup' never occurs"):
        B.cohort_retention(SIX, cohort_by="event", events=ev, start_events="signup")


def test_cohort_cutoff_before_any_purchase():
    with pytest.raises(DataError, match="cutoff"):
        B.cohort_retention(SIX, cutoff="2024-01-01")


# --------------------------------------------------------------------------- paths
def _log(rows):
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "event"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]))


PATHS = _log([
    (1, "2025-01-01", "ad"), (1, "2025-01-02", "ad"), (1, "2025-01-03", "visit"),
    (1, "2025-01-04", "buy"), (1, "2025-01-05", "visit"),
    (2, "2025-01-01", "visit"), (2, "2025-01-02", "buy"), (2, "2025-01-03", "ad"),
    (2, "2025-01-04", "ad"), (2, "2025-01-05", "buy"),
    (3, "2025-01-01", "ad"), (3, "2025-01-02", "visit"), (3, "2025-01-03", "ad"),
    (3, "2025-01-04", "buy"),
])


def test_paths_before_first_purchase_by_hand():
    r = B.user_paths(PATHS, anchor_event="buy", direction="before", steps=2)
    # collapsed: 1 = ad, visit | buy; 2 = visit | buy; 3 = ad, visit, ad | buy
    assert r.paths[["step_1", "step_2", "users"]].values.tolist() == [
        ["ad", "visit", 1], ["visit", "ad", 1], ["(start)", "visit", 1]]
    assert r.users == 3 and r.paths["share"].round(10).tolist() == [round(1 / 3, 10)] * 3
    assert dict(zip(r.lengths["length"], r.lengths["users"], strict=True)) == {1: 1, 2: 1, 3: 1}
    flows = {(f, s, t): u for f, s, t, u in r.flows.itertuples(index=False)}
    assert flows == {(0, "ad", "visit"): 1, (0, "(start)", "visit"): 1, (0, "visit", "ad"): 1,
                     (1, "visit", "buy"): 2, (1, "ad", "buy"): 1}


def test_paths_without_collapsing_repeats():
    r = B.user_paths(PATHS, anchor_event="buy", direction="before", steps=3,
                     collapse_repeats=False)
    assert sorted(r.paths["path"]) == sorted(["ad → ad → visit", "(start) → (start) → visit",
                                              "ad → visit → ad"])
    assert dict(zip(r.lengths["length"], r.lengths["users"], strict=True)) == {1: 1, 3: 2}


def test_paths_after_with_other_folding():
    r = B.user_paths(PATHS, anchor_event="buy", steps=3, top_steps=1)
    # after the first buy: 1 = visit; 2 = ad, buy (ad, ad collapsed); 3 = nothing.
    # ad, buy and visit occur once each: ad is kept (name order breaks the tie).
    got = {p: u for p, u in zip(r.paths["path"], r.paths["users"], strict=True)}
    assert got == {"other → (end) → (end)": 1, "ad → other → (end)": 1,
                   "(end) → (end) → (end)": 1}
    assert r.summary.columns.tolist() == ["path", "users", "share"]


def test_paths_from_first_event_when_no_anchor():
    r = B.user_paths(PATHS, steps=1)
    assert dict(zip(r.paths["path"], r.paths["users"], strict=True)) == {"ad": 2, "visit": 1}


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"steps": 0}, "steps"), ({"steps": True}, "steps"), ({"steps": float("nan")}, "steps"),
    ({"steps": 2.5}, "steps"), ({"top_steps": 0}, "top_steps"),
    ({"direction": "sideways"}, "direction"), ({"collapse_repeats": "yes"}, "collapse_repeats"),
    ({"top_paths": 0}, "top_paths"), ({"anchor_event": ""}, "anchor_event"),
    ({"anchor_event": "signup"}, "anchor_event: event 'signup' never occurs"),
])
def test_paths_bad_parameters(kwargs, match):
    with pytest.raises(ModelError, match=match):
        B.user_paths(PATHS, **kwargs)


def test_paths_missing_event_column_names_the_table():
    with pytest.raises(DataError, match="events"):
        B.user_paths(PATHS.drop(columns="event"))


# --------------------------------------------------------------------------- intervals
INTERVALS = _log([
    ("c1", "2025-01-01 00:00", "click"), ("c1", "2025-01-03 12:00", "buy"),
    ("c1", "2025-01-10 00:00", "buy"),
    ("c2", "2025-01-02 00:00", "click"), ("c2", "2025-01-04 00:00", "click"),
    ("c2", "2025-01-08 00:00", "buy"),
    ("c3", "2025-01-01 00:00", "click"),
])
PACK = pd.Series({"c1": "big", "c2": "small", "c3": "small"})


def test_intervals_first_by_hand():
    r = B.event_intervals(INTERVALS, "click", "buy", breakdown=PACK)
    s = r.summary.set_index("group")
    assert s.loc["big", ["pairs", "not_reached", "mean"]].tolist() == [1, 0, 2.5]
    assert s.loc["small", ["pairs", "not_reached", "mean"]].tolist() == [1, 1, 6.0]
    # all: [2.5, 6]; linear percentiles: p10 = 2.5 + 0.1 * 3.5, p90 = 2.5 + 0.9 * 3.5
    assert s.loc["all", ["pairs", "mean", "median"]].tolist() == [2, 4.25, 4.25]
    assert s.loc["all", ["p10", "p90"]].round(10).tolist() == [2.85, 5.65]


def test_intervals_each_by_hand():
    r = B.event_intervals(INTERVALS, "click", "buy", pairs="each")
    assert sorted(r.intervals["days"]) == [2.5, 4.0, 6.0]
    s = r.summary.iloc[0]
    assert (s["pairs"], s["not_reached"], s["median"]) == (3, 1, 4.0)
    assert round(s["mean"], 10) == round(12.5 / 3, 10)
    assert (s["p25"], s["p75"]) == (3.25, 5.0)
    repurchase = B.event_intervals(INTERVALS, "buy", "buy", pairs="each")
    assert repurchase.intervals["days"].tolist() == [6.5]
    assert repurchase.summary["not_reached"].tolist() == [2]


def test_intervals_signup_to_first_order_from_a_dataset():
    tx = _tx([(1, "2025-01-05", 10), (1, "2025-01-09", 10), (2, "2025-01-04", 10)])
    cu = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2025-01-01",
                                                                             "2025-01-04"])})
    r = B.event_intervals(Dataset(transactions=tx, customers=cu), "signup", "purchase")
    assert r.intervals.set_index("customer_id")["days"].to_dict() == {1: 4.0, 2: 0.0}


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"pairs": "all"}, "pairs"), ({"from_event": "visit"}, "from_event"),
    ({"to_event": 3}, "to_event"), ({"breakdown": "pack"}, "breakdown"), ({"breakdown": 3}, "breakdown"),
])
def test_intervals_bad_parameters(kwargs, match):
    args = {"from_event": "click", "to_event": "buy", **kwargs}
    with pytest.raises(ModelError, match=match):
        B.event_intervals(INTERVALS, **args)


def test_intervals_to_event_never_after():
    with pytest.raises(DataError, match="to_event"):
        B.event_intervals(INTERVALS, "buy", "click")


# --------------------------------------------------------------------------- distribution
def _buys(counts, day="2025-01-10"):
    rows = [(u, pd.Timestamp(day) + pd.Timedelta(hours=i), "buy")
            for u, n in counts.items() for i in range(n)]
    return _log(rows)


def test_distribution_buckets_by_hand():
    ev = _buys({1: 1, 2: 2, 3: 3, 4: 4, 5: 7, 6: 9})
    r = B.event_distribution(ev, "buy")
    assert r.counts.columns.tolist() == ["1", "2-3", "4-6", "7+"]
    assert r.counts.loc["all"].tolist() == [1, 2, 1, 2]
    assert r.shares.loc["all"].round(10).tolist() == [round(v / 6, 10) for v in (1, 2, 1, 2)]
    r2 = B.event_distribution(ev, "buy", buckets=[2, 5])
    assert r2.counts.columns.tolist() == ["2-4", "5+"]
    assert r2.counts.loc["all"].tolist() == [3, 2] and r2.below_first == 1


def test_distribution_period_and_groups():
    ev = pd.concat([_buys({1: 1, 2: 2, 3: 3, 4: 4}),
                    _buys({4: 1}, day="2025-02-01"), _buys({2: 5}, day="2024-12-31")])
    region = pd.Series({1: "n", 2: "n", 3: "s", 4: "s"})
    r = B.event_distribution(ev, "buy", start="2025-01-01", end="2025-01-31", breakdown=region,
                             buckets=(1, 2, 4))
    assert r.counts.loc["n"].tolist() == [1, 1, 0]
    assert r.counts.loc["s"].tolist() == [0, 1, 1]
    assert r.per_user.to_dict() == {1: 1, 2: 2, 3: 3, 4: 4}


@pytest.mark.parametrize(("buckets", "match"), [
    ((1, 3, 2), "increasing"), ((1, 1), "increasing"), ((0, 2), "buckets"),
    ((1, 2.5), "buckets"), ((True, 2), "buckets"), ((), "increasing"), ("1,2", "buckets"),
    ((1, float("nan")), "buckets"),
])
def test_distribution_bad_buckets(buckets, match):
    with pytest.raises(ModelError, match=match):
        B.event_distribution(_buys({1: 1}), "buy", buckets=buckets)


def test_distribution_bad_period():
    with pytest.raises(ModelError, match="end"):
        B.event_distribution(_buys({1: 1}), "buy", start="2025-02-01", end="2025-01-01")
    with pytest.raises(ModelError, match="event: event 'sell' never occurs"):
        B.event_distribution(_buys({1: 1}), "sell")


# --------------------------------------------------------------------------- profile
PROFILE_TX = _tx([(i, "2025-01-01", a) for i, a in
                  zip(range(1, 9), [100, 200, 300, 400, 50, 60, 70, 80], strict=True)])
PROFILE_CU = pd.DataFrame({"customer_id": range(1, 9),
                           "region": ["north"] * 3 + ["south", "north"] + ["south"] * 3})


def test_profile_index_and_p_values_against_scipy_and_statsmodels():
    r = B.segment_profile([1, 2, 3, 4], PROFILE_TX, customers=PROFILE_CU)
    cat = r.categorical.set_index("level")
    assert cat.loc["north", ["share_segment", "share_base", "index"]].tolist() == [0.75, 0.5, 150]
    assert cat.loc["south", "index"] == 50
    z, p = proportions_ztest([3, 1], [4, 4])  # segment vs the rest, pooled variance
    assert cat.loc["north", "z"] == pytest.approx(z, rel=1e-12)
    assert cat.loc["north", "p_value"] == pytest.approx(p, rel=1e-12)
    num = r.numeric.set_index("metric")
    assert num.loc["spend", ["mean_segment", "mean_base"]].tolist() == [250, 157.5]
    assert num.loc["spend", "index"] == pytest.approx(100 * 250 / 157.5, rel=1e-12)
    welch = stats.ttest_ind([100, 200, 300, 400], [50, 60, 70, 80], equal_var=False)
    assert num.loc["spend", "p_value"] == pytest.approx(welch.pvalue, rel=1e-12)
    assert r.segment_size == 4 and r.base_size == 8


def test_profile_boolean_series_and_text_ids():
    mask = pd.Series([True] * 4 + [False] * 4, index=range(1, 9))
    a = B.segment_profile(mask, PROFILE_TX, customers=PROFILE_CU)
    b = B.segment_profile(["1", "2", "3", "4"], PROFILE_TX, customers=PROFILE_CU)
    assert a.summary.equals(b.summary)


def test_profile_bad_segments():
    with pytest.raises(ModelError, match="segment: is empty"):
        B.segment_profile([], PROFILE_TX)
    with pytest.raises(DataError, match="segment: 1 of its 2 ids are not in the base"):
        B.segment_profile([1, 99], PROFILE_TX)
    with pytest.raises(ModelError, match="segment"):
        B.segment_profile(5, PROFILE_TX)


# --------------------------------------------------------------------------- plots
def test_plots_draw_and_accept_chinese_labels():
    import matplotlib.pyplot as plt

    from omnimkt.plotting import behaviour as P

    coh = B.cohort_retention(SIX, cutoff="2025-04-15", customers=SIX_CUSTOMERS,
                             breakdown="channel")
    fig, ax = plt.subplots()
    assert P.plot_cohort_triangle(coh, ax=ax, title="留存", ylabel="同期群") is ax
    assert ax.get_title() == "留存"
    cells = [t.get_text() for t in ax.texts]
    assert cells.count("100%") == 3 and len(cells) == 6  # three censored cells stay blank
    paths = B.user_paths(PATHS, anchor_event="buy", direction="before", steps=2)
    assert P.plot_path_flow(paths, ax=ax, title="路径") is ax
    with pytest.raises(ModelError, match="metric"):
        P.plot_cohort_triangle(coh, metric="churn")
    plt.close("all")


def test_dataset_inputs_supply_customers():
    ds = Dataset(transactions=SIX, customers=SIX_CUSTOMERS)
    r = B.cohort_retention(ds, cutoff="2025-04-15", breakdown="channel")
    assert r.channel_sizes.to_dict() == {"app": 3, "store": 3}
    p = B.segment_profile(["A", "B", "D"], ds)
    assert p.categorical.set_index("level").loc["app", "index"] == pytest.approx(200)


def test_paths_note_users_without_the_anchor():
    extra = pd.concat([PATHS, _log([(4, "2025-01-01", "ad")])])
    r = B.user_paths(extra, anchor_event="buy", steps=1)
    assert r.users == 3 and any("1 users never did buy" in n for n in r.notes)
