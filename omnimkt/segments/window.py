"""Campaign-window counts of the salon case (G): new, woken, won back, upgraded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, check_number
from omnimkt._result import Result
from omnimkt.errors import DataError, ModelError
from omnimkt.segments._base import orders_table, transactions_of

#: The salon case's 45-day results, for comparison.
CASE_G_COUNTS = {"new": 372, "woken": 207, "won back": 87, "upgraded": 129}

TIER_LABELS = ("D", "C", "B", "A")


class WindowCounts(Result):
    """Counts of a campaign window and each customer's label (``customers``)."""

    title = "Campaign window counts"

    def __init__(self, customers: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 thresholds: np.ndarray, definitions: dict[str, str]) -> None:
        self.customers = customers
        self.start, self.end = start, end
        self.thresholds = thresholds
        self.definitions = definitions
        counts = {k: int(customers[k].sum()) for k in ("new", "woken", "won back", "upgraded")}
        self.counts = counts
        self.summary = pd.DataFrame({
            "customers": pd.Series(counts),
            "case_g": pd.Series(CASE_G_COUNTS),
            "definition": pd.Series(definitions),
        })
        self.summary.index.name = "outcome"
        self.notes = [f"Window {self.start.date()} to {self.end.date()} (end excluded); tier "
                      f"thresholds (yuan, trailing spend) D/C/B/A at "
                      f"{', '.join(f'{t:,.0f}' for t in self.thresholds)}."]


def window_counts(transactions: Any, start: Any, *, window_days: float = 45,
                  sleeping_days: int = 90,
                  lost_days: int = 180, tier_days: int = 365,
                  tier_quantiles: tuple[float, float, float] = (0.4, 0.7, 0.9),
                  tier_thresholds: Any = None, columns: Any = None) -> WindowCounts:
    """New / woken / won-back / upgraded customers in a campaign window (case G).

    Window W = [start, start + ``window_days``): from the first moment of the
    ``start`` day, ``window_days`` days long (45: the start day and the 44
    following). Status at ``start`` is measured by the
    days since the last purchase before it (s):

    * **new**: first purchase ever falls in W;
    * **woken**: a *sleeping* customer (``sleeping_days`` <= s < ``lost_days``,
      i.e. silent 90-179 days) who bought in W;
    * **won back**: a *lost* customer (s >= ``lost_days``, 180+ days) who bought
      in W;
    * **upgraded**: a customer who bought before ``start`` and whose value tier
      is higher at the window's end than at its start. Tiers D < C < B < A cut
      the spend of the trailing ``tier_days`` (365) at fixed yuan thresholds:
      ``tier_thresholds`` if given, else the ``tier_quantiles`` (40/70/90%) of
      that spend among customers active in the year before ``start``. The same
      thresholds are used at both ends, so an upgrade is spending more, not a
      moved cut-off.

    ``transactions`` may be a DataFrame or a Dataset; ``columns`` maps your
    column names (``omnimkt.Columns`` or a dict). ``start`` is a day (an aware
    value is read on its own wall-clock day); ``window_days``,
    ``sleeping_days``, ``lost_days`` and ``tier_days`` are days > 0.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2, 3, 3],
    ...     "timestamp": pd.to_datetime(["2025-03-05", "2024-12-01", "2025-03-02",
    ...                                  "2024-06-01", "2025-03-10"]),
    ...     "amount": [50.0, 80.0, 60.0, 70.0, 40.0]})
    >>> window_counts(tx, "2025-03-01", tier_thresholds=[100, 200, 300]).counts
    {'new': 1, 'woken': 1, 'won back': 1, 'upgraded': 2}
    """
    window_days, thresholds = _check_window_args(window_days, sleeping_days, lost_days,
                                                 tier_days, tier_quantiles, tier_thresholds)
    tx = transactions_of(transactions, columns)
    start = as_day(start, "start")
    end = start + pd.Timedelta(days=window_days)
    lo, hi = tx["timestamp"].min(), tx["timestamp"].max()
    if start <= lo or start > hi:
        raise DataError(f"start={start.date()}: outside the data ({lo.date()} to {hi.date()}); "
                        "the window must start after the first purchase and no later than the "
                        "last one.")
    orders = orders_table(tx[tx["timestamp"] < end])
    before = orders[orders["timestamp"] < start]
    inside = orders[orders["timestamp"] >= start]
    last_before = before.groupby("customer_id")["timestamp"].max()
    buyers_w = pd.Index(inside["customer_id"].unique())
    ids = last_before.index.union(buyers_w)
    silent = ((start - last_before) / np.timedelta64(1, "D")).reindex(ids)
    bought = ids.isin(buyers_w)
    out = pd.DataFrame(index=ids)
    out.index.name = "customer_id"
    out["days_silent_at_start"] = silent
    out["bought_in_window"] = bought
    out["new"] = bought & silent.isna().to_numpy()
    out["woken"] = bought & ((silent >= sleeping_days) & (silent < lost_days)).to_numpy()
    out["won back"] = bought & (silent >= lost_days).to_numpy()

    def trailing(at: pd.Timestamp) -> pd.Series:
        part = orders[(orders["timestamp"] < at)
                      & (orders["timestamp"] >= at - pd.Timedelta(days=tier_days))]
        return part.groupby("customer_id")["amount"].sum().reindex(ids, fill_value=0.0)

    spend0, spend1 = trailing(start), trailing(end)
    if thresholds is None:
        active = spend0[spend0 > 0]
        if active.empty:
            raise DataError(f"transactions: nobody bought in the {tier_days} days before "
                            f"start={start.date()}, so tiers cannot be set. Pass tier_thresholds.")
        thresholds = np.quantile(active.to_numpy(), tier_quantiles)
    t0 = np.searchsorted(thresholds, spend0.to_numpy(), side="right")
    t1 = np.searchsorted(thresholds, spend1.to_numpy(), side="right")
    out["tier_start"] = np.asarray(TIER_LABELS, dtype=object)[t0]
    out["tier_end"] = np.asarray(TIER_LABELS, dtype=object)[t1]
    out["upgraded"] = silent.notna().to_numpy() & (t1 > t0)
    definitions = {
        "new": f"first purchase ever in the {window_days:g}-day window",
        "woken": f"silent {sleeping_days}-{lost_days - 1} days at the start, bought in the window",
        "won back": f"silent {lost_days}+ days at the start, bought in the window",
        "upgraded": f"existing customer whose trailing {tier_days}-day spend tier rose",
    }
    return WindowCounts(out, start, end, thresholds, definitions)


def _check_window_args(window_days: Any, sleeping_days: Any, lost_days: Any, tier_days: Any,
                       tier_quantiles: Any, tier_thresholds: Any
                       ) -> tuple[float, np.ndarray | None]:
    """The checked window length and the fixed tier thresholds (None = from quantiles)."""
    window_days = check_number(window_days, "window_days", low=0, low_open=True)
    sleeping_days = check_number(sleeping_days, "sleeping_days", low=0, low_open=True)
    lost_days = check_number(lost_days, "lost_days", low=0, low_open=True)
    check_number(tier_days, "tier_days", low=0, low_open=True)
    if sleeping_days >= lost_days:
        raise ModelError(f"sleeping_days={sleeping_days:g}, lost_days={lost_days:g}: need "
                         "0 < sleeping_days < lost_days.")
    q = _three(tier_quantiles, "tier_quantiles")
    if q.min() <= 0 or q.max() >= 1:
        raise ModelError(f"tier_quantiles: must be 3 increasing fractions between 0 and 1, "
                         f"got {tier_quantiles!r}.")
    if tier_thresholds is None:
        return window_days, None
    t = _three(tier_thresholds, "tier_thresholds")
    if t.min() < 0:
        raise ModelError(f"tier_thresholds: must be 3 increasing yuan amounts >= 0 (C, B, A), "
                         f"got {tier_thresholds!r}.")
    return window_days, t


def _three(values: Any, name: str) -> np.ndarray:
    """Three finite non-decreasing numbers, else a ModelError naming ``name``."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{name}: expected 3 increasing numbers, got {values!r}.") from exc
    if v.shape != (3,) or not np.isfinite(v).all() or np.any(np.diff(v) < 0) \
            or any(isinstance(x, bool | np.bool_) for x in np.ravel(np.asarray(values, dtype=object))):
        raise ModelError(f"{name}: expected 3 increasing numbers, got {values!r}.")
    return v
