"""Win-back rules: the value of keeping a customer (:func:`saved_customer_value`) and
the expected cost and saved value of contacting customers above a churn-score threshold
(:func:`winback_thresholds`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.churn._common import _as_labels, _cutoff, _transactions
from omnimkt.errors import DataError, examples

__all__ = ["WinbackPlan", "saved_customer_value", "winback_thresholds"]

class WinbackPlan(Result):
    """Expected cost and saved value of a win-back campaign by score threshold.

    Attributes
    ----------
    summary : DataFrame
        One row per threshold: customers contacted, expected churners among
        them, customers saved, cost, saved value, value lost to backfire, net
        value and return per yuan spent.
    best : Series
        The row with the highest net value (``None`` when no threshold pays).
    best_threshold : float or None
    breakeven_probability : float
        The churn probability above which contacting one customer pays on
        average: ``(cost + backfire * value) / ((success + backfire) * value)``.
    """

    title = "Win-back campaign: expected cost and saved value by threshold"

    def __init__(self, summary: pd.DataFrame, breakeven: float) -> None:
        self.summary = summary
        self.breakeven_probability = breakeven
        i = summary["net_value"].idxmax()
        pays = summary.loc[i, "net_value"] > 0
        self.best = summary.loc[i] if pays else None
        self.best_threshold = float(summary.loc[i, "threshold"]) if pays else None


def saved_customer_value(transactions: pd.DataFrame, cutoff: Any = None, *,
                         margin: float = 0.30, lookback_days: int = 365,
                         columns: Any = None) -> float:
    """What keeping one customer is worth: ``margin`` x the median spend over the
    ``lookback_days`` up to ``cutoff`` (inclusive; default: last purchase day) of
    customers who bought in them. ``columns`` maps your column names.

    A plain, stated assumption for :func:`winback_thresholds`; replace it with
    your own margin or CLV (e.g. ``omnimkt.clv.customer_value``) when known.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [100.0, 100.0, 50.0, 400.0],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01",
    ...                                  "2024-01-01"])})
    >>> saved_customer_value(tx, "2025-06-30", margin=0.5)
    62.5
    """
    margin = check_number(margin, "margin", low=0, high=1, low_open=True)
    lookback_days = check_number(lookback_days, "lookback_days", low=1, integer=True)
    tx = _transactions(transactions, columns)
    cut = tx["timestamp"].max().normalize() if cutoff is None else _cutoff(tx, cutoff)
    day = tx["timestamp"].dt.normalize()
    year = tx[(day > cut - pd.Timedelta(days=lookback_days)) & (day <= cut)]
    if year.empty:
        raise DataError(f"transactions.timestamp: no purchase in the {lookback_days} days "
                        f"up to {cut.date()}; choose another cutoff.")
    return margin * float(year.groupby("customer_id")["amount"].sum().median())


def winback_thresholds(scores: pd.Series, *, cost_per_contact: float, saved_value: float,
                       success_rate: float, y_true: pd.Series | None = None,
                       thresholds: Sequence[float] | None = None,
                       backfire_rate: float = 0.0) -> WinbackPlan:
    """Expected cost and saved value of contacting customers whose score >= threshold.

    Churners among the contacted are counted from ``y_true`` when given
    (backtest on a holdout), else expected as the sum of the scores, which
    then must be calibrated probabilities of churn. A contacted churner is
    saved with probability ``success_rate`` and is then worth ``saved_value``;
    each contact costs ``cost_per_contact``. ``backfire_rate`` is the share
    of contacted non-churners the contact pushes to leave (Ascarza et al.
    2016 saw churn rise after proactive outreach), each costing
    ``saved_value``. Keep a random hold-out group in the real campaign to
    measure ``success_rate``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([0.9, 0.6, 0.3, 0.1])
    >>> plan = winback_thresholds(s, cost_per_contact=10, saved_value=100, success_rate=0.2,
    ...                           thresholds=[0.0, 0.5, 0.8])
    >>> plan.summary["net_value"].round(2).tolist()
    [-2.0, 10.0, 8.0]
    >>> plan.best_threshold, plan.breakeven_probability
    (0.5, 0.5)
    """
    cost_per_contact = check_number(cost_per_contact, "cost_per_contact", low=0)
    saved_value = check_number(saved_value, "saved_value", low=0)
    success_rate = check_number(success_rate, "success_rate", low=0, high=1)
    backfire_rate = check_number(backfire_rate, "backfire_rate", low=0, high=1)
    if thresholds is not None:
        thresholds = [check_number(t, "thresholds") for t in thresholds]
    s = pd.to_numeric(pd.Series(scores), errors="coerce").astype("float64")
    if s.isna().any():
        raise DataError(f"scores: {int(s.isna().sum())} missing scores (e.g. customers "
                        f"{examples(s.index[s.isna()])}). Score every customer.")
    if y_true is None:
        if s.min() < 0 or s.max() > 1:
            raise DataError("scores: without y_true the scores must be churn probabilities "
                            f"in [0, 1]; got {s.min():.3g} to {s.max():.3g}.")
        churn = s
    else:
        churn = _as_labels(y_true, "y_true").reindex(s.index)
        if churn.isna().any():
            raise DataError(f"y_true: {int(churn.isna().sum())} scored customers have no "
                            f"label (e.g. {examples(s.index[churn.isna()])}).")
    grid = np.round(np.linspace(0.0, 1.0, 21), 2) if thresholds is None else thresholds
    rows = []
    for t in grid:
        hit = (s >= t).to_numpy()
        n = int(hit.sum())
        churners = float(churn.to_numpy()[hit].sum())
        saved = churners * success_rate
        cost = n * cost_per_contact
        value = saved * saved_value
        lost = (n - churners) * backfire_rate * saved_value
        rows.append({"threshold": float(t), "contacted": n, "share_contacted": n / len(s),
                     "expected_churners": churners, "saved_customers": saved,
                     "cost": cost, "saved_value": value, "backfire_loss": lost,
                     "net_value": value - cost - lost,
                     "return_per_yuan": (value - lost) / cost if cost > 0 else np.nan})
    denom = (success_rate + backfire_rate) * saved_value
    breakeven = (cost_per_contact + backfire_rate * saved_value) / denom if denom > 0 \
        else np.inf
    return WinbackPlan(pd.DataFrame(rows), float(breakeven))
