"""Result types of the funnel family: :class:`FunnelResult` and :class:`FunnelComparison`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from omnimkt._result import Result
from omnimkt.errors import DataError

__all__ = ["FunnelComparison", "FunnelResult"]


def _median_td(ns: np.ndarray) -> pd.Timedelta:
    return pd.Timedelta(int(np.median(ns)), "ns").round("s") if len(ns) else pd.NaT


def _mean_td(ns: np.ndarray) -> pd.Timedelta:
    return pd.Timedelta(int(np.mean(ns)), "ns").round("s") if len(ns) else pd.NaT


def _summary(counts: np.ndarray, times: list[np.ndarray], labels: list[str],
             unit: str) -> pd.DataFrame:
    """One row per step: count, conversions, drop-off and times from the funnel start."""
    counts = np.asarray(counts, dtype="int64")
    first = counts[0] if len(counts) else 0
    prev = np.r_[counts[:1], counts[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        from_prev = np.where(prev > 0, counts / np.maximum(prev, 1), np.nan)
        from_first = np.where(first > 0, counts / max(first, 1), np.nan)
    return pd.DataFrame({
        "step": labels,
        unit: counts,
        "conversion_from_previous": from_prev,
        "conversion_from_first": from_first,
        "drop_off": prev - counts,
        "median_time_to_step": [_median_td(t) for t in times],
        "mean_time_to_step": [_mean_td(t) for t in times],
    })


def _days_text(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


@dataclass(repr=False, eq=False)
class FunnelResult(Result):
    """Outcome of :func:`omnimkt.funnel.funnel`.

    Attributes
    ----------
    summary : DataFrame
        One row per step: step, customers (or sessions), conversion_from_previous,
        conversion_from_first, drop_off (units lost since the previous step),
        median_time_to_step and mean_time_to_step (from the funnel start).
    units : DataFrame
        One row per customer (or session) that entered: customer_id (and session),
        entered (start of the counted attempt), steps_reached, breakdown value, and
        one ``time_to_<k>`` Timedelta column per step (NaT if not reached).
    steps : list of str
        The step labels.
    order, by : str
        The settings the funnel was counted with.
    window_days : float or None
        The conversion window in days (None: no limit).
    start, end : Timestamp or None
        First and last day (inclusive) on which counted attempts started.
    breakdown : DataFrame or None
        ``summary`` per group of the breakdown property (group column first).
    breakdown_name : str or None
        Name of the group column of ``breakdown``.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.funnel import funnel
    >>> ev = pd.DataFrame({"customer_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> funnel(ev, ["visit", "buy"])._settings()
    'strict order, window 30 days, counted by customer'
    """

    summary: pd.DataFrame
    units: pd.DataFrame
    steps: list[str]
    order: str
    window_days: float | None
    by: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    breakdown: pd.DataFrame | None = None
    breakdown_name: str | None = None
    notes: list[str] = field(default_factory=list)
    title: str = "Funnel"

    def _settings(self) -> str:
        w = "no window" if self.window_days is None else f"window {_days_text(self.window_days)}"
        text = f"{self.order} order, {w}, counted by {self.by}"
        if self.start is not None or self.end is not None:
            lo = "…" if self.start is None else f"{self.start:%Y-%m-%d}"
            hi = "…" if self.end is None else f"{self.end:%Y-%m-%d}"
            text += f", starts {lo} to {hi}"
        return text

    @property
    def unit(self) -> str:
        """What the funnel counts: "sessions" or "customers"."""
        return "sessions" if self.by == "session" else "customers"

    @property
    def time_to_convert(self) -> pd.Series:
        """Time from the funnel start to the last step, for units that completed it."""
        col = f"time_to_{len(self.steps)}"
        return self.units[col].dropna().rename("time_to_convert")

    def time_summary(self, quantiles: Sequence[float] = (0.25, 0.5, 0.75, 0.9)) -> pd.DataFrame:
        """Distribution of the time to reach each step: count, mean and quantiles."""
        rows = []
        for k, label in enumerate(self.steps, start=1):
            ns = self.units[f"time_to_{k}"].dropna().to_numpy().astype("timedelta64[ns]")
            ns = ns.view("int64")
            row = {"step": label, "count": len(ns), "mean": _mean_td(ns)}
            for q in quantiles:
                v = np.quantile(ns, q) if len(ns) else np.nan
                row[f"p{round(q * 100)}"] = pd.NaT if np.isnan(v) else pd.Timedelta(int(v), "ns").round("s")
            rows.append(row)
        return pd.DataFrame(rows)

    def breakdown_table(self, value: str | None = None) -> pd.DataFrame:
        """Groups x steps table of counts (or of ``value``, e.g. "conversion_from_first")."""
        if self.breakdown is None:
            raise DataError("This funnel has no breakdown; call funnel(..., breakdown=...).")
        value = value or self.unit
        table = self.breakdown.pivot(index=self.breakdown_name, columns="step", values=value)
        return table.reindex(columns=self.steps)


@dataclass(repr=False, eq=False)
class FunnelComparison(Result):
    """Two (or more) funnels side by side (:func:`omnimkt.funnel.compare_periods`).

    Attributes
    ----------
    summary : DataFrame
        step, then per period the units at each step and the conversion from the first
        step, and ``change`` (last period minus first).
    results : dict of str to FunnelResult
        The funnel of each period.
    """

    summary: pd.DataFrame
    results: dict[str, FunnelResult]
    notes: list[str] = field(default_factory=list)
    title: str = "Funnel comparison"

    def _settings(self) -> str:
        return " vs ".join(self.results)
