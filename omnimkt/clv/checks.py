"""Model checking for the repeat-purchase models: calibration vs holdout by frequency,
cumulative tracking, period transactions and a model comparison table.

All functions return tidy DataFrames; the plots live in :mod:`omnimkt.plotting.clv`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from omnimkt._gate import as_rng, check_number
from omnimkt.clv._base import _rfm_arrays
from omnimkt.clv.models import (
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    _RepeatPurchaseModel,
)
from omnimkt.clv.summary import _canonical, _days_per_unit, _purchase_days, _to_day
from omnimkt.errors import DataError, ModelError, examples

__all__ = [
    "holdout_by_frequency",
    "cumulative_tracking",
    "period_transactions",
    "compare_models",
    "simulate_repeat_purchases",
    "score_against_truth",
]


def _freq_labels(x: np.ndarray, max_frequency: int) -> pd.Categorical:
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    codes = np.minimum(x.astype(np.int64), max_frequency)
    return pd.Categorical.from_codes(codes, categories=labels, ordered=True)


def holdout_by_frequency(model: _RepeatPurchaseModel, cal_holdout: pd.DataFrame, *,
                         max_frequency: int = 7) -> pd.DataFrame:
    """Mean holdout purchases per customer, actual vs model, by calibration frequency.

    The conditional-expectation check of Fader, Hardie & Lee (2005, figure 4):
    customers are grouped by their calibration repeat purchases (``0 .. max-1``,
    ``max+``); ``predicted`` is the mean of E[X(duration) | history].

    Returns a DataFrame indexed by ``frequency_cal`` with ``customers``, ``actual``,
    ``predicted``.

    Examples
    --------
    >>> holdout_by_frequency(BetaGeoModel().fit(ch), ch)            # doctest: +SKIP
    """
    model._check_fitted()
    check_number(max_frequency, "max_frequency", low=1, integer=True)
    if "frequency_holdout" not in cal_holdout.columns:
        raise DataError("cal_holdout: no frequency_holdout column; build it with "
                        "calibration_holdout().")
    x = cal_holdout["frequency_cal"].to_numpy(dtype=float)
    dur = float(cal_holdout["duration_holdout"].iloc[0])
    pred = model.expected_purchases(dur, cal_holdout)
    df = pd.DataFrame({
        "frequency_cal": _freq_labels(x, max_frequency),
        "actual": cal_holdout["frequency_holdout"].to_numpy(dtype=float),
        "predicted": pred.to_numpy(),
    })
    out = df.groupby("frequency_cal", observed=False).agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    out.attrs["duration_holdout"] = dur
    return out


def cumulative_tracking(model: _RepeatPurchaseModel, transactions: pd.DataFrame, *,
                        cutoff: Any = None, observation_end: Any = None,
                        time_unit: str = "W", columns: Any = None,
                        validate: bool = True) -> pd.DataFrame:
    """Actual vs expected repeat purchases of the whole cohort, period by period.

    Periods of one ``time_unit`` start at the first purchase day. Expected repeat
    purchases by the end of period k sum, over customers already acquired, the
    unconditional E[X(time since their first purchase)] (Fader, Hardie & Lee 2005,
    figure 2). The model should be fitted on the calibration period; the holdout
    shows whether it tracks the future. ``cutoff`` (optional) is the last day of the
    calibration period, marked on the plots; ``observation_end`` ends the tracking
    (default: the last purchase day).

    Returns a DataFrame indexed by ``period`` (1, 2, ...) with ``actual``,
    ``expected`` (cumulative) and ``actual_incremental``, ``expected_incremental``;
    ``attrs["calibration_period"]`` marks the end of calibration.
    """
    model._check_fitted()
    unit = _days_per_unit(time_unit)
    tx = _canonical(transactions, columns, validate=validate)
    ids, cust, days, _ = _purchase_days(tx.drop(columns=[c for c in ("amount",)
                                                          if c in tx.columns]))
    start = days.min()
    end_day = days.max() if observation_end is None else _to_day(observation_end,
                                                                   "observation_end")
    keep = days <= end_day
    cust, days = cust[keep], days[keep]
    first = np.r_[True, cust[1:] != cust[:-1]]
    n_periods = int(np.ceil((end_day - start + 1) / unit - 1e-9))
    bounds = start + unit * np.arange(1, n_periods + 1)
    rep_days = days[~first]
    actual = np.searchsorted(np.sort(rep_days), bounds, side="left").astype(float)
    first_days, n_first = np.unique(days[first], return_counts=True)
    elapsed = (bounds[:, None] - first_days[None, :]) / unit
    ex = np.zeros_like(elapsed)
    pos = elapsed > 0
    ex[pos] = model._uncond_exp(elapsed[pos])
    expected = ex @ n_first
    out = pd.DataFrame({"actual": actual, "expected": expected},
                       index=pd.RangeIndex(1, n_periods + 1, name="period"))
    out["actual_incremental"] = out["actual"].diff().fillna(out["actual"].iloc[0])
    out["expected_incremental"] = out["expected"].diff().fillna(out["expected"].iloc[0])
    if cutoff is not None:
        cal_day = _to_day(cutoff, "cutoff")
        out.attrs["calibration_period"] = float((cal_day - start + 1) / unit)
    out.attrs["time_unit"] = time_unit
    out.attrs["start"] = pd.Timestamp(int(start), unit="D")
    return out


def simulate_repeat_purchases(model: _RepeatPurchaseModel, T: np.ndarray,
                              seed: int | np.random.Generator = 0) -> np.ndarray:
    """Draw repeat-purchase counts for customers of ages ``T`` from a fitted model.

    ``seed`` is an int >= 0 or a ``numpy.random.Generator`` (same seed, same draws).

    Examples
    --------
    >>> bg = BetaGeoModel()  # with the published CDNOW parameters instead of a fit
    >>> bg.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> counts = simulate_repeat_purchases(bg, np.full(1000, 39.0), seed=1)
    >>> bool((counts == simulate_repeat_purchases(bg, np.full(1000, 39.0), seed=1)).all())
    True
    """
    model._check_fitted()
    rng = as_rng(seed)
    T = np.asarray(T, dtype=float)
    if not (np.isfinite(T).all() and (T >= 0).all()):
        raise ModelError("T: customer ages must be finite numbers >= 0 (in the model's time "
                         "unit).")
    n = len(T)
    p = model.params_
    lam = rng.gamma(p["r"], 1.0 / p["alpha"], n)
    if isinstance(model, ParetoNBDModel):
        mu = rng.gamma(p["s"], 1.0 / p["beta"], n)
        tau = rng.exponential(1.0 / np.maximum(mu, 1e-300))
        return rng.poisson(lam * np.minimum(tau, T)).astype(np.int64)
    drop = rng.beta(p["a"], p["b"], n)
    count = np.zeros(n, dtype=np.int64)
    t = np.zeros(n)
    active = np.ones(n, dtype=bool)
    if isinstance(model, ModifiedBetaGeoModel):
        active &= rng.random(n) >= drop  # may drop out right after the first purchase
    idx = np.flatnonzero(active)
    while idx.size:
        t[idx] += rng.exponential(1.0, idx.size) / np.maximum(lam[idx], 1e-300)
        idx = idx[t[idx] <= T[idx]]
        count[idx] += 1
        idx = idx[rng.random(idx.size) >= drop[idx]]
    return count


def period_transactions(model: _RepeatPurchaseModel, summary: pd.DataFrame, *,
                        max_frequency: int = 7, n_sims: int = 20,
                        seed: int | np.random.Generator = 0) -> pd.DataFrame:
    """Number of customers by repeat purchases in the calibration period, actual vs
    simulated from the fitted model (same ages ``T``, averaged over ``n_sims`` draws).

    Returns a DataFrame indexed by ``frequency`` (``0 .. max-1``, ``max+``) with
    ``actual`` and ``model``.
    """
    model._check_fitted()
    check_number(max_frequency, "max_frequency", low=1, integer=True)
    n_sims = check_number(n_sims, "n_sims", low=1, integer=True)
    x, _, T = _rfm_arrays(summary)
    rng = as_rng(seed)
    sims = np.concatenate([simulate_repeat_purchases(model, T, rng) for _ in range(n_sims)])
    labels = _freq_labels(x, max_frequency).categories
    act = pd.Series(_freq_labels(x, max_frequency)).value_counts().reindex(labels)
    sim = pd.Series(_freq_labels(sims, max_frequency)).value_counts().reindex(labels) / n_sims
    return pd.DataFrame({"actual": act.to_numpy(dtype=float), "model": sim.to_numpy()},
                        index=pd.Index(labels, name="frequency"))


_MODELS = {"BG/NBD": BetaGeoModel, "Pareto/NBD": ParetoNBDModel, "MBG/NBD": ModifiedBetaGeoModel}


def compare_models(cal_holdout: pd.DataFrame,
                   models: Iterable[_RepeatPurchaseModel] | None = None) -> pd.DataFrame:
    """Fit several repeat-purchase models on the calibration columns and score them on
    the holdout.

    Columns: ``log_likelihood``, ``aic``, ``bic`` (calibration fit), ``holdout_actual``
    and ``holdout_predicted`` (total purchases), ``holdout_error_pct``, ``mae`` and
    ``rmse`` (per customer), ``freq_table_mape`` (mean absolute % error of the
    holdout-by-frequency table). Unfitted estimators are fitted; fitted ones are used
    as they are. Default: BG/NBD, Pareto/NBD and MBG/NBD with default settings.

    Examples
    --------
    >>> compare_models(calibration_holdout(tx, "1997-09-30", "1998-06-30"))  # doctest: +SKIP
    """
    if "frequency_holdout" not in cal_holdout.columns:
        raise DataError("cal_holdout: no frequency_holdout column; build it with "
                        "calibration_holdout().")
    models = [cls() for cls in _MODELS.values()] if models is None else list(models)
    if not models:
        raise ModelError("compare_models: give at least one model.")
    n = len(cal_holdout)
    dur = float(cal_holdout["duration_holdout"].iloc[0])
    actual = cal_holdout["frequency_holdout"].to_numpy(dtype=float)
    rows = {}
    for m in models:
        if not m.__sklearn_is_fitted__():
            m.fit(cal_holdout)
        pred = m.expected_purchases(dur, cal_holdout).to_numpy()
        tab = holdout_by_frequency(m, cal_holdout)
        tab = tab[tab["actual"] > 0]
        k = len(m.params_)
        rows[m._label] = {
            "log_likelihood": m.log_likelihood_,
            "aic": 2 * k - 2 * m.log_likelihood_,
            "bic": k * np.log(n) - 2 * m.log_likelihood_,
            "holdout_actual": actual.sum(),
            "holdout_predicted": pred.sum(),
            "holdout_error_pct": 100 * (pred.sum() - actual.sum()) / max(actual.sum(), 1e-12),
            "mae": float(np.mean(np.abs(pred - actual))),
            "rmse": float(np.sqrt(np.mean((pred - actual) ** 2))),
            "freq_table_mape": float(100 * np.mean(np.abs(tab["predicted"] - tab["actual"])
                                                   / tab["actual"])),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")


def score_against_truth(summary: pd.DataFrame, alive: pd.Series,
                        models: Iterable[_RepeatPurchaseModel] | None = None) -> pd.Series:
    """How well each model's P(alive) ranks customers known to be active or churned.

    For data where the truth is known (a synthetic world, or customers confirmed
    lost later), the score is the ROC AUC of ``1 - P(alive)`` against the churners
    (``alive`` False): 1 ranks every churner below every active customer, 0.5 is
    chance. Unfitted estimators are fitted on ``summary``; fitted ones are used as
    they are (as in :func:`compare_models`). Default: BG/NBD, Pareto/NBD and MBG/NBD.

    Parameters
    ----------
    summary : DataFrame from :func:`rfm_summary`, indexed by customer_id.
    alive : boolean Series indexed by customer_id, True if the customer is still
        active at the end of observation; extra customers are ignored.
    models : repeat-purchase models to score.

    Returns a Series of AUCs indexed by model label, in the order given.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 0, 3, 3], "recency": [0, 0, 5, 30.0],
    ...                   "T": [40.0, 40, 40, 40]})
    >>> bg = BetaGeoModel()  # with the published CDNOW parameters instead of a fit
    >>> bg.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> score_against_truth(s, pd.Series([False, True, False, True]), [bg])
    model
    BG/NBD    0.625
    Name: auc, dtype: float64
    """
    models = [cls() for cls in _MODELS.values()] if models is None else list(models)
    if not models:
        raise ModelError("score_against_truth: give at least one model.")
    truth = alive.reindex(summary.index)
    missing = truth.isna()
    if missing.any():
        raise DataError(f"alive: {int(missing.sum()):,} customers of the summary have no "
                        f"known status (e.g. customer_id {examples(summary.index[missing])}); "
                        "give True/False for every customer.")
    churned = ~truth.astype(bool).to_numpy()
    if churned.all() or not churned.any():
        raise DataError(f"alive: all {len(truth):,} customers are "
                        f"{'churned' if churned.all() else 'active'}; an AUC needs both.")
    scores = {}
    for m in models:
        if not m.__sklearn_is_fitted__():
            m.fit(summary)
        scores[m._label] = float(roc_auc_score(churned, 1 - m.probability_alive(summary)))
    return pd.Series(scores, name="auc").rename_axis("model")
