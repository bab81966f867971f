"""omnimkt.experiments against statsmodels / scipy, hand computation and the synthetic truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from omnimkt import DataError, ModelError
from omnimkt.datasets import generate
from omnimkt.datasets.campaign import CAMPAIGN_FEATURES, campaign_experiment
from omnimkt.experiments import (
    UpliftModel,
    analyse_test,
    assign,
    minimum_detectable_effect,
    power,
    qini_curve,
    sample_size,
    target_actions,
    uplift_by_segment,
)

sm_power = pytest.importorskip("statsmodels.stats.power")
sm_prop = pytest.importorskip("statsmodels.stats.proportion")
sm_ws = pytest.importorskip("statsmodels.stats.weightstats")

ALTS = ("two-sided", "larger", "smaller")


# --------------------------------------------------------------------------- design
@pytest.mark.parametrize("alt", ALTS)
@pytest.mark.parametrize("share", [0.5, 0.1, 0.7])
def test_sample_size_of_proportions_equals_statsmodels(alt, share):
    lift = -0.02 if alt == "smaller" else 0.02
    d = sample_size(baseline=0.06, lift=lift, alternative=alt, control_share=share,
                    alpha=0.05, power=0.8)
    h = sm_prop.proportion_effectsize(0.06 + lift, 0.06)
    n1 = sm_power.NormalIndPower().solve_power(effect_size=h, nobs1=None, alpha=0.05,
                                               power=0.8, ratio=share / (1 - share),
                                               alternative=alt)
    assert d.effect_size == pytest.approx(h, rel=1e-12)
    assert d.n_treatment_exact == pytest.approx(n1, rel=1e-6)
    assert d.n_treatment == math.ceil(n1)


@pytest.mark.parametrize("alt", ALTS)
def test_sample_size_of_means_with_ratio_equals_statsmodels(alt):
    lift = -5.0 if alt == "smaller" else 5.0
    d = sample_size("mean", baseline=100, lift=lift, sd=40, ratio=0.25, alternative=alt,
                    power=0.9, alpha=0.01)
    n1 = sm_power.TTestIndPower().solve_power(effect_size=lift / 40, nobs1=None, alpha=0.01,
                                              power=0.9, ratio=0.25, alternative=alt)
    assert d.n_treatment_exact == pytest.approx(n1, rel=1e-6)
    assert d.n_control == math.ceil(n1 * 0.25 - 1e-9)


def test_relative_lift_means_the_same_as_the_absolute_one():
    a = sample_size(baseline=0.05, relative_lift=0.2)
    b = sample_size(baseline=0.05, lift=0.01)
    assert a.n_treatment_exact == pytest.approx(b.n_treatment_exact, rel=1e-12)


@pytest.mark.parametrize("alt", ALTS)
def test_power_equals_statsmodels(alt):
    lift = -0.015 if alt == "smaller" else 0.015
    d = power(baseline=0.06, lift=lift, n_total=12000, control_share=0.1, alternative=alt)
    h = sm_prop.proportion_effectsize(0.06 + lift, 0.06)
    expected = sm_power.NormalIndPower().power(h, nobs1=10800, alpha=0.05, ratio=1200 / 10800,
                                               alternative=alt)
    assert (d.n_treatment, d.n_control) == (10800, 1200)
    assert d.power == pytest.approx(expected, abs=1e-10)
    m = power("mean", baseline=50, relative_lift=0.1, sd=20, n_total=300, control_share=0.3,
              alternative=alt if alt != "smaller" else "two-sided")
    exp_t = sm_power.TTestIndPower().power(5 / 20, nobs1=210, alpha=0.05, ratio=90 / 210,
                                           alternative=alt if alt != "smaller" else "two-sided")
    assert m.power == pytest.approx(exp_t, abs=1e-10)


@pytest.mark.parametrize("alt", ALTS)
def test_minimum_detectable_effect_reaches_the_power_in_statsmodels(alt):
    d = minimum_detectable_effect(baseline=0.06, n_total=20000, control_share=0.1,
                                  alternative=alt)
    sm = sm_power.NormalIndPower()
    assert sm.power(d.effect_size, nobs1=18000, alpha=0.05, ratio=2000 / 18000,
                    alternative=alt) == pytest.approx(0.8, abs=1e-9)
    solved = sm.solve_power(effect_size=None, nobs1=18000, alpha=0.05, power=0.8,
                            ratio=2000 / 18000, alternative=alt)
    assert d.effect_size == pytest.approx(solved, rel=1e-5)  # statsmodels' own tolerance
    assert sm_prop.proportion_effectsize(d.target, 0.06) == pytest.approx(d.effect_size,
                                                                          rel=1e-10)
    m = minimum_detectable_effect("mean", sd=3, n_total=300, control_share=0.3,
                                  alternative=alt)
    assert sm_power.TTestIndPower().power(m.effect_size, nobs1=210, alpha=0.05, ratio=90 / 210,
                                          alternative=alt) == pytest.approx(0.8, abs=1e-9)
    assert m.lift == pytest.approx(3 * m.effect_size)


def test_minimum_detectable_mean_on_a_large_test():
    # a fixed search bracket made scipy's noncentral t return NaN for large tests
    d = minimum_detectable_effect("mean", sd=40, n_total=5000)
    assert sm_power.TTestIndPower().power(d.effect_size, nobs1=2500, alpha=0.05,
                                          ratio=1.0) == pytest.approx(0.8, abs=1e-9)


@pytest.mark.parametrize("bad", [0, 1, 1.2, -0.1, float("nan"), True, "0.05"])
def test_alpha_and_power_outside_zero_one_are_rejected(bad):
    with pytest.raises(ModelError, match="alpha"):
        sample_size(baseline=0.1, lift=0.01, alpha=bad)
    with pytest.raises(ModelError, match="power"):
        sample_size(baseline=0.1, lift=0.01, power=bad)
    with pytest.raises(ModelError, match="alpha"):
        analyse_test(pd.DataFrame({"group": ["treatment", "control"] * 2, "y": [1, 0, 0, 1]}),
                     outcome="y", alpha=bad)


@pytest.mark.parametrize("bad", [0, 1, -0.5, 1.5, float("nan"), True])
def test_control_share_outside_zero_one_is_rejected(bad):
    with pytest.raises(ModelError, match="control_share"):
        sample_size(baseline=0.1, lift=0.01, control_share=bad)
    with pytest.raises(ModelError, match="control_share"):
        assign(pd.DataFrame({"customer_id": range(10)}), control_share=bad)


def test_design_rejects_bad_effects_and_kinds():
    with pytest.raises(ModelError, match="metric"):
        sample_size("ratio", baseline=0.1, lift=0.01)
    with pytest.raises(ModelError, match="alternative"):
        sample_size(baseline=0.1, lift=0.01, alternative="greater")
    with pytest.raises(ModelError, match="lift, relative_lift"):
        sample_size(baseline=0.1)
    with pytest.raises(ModelError, match="lift"):
        sample_size(baseline=0.1, lift=0.95)  # treated rate above 1
    with pytest.raises(ModelError, match="sd"):
        sample_size("mean", lift=1.0)
    with pytest.raises(ModelError, match="sd"):
        sample_size("mean", lift=1.0, sd=float("nan"))
    with pytest.raises(ModelError, match="control_share, ratio"):
        sample_size(baseline=0.1, lift=0.01, control_share=0.2, ratio=0.25)
    with pytest.raises(ModelError, match="alternative"):
        sample_size(baseline=0.1, lift=-0.01, alternative="larger")
    with pytest.raises(ModelError, match="n_total"):
        power(baseline=0.1, lift=0.01, n_total=2.5)
    with pytest.raises(ModelError, match="baseline"):
        sample_size(baseline=True, lift=0.01)


# --------------------------------------------------------------------------- assignment
def _customers(n=1000):
    rng = np.random.default_rng(5)
    return pd.DataFrame({"customer_id": np.arange(10_000, 10_000 + n),
                         "tier": rng.choice(["top", "mid", "low"], n, p=[0.15, 0.35, 0.5])})


def test_assignment_is_reproducible_to_the_byte():
    c = _customers()
    a = assign(c, control_share=0.1, strata="tier", seed=7).table
    b = assign(c, control_share=0.1, strata="tier", seed=7).table
    other = assign(c, control_share=0.1, strata="tier", seed=8).table
    assert a.to_csv(index=False).encode() == b.to_csv(index=False).encode()
    assert pd.util.hash_pandas_object(a).equals(pd.util.hash_pandas_object(b))
    assert not a["group"].equals(other["group"])
    assert a["customer_id"].tolist() == c["customer_id"].tolist()  # input order kept


def test_stratified_shares_are_exact_within_each_stratum(tmp_path):
    c = _customers(1003)
    res = assign(c, control_share=0.1, strata="tier", seed=1)
    sizes = c["tier"].value_counts()
    got = res.table[res.table["group"] == "control"]["stratum"].value_counts()
    for tier, size in sizes.items():
        assert got[tier] == math.floor(size * 0.1 + 0.5), tier
    path = tmp_path / "list.csv"
    res.to_csv(path)
    back = pd.read_csv(path)
    assert back.columns.tolist() == ["customer_id", "group", "stratum"] and len(back) == 1003


def test_assignment_without_strata_and_with_a_generator():
    c = _customers(200)
    res = assign(c, control_share=0.25, seed=np.random.default_rng(3))
    assert (res.table["group"] == "control").sum() == 50
    assert set(res.table["stratum"]) == {"all"}


def test_assignment_rejects_bad_input():
    with pytest.raises(ModelError, match="seed"):
        assign(_customers(), seed=-1)
    with pytest.raises(ModelError, match="seed"):
        assign(_customers(), seed=True)
    with pytest.raises(ModelError, match="strata"):
        assign(_customers(), strata="value_tier")
    with pytest.raises(DataError, match="customers"):
        assign(pd.DataFrame({"customer_id": [1, 1, 2]}))
    with pytest.raises(DataError, match="customers"):
        assign(pd.DataFrame({"member": [1, 2]}))
    res = assign(pd.DataFrame({"member": [1, 2, 3, 4]}), columns={"customer_id": "member"},
                 control_share=0.5)
    assert (res.table["group"] == "control").sum() == 2


# --------------------------------------------------------------------------- analysis
def _conversion_frame(n_t=5400, n_c=600, c_t=378, c_c=30):
    return pd.DataFrame({
        "group": ["treatment"] * n_t + ["control"] * n_c,
        "bought": [1] * c_t + [0] * (n_t - c_t) + [1] * c_c + [0] * (n_c - c_c)})


def test_conversion_equals_statsmodels_ztest_and_wald_interval():
    res = analyse_test(_conversion_frame(), outcome="bought", control_share=0.1)
    row = res.summary.iloc[0]
    z, p = sm_prop.proportions_ztest([378, 30], [5400, 600])
    low, high = sm_prop.confint_proportions_2indep(378, 5400, 30, 600, method="wald")
    r_low, r_high = sm_prop.confint_proportions_2indep(378, 5400, 30, 600, compare="ratio",
                                                       method="log")
    assert row["statistic"] == pytest.approx(z, rel=1e-10)
    assert row["p_value"] == pytest.approx(p, rel=1e-10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), rel=1e-10)
    assert row["difference"] == pytest.approx(378 / 5400 - 30 / 600)
    assert row["relative_lift"] == pytest.approx((378 / 5400) / (30 / 600) - 1)
    assert (row["rel_ci_low"], row["rel_ci_high"]) == pytest.approx((r_low - 1, r_high - 1),
                                                                    rel=1e-10)
    assert not res.srm
    for alt, sm_alt in (("larger", "larger"), ("smaller", "smaller")):
        one = analyse_test(_conversion_frame(), outcome="bought", alternative=alt,
                           control_share=0.1)
        assert one.summary.iloc[0]["p_value"] == pytest.approx(
            sm_prop.proportions_ztest([378, 30], [5400, 600], alternative=sm_alt)[1], rel=1e-10)


def test_means_equal_scipy_welch_and_its_interval():
    rng = np.random.default_rng(11)
    t, c = rng.gamma(2.0, 60.0, 300), rng.gamma(2.0, 50.0, 80)
    df = pd.DataFrame({"group": ["treatment"] * 300 + ["control"] * 80,
                       "spend": np.concatenate([t, c])})
    res = analyse_test(df, outcome="spend", metric="mean", alpha=0.1, control_share=0.2)
    row = res.summary.iloc[0]
    ref = stats.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(confidence_level=0.9)
    assert row["statistic"] == pytest.approx(ref.statistic, rel=1e-10)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    cm = sm_ws.CompareMeans(sm_ws.DescrStatsW(t), sm_ws.DescrStatsW(c))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        cm.tconfint_diff(alpha=0.1, usevar="unequal"), rel=1e-10)
    # relative lift interval: delta method by hand
    m1, m2 = t.mean(), c.mean()
    v1, v2 = t.var(ddof=1) / 300, c.var(ddof=1) / 80
    se = math.sqrt(v1 / m2**2 + m1**2 * v2 / m2**4)
    assert row["rel_ci_low"] == pytest.approx(m1 / m2 - 1 - stats.norm.ppf(0.95) * se)
    one = analyse_test(df, outcome="spend", metric="mean", alternative="larger",
                       control_share=0.2)
    assert one.summary.iloc[0]["p_value"] == pytest.approx(
        stats.ttest_ind(t, c, equal_var=False, alternative="greater").pvalue, rel=1e-10)


def test_cuped_by_hand():
    y = np.array([3.0, 5.0, 4.0, 8.0, 2.0, 6.0, 7.0, 5.0])
    x = np.array([2.0, 4.0, 4.0, 7.0, 1.0, 5.0, 5.0, 3.0])
    g = ["treatment", "control"] * 4
    res = analyse_test(pd.DataFrame({"group": g, "y": y, "x": x}), outcome="y", metric="mean",
                       pre="x")
    # by hand: theta = sum((x-xbar)(y-ybar)) / sum((x-xbar)^2)
    xbar, ybar = x.mean(), y.mean()
    theta = ((x - xbar) * (y - ybar)).sum() / ((x - xbar) ** 2).sum()
    adj = y - theta * (x - xbar)
    assert res.theta == pytest.approx(theta, rel=1e-12)
    assert res.variance_reduction == pytest.approx(1 - adj.var(ddof=1) / y.var(ddof=1))
    assert res.variance_reduction == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2)
    cuped = res.summary.set_index("analysis").loc["CUPED"]
    ref = stats.ttest_ind(adj[0::2], adj[1::2], equal_var=False)
    assert cuped["statistic"] == pytest.approx(ref.statistic, rel=1e-10)
    assert cuped["difference"] == pytest.approx(adj[0::2].mean() - adj[1::2].mean())
    assert any("CUPED removed" in n for n in res.notes)


def test_sample_ratio_mismatch_is_flagged_on_a_skewed_split():
    skewed = _conversion_frame(n_t=5000, n_c=1000, c_t=350, c_c=60)  # planned 10 % control
    res = analyse_test(skewed, outcome="bought", control_share=0.1)
    expected = stats.chisquare([5000, 1000], [5400, 600]).pvalue
    assert res.srm and res.srm_p_value == pytest.approx(expected)
    assert any("sample-ratio mismatch" in n for n in res.notes)
    fine = analyse_test(_conversion_frame(), outcome="bought", control_share=0.1)
    assert not fine.srm and not any("mismatch" in n for n in fine.notes)


def test_stopping_early_is_warned():
    res = analyse_test(_conversion_frame(), outcome="bought", control_share=0.1,
                       planned_n=10256)
    assert res.stopped_early and any("stopped early" in n for n in res.notes)
    full = analyse_test(_conversion_frame(), outcome="bought", control_share=0.1, planned_n=6000)
    assert not full.stopped_early


def test_analysis_rejects_groups_of_one_and_identical_groups():
    one = pd.DataFrame({"group": ["treatment", "control", "control"], "y": [1, 0, 1]})
    with pytest.raises(DataError, match="'treatment' has 1 customer"):
        analyse_test(one, outcome="y")
    same = pd.DataFrame({"group": ["treatment", "control"] * 5, "y": [5.0] * 10})
    with pytest.raises(DataError, match="zero variance"):
        analyse_test(same, outcome="y", metric="mean")
    none_bought = pd.DataFrame({"group": ["treatment", "control"] * 5, "y": [0] * 10})
    with pytest.raises(DataError, match="no variation"):
        analyse_test(none_bought, outcome="y")
    flat_pre = pd.DataFrame({"group": ["treatment", "control"] * 3, "y": [1.0, 2, 3, 4, 5, 7],
                             "x": [1.0] * 6})
    with pytest.raises(DataError, match="pre-period"):
        analyse_test(flat_pre, outcome="y", metric="mean", pre="x")


def test_analysis_rejects_bad_kinds_and_columns():
    df = _conversion_frame(100, 100, 10, 5)
    with pytest.raises(ModelError, match="metric"):
        analyse_test(df, outcome="bought", metric="ratio")
    with pytest.raises(ModelError, match="outcome"):
        analyse_test(df, outcome="sales")
    with pytest.raises(ModelError, match="planned_n"):
        analyse_test(df, outcome="bought", planned_n=float("nan"))
    with pytest.raises(DataError, match="group"):
        analyse_test(df.assign(group="x"), outcome="bought")
    with pytest.raises(DataError, match="0/1"):
        analyse_test(df.assign(bought=2.5), outcome="bought")


# --------------------------------------------------------------------------- targeting
def test_uplift_by_segment_by_hand():
    df = pd.DataFrame({"tier": ["A"] * 6 + ["B"] * 6,
                       "group": ["treatment"] * 3 + ["control"] * 3 + ["treatment"] * 3
                       + ["control"] * 3,
                       "y": [1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0]})
    s = uplift_by_segment(df, segment="tier", outcome="y").summary.set_index("tier")
    assert s.loc["A", "uplift"] == pytest.approx(2 / 3 - 1 / 3)
    se = math.sqrt((2 / 3 * 1 / 3) * 1.5 / 3 * 2)  # sample var (ddof=1) of 3 values / n, twice
    assert s.loc["A", "ci_high"] == pytest.approx(1 / 3 + stats.norm.ppf(0.975) * se)


def test_qini_curve_by_hand():
    # sorted by score: T1 C0 T0 C1 -> Q(1)=1, Q(2)=1-0*1/1=1, Q(3)=1-0=1, Q(4)=1-1*2/2=0
    q = qini_curve([0.9, 0.8, 0.2, 0.1], [1, 0, 0, 1], [1, 0, 1, 0])
    assert q.curve["qini"].tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    share = np.linspace(0, 1, 5)
    expected = np.trapezoid(np.array([0, 1, 1, 1, 0.0]) - share * 0.0, share) / 4
    assert q.qini_coefficient == pytest.approx(expected)


@pytest.fixture(scope="module")
def campaign():
    world = generate(20000, seed=1, tables=("transactions", "customers"))
    return world, campaign_experiment(world, seed=0)


def test_campaign_world_has_heterogeneous_true_effects(campaign):
    _, table = campaign
    assert (table["true_effect"] < -0.03).mean() > 0.01  # some are hurt by the contact
    assert (table["true_effect"] > 0.05).mean() > 0.05
    assert (table["treated"].mean()) == pytest.approx(0.5, abs=1e-4)
    again = campaign_experiment(campaign[0], seed=0)
    assert again.equals(table)


def test_uplift_model_ranks_by_true_effect_better_than_a_response_model(campaign, capsys):
    from sklearn.ensemble import HistGradientBoostingClassifier

    _, table = campaign
    X = table[list(CAMPAIGN_FEATURES)]
    train = np.arange(len(table)) % 2 == 0
    y, t = table["converted"].to_numpy(), table["treated"].to_numpy()
    model = UpliftModel().fit(X[train], y[train], t[train])
    uplift = model.predict(X[~train])
    codes = X.assign(acquisition_channel=X["acquisition_channel"].astype("category").cat.codes)
    resp = HistGradientBoostingClassifier(random_state=0).fit(codes[train & t], y[train & t])
    response = resp.predict_proba(codes[~train])[:, 1]
    truth = table["true_effect"].to_numpy()[~train]
    rho_u = stats.spearmanr(uplift, truth).statistic
    rho_r = stats.spearmanr(response, truth).statistic
    q_u = qini_curve(uplift, y[~train], t[~train]).qini_coefficient
    q_r = qini_curve(response, y[~train], t[~train]).qini_coefficient
    with capsys.disabled():
        print(f"\nSpearman with the true effect: uplift {rho_u:.3f}, response {rho_r:.3f}; "
              f"Qini: uplift {q_u:.5f}, response {q_r:.5f}")
    assert rho_u > 0.3 and rho_u > rho_r + 0.2
    assert q_u > q_r


def test_uplift_model_contract_and_logistic_learner(campaign):
    from sklearn.base import clone

    _, table = campaign
    X = table[list(CAMPAIGN_FEATURES)].iloc[:4000]
    y, t = table["converted"].iloc[:4000], table["treated"].iloc[:4000]
    m = UpliftModel(learner="logistic", max_iter=500)
    assert clone(m).get_params() == m.get_params()
    assert m.fit(X, y, t) is m
    out = m.predict_outcomes(X)
    assert np.allclose(out["uplift"], out["p_treated"] - out["p_control"])
    with pytest.raises(ModelError, match="learner"):
        UpliftModel(learner="forest").fit(X, y, t)
    with pytest.raises(ModelError, match="learning_rate"):
        UpliftModel(learning_rate=float("nan")).fit(X, y, t)
    with pytest.raises(ModelError, match="n_jobs"):
        UpliftModel(n_jobs=0).fit(X, y, t)
    with pytest.raises(DataError, match="treatment"):
        m.fit(X, y, np.full(len(X), 2))
    with pytest.raises(DataError, match="treated customers"):
        m.fit(X, y, np.zeros(len(X)))


def test_targeted_action_list_keeps_customers_the_call_helps(campaign):
    from omnimkt.retention import ReplenishmentModel

    world, table = campaign
    model = UpliftModel().fit(table[list(CAMPAIGN_FEATURES)], table["converted"],
                              table["treated"])
    actions = ReplenishmentModel().fit(world.transactions).actions(horizon_days=14)
    feats = table.set_index("customer_id")[list(CAMPAIGN_FEATURES)]
    res = target_actions(actions, model, feats, cost_per_contact=5, value_per_conversion=200)
    assert res.threshold == pytest.approx(0.025)
    assert (res.actions["uplift"] > 0.025).all() and (res.dropped["uplift"].fillna(0) <= 0.025).all()
    assert len(res.actions) + len(res.dropped) == len(actions)
    true = table.set_index("customer_id")["true_effect"]
    kept, dropped = true.reindex(res.actions["customer_id"]), true.reindex(res.dropped["customer_id"])
    assert kept.mean() > dropped.mean()
    with pytest.raises(ModelError, match="cost_per_contact"):
        target_actions(actions, model, feats, cost_per_contact=-1)


def test_target_actions_on_a_plain_list_with_unknown_customers(campaign):
    _, table = campaign
    feats = table.set_index("customer_id")[list(CAMPAIGN_FEATURES)].iloc[:3000]
    model = UpliftModel(learner="logistic", max_iter=500).fit(
        feats, table["converted"].iloc[:3000], table["treated"].iloc[:3000])
    ids = [*feats.index[:20], -1, -2]
    res = target_actions(pd.DataFrame({"customer_id": ids}), model, feats)
    expected = model.predict(feats.iloc[:20]) > 0
    assert sorted(res.actions["customer_id"]) == sorted(np.array(ids[:20])[expected])
    assert res.summary.loc[0, "listed"] == 22
    assert any("2 listed customers had no features" in n for n in res.notes)
    with pytest.raises(DataError, match="actions"):
        target_actions(pd.DataFrame({"member": ids}), model, feats)


def test_campaign_rejects_bad_input(campaign):
    world, _ = campaign
    for bad in (0, 1, float("nan"), True):
        with pytest.raises(ModelError, match="treat_share"):
            campaign_experiment(world, treat_share=bad)
    with pytest.raises(ModelError, match="window_days"):
        campaign_experiment(world, window_days=0)
    with pytest.raises(DataError, match="world"):
        campaign_experiment(object())
    none = campaign_experiment(world, effect_scale=0, seed=3)
    assert (none["true_effect"] == 0).all()


def test_uplift_by_segment_rejects_bad_input():
    df = pd.DataFrame({"tier": ["A"] * 4, "group": ["treatment", "control"] * 2, "y": [1, 0] * 2})
    with pytest.raises(ModelError, match="segment"):
        uplift_by_segment(df, segment="value_tier", outcome="y")
    with pytest.raises(ModelError, match="alpha"):
        uplift_by_segment(df, segment="tier", outcome="y", alpha=1.0)
    with pytest.raises(DataError, match="two customers in each group"):
        uplift_by_segment(df.iloc[:3], segment="tier", outcome="y")


def test_targeting_compared_with_contacting_everyone_by_hand():
    feats = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]}, index=[1, 2, 3, 4])

    class Fixed(UpliftModel):  # uplift 0.30, 0.02, -0.05, 0.10 for customers 1-4
        def predict(self, X):
            return np.array([0.30, 0.02, -0.05, 0.10])[X["x"].to_numpy().astype(int)]

    model = Fixed()
    model.treated_model_ = object()
    actions = pd.DataFrame({"customer_id": [1, 2, 3, 4, 9]})  # 9 has no features
    res = target_actions(actions, model, feats, cost_per_contact=4, value_per_conversion=100)
    out = res.compare(pd.Series([0.2, 0.0, -0.1, 0.05, 0.01], index=[1, 2, 3, 4, 9]))
    # everyone: 5 contacts, cost 20; uplift 0.30+0.02-0.05+0.10 = 0.37 -> 37 - 20 = 17
    # targeted (uplift > 0.04): customers 1 and 4, cost 8; 0.40 -> 40 - 8 = 32
    everyone, targeted = out.loc["contact everyone listed"], out.loc["contact the targeted"]
    assert everyone["contacts"] == 5 and everyone["cost"] == 20
    assert everyone["incremental_conversions"] == pytest.approx(0.37)
    assert everyone["net_value"] == pytest.approx(17.0)
    assert targeted["contacts"] == 2 and targeted["net_value"] == pytest.approx(32.0)
    # truth: everyone 0.2+0-0.1+0.05+0.01 = 0.16 -> 16 - 20 = -4; targeted 0.25 -> 25 - 8 = 17
    assert everyone["true_net_value"] == pytest.approx(-4.0)
    assert targeted["true_incremental_conversions"] == pytest.approx(0.25)
    assert targeted["true_net_value"] == pytest.approx(17.0)
    with pytest.raises(DataError, match="true_effect"):
        res.compare(pd.Series([0.1], index=[1]))
    with pytest.raises(DataError, match="true_effect"):
        res.compare([0.1, 0.2])


def test_test_result_plot_with_cuped_draws_one_interval_per_analysis():
    import matplotlib

    matplotlib.use("Agg")
    from omnimkt.plotting.experiments import plot_test_result

    df = pd.DataFrame({"group": ["treatment"] * 4 + ["control"] * 4,
                       "bought": [1, 1, 1, 0, 1, 0, 0, 0], "before": [1, 1, 0, 0, 1, 0, 1, 0]})
    ax = plot_test_result(analyse_test(df, outcome="bought", pre="before"))
    assert len(ax.containers) == 2  # unadjusted and CUPED (two colours used to fail)
