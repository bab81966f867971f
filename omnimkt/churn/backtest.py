"""End to end: both churn approaches on the same holdout (:func:`churn_backtest`) and
scores for action on every active customer (:func:`churn_scores`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from omnimkt.churn._common import _cutoff, _holdout_end, _prepare_side, _prepare_transactions
from omnimkt.churn.evaluation import ChurnComparison, compare_churn
from omnimkt.churn.features import _features, _labels, true_churn
from omnimkt.churn.model import SupervisedChurnModel, probabilistic_churn
from omnimkt.errors import DataError

__all__ = ["churn_backtest", "churn_scores"]


def _train_cut(tx: pd.DataFrame, cut: pd.Timestamp, horizon_days: int, name: str,
               remedy: str) -> pd.Timestamp:
    """Where the supervised model's training labels start; an error before the data."""
    train_cut = cut - pd.Timedelta(days=int(horizon_days))
    if train_cut < tx["timestamp"].min().normalize():
        raise DataError(
            f"{name} {cut.date()}: the supervised model trains on customers active by "
            f"{train_cut.date()} ({name} - horizon_days), before the first transaction. "
            + remedy)
    return train_cut

def churn_backtest(transactions: pd.DataFrame, calibration_end: Any, horizon_days: int = 90,
                   *, customers: pd.DataFrame | None = None,
                   touchpoints: pd.DataFrame | None = None, observation_end: Any = None,
                   clv_model: Any = None, method: str = "gbm", seed: int = 0,
                   truth: pd.DataFrame | None = None, n_bins: int = 10,
                   n_threads: int | None = 1) -> ChurnComparison:
    """Both churn approaches on the same holdout, side by side.

    * probabilistic: each ``clv_model`` (default BG/NBD and MBG/NBD, weeks)
      fitted on the RFM summary at ``calibration_end``; scores
      ``1 - P(alive) [model]`` and ``P(no purchase in N d) [model]``. BG/NBD
      lets customers drop out only after a repeat purchase, so it gives every
      one-time buyer P(alive) = 1; MBG/NBD also lets them drop out after the
      first purchase (trial-only buyers);
    * supervised: :class:`SupervisedChurnModel` trained on features at
      ``calibration_end - horizon_days`` with the labels observed up to
      ``calibration_end`` (so nothing after the cut-off is used), then scoring
      the features at ``calibration_end``.

    All are judged on :func:`churn_labels` at ``calibration_end`` (no purchase
    in the next ``horizon_days``) and, with ``truth`` (``world.truth.customers``
    of a synthetic world), on the true dropout by the cut-off.

    Parameters
    ----------
    clv_model : clv model, or dict of name -> clv model, optional
        Unfitted :mod:`omnimkt.clv` repeat-purchase models.

    Returns
    -------
    ChurnComparison
        With extra attributes ``labels``, ``features``, ``probabilistic``
        (dict of name -> DataFrame of :func:`probabilistic_churn`), ``clv_models``
        (fitted), ``supervised_model``, ``truth_labels``, ``calibration_end``
        and ``horizon_days``.

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> w = generate(1000, seed=1)
    >>> cmp = churn_backtest(w.transactions, "2025-09-30")
    >>> list(cmp.summary.index)  # doctest: +NORMALIZE_WHITESPACE
    ['1 - P(alive) [BG/NBD]', 'P(no purchase in 90 d) [BG/NBD]',
     '1 - P(alive) [MBG/NBD]', 'P(no purchase in 90 d) [MBG/NBD]', 'supervised (gbm)']
    """
    from omnimkt import clv

    tx = _prepare_transactions(transactions)
    customers, touchpoints = _prepare_side(customers, touchpoints)
    cut = _cutoff(tx, calibration_end)
    labels = _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))
    train_cut = _train_cut(tx, cut, horizon_days, "calibration_end",
                           "Choose a later cut-off or a shorter horizon_days.")
    if clv_model is None:
        models = {"BG/NBD": clv.BetaGeoModel(), "MBG/NBD": clv.ModifiedBetaGeoModel()}
    elif isinstance(clv_model, Mapping):
        models = dict(clv_model)
    else:
        models = {getattr(clv_model, "_label", "") or type(clv_model).__name__: clv_model}
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W")
    unit = clv.TIME_UNITS[summary.attrs.get("time_unit", "W")]
    scores: dict[str, pd.Series] = {}
    probs: dict[str, pd.DataFrame] = {}
    for name, model in models.items():
        model.fit(summary)
        probs[name] = prob = probabilistic_churn(model, summary, horizon_days / unit)
        scores[f"1 - P(alive) [{name}]"] = prob["churn_prob"]
        scores[f"P(no purchase in {horizon_days} d) [{name}]"] = prob["p_no_purchase"]
    x_train = _features(tx, train_cut, customers, touchpoints)
    y_train = _labels(tx, train_cut, cut)
    sup = SupervisedChurnModel(method, seed=seed, n_threads=n_threads).fit(x_train, y_train)
    feats = _features(tx, cut, customers, touchpoints)
    scores[f"supervised ({method})"] = sup.predict_proba(feats)
    truth_labels = None if truth is None else true_churn(truth, cut, labels.index)
    out = compare_churn(labels, scores, truth=truth_labels, n_bins=n_bins)
    out.labels, out.features, out.probabilistic = labels, feats, probs
    out.clv_models, out.supervised_model = models, sup
    out.calibration_end, out.horizon_days = cut, int(horizon_days)
    out.truth_labels = truth_labels
    return out


def churn_scores(transactions: pd.DataFrame, as_of: Any = None, horizon_days: int = 90, *,
                 customers: pd.DataFrame | None = None,
                 touchpoints: pd.DataFrame | None = None, clv_model: Any = None,
                 method: str = "gbm", seed: int = 0, n_threads: int | None = 1) -> pd.DataFrame:
    """Score every customer active by ``as_of`` (default: the last purchase day) for action.

    The supervised model is trained on features at ``as_of - horizon_days`` with the
    labels observed up to ``as_of`` (as in :func:`churn_backtest`, one period later);
    the clv model (default MBG/NBD, weeks: unlike BG/NBD it does not give every
    one-time buyer P(alive) = 1) is fitted on the summary at ``as_of``.

    Returns
    -------
    DataFrame indexed by customer_id: ``churn_prob`` (supervised), ``p_no_purchase``,
    ``p_alive`` (clv model), ``recency_days``, ``n_orders`` and ``total_spend``.
    """
    from omnimkt import clv

    tx = _prepare_transactions(transactions)
    customers, touchpoints = _prepare_side(customers, touchpoints)
    cut = tx["timestamp"].max().normalize() if as_of is None else _cutoff(tx, as_of)
    train_cut = _train_cut(tx, cut, horizon_days, "as_of",
                           "Give more history or a shorter horizon_days.")
    x_train = _features(tx, train_cut, customers, touchpoints)
    sup = SupervisedChurnModel(method, seed=seed, n_threads=n_threads).fit(
        x_train, _labels(tx, train_cut, cut))
    feats = _features(tx, cut, customers, touchpoints)
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W")
    model = (clv.ModifiedBetaGeoModel() if clv_model is None else clv_model).fit(summary)
    prob = probabilistic_churn(model, summary, horizon_days / clv.TIME_UNITS["W"])
    out = pd.DataFrame({"churn_prob": sup.predict_proba(feats),
                        "p_no_purchase": prob["p_no_purchase"], "p_alive": prob["p_alive"]})
    out = out.join(feats[["recency_days", "n_orders", "total_spend"]])
    out.attrs.update(as_of=cut, horizon_days=int(horizon_days))
    return out
