"""Tests of omnimkt.clv against the published CDNOW results (Fader, Hardie & Lee 2005;
Fader & Hardie's Gamma-Gamma note), lifetimes on the same input, hand-computed examples
and the synthetic world's ground truth. Reference figures: shared/REFERENCES.md."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import omnimkt
from omnimkt import DataError, ModelError, ModelWarning
from omnimkt.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    calibration_holdout,
    compare_models,
    cumulative_tracking,
    customer_value,
    holdout_by_frequency,
    period_transactions,
    rfm_summary,
    score_against_truth,
    value_tiers,
    win_back_list,
)
from omnimkt.datasets import load_cdnow

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    # CDNOW 1/10th sample from the lifetimes wheel, read by our own loader
    return load_cdnow("sample")


@pytest.fixture(scope="module")
def ch(cdnow) -> pd.DataFrame:
    return calibration_holdout(cdnow, CAL_END, OBS_END)


@pytest.fixture(scope="module")
def bg(ch) -> BetaGeoModel:
    return BetaGeoModel().fit(ch)


@pytest.fixture(scope="module")
def pnbd(ch) -> ParetoNBDModel:
    return ParetoNBDModel().fit(ch)


@pytest.fixture(scope="module")
def gg(ch) -> GammaGammaModel:
    return GammaGammaModel().fit(ch)


def _lifetimes_summary(tx, end, multiplier):
    from lifetimes.utils import summary_data_from_transaction_data

    return summary_data_from_transaction_data(
        tx, "customer_id", "timestamp", monetary_value_col="amount",
        observation_period_end=end, freq="D", freq_multiplier=multiplier,
    ).sort_index()


# ---------------------------------------------------------------- data preparation


def test_cdnow_calibration_holdout_counts(ch):
    # REFERENCES.md: 2,357 customers, 2,457 calibration repeat purchases, 1,882 holdout,
    # 1,411 with zero repeat purchases; 39-week calibration (T max 38.86), 39-week holdout.
    assert len(ch) == 2357
    assert ch["frequency_cal"].sum() == 2457
    assert ch["frequency_holdout"].sum() == 1882
    assert (ch["frequency_cal"] == 0).sum() == 1411
    assert ch["T_cal"].max() == pytest.approx(272 / 7)
    assert ch["duration_holdout"].iloc[0] == pytest.approx(273 / 7)


@pytest.mark.parametrize(("unit", "multiplier"), [("D", 1), ("W", 7)])
def test_rfm_summary_equals_lifetimes_on_cdnow(cdnow, unit, multiplier):
    ours = rfm_summary(cdnow, observation_end=CAL_END, time_unit=unit)
    theirs = _lifetimes_summary(cdnow, CAL_END, multiplier)
    assert list(ours.index) == list(theirs.index)
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[col].to_numpy(float), theirs[col].to_numpy(), rtol=1e-12)


def test_rfm_summary_hand_example():
    tx = pd.DataFrame({
        "customer_id": ["b", "a", "a", "a", "a"],
        "timestamp": pd.to_datetime(["2025-01-08 00:00", "2025-01-01 09:00", "2025-01-01 18:00",
                                     "2025-01-15 00:00", "2025-02-12 00:00"]),
        "amount": [7.0, 5.0, 5.0, 20.0, 40.0],
    })
    s = rfm_summary(tx, observation_end="2025-01-29", time_unit="D")
    # a: purchase days 01-01 (merged 10.0), 01-15; 02-12 is after the end.
    assert s.loc["a"].tolist() == [1, 14.0, 28.0, 20.0]
    assert s.loc["b"].tolist() == [0, 0.0, 21.0, 0.0]
    m = rfm_summary(tx, observation_end="2025-01-29", time_unit="M")
    assert m.loc["a", "T"] == pytest.approx(28 / 30.4375)
    assert m.attrs["time_unit"] == "M"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 60), st.integers(0, 23),
                          st.floats(0.5, 500, allow_nan=False)), min_size=2, max_size=40),
       st.integers(0, 70))
def test_rfm_summary_matches_lifetimes_and_invariants(rows, end_offset):
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "hour", "amount"])
    tx["timestamp"] = (pd.Timestamp("2025-01-01") + pd.to_timedelta(tx["day"], unit="D")
                       + pd.to_timedelta(tx["hour"], unit="h"))
    tx = tx[["customer_id", "timestamp", "amount"]]
    end = pd.Timestamp("2025-01-01") + pd.Timedelta(days=end_offset)
    if end.normalize() < tx["timestamp"].min().normalize():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = rfm_summary(tx, observation_end=end, time_unit="W")
        shuffled = rfm_summary(tx.sample(frac=1, random_state=1), observation_end=end,
                               time_unit="W")
    pd.testing.assert_frame_equal(ours, shuffled)
    theirs = _lifetimes_summary(tx, end, 7)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(), rtol=1e-9, atol=1e-9)
    assert (ours["recency"] <= ours["T"]).all() and (ours["recency"] >= 0).all()
    assert (ours.loc[ours["frequency"] == 0, "recency"] == 0).all()


def test_rfm_summary_with_column_mapping_and_no_amount():
    raw = pd.DataFrame({"member_no": [1, 1, 2], "paid_at": ["2025-01-01", "2025-01-08",
                                                            "2025-01-02"]})
    s = rfm_summary(raw, columns={"customer_id": "member_no", "timestamp": "paid_at"})
    assert list(s.columns) == ["frequency", "recency", "T"]
    assert s.loc[1, "recency"] == pytest.approx(1.0)


def test_calibration_cutoff_outside_data_is_data_error(cdnow):
    with pytest.raises(DataError, match=r"cutoff=1990-01-01.*transactions\.timestamp"):
        calibration_holdout(cdnow, "1990-01-01")
    with pytest.raises(DataError, match="cutoff=1999-01-01"):
        calibration_holdout(cdnow, "1999-01-01")
    with pytest.raises(DataError, match="observation_end"):
        calibration_holdout(cdnow, CAL_END, "1997-06-30")


def test_missing_column_and_bad_unit(cdnow):
    with pytest.raises(DataError, match=r"transactions: missing column\(s\) timestamp"):
        rfm_summary(cdnow.drop(columns="timestamp"))
    with pytest.raises(ModelError, match="time_unit: 'Y' is not one of"):
        rfm_summary(cdnow, time_unit="Y")
    with pytest.raises(DataError, match="observation_end"):
        rfm_summary(cdnow, observation_end="1990-01-01")


def test_impossible_summary_is_data_error():
    bad = pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 9.0], "T": [4.0, 10.0]})
    with pytest.raises(DataError, match="1 rows have impossible"):
        BetaGeoModel().fit(bad)


# ---------------------------------------------------------------- published CDNOW numbers


def test_bgnbd_reproduces_fader_hardie_lee(bg):
    assert bg.params_.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bg.n_patterns_ < bg.n_customers_ == 2357
    s = bg.summary
    assert list(s.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert ((s["lower_95"] < s["estimate"]) & (s["estimate"] < s["upper_95"])).all()


def test_compressed_fit_equals_uncompressed_lifetimes(ch, bg):
    from lifetimes import BetaGeoFitter

    raw = BetaGeoFitter().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    np.testing.assert_allclose(bg.params_.to_numpy(), raw.params_.to_numpy(), rtol=1e-4)
    # Standard errors: ours (delta method on log-parameters) agree with lifetimes' diagonal.
    np.testing.assert_allclose(bg.summary["std_error"].to_numpy(),
                               raw.standard_errors_.to_numpy(), rtol=0.02)


def test_paretonbd_reproduces_published(pnbd):
    assert pnbd.params_.round(3).tolist() == [0.553, 10.578, 0.606, 11.669]
    assert pnbd.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)


def test_gamma_gamma_reproduces_note(gg):
    assert gg.params_.round(2).tolist() == [6.25, 3.74, 15.44]
    assert gg.n_customers_ == 946
    assert gg.summary.attrs["independence_corr"] == pytest.approx(gg.independence_corr_)
    assert abs(gg.independence_corr_) < 0.3  # CDNOW: spend roughly independent


def test_bgnbd_single_customer_and_unconditional(bg):
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert bg.expected_purchases(39, one).iloc[0] == pytest.approx(1.226, abs=5e-4)
    ex = bg.expected_population_purchases([1, 3, 32, 78])
    # (the t = 78 reference, 1.8576, sits 0.0004 below the value at the fitted parameters)
    np.testing.assert_allclose(ex.to_numpy(), [0.0532, 0.1506, 1.0437, 1.8576], atol=5e-4)
    np.testing.assert_allclose(ex.to_numpy()[:3], [0.0532, 0.1506, 1.0437], atol=6e-5)


def test_conditional_expectation_table(bg, ch):
    tab = holdout_by_frequency(bg, ch)
    assert tab["customers"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]
    np.testing.assert_allclose(tab["actual"], [.237, .697, 1.393, 1.560, 2.532, 2.947, 3.862,
                                               6.359], atol=5e-4)
    np.testing.assert_allclose(tab["predicted"], [.225, .523, 1.044, 1.520, 2.164, 2.654,
                                                  3.504, 6.157], atol=5e-4)


def test_cumulative_tracking_week_78(bg, cdnow):
    tr = cumulative_tracking(bg, cdnow, cutoff=CAL_END, observation_end=OBS_END)
    assert len(tr) == 78 and tr.attrs["calibration_period"] == 39
    assert tr["actual"].iloc[-1] == 4339
    assert tr["actual"].iloc[38] == 2457
    # REFERENCES.md: ~4,171 expected (-3.9%).
    assert tr["expected"].iloc[-1] == pytest.approx(4171, rel=0.005)
    assert tr["expected_incremental"].sum() == pytest.approx(tr["expected"].iloc[-1])


def test_period_transactions_and_compare_models(bg, ch):
    pt = period_transactions(bg, ch, seed=3)
    assert pt["actual"].sum() == 2357
    assert pt["model"].sum() == pytest.approx(2357)
    assert abs(pt.loc["0", "model"] - 1411) < 40
    pd.testing.assert_frame_equal(pt, period_transactions(bg, ch, seed=3))
    for other in (ParetoNBDModel().fit(ch), ModifiedBetaGeoModel().fit(ch)):
        sim = period_transactions(other, ch, seed=3, n_sims=5)
        assert abs(sim.loc["0", "model"] - 1411) < 60  # both fit the zero class well
    cmp = compare_models(ch, [bg, ParetoNBDModel(), ModifiedBetaGeoModel()])
    assert list(cmp.index) == ["BG/NBD", "Pareto/NBD", "MBG/NBD"]
    assert cmp.loc["BG/NBD", "log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    assert (cmp["holdout_actual"] == 1882).all()
    assert (cmp["holdout_error_pct"].abs() < 20).all()


# ---------------------------------------------------------------- predictions


def test_probabilities_and_no_purchase_identity(bg, pnbd, ch):
    for model in (bg, pnbd, ModifiedBetaGeoModel().fit(ch)):
        pa = model.probability_alive(ch)
        p0 = model.probability_no_purchase(13, ch)
        assert pa.between(0, 1).all() and p0.between(0, 1).all()
        assert (p0 >= 1 - pa - 1e-12).all()  # dead customers never buy
    # BG/NBD and MBG/NBD closed forms == likelihood ratio L(x, tx, T + t) / L(x, tx, T).
    x, tx, T = (ch[c].to_numpy(float) for c in ("frequency_cal", "recency_cal", "T_cal"))
    for model in (bg, ModifiedBetaGeoModel().fit(ch)):
        p = model.params_.to_numpy()
        ll = np.array([[model._loglik(p, x[i:i + 1], tx[i:i + 1], T[i:i + 1] + dt, np.ones(1))
                        for dt in (0.0, 13.0)] for i in range(0, len(x), 97)])
        np.testing.assert_allclose(model.probability_no_purchase(13, ch).to_numpy()[::97],
                                   np.exp(ll[:, 1] - ll[:, 0]), rtol=1e-9)


def test_paretonbd_no_nan_where_lifetimes_fails(pnbd):
    from lifetimes import ParetoNBDFitter

    lf = ParetoNBDFitter()
    lf.params_ = pnbd.params_.copy()
    x = np.array([0, 1, 5, 20, 100, 200, 300.0])
    tx = np.array([0, 10, 38, 38.86, 38.86, 38.86, 38.86])
    T = np.full(7, 38.86)
    with np.errstate(all="ignore"):
        theirs_pa = lf.conditional_probability_alive(x, tx, T)
        theirs_ex = lf.conditional_expected_number_of_purchases_up_to_time(10, x, tx, T)
        theirs_p0 = np.array([lf.conditional_probability_of_n_purchases_up_to_time(0, 10, *v)
                              for v in zip(x, tx, T, strict=True)])
    assert np.isnan(theirs_pa[-2:]).all()  # the scipy >= 1.16 failure we guard against
    df = pd.DataFrame({"frequency": x, "recency": tx, "T": T})
    pa = pnbd.probability_alive(df).to_numpy()
    ex = pnbd.expected_purchases(10, df).to_numpy()
    p0 = pnbd.probability_no_purchase(10, df).to_numpy()
    assert np.isfinite(pa).all() and np.isfinite(ex).all() and np.isfinite(p0).all()
    ok = np.isfinite(theirs_pa)
    np.testing.assert_allclose(pa[ok], theirs_pa[ok], rtol=1e-8)
    np.testing.assert_allclose(ex[ok], theirs_ex[ok], rtol=1e-8)
    np.testing.assert_allclose(p0[ok], theirs_p0[ok], rtol=1e-6)
    assert pa[-2:] == pytest.approx([1.0, 1.0])  # last purchase at T: surely alive
    # Expected purchases keep growing with frequency (no overflow collapse).
    assert np.all(np.diff(ex[3:]) > 0)
    # Inside the interval, the quadrature fallback equals the closed form.
    p = pnbd.params_.to_numpy()
    closed = ParetoNBDModel._log_A0(p, np.array([3.0]), np.array([20.0]), np.array([38.0]))[0]
    quad = ParetoNBDModel._log_A0_quad(p, 3.0, 20.0, 38.0)
    assert quad == pytest.approx(closed, rel=1e-8)


def test_matrices(bg):
    m = bg.probability_alive_matrix(max_frequency=10, T=39)
    assert m.shape == (40, 11)
    assert (m[0] == 1).all()  # one-time buyers: BG/NBD assumes alive
    assert (m.loc[39.0] >= m.loc[10.0]).all()  # later last purchase -> more likely alive
    e = bg.expected_purchases_matrix(39, max_frequency=10, T=39)
    assert e.loc[39.0, 10] > e.loc[39.0, 1]


def test_clv_hand_check_and_properties(bg, gg, ch):
    spend = gg.expected_spend(ch)
    clv0 = gg.customer_lifetime_value(bg, ch, horizon_days=273, annual_discount_rate=0.0)
    np.testing.assert_allclose(clv0, spend * bg.expected_purchases(39, ch), rtol=1e-9)
    clv1 = gg.customer_lifetime_value(bg, ch, horizon_days=273, annual_discount_rate=0.1)
    assert (clv1 <= clv0 + 1e-12).all() and (clv1 >= 0).all()
    # one-time buyers get the population mean spend
    p, q, v = gg.params_
    assert spend[ch["frequency_cal"] == 0].iloc[0] == pytest.approx(v * p / (q - 1))
    table = customer_value(bg, gg, ch, horizon_days=364)
    assert table["clv"].is_monotonic_decreasing
    assert {"p_alive", "expected_purchases", "expected_spend", "clv"} <= set(table.columns)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 50), st.floats(0, 40), st.floats(0.1, 40), st.floats(1, 500),
       st.floats(0, 0.9), st.integers(7, 728))
def test_clv_non_negative_property(x, tx, extra, m, rate, horizon_days):
    model = BetaGeoModel()
    model.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    spend = GammaGammaModel()
    spend.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    tx = 0.0 if x == 0 else tx
    df = pd.DataFrame({"frequency": [x], "recency": [tx], "T": [tx + extra],
                       "monetary_value": [m if x else 0.0]})
    clv = spend.customer_lifetime_value(model, df, horizon_days=horizon_days,
                                        annual_discount_rate=rate, time_unit="W")
    assert np.isfinite(clv).all() and (clv >= 0).all()


# ---------------------------------------------------------------- bad input


def test_one_purchase_customer_and_all_one_time_buyers():
    tx = pd.DataFrame({"customer_id": [1, 2, 2], "timestamp": pd.to_datetime(
        ["2025-01-01", "2025-01-02", "2025-02-01"]), "amount": [10.0, 5.0, 6.0]})
    s = rfm_summary(tx)
    assert s.loc[1].tolist() == [0, 0.0, pytest.approx(31 / 7), 0.0]
    with pytest.warns(omnimkt.DataWarning, match="single customer"):
        once = rfm_summary(tx[tx["customer_id"] == 1])
    with pytest.raises(ModelError, match="all 1 customers are one-time buyers"):
        BetaGeoModel().fit(once)
    with pytest.raises(ModelError, match="one-time buyers"):
        GammaGammaModel().fit(once)
    with pytest.warns(ModelWarning, match="only 1 repeat buyers"):
        try:
            BetaGeoModel().fit(s)
        except ModelError:
            pass


@pytest.mark.parametrize("bad_value", [0.0, -3.0])
def test_gamma_gamma_zero_or_negative_spend(ch, bad_value):
    s = ch.copy()
    rep = s.index[s["frequency_cal"] > 0][:2]
    s.loc[rep, "monetary_value_cal"] = bad_value
    with pytest.raises(DataError, match=r"summary\.monetary_value_cal: 2 repeat buyers have zero "
                                        r"or negative spend"):
        GammaGammaModel().fit(s)


def test_non_converging_fit_is_model_error(ch):
    with pytest.raises(ModelError, match="did not converge"):
        BetaGeoModel(max_iter=1).fit(ch)
    with pytest.raises(ModelError, match="did not converge"):
        ParetoNBDModel(max_iter=2).fit(ch)


def test_not_fitted_and_repr(bg):
    from sklearn.exceptions import NotFittedError as SkNotFitted

    from omnimkt.errors import NotFittedError

    one = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [1.0]})
    for call in (lambda m: m.probability_alive(one), lambda m: m.expected_purchases(1, one),
                 lambda m: m.expected_population_purchases(1), lambda m: m.summary,
                 lambda m: m.probability_alive_matrix(), lambda m: m.to_markdown()):
        with pytest.raises(NotFittedError, match="BetaGeoModel is not fitted"):
            call(BetaGeoModel())
    with pytest.raises(SkNotFitted):
        GammaGammaModel().expected_spend(one)
    assert "BG/NBD (fitted on 2,357 customers" in repr(bg)
    assert "<table" in bg._repr_html_()
    assert "| r " in bg.to_markdown()
    assert repr(BetaGeoModel()) == "BetaGeoModel() (not fitted)"


def test_gamma_gamma_correlation_warning():
    # Gamma-Gamma data whose spend scale falls with frequency (frequent buyers spend more).
    rng = np.random.default_rng(0)
    x = rng.integers(1, 30, 400)
    nu = rng.gamma(4, 1 / 15, 400) / (1 + x / 5)
    s = pd.DataFrame({"frequency": x, "recency": np.full(400, 10.0), "T": np.full(400, 20.0),
                      "monetary_value": rng.gamma(6 * x, 1 / (nu * x))})
    with pytest.warns(ModelWarning, match="correlation among repeat buyers is 0.57"):
        model = GammaGammaModel().fit(s)
    assert model.independence_corr_ == pytest.approx(0.565, abs=1e-3)


# ---------------------------------------------------------------- synthetic ground truth


@pytest.fixture(scope="module")
def world():
    # Exact BG/NBD process (Poisson gaps, single packs, no trial-only customers) with a
    # moderate purchase rate (r / alpha = 1 order per 8 weeks on average), so that the
    # same-day merging of the lifetimes convention hardly changes the counts.
    return omnimkt.datasets.generate(8000, seed=5, tables=("transactions",), regularity=1.0,
                                     pack_mix={1: 1.0}, trial_dropout=0.0, r=0.5, alpha=4.0,
                                     a=0.8, b=8.0)


def test_synthetic_parameters_recovered_and_churners_ranked(world):
    from sklearn.metrics import roc_auc_score

    s = rfm_summary(world.transactions, observation_end=world.observation_end)
    model = BetaGeoModel().fit(s)
    truth = world.truth.params
    est = model.summary
    for name in ("r", "alpha", "a", "b"):
        # within 3 standard errors and 25% of the generator's value
        assert abs(est.loc[name, "estimate"] - truth[name]) < 3 * est.loc[name, "std_error"], name
        assert est.loc[name, "estimate"] == pytest.approx(truth[name], rel=0.25), name
    alive = world.truth.customers.loc[s.index, "alive_at_end"].to_numpy()
    auc = roc_auc_score(~alive, 1 - model.probability_alive(s))
    assert auc > 0.85


def _published_bg() -> BetaGeoModel:
    model = BetaGeoModel()
    model.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    return model


def test_score_against_truth_hand_example():
    # BG/NBD: P(alive) = 1 for one-time buyers; for 3 repeat purchases it is lower when
    # the last one was long ago (recency 5 of T 40) than recently (30 of 40). So
    # 1 - P(alive) = [0, 0, high, mid]; churners are customers 1 and 3. Of the four
    # (churner, active) pairs: (1, 2) tie = 1/2, (1, 4) wrong = 0, (3, 2) and (3, 4)
    # right = 1 each -> AUC 2.5 / 4.
    s = pd.DataFrame({"frequency": [0, 0, 3, 3], "recency": [0, 0, 5, 30.0],
                      "T": [40.0, 40, 40, 40]}, index=pd.Index([1, 2, 3, 4], name="customer_id"))
    # alive in another order and with an extra customer: aligned on customer_id
    alive = pd.Series({9: False, 4: True, 3: False, 2: True, 1: False})
    auc = score_against_truth(s, alive, [_published_bg()])
    assert auc.to_dict() == {"BG/NBD": 0.625}
    assert auc.index.name == "model" and auc.name == "auc"
    # churners = the two infrequent-but-lapsed customers only -> perfect ranking
    assert score_against_truth(s, pd.Series([True, True, False, True], index=s.index),
                               [_published_bg()]).iloc[0] == 1.0


def test_score_against_truth_fits_unfitted_models(ch, bg):
    from scipy.stats import mannwhitneyu

    alive = pd.Series(ch["frequency_holdout"] > 0, index=ch.index)  # bought again = alive
    params_before = bg.params_
    fresh = ModifiedBetaGeoModel()
    auc = score_against_truth(ch, alive, [bg, fresh])
    assert list(auc.index) == ["BG/NBD", "MBG/NBD"]
    assert bg.params_ is params_before  # fitted models are used as they are
    pd.testing.assert_series_equal(fresh.params_, ModifiedBetaGeoModel().fit(ch).params_)
    # AUC = Mann-Whitney U / (churners x active), computed independently
    churned = ~alive.to_numpy()
    for model in (bg, fresh):
        score = 1 - model.probability_alive(ch).to_numpy()
        u = mannwhitneyu(score[churned], score[~churned]).statistic
        assert auc[model._label] == pytest.approx(u / churned.sum() / (~churned).sum(),
                                                  rel=1e-12)
    # BG/NBD calls every one-time buyer alive, so it ranks worse than chance here
    assert auc.round(3).to_dict() == {"BG/NBD": 0.316, "MBG/NBD": 0.687}


def test_score_against_truth_bad_inputs():
    s = pd.DataFrame({"frequency": [0, 3, 3], "recency": [0, 5, 30.0], "T": [40.0, 40, 40]},
                     index=pd.Index([1, 2, 3], name="customer_id"))
    with pytest.raises(DataError, match=r"alive: 1 customers of the summary .*customer_id 3"):
        score_against_truth(s, pd.Series({1: True, 2: False}), [_published_bg()])
    with pytest.raises(DataError, match="all 3 customers are active"):
        score_against_truth(s, pd.Series(True, index=s.index), [_published_bg()])
    with pytest.raises(ModelError, match="at least one model"):
        score_against_truth(s, pd.Series([True, False, True], index=s.index), [])


def test_win_back_list_hand_example():
    c = pd.DataFrame({"frequency": [5, 2, 1, 3, 2, 0],
                      "p_alive": [0.2, 0.49, 0.1, 0.5, 0.0, 0.3],
                      "monetary_value": [100.0, 40, 10, 70, 60, 0]},
                     index=pd.Index([11, 12, 13, 14, 15, 16], name="customer_id"))
    out = win_back_list(c)
    # 13 has one repeat purchase only, 14 sits on the 0.5 boundary, 16 never came back
    assert list(out.index) == [11, 12, 15]
    assert out["monetary_value"].mean() == pytest.approx(200 / 3)
    assert list(win_back_list(c, max_p_alive=0.6, min_frequency=3).index) == [11, 14]
    assert list(win_back_list(c, min_frequency=0).index) == [11, 12, 13, 15, 16]
    assert win_back_list(c, max_p_alive=0.05).index.tolist() == [15]
    assert list(out.columns) == list(c.columns) and len(c) == 6  # input untouched


def test_win_back_list_bad_inputs():
    c = pd.DataFrame({"frequency": [2], "p_alive": [0.1]})
    with pytest.raises(DataError, match="no p_alive column"):
        win_back_list(c.drop(columns="p_alive"))
    with pytest.raises(ModelError, match="max_p_alive: must be a number > 0 and <= 1, got 0"):
        win_back_list(c, max_p_alive=0)
    with pytest.raises(ModelError, match="min_frequency: .* got -1"):
        win_back_list(c, min_frequency=-1)


# ---------------------------------------------------------------- tiers and plots


def test_value_tiers(bg, gg, ch):
    table = customer_value(bg, gg, ch, horizon_days=364)
    tiers = value_tiers(table)
    assert list(tiers.index) == ["top 20%", "next 30%", "bottom 50%"]
    assert tiers["customers"].sum() == len(ch)
    assert tiers["share_clv"].sum() == pytest.approx(1.0)
    assert tiers["share_clv"].iloc[0] > 0.5  # value is concentrated (CDNOW: ~2/3)
    assert tiers["clv_min"].is_monotonic_decreasing
    tier = tiers.attrs["tier"]
    assert (tier.loc[table.index[:10]] == "top 20%").all()
    with pytest.raises(ModelError, match="shares: .*sum to 1"):
        value_tiers(table, shares=(0.5, 0.4))


def test_plots(bg, gg, ch, cdnow):
    import matplotlib.pyplot as plt

    from omnimkt.plotting import clv as pc

    table = customer_value(bg, gg, ch, horizon_days=364)
    tr = cumulative_tracking(bg, cdnow, cutoff=CAL_END, observation_end=OBS_END)
    drawn = [
        pc.plot_holdout_by_frequency(holdout_by_frequency(bg, ch)),
        pc.plot_cumulative_tracking(tr),
        pc.plot_incremental_tracking(tr),
        pc.plot_period_transactions(period_transactions(bg, ch, n_sims=2)),
        pc.plot_probability_alive_matrix(bg.probability_alive_matrix(10, T=39)),
        pc.plot_expected_purchases_matrix(bg.expected_purchases_matrix(39, 10, T=39)),
        pc.plot_clv_distribution(table),
        pc.plot_value_concentration(table),
        pc.plot_value_tiers(value_tiers(table)),
    ]
    for ax in drawn:
        assert ax.get_xlabel() and ax.get_title()
    _, ax = plt.subplots()
    assert pc.plot_cumulative_tracking(tr, ax=ax) is ax
    assert "weeks" in ax.get_xlabel()
    fig, ax = plt.subplots()
    assert pc.plot_probability_alive_matrix(bg.probability_alive_matrix(10, T=39), ax=ax) is ax
    assert fig.axes == [ax]  # the colour bar is an inset of ax, not a figure axes
    plt.close("all")


def test_warm_started_fit_equals_direct_fit(ch, bg, gg, monkeypatch):
    # Large data (> COARSE_PATTERNS patterns) is fitted from a subsample's estimate; the
    # result must be the same optimum as the direct fit.
    import omnimkt.clv._base as base
    import omnimkt.clv.models as models
    import omnimkt.clv.spend as spend

    for mod in (base, models, spend):
        monkeypatch.setattr(mod, "COARSE_PATTERNS", 300)
    monkeypatch.setattr(base._subsample, "__defaults__", (300, 0))
    warm = BetaGeoModel().fit(ch)
    np.testing.assert_allclose(warm.params_, bg.params_, rtol=2e-4)
    assert warm.log_likelihood_ == pytest.approx(bg.log_likelihood_, abs=1e-3)
    np.testing.assert_allclose(warm.summary["std_error"], bg.summary["std_error"], rtol=0.5)
    warm_gg = GammaGammaModel().fit(ch)
    np.testing.assert_allclose(warm_gg.params_, gg.params_, rtol=2e-3)


# ---------------------------------------------------------------- one-call analysis, report


def test_analyse_clv_and_model_selection(cdnow):
    from omnimkt.clv import analyse_clv

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = analyse_clv(cdnow, observation_end=OBS_END, models=("BG/NBD", "MBG/NBD"))
    assert list(res.comparison.index) == ["BG/NBD", "MBG/NBD"]
    assert res.comparison["chosen"].sum() == 1
    assert res.model._label == res.comparison["bic"].idxmin()
    c = res.customers
    assert len(c) == 2357 and (c["clv"] >= 0).all() and c["clv"].is_monotonic_decreasing
    assert set(c["tier"].unique()) == {"top 20%", "next 30%", "bottom 50%"}
    assert res.tiers["share_clv"].iloc[0] > 0.7  # CDNOW value is highly concentrated
    assert "total CLV" in res.summary.index and "<table" in res._repr_html_()


def test_analyse_clv_notes_zero_spend(cdnow):
    from omnimkt.clv import analyse_clv

    tx = cdnow.copy()
    ids = tx["customer_id"].drop_duplicates().iloc[:5]
    tx.loc[tx["customer_id"].isin(ids), "amount"] = 0.0
    res = analyse_clv(tx, models=("BG/NBD",))
    assert any("zero or negative mean spend" in n for n in res.notes)


def test_report_section_analyses_without_warnings(cdnow):
    from omnimkt.data import Dataset
    from omnimkt.report_sections import clv as section
    from omnimkt.report_sections.config import resolve_config

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        an = section.analyse(Dataset(transactions=cdnow), resolve_config({}))
    res = an["result"]
    assert res.horizon_days == 364 and res.annual_discount_rate == 0.10
    assert list(res.tiers.index) == ["top 20%", "next 30%", "bottom 50%"]
    # the win-back list: p_alive < 0.5 and 2+ repeat purchases (3+ orders)
    c = res.customers
    assert len(an["winback"]) == int(((c["p_alive"] < 0.5) & (c["frequency"] >= 2)).sum()) == 243


def test_sklearn_estimator_contract(bg):
    from sklearn.base import clone

    m = BetaGeoModel(penalizer=0.01, max_iter=50)
    assert m.get_params() == {"penalizer": 0.01, "max_iter": 50, "tol": 1e-7}
    c = clone(bg)
    assert not hasattr(c, "params_") and c.get_params() == bg.get_params()
    assert GammaGammaModel().set_params(corr_threshold=0.5).corr_threshold == 0.5
    assert "BG/NBD" in bg._repr_mimebundle_()["text/html"]
    assert clone(BetaGeoModel(penalizer=-1)).penalizer == -1  # stored unchanged


def test_analyse_clv_all_one_time_buyers_is_clear_model_error():
    from omnimkt.clv import analyse_clv

    tx = pd.DataFrame({"customer_id": [1, 2, 3], "amount": [1.0, 2.0, 3.0],
                       "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    with pytest.raises(ModelError, match="all 3 customers are one-time buyers"):
        analyse_clv(tx)


# ---------------------------------------------------------------- one contract: bad parameters


def _one_summary() -> pd.DataFrame:
    s = pd.DataFrame({"frequency": [2, 0], "recency": [30.0, 0.0], "T": [38.0, 20.0],
                      "monetary_value": [20.0, 0.0]})
    s.attrs["time_unit"] = "W"
    return s


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), -0.1, 1.0, True])
def test_bad_annual_discount_rate_is_model_error(bg, gg, rate):
    # NaN used to give every customer a NaN CLV
    with pytest.raises(ModelError, match="annual_discount_rate: must be a number >= 0 and < 1"):
        gg.customer_lifetime_value(bg, _one_summary(), annual_discount_rate=rate)


@pytest.mark.parametrize("margin", [-1, 1.5, 0, float("nan")])
def test_bad_margin_is_model_error(bg, gg, margin):
    # margin -1 used to give CLV 0 (clipped) without a word
    with pytest.raises(ModelError, match="margin: must be a number > 0 and <= 1"):
        customer_value(bg, gg, _one_summary(), margin=margin)


@pytest.mark.parametrize("weights", [[1.0, -2.0], [1.0, float("nan")], [0, 0], [1.0],
                                     [True, True]])
def test_bad_weights_are_model_error(weights):
    # negative weights used to give n_customers_ < 0
    s = pd.DataFrame({"frequency": [2, 1], "recency": [30.0, 5.0], "T": [38.0, 20.0]})
    with pytest.raises(ModelError, match="weights: "):
        BetaGeoModel().fit(s, weights=weights)


@pytest.mark.parametrize("t", [-13, 0, float("nan"), True])
def test_bad_prediction_horizon_is_model_error(bg, t):
    # a negative horizon used to give probabilities above 1
    s = _one_summary()
    with pytest.raises(ModelError, match="t: must be a"):
        bg.probability_no_purchase(t, s)
    with pytest.raises(ModelError, match="t: must be a"):
        bg.expected_purchases(t, s)
    with pytest.raises(ModelError, match="t: must be a"):
        bg.expected_population_purchases([1, t])


@pytest.mark.parametrize("days", [0, -7, 2.5, float("nan"), True])
def test_bad_horizon_days_is_model_error(bg, gg, days):
    with pytest.raises(ModelError, match="horizon_days: must be a whole number >= 1"):
        customer_value(bg, gg, _one_summary(), horizon_days=days)


@pytest.mark.parametrize(("setting", "value"), [("penalizer", -1), ("penalizer", float("nan")),
                                                ("penalizer", True), ("tol", 0),
                                                ("max_iter", 2.5)])
def test_bad_settings_are_checked_at_fit(ch, setting, value):
    model = BetaGeoModel(**{setting: value})  # stored unchanged (scikit-learn contract)
    assert getattr(model, setting) is value
    with pytest.raises(ModelError, match=f"{setting}: must be a"):
        model.fit(ch)
    with pytest.raises(ModelError, match=f"{setting}: must be a"):
        GammaGammaModel(**{setting: value}).fit(ch)
    with pytest.raises(ModelError, match="corr_threshold"):
        GammaGammaModel(corr_threshold=float("nan")).fit(ch)


def test_unknown_choices_are_model_errors(cdnow, bg, gg):
    from omnimkt.clv import analyse_clv, select_model, simulate_repeat_purchases

    with pytest.raises(ModelError, match="time_unit: 'weeks' is not one of"):
        calibration_holdout(cdnow, CAL_END, time_unit="weeks")
    with pytest.raises(ModelError, match="models: 'BGNBD' is not one of"):
        analyse_clv(cdnow, models=("BGNBD",))
    with pytest.raises(ModelError, match="candidates: 'X' is not one of"):
        select_model(_one_summary(), ("X",))
    with pytest.raises(ModelError, match="seed: must be a whole number >= 0"):
        simulate_repeat_purchases(bg, np.array([10.0]), seed=-1)
    with pytest.raises(ModelError, match="n_sims: must be a whole number >= 1"):
        period_transactions(bg, _one_summary(), n_sims=0)
    no_unit = _one_summary()
    no_unit.attrs.clear()
    with pytest.raises(ModelError, match="time_unit: the summary does not say"):
        customer_value(_published_bg(), gg, no_unit)  # a model with no fitted unit either


def test_horizon_days_is_weeks_times_seven(bg, gg, ch):
    # 364 days = 52 weeks: undiscounted CLV = E[spend] x E[purchases in 52 weeks]
    table = customer_value(bg, gg, ch, horizon_days=364)
    expected = gg.expected_spend(ch) * bg.expected_purchases(52, ch)
    np.testing.assert_allclose(table["clv"], expected.loc[table.index], rtol=1e-9)
    # a 10 % annual rate discounts a weekly cash flow by 1.1 ** (7 / 365.25), checked by
    # hand on one step: one week ahead
    one = gg.customer_lifetime_value(bg, ch, horizon_days=7, annual_discount_rate=0.1,
                                     step_days=7)
    flat = gg.customer_lifetime_value(bg, ch, horizon_days=7)
    np.testing.assert_allclose(one, flat / 1.1 ** (7 / 365.25), rtol=1e-12)


def test_aware_cutoff_is_its_own_wall_clock_day(cdnow):
    # 1 October, 01:00 in Shanghai is 1 October (not 30 September in UTC)
    aware = calibration_holdout(cdnow, "1997-10-01 01:00+08:00", OBS_END)
    pd.testing.assert_frame_equal(aware, calibration_holdout(cdnow, "1997-10-01", OBS_END))
    with pytest.raises(ModelError, match="cutoff: 19970930 is a number, not a date"):
        calibration_holdout(cdnow, 19970930)


@pytest.mark.parametrize("days", [7, 45, 100])
def test_discounted_clv_covers_the_whole_horizon(bg, gg, ch, days):
    # A vanishing discount rate must give the undiscounted value over the full horizon;
    # the monthly cash-flow grid used to stop short of it (45 days: one month only) or
    # crash when the horizon was under half a month.
    tiny = gg.customer_lifetime_value(bg, ch, horizon_days=days, annual_discount_rate=1e-12)
    flat = gg.expected_spend(ch) * bg.expected_purchases(days / 7, ch)
    np.testing.assert_allclose(tiny, flat, rtol=1e-9)
