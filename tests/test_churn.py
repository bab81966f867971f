"""Tests of omnimkt.churn: hand-made features and labels (exact values), evaluation
against hand-computed metrics, the synthetic world's ground truth, and bad input."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnimkt import DataError, ModelError
from omnimkt.churn import (
    SupervisedChurnModel,
    channel_retention,
    churn_backtest,
    churn_features,
    churn_labels,
    compare_churn,
    evaluate_churn,
    true_churn,
    winback_thresholds,
)

matplotlib.use("Agg")

CUT = "2025-02-10"


@pytest.fixture
def tx() -> pd.DataFrame:
    """Three customers; customer 3 only buys after the cut-off."""
    rows = [
        # customer, timestamp, order, amount, channel, category, qty, list
        (1, "2025-01-01 10:00", 1, 100.0, "store_pos", "formula", 2, 110.0),
        (1, "2025-01-01 10:00", 1, 50.0, "store_pos", "other", 1, 50.0),
        (1, "2025-01-11 12:00", 2, 100.0, "app", "formula", 1, 100.0),
        (1, "2025-01-31 18:00", 3, 150.0, "ecommerce", "formula", 3, 160.0),
        (1, "2025-03-01 09:00", 4, 80.0, "app", "formula", 1, 80.0),
        (2, "2025-01-20 11:00", 5, 40.0, "app", "other", 1, 40.0),
        (3, "2025-02-20 15:00", 6, 60.0, "mini_shop", "formula", 1, 60.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "timestamp", "order_id", "amount",
                                     "channel", "category", "quantity", "list_price"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    df["discount"] = df["list_price"] - df["amount"]
    return df


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3],
        "signup_date": pd.to_datetime(["2025-01-01", "2025-01-20", "2025-02-20"]),
        "referrer_id": pd.array([pd.NA, 1, 1], dtype="Int64"),
    })


@pytest.fixture
def touchpoints() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 9],
        "timestamp": pd.to_datetime(["2024-12-20", "2024-12-28", "2025-02-15", "2025-01-01"]),
        "channel": ["social_kol", "search_ads", "sms", "tv"],
    })


# --------------------------------------------------------------------------- features
def test_features_exact_values(tx, customers, touchpoints):
    f = churn_features(tx, CUT, customers=customers, touchpoints=touchpoints)
    assert f.index.tolist() == [1, 2]  # customer 3 has not bought by the cut-off
    one, two = f.loc[1], f.loc[2]
    assert one["n_orders"] == 3 and one["n_purchase_days"] == 3
    assert one["recency_days"] == 10 and one["tenure_days"] == 40
    assert one["total_spend"] == 400.0
    assert one["avg_basket"] == pytest.approx(400 / 3)
    assert one["avg_units"] == pytest.approx(7 / 3)
    assert one["n_channels"] == 3
    assert one["cat_share_formula"] == pytest.approx(350 / 400)
    assert one["cat_share_other"] == pytest.approx(50 / 400)
    assert one["avg_discount_rate"] == pytest.approx(20 / 420)
    # gaps 10 and 20 days: mean 15, population std 5, CV 1/3; 10 days since last / 15
    assert one["gap_mean_days"] == 15.0 and one["gap_median_days"] == 15.0
    assert one["gap_cv"] == pytest.approx(1 / 3)
    assert one["overdue_ratio"] == pytest.approx(10 / 15)
    # customer 2 was referred by 1; customer 3's referral comes after the cut-off
    assert (one["was_referred"], one["n_referred"]) == (0, 1)
    assert (two["was_referred"], two["n_referred"]) == (1, 0)
    # touches on or before the cut-off only: Dec 20 and Dec 28 (44 days before)
    assert (one["n_touchpoints"], one["n_touch_channels"]) == (2, 2)
    assert one["days_since_last_touch"] == 44.0
    assert (two["n_touchpoints"], two["n_touch_channels"]) == (0, 0)
    assert np.isnan(two["days_since_last_touch"])
    assert two["n_orders"] == 1 and two["recency_days"] == 21
    assert two["cat_share_other"] == 1.0
    assert np.isnan(two["gap_mean_days"]) and np.isnan(two["gap_cv"])
    assert np.isnan(two["overdue_ratio"])


def test_features_use_calibration_window_only(tx):
    later = tx.copy()
    later.loc[later["customer_id"] == 1, "amount"] *= np.where(
        later.loc[later["customer_id"] == 1, "timestamp"] > pd.Timestamp(CUT), 100.0, 1.0)
    pd.testing.assert_frame_equal(churn_features(tx, CUT), churn_features(later, CUT))


def test_features_minimal_columns_and_row_order(tx):
    small = tx[["customer_id", "timestamp", "amount"]]
    f = churn_features(small.sample(frac=1.0, random_state=3), CUT)
    # without order_id, the two lines of customer 1's first order share a timestamp: one order
    assert f.loc[1, "n_orders"] == 3
    assert "n_channels" not in f.columns and "avg_units" not in f.columns
    pd.testing.assert_frame_equal(f, churn_features(small, CUT))


def test_purchase_on_cutoff_day_is_calibration(tx):
    f = churn_features(tx, "2025-01-31")
    assert f.loc[1, "recency_days"] == 0


# --------------------------------------------------------------------------- labels
def test_labels_exact(tx):
    # window (Feb 10, Mar 1]: customer 1 buys on Mar 1 (last day of window counts)
    y = churn_labels(tx, CUT, horizon_days=19)
    assert y.to_dict() == {1: 0, 2: 1}
    assert y.name == "churned"
    # window (Feb 10, Feb 28]: Mar 1 is outside
    y = churn_labels(tx, CUT, horizon_days=18)
    assert y.to_dict() == {1: 1, 2: 1}


def test_labels_with_observation_end(tx):
    y = churn_labels(tx, CUT, horizon_days=90, observation_end="2025-06-30")
    assert y.to_dict() == {1: 0, 2: 1}


# --------------------------------------------------------------------------- bad input
def test_cutoff_before_data(tx):
    with pytest.raises(DataError, match=r"before the first transaction.*no customer is active"
                       r".*transactions\.timestamp, 0 of 7 rows"):
        churn_features(tx, "2024-06-30")


def test_cutoff_after_data(tx):
    with pytest.raises(DataError, match=r"on or after the end of the data.*"
                       r"transactions\.timestamp"):
        churn_labels(tx, "2025-03-01")


def test_horizon_beyond_data(tx):
    with pytest.raises(DataError, match=r"90-day horizon.*ends 2025-05-11.*never observed"):
        churn_labels(tx, CUT, horizon_days=90)


def test_bad_horizon(tx):
    with pytest.raises(ModelError, match="horizon_days: must be a whole number >= 1, got 0"):
        churn_labels(tx, CUT, horizon_days=0)


def test_missing_column(tx):
    with pytest.raises(DataError, match="amount"):
        churn_features(tx.drop(columns="amount"), CUT)


def test_no_customer_in_calibration_for_backtest(tx):
    with pytest.raises(DataError, match="no customer is active"):
        churn_backtest(tx, "2024-12-01")


def test_one_class_labels_fit():
    X = pd.DataFrame({"recency_days": [1.0, 2.0, 3.0]}, index=[1, 2, 3])
    y = pd.Series([1, 1, 1], index=X.index)
    with pytest.raises(DataError, match=r"labels: all 3 customers are churned \(1\)"):
        SupervisedChurnModel().fit(X, y)


def test_one_class_evaluate():
    with pytest.raises(DataError, match=r"y_true: all 4 customers are active \(0\)"):
        evaluate_churn([0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4])


def test_labels_not_binary():
    with pytest.raises(DataError, match=r"y_true: 1 labels are not 0/1"):
        evaluate_churn([0, 1, 2], [0.1, 0.2, 0.3])


def test_missing_scores():
    with pytest.raises(DataError, match=r"scores: 1 missing"):
        evaluate_churn(pd.Series([0, 1, 1]), pd.Series([0.1, np.nan, 0.3]))


def test_no_shared_customers():
    with pytest.raises(DataError, match="share no customer_id"):
        evaluate_churn(pd.Series([0, 1], index=[1, 2]), pd.Series([0.1, 0.2], index=[3, 4]))


def test_model_misuse():
    from sklearn.exceptions import NotFittedError as SkNotFitted

    from omnimkt.errors import NotFittedError

    with pytest.raises(NotFittedError, match="SupervisedChurnModel is not fitted"):
        SupervisedChurnModel().predict_proba(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(SkNotFitted):
        _ = SupervisedChurnModel().summary
    X = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(ModelError, match="method: 'forest' is not one of 'gbm', 'logistic'"):
        SupervisedChurnModel("forest").fit(X, pd.Series([0, 1]))


def test_channel_retention_needs_channel(tx):
    with pytest.raises(DataError, match="no channel column"):
        channel_retention(tx.drop(columns="channel"), CUT, 19)


def test_winback_bad_rates():
    with pytest.raises(ModelError, match="success_rate: must be a number >= 0 and <= 1"):
        winback_thresholds(pd.Series([0.5]), cost_per_contact=1, saved_value=10,
                           success_rate=1.5)
    with pytest.raises(DataError, match=r"must be churn probabilities in \[0, 1\]"):
        winback_thresholds(pd.Series([2.0]), cost_per_contact=1, saved_value=10,
                           success_rate=0.5)


# --------------------------------------------------------------------------- evaluation
def test_evaluate_hand_computed():
    # 2 churners, 2 non-churners; pairs ranked right: (.35>.1), (.8>.1), (.8>.4) = 3 of 4
    ev = evaluate_churn(pd.Series([0, 0, 1, 1]), pd.Series([0.1, 0.4, 0.35, 0.8]), n_bins=2)
    assert ev.roc_auc == 0.75
    # average precision: recall steps at ranks 1 (precision 1) and 3 (precision 2/3)
    assert ev.pr_auc == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert ev.gains["churners"].tolist() == [1, 1]
    assert ev.gains["lift"].tolist() == [1.0, 1.0]
    assert ev.summary.loc["brier", "score"] == pytest.approx(
        (0.1**2 + 0.4**2 + 0.65**2 + 0.2**2) / 4)
    assert "roc_auc" in ev.to_markdown() and "<h4>" in ev._repr_html_()


def test_gains_top_decile():
    y = pd.Series([1] * 10 + [0] * 90)
    s = pd.Series(np.linspace(1, 0, 100))  # the 10 churners score highest
    ev = evaluate_churn(y, s)
    assert ev.gains.loc[1, "lift"] == 10.0
    assert ev.summary.loc["capture_top10", "score"] == 1.0
    assert ev.roc_auc == 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 100)), min_size=4, max_size=60))
def test_evaluation_invariants(pairs):
    y = pd.Series([int(a) for a, _ in pairs])
    s = pd.Series([b / 100 for _, b in pairs])
    if y.nunique() < 2:
        return
    ev = evaluate_churn(y, s)
    g = ev.gains
    assert g["customers"].sum() == len(y) and g["churners"].sum() == y.sum()
    assert g["cum_churners_share"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(g["cum_churners_share"]) >= 0).all()
    # ROC AUC depends on the ranking only
    assert evaluate_churn(y, s**3).roc_auc == pytest.approx(ev.roc_auc)


def test_compare_same_customers():
    y = pd.Series([0, 1, 0, 1, 1], index=[1, 2, 3, 4, 5])
    a = pd.Series([0.1, 0.9, 0.2, 0.7, 0.8], index=y.index)
    b = pd.Series([0.5, 0.4, 0.6, 0.7], index=[1, 2, 3, 4])  # no score for customer 5
    cmp = compare_churn(y, {"a": a, "b": b})
    assert cmp.summary["customers"].tolist() == [4.0, 4.0]
    assert cmp.summary["roc_auc"].tolist() == [1.0, 0.5]
    assert cmp.best == "a"


def test_winback_exact():
    s = pd.Series([0.9, 0.6, 0.3, 0.1])
    plan = winback_thresholds(s, cost_per_contact=10, saved_value=100, success_rate=0.2,
                              thresholds=[0.0, 0.5, 0.8])
    # contact all: 1.9 expected churners x 0.2 x 100 = 38 - 40 = -2
    assert plan.summary["net_value"].round(6).tolist() == [-2.0, 10.0, 8.0]
    assert plan.best_threshold == 0.5
    assert plan.breakeven_probability == 0.5
    # with observed labels: churners are customers 0 and 2
    plan = winback_thresholds(s, y_true=pd.Series([1, 0, 1, 0]), cost_per_contact=10,
                              saved_value=100, success_rate=0.2, thresholds=[0.0, 0.5, 0.8])
    assert plan.summary["net_value"].round(6).tolist() == [0.0, 0.0, 10.0]
    # backfire: each contacted non-churner lost with prob .1 costs 100
    plan = winback_thresholds(s, cost_per_contact=10, saved_value=100, success_rate=0.2,
                              thresholds=[0.5], backfire_rate=0.1)
    assert plan.summary["net_value"].iloc[0] == pytest.approx(30 - 20 - 0.5 * 10)


def test_winback_nothing_pays():
    plan = winback_thresholds(pd.Series([0.1, 0.2]), cost_per_contact=100, saved_value=10,
                              success_rate=0.1)
    assert plan.best_threshold is None and plan.best is None


def test_channel_retention_hand_made():
    # customer 1: 3 channels, buys again; customer 2: 2 channels, does not; 3: 1, buys again
    tx = pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 2, 2, 2, 3, 3],
        "timestamp": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-09", "2025-02-10",
                                     "2025-01-02", "2025-01-06", "2025-01-10", "2025-01-03",
                                     "2025-02-05"]),
        "amount": 1.0, "channel": ["a", "b", "c", "a", "a", "a", "b", "a", "a"]})
    r = channel_retention(tx, "2025-01-31", 10)
    assert r.by_channels["customers"].to_dict() == {"1": 1, "2": 1, "3+": 1}
    assert r.by_channels["retention"].to_dict() == {"1": 1.0, "2": 0.0, "3+": 1.0}
    assert r.summary.loc["raw", "retention_fewer"] == 0.5
    # only band 2-3 holds both groups: customer 1 (3 orders) vs customer 2 (3 orders)
    assert r.summary.loc["stratified", "retention_fewer"] == 0.0
    assert "frequency" in r.confounding


# --------------------------------------------------------------------------- the world
@pytest.fixture(scope="module")
def world():
    from omnimkt.datasets import generate

    return generate(3000, seed=0)


@pytest.fixture(scope="module")
def backtest(world):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*chained_assignment")
        return churn_backtest(world.transactions, "2025-09-30", customers=world.customers,
                              touchpoints=world.touchpoints, truth=world.truth.customers)


def test_world_both_approaches_rank_churners(backtest):
    s = backtest.summary
    # generate(3000, seed=0), cut-off 2025-09-30, 90 days: measured 0.966 / 0.968 / 0.968
    assert s.loc["P(no purchase in 90 d) [MBG/NBD]", "roc_auc"] > 0.94
    assert s.loc["P(no purchase in 90 d) [BG/NBD]", "roc_auc"] > 0.94
    assert s.loc["supervised (gbm)", "roc_auc"] > 0.94
    assert s.loc["supervised (gbm)", "pr_auc"] > 0.95
    # BG/NBD gives every one-time buyer P(alive) = 1, and 30% of this world's customers
    # are trial-only buyers: 1 - P(alive) is no better than chance (measured 0.505) ...
    assert s.loc["1 - P(alive) [BG/NBD]", "roc_auc"] < 0.6
    # ... while MBG/NBD, which lets them drop out after the first purchase, ranks well
    assert s.loc["1 - P(alive) [MBG/NBD]", "roc_auc"] > 0.94
    assert 0.5 < s["base_rate"].iloc[0] < 0.75


def test_world_truth_auc(backtest):
    s = backtest.summary
    # against the true dropout dates: MBG/NBD 1 - P(alive) 0.972, supervised 0.972
    assert s.loc["1 - P(alive) [MBG/NBD]", "truth_roc_auc"] > 0.95
    assert s.loc["supervised (gbm)", "truth_roc_auc"] > 0.95
    assert s.loc["P(no purchase in 90 d) [MBG/NBD]", "truth_roc_auc"] > 0.95
    assert s.loc["1 - P(alive) [BG/NBD]", "truth_roc_auc"] < 0.6


def test_world_probabilities_calibrated(backtest):
    # mean |predicted - observed| over probability bins: measured 0.028 and 0.013
    for name in ("P(no purchase in 90 d) [MBG/NBD]", "supervised (gbm)"):
        c = backtest.evaluations[name].calibration
        gap = (c["mean_predicted"] - c["observed_rate"]).abs()
        assert np.average(gap, weights=c["customers"]) < 0.06
        assert backtest.summary.loc[name, "brier"] < 0.08


def test_world_seeded_reproducible(world, backtest):
    again = SupervisedChurnModel(seed=0).fit(
        churn_features(world.transactions, "2025-07-02"),
        churn_labels(world.transactions, "2025-07-02", 90))
    first = SupervisedChurnModel(seed=0).fit(
        churn_features(world.transactions, "2025-07-02"),
        churn_labels(world.transactions, "2025-07-02", 90))
    X = churn_features(world.transactions, "2025-09-30")
    pd.testing.assert_series_equal(again.predict_proba(X), first.predict_proba(X))


def test_world_true_churn(world):
    t = true_churn(world.truth.customers, "2025-09-30")
    cd = world.truth.customers["churn_date"]
    # inclusive cut-off: a drop-out during 30 September (at any hour) counts
    assert t.sum() == int((cd < pd.Timestamp("2025-10-01")).sum())


def test_world_channel_claim_confounded(world):
    r = channel_retention(world.transactions, "2025-09-30")
    # raw: 3+ channel customers retain much better (measured +108%, the vendor said +90%)
    assert r.raw_uplift > 0.7
    # ... but they also order far more, and within frequency bands most of it goes
    assert r.by_channels.loc["3+", "mean_orders"] > 3 * r.by_channels.loc["1", "mean_orders"]
    assert r.adjusted_uplift < r.raw_uplift / 4  # measured +7.7%
    assert r.summary.loc["stratified", "ci_low_pts"] < 0 < r.summary.loc["raw", "ci_low_pts"]


def test_world_winback_best_threshold_is_breakeven(backtest):
    s = backtest.scores["P(no purchase in 90 d) [MBG/NBD]"]
    plan = winback_thresholds(s, cost_per_contact=20, saved_value=800, success_rate=0.1)
    # with calibrated probabilities contacting pays above cost / (success x value) = 0.25
    assert plan.breakeven_probability == 0.25
    assert plan.best_threshold == 0.25


def test_plots(backtest, world):
    from omnimkt.plotting import churn as pc

    ev = backtest.evaluations["supervised (gbm)"]
    for fn in (pc.plot_roc, pc.plot_pr, pc.plot_gains, pc.plot_lift, pc.plot_calibration):
        ax = fn(backtest)
        assert ax.get_xlabel() and ax.get_ylabel()
        fn(ev)
    ax = pc.plot_calibration(backtest, approaches=["supervised (gbm)"])
    assert len(ax.get_lines()) == 2  # the score and the diagonal
    with pytest.raises(ModelError, match="approaches: 'nope' is not one of"):
        pc.plot_roc(backtest, approaches=["nope"])
    import matplotlib.pyplot as plt

    for fn in (pc.plot_roc, pc.plot_pr, pc.plot_gains, pc.plot_lift, pc.plot_calibration):
        fig, ax = plt.subplots()
        assert fn(backtest, ax=ax) is ax and fig.axes == [ax]
        plt.close(fig)
    ax = pc.plot_channel_retention(channel_retention(world.transactions, "2025-09-30"))
    assert "frequency band" in ax.get_xlabel()
    s = backtest.scores["P(no purchase in 90 d) [MBG/NBD]"]
    ax = pc.plot_winback(winback_thresholds(s, cost_per_contact=20, saved_value=800,
                                            success_rate=0.1))
    assert ax.get_ylabel() == "yuan"
    import matplotlib.pyplot as plt

    plt.close("all")


def test_churn_scores_now(world):
    from omnimkt.churn import churn_scores

    s = churn_scores(world.transactions)
    assert s.attrs["cutoff"] == pd.Timestamp("2025-12-31")
    assert s.index.is_unique and len(s) == world.transactions["customer_id"].nunique()
    assert s[["churn_prob", "p_no_purchase", "p_alive"]].apply(
        lambda c: c.between(0, 1).all()).all()
    # the longer since the last purchase, the likelier the churn (rank correlation)
    assert s["churn_prob"].corr(s["recency_days"], method="spearman") > 0.8  # 0.94


def test_report_section():
    from omnimkt.datasets import generate
    from omnimkt.report_sections import churn as section
    from omnimkt.report_sections.config import resolve_config

    world = generate(1500, seed=3, tables=("transactions",))
    cfg = {**resolve_config({}), "_saved_value": 300.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        an = section.analyse(world, cfg)
    cmp = an["cmp"]
    last = world.transactions["timestamp"].max().normalize()
    assert cmp.cutoff == an["cut"] == last - pd.Timedelta(days=90)
    assert cmp.horizon_days == 90
    again = section.analyse(world, cfg)["cmp"]
    pd.testing.assert_frame_equal(cmp.summary, again.summary)  # deterministic


def test_saved_customer_value():
    from omnimkt.churn import saved_customer_value

    tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [100.0, 100.0, 50.0, 400.0],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01",
                                                    "2024-01-01"])})
    # customers 1 (200) and 2 (50) bought in the year to June 30; median 125 x 0.5
    assert saved_customer_value(tx, "2025-06-30", margin=0.5) == 62.5
    with pytest.raises(ModelError, match="margin: must be a number > 0 and <= 1"):
        saved_customer_value(tx, margin=0.0)
    # a one-year look-back by default; 30 days back only customer 1 (100) bought
    assert saved_customer_value(tx, "2025-06-30", margin=0.5, lookback_days=30) == 50.0


def test_world_not_yet_lapsed(backtest):
    hard = backtest.not_yet_lapsed()
    f = backtest.features
    assert hard.summary["customers"].iloc[0] == int((f["recency_days"] < 90).sum())
    # customers who bought in the last 90 days are harder to call than all active ones
    for name in ("P(no purchase in 90 d) [MBG/NBD]", "supervised (gbm)"):
        assert hard.summary.loc[name, "roc_auc"] < backtest.summary.loc[name, "roc_auc"] - 0.05
    # generate(3000, seed=0): supervised 0.85 on the not-yet-lapsed, recency alone less
    assert hard.summary.loc["supervised (gbm)", "roc_auc"] > 0.8
    recency = evaluate_churn(hard.labels, hard.features["recency_days"]).roc_auc
    assert hard.summary.loc["supervised (gbm)", "roc_auc"] > recency


def test_probabilistic_scores_consistent(backtest):
    for name, prob in backtest.probabilistic.items():
        assert (prob["churn_prob"] == 1 - prob["p_alive"]).all()
        # a customer who has left makes no purchase: P(none in 90 d) >= P(dead)
        assert (prob["p_no_purchase"] >= prob["churn_prob"] - 1e-9).all(), name
        assert prob.index.equals(backtest.labels.index)


def test_backtest_scores_ignore_the_holdout():
    from omnimkt.datasets import generate

    tx = generate(800, seed=5, tables=("transactions",)).transactions
    cut = pd.Timestamp("2025-09-30")
    # drop the purchases after the cut-off of the odd-numbered customers
    after = tx["timestamp"] >= cut + pd.Timedelta(days=1)
    blind = tx[~(after & (tx["customer_id"] % 2 == 1))]
    a = churn_backtest(tx, cut)
    b = churn_backtest(blind, cut, observation_end=tx["timestamp"].max())
    scores = a.scores.columns.drop("churned")
    pd.testing.assert_frame_equal(a.scores[scores], b.scores[scores])
    assert b.labels.sum() > a.labels.sum()  # only the labels changed


def test_features_with_text_ids(tx, customers):
    tx = tx.assign(customer_id="c" + tx["customer_id"].astype(str))
    cu = customers.assign(customer_id="c" + customers["customer_id"].astype(str),
                          referrer_id=["", "c1", "c1"])
    f = churn_features(tx, CUT, customers=cu.replace({"referrer_id": {"": None}}))
    assert f.index.tolist() == ["c1", "c2"]
    assert f["n_referred"].tolist() == [1, 0] and f["was_referred"].tolist() == [0, 1]


def test_bad_customers_table(tx, customers):
    with pytest.raises(DataError, match="referrer_id"):
        churn_features(tx, CUT, customers=customers.assign(
            referrer_id=pd.array([pd.NA, 1, 7], dtype="Int64")))


# --------------------------------------------------------------------------- one contract
def test_supervised_model_clones_and_checks_settings_at_fit():
    from sklearn.base import clone

    X = pd.DataFrame({"recency_days": [1.0, 2, 50, 60, 3, 70]}, index=[1, 2, 3, 4, 5, 6])
    y = pd.Series([0, 0, 1, 1, 0, 1], index=X.index)
    m = SupervisedChurnModel("logistic", seed=3, n_jobs=1, C=0.5)
    c = clone(m)  # used to fail: **params is not a scikit-learn setting
    assert c.get_params() == m.get_params() and c.C == 0.5
    assert m.fit(X, y) is m
    assert list(m.summary.index) == ["method", "customers", "base churn rate", "features"]
    # explicit settings reach the classifier (independent check: the fitted sklearn object)
    assert m.pipeline_.named_steps["model"].C == 0.5
    for bad, match in [({"n_jobs": 0}, "n_jobs"), ({"seed": -1}, "seed"),
                       ({"seed": True}, "seed"), ({"C": float("nan")}, "C"),
                       ({"max_iter": 2.5}, "max_iter"), ({"learning_rate": 0}, "learning_rate")]:
        model = SupervisedChurnModel(**bad)  # stored unchanged ...
        with pytest.raises(ModelError, match=f"{match}: "):  # ... and refused at fit
            model.fit(X, y)


def test_columns_mapping_everywhere(tx):
    raw = tx.rename(columns={"customer_id": "member", "timestamp": "paid_at"})
    cols = {"customer_id": "member", "timestamp": "paid_at"}
    pd.testing.assert_frame_equal(churn_features(raw, CUT, columns=cols), churn_features(tx, CUT))
    pd.testing.assert_series_equal(churn_labels(raw, CUT, 19, columns=cols),
                                   churn_labels(tx, CUT, 19))
    with pytest.raises(ModelError, match="columns: unknown canonical name"):
        churn_labels(raw, CUT, 19, columns={"member": "customer_id"})


def test_aware_cutoff_is_its_own_wall_clock_day(tx):
    # used to be refused; now read as the shop's own calendar day, like omnimkt.clv
    aware = churn_features(tx, "2025-02-10 23:30-05:00")
    pd.testing.assert_frame_equal(aware, churn_features(tx, CUT))
    with pytest.raises(ModelError, match="cutoff: 20250210 is a number, not a date"):
        churn_labels(tx, 20250210)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"cost_per_contact": float("nan")}, "cost_per_contact"),
    ({"saved_value": -5}, "saved_value"),
    ({"success_rate": True}, "success_rate"),
    ({"backfire_rate": 1.5}, "backfire_rate"),
    ({"thresholds": [0.5, float("nan")]}, "thresholds"),
])
def test_winback_bad_numbers_are_model_errors(kwargs, match):
    args = {"cost_per_contact": 1.0, "saved_value": 10.0, "success_rate": 0.5, **kwargs}
    with pytest.raises(ModelError, match=f"{match}: must be a"):
        winback_thresholds(pd.Series([0.5, 0.2]), **args)


def test_other_bad_numbers_are_model_errors(tx):
    with pytest.raises(ModelError, match="n_bins: must be a whole number >= 1"):
        evaluate_churn([0, 1], [0.1, 0.9], n_bins=0)
    with pytest.raises(ModelError, match="horizon_days: must be a whole number >= 1"):
        churn_labels(tx, CUT, horizon_days=2.5)
    with pytest.raises(ModelError, match="threshold: must be a whole number >= 2"):
        channel_retention(tx, CUT, 19, threshold=1)
    with pytest.raises(ModelError, match="bands: must be a whole number >= 1"):
        channel_retention(tx, CUT, 19, bands=(1, -2))
    with pytest.raises(ModelError, match="method: 'forest'"):
        churn_backtest(tx, CUT, method="forest")


def test_text_and_integer_ids_across_tables_are_matched_or_rejected():
    # Hand-built: customer 1 was referred by 2 and touched twice before the cut-off.
    tx = pd.DataFrame({"customer_id": [1, 1, 2],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-20", "2025-01-05"]),
                       "amount": [10.0, 20.0, 5.0]})
    customers = pd.DataFrame({"customer_id": ["1", "2"], "referrer_id": ["2", None]})
    touches = pd.DataFrame({"customer_id": ["1", "1"], "channel": ["sms", "app_push"],
                            "timestamp": pd.to_datetime(["2025-01-02", "2025-01-03"])})
    f = churn_features(tx, "2025-01-31", customers=customers, touchpoints=touches)
    assert f.loc["1", "n_touchpoints"] == 2 and f.loc["2", "n_touchpoints"] == 0
    as_ints = churn_features(tx, "2025-01-31", customers=customers.assign(
        customer_id=[1, 2], referrer_id=pd.array([2, None], dtype="Int64")))
    mixed = churn_features(tx, "2025-01-31", customers=customers)
    pd.testing.assert_frame_equal(mixed.reset_index(drop=True), as_ints.reset_index(drop=True))
    assert mixed.loc["1", "was_referred"] == 1 and mixed.loc["2", "n_referred"] == 1
    with pytest.raises(DataError, match="touchpoints.customer_id: none of its 1 ids occurs"):
        churn_features(tx, "2025-01-31", touchpoints=touches.assign(customer_id="C-9"))
