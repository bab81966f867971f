"""End to end: both churn approaches on the same holdout (:func:`churn_backtest`) and
scores for action on every active customer (:func:`churn_scores`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from omnimkt._gate import check_number
from omnimkt.churn._common import _cutoff, _holdout_end, _prepare_side, _transactions
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

def churn_backtest(transactions: pd.DataFrame, cutoff: Any, horizon_days: int = 90,
                   *, customers: pd.DataFrame | None = None,
                   touchpoints: pd.DataFrame | None = None, observation_end: Any = None,
                   clv_model: Any = None, method: str = "gbm", seed: Any = 0,
                   truth: pd.DataFrame | None = None, n_bins: int = 10,
                   n_jobs: int = 1, columns: Any = None) -> ChurnComparison:
    """Both churn approaches on the same holdout, side by side.

    * probabilistic: each ``clv_model`` (default BG/NBD and MBG/NBD, weeks)
      fitted on the RFM summary at ``cutoff``; scores
      ``1 - P(alive) [model]`` and ``P(no purchase in N d) [model]``. BG/NBD
      lets customers drop out only after a repeat purchase, so it gives every
      one-time buyer P(alive) = 1; MBG/NBD also lets them drop out after the
      first purchase (trial-only buyers);
    * supervised: :class:`SupervisedChurnModel` trained on features at
      ``cutoff - horizon_days`` with the labels observed up to ``cutoff`` (so
      nothing after the cut-off is used), then scoring the features at ``cutoff``.

    All are judged on :func:`churn_labels` at ``cutoff`` (no purchase
    in the next ``horizon_days``) and, with ``truth`` (``world.truth.customers``
    of a synthetic world), on the true dropout by the cut-off.

    Parameters
    ----------
    cutoff : date-like
        Last day of history (inclusive).
    clv_model : clv model, or dict of name -> clv model, optional
        Unfitted :mod:`omnimkt.clv` repeat-purchase models.
    method, seed, n_jobs
        Settings of :class:`SupervisedChurnModel`.
    columns : omnimkt.Columns or dict, optional
        Your column names, in every table.

    Returns
    -------
    ChurnComparison
        With extra attributes ``labels``, ``features``, ``probabilistic``
        (dict of name -> DataFrame of :func:`probabilistic_churn`), ``clv_models``
        (fitted), ``supervised_model``, ``truth_labels``, ``cutoff`` and
        ``horizon_days``.

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

    n_bins = check_number(n_bins, "n_bins", low=1, integer=True)
    sup = SupervisedChurnModel(method, seed=seed, n_jobs=n_jobs)
    sup._check_settings()  # a bad setting fails before the slow steps
    tx = _transactions(transactions, columns)
    tx, customers, touchpoints = _prepare_side(tx, customers, touchpoints, columns)
    cut = _cutoff(tx, cutoff)
    labels = _labels(tx, cut, _holdout_end(tx, cut, horizon_days, observation_end))
    train_cut = _train_cut(tx, cut, horizon_days, "cutoff",
                           "Choose a later cut-off or a shorter horizon_days.")
    if clv_model is None:
        models = {"BG/NBD": clv.BetaGeoModel(), "MBG/NBD": clv.ModifiedBetaGeoModel()}
    elif isinstance(clv_model, Mapping):
        models = dict(clv_model)
    else:
        models = {getattr(clv_model, "_label", "") or type(clv_model).__name__: clv_model}
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W", validate=False)
    scores: dict[str, pd.Series] = {}
    probs: dict[str, pd.DataFrame] = {}
    for name, model in models.items():
        model.fit(summary)
        probs[name] = prob = probabilistic_churn(model, summary, horizon_days)
        scores[f"1 - P(alive) [{name}]"] = prob["churn_prob"]
        scores[f"P(no purchase in {horizon_days} d) [{name}]"] = prob["p_no_purchase"]
    x_train = _features(tx, train_cut, customers, touchpoints)
    y_train = _labels(tx, train_cut, cut)
    sup.fit(x_train, y_train)
    feats = _features(tx, cut, customers, touchpoints)
    scores[f"supervised ({method})"] = sup.predict_proba(feats)
    truth_labels = None if truth is None else true_churn(truth, cut, labels.index)
    out = compare_churn(labels, scores, truth=truth_labels, n_bins=n_bins)
    out.labels, out.features, out.probabilistic = labels, feats, probs
    out.clv_models, out.supervised_model = models, sup
    out.cutoff, out.horizon_days = cut, int(horizon_days)
    out.truth_labels = truth_labels
    return out


def churn_scores(transactions: pd.DataFrame, cutoff: Any = None, horizon_days: int = 90, *,
                 customers: pd.DataFrame | None = None,
                 touchpoints: pd.DataFrame | None = None, clv_model: Any = None,
                 method: str = "gbm", seed: Any = 0, n_jobs: int = 1,
                 columns: Any = None) -> pd.DataFrame:
    """Score every customer active by ``cutoff`` (default: the last purchase day) for action.

    The supervised model is trained on features at ``cutoff - horizon_days`` with the
    labels observed up to ``cutoff`` (as in :func:`churn_backtest`, one period later);
    the clv model (default MBG/NBD, weeks: unlike BG/NBD it does not give every
    one-time buyer P(alive) = 1) is fitted on the summary at ``cutoff``. ``columns``
    maps your column names, in every table.

    Returns
    -------
    DataFrame indexed by customer_id: ``churn_prob`` (supervised), ``p_no_purchase``,
    ``p_alive`` (clv model), ``recency_days``, ``n_orders`` and ``total_spend``;
    ``attrs`` holds ``cutoff`` and ``horizon_days``.

    Examples
    --------
    >>> from omnimkt.datasets import generate
    >>> s = churn_scores(generate(800, seed=1).transactions)  # doctest: +SKIP
    """
    from omnimkt import clv

    horizon_days = check_number(horizon_days, "horizon_days", low=1, integer=True)
    sup = SupervisedChurnModel(method, seed=seed, n_jobs=n_jobs)
    sup._check_settings()  # a bad setting fails before the slow steps
    tx = _transactions(transactions, columns)
    tx, customers, touchpoints = _prepare_side(tx, customers, touchpoints, columns)
    cut = tx["timestamp"].max().normalize() if cutoff is None else _cutoff(tx, cutoff)
    train_cut = _train_cut(tx, cut, horizon_days, "cutoff",
                           "Give more history or a shorter horizon_days.")
    x_train = _features(tx, train_cut, customers, touchpoints)
    sup.fit(x_train, _labels(tx, train_cut, cut))
    feats = _features(tx, cut, customers, touchpoints)
    summary = clv.rfm_summary(tx, observation_end=cut, time_unit="W", validate=False)
    model = (clv.ModifiedBetaGeoModel() if clv_model is None else clv_model).fit(summary)
    prob = probabilistic_churn(model, summary, horizon_days)
    out = pd.DataFrame({"churn_prob": sup.predict_proba(feats),
                        "p_no_purchase": prob["p_no_purchase"], "p_alive": prob["p_alive"]})
    out = out.join(feats[["recency_days", "n_orders", "total_spend"]])
    out.attrs.update(cutoff=cut, horizon_days=int(horizon_days))
    return out
