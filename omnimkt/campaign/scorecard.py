"""Targets decomposed by store, person and day, and daily tracking against them (case G).

The salon case splits each month's target into per-person and per-day targets
on the 1st of the month and tracks performance against them every day ("GPS").
:func:`decompose_targets` does the split, :func:`track_targets` the tracking
and attainment, :func:`window_totals` the cash sales / card consumption of the
window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._result import Result
from omnimkt.campaign._common import as_window, in_window, require, visits_table
from omnimkt.errors import DataError, examples

__all__ = ["TargetTracking", "WindowTotals", "decompose_targets", "track_targets",
           "window_totals"]


def decompose_targets(monthly_targets: Any, staff: Any, *, start: Any,
                      end: Any) -> pd.DataFrame:
    """Split each store's monthly target equally over its staff and the month's days.

    Parameters
    ----------
    monthly_targets : DataFrame
        store_id, month (any day of the month), target (yuan, >= 0).
    staff : DataFrame
        staff_id, store_id: who shares each store's target.
    start, end : date-like
        The days to return (both inclusive); every month they touch needs a target.

    Returns
    -------
    DataFrame: day, store_id, staff_id, target (one row per person and day).

    Examples
    --------
    >>> m = pd.DataFrame({"store_id": ["A"], "month": ["2025-09-01"], "target": [3000.0]})
    >>> s = pd.DataFrame({"staff_id": ["a1", "a2"], "store_id": ["A", "A"]})
    >>> decompose_targets(m, s, start="2025-09-01", end="2025-09-02")["target"].tolist()
    [50.0, 50.0, 50.0, 50.0]
    """
    first, last = as_window(start, end)
    m = require(monthly_targets, "monthly_targets", ("store_id", "month", "target")).copy()
    people = require(staff, "staff", ("staff_id", "store_id"))
    m["target"] = pd.to_numeric(m["target"], errors="coerce")
    bad = m["target"].isna() | (m["target"] < 0)
    if bad.any():
        raise DataError(f"monthly_targets.target: {int(bad.sum())} rows are missing or "
                        f"negative (e.g. {examples(monthly_targets.loc[bad, 'target'])}); "
                        "targets are yuan >= 0.")
    m["period"] = pd.to_datetime(m["month"]).dt.to_period("M")
    no_staff = ~m["store_id"].isin(people["store_id"])
    if no_staff.any():
        raise DataError(f"monthly_targets.store_id: {int(no_staff.sum())} rows name a store "
                        f"with no staff (e.g. {examples(m.loc[no_staff, 'store_id'])}); add "
                        "its staff to the staff table.")
    days = pd.date_range(first, last, freq="D")
    need = pd.Index(days.to_period("M").unique())
    missing = need.difference(pd.Index(m["period"].unique()))
    if len(missing):
        raise DataError(f"monthly_targets.month: no target for {examples(missing.astype(str))}"
                        f"; every month from {first.date()} to {last.date()} needs one.")
    head = people.groupby("store_id")["staff_id"].transform("size")
    per = people.assign(n_staff=head).merge(m[["store_id", "period", "target"]], on="store_id")
    grid = pd.DataFrame({"day": days, "period": days.to_period("M")})
    out = per.merge(grid, on="period")
    out["target"] = out["target"] / out["n_staff"] / out["period"].dt.days_in_month
    return (out[["day", "store_id", "staff_id", "target"]]
            .sort_values(["day", "store_id", "staff_id"], kind="stable").reset_index(drop=True))


class TargetTracking(Result):
    """Target against actual per store, person and day, with attainment.

    Attributes
    ----------
    daily : DataFrame
        store_id, day, target, actual, cum_target, cum_actual, attainment_to_date.
    by_store, by_staff : DataFrame
        target, actual, attainment (actual / target).
    summary : DataFrame
        ``by_store`` plus an "all stores" row.
    """

    title = "Targets against actuals"

    def __init__(self, daily: pd.DataFrame, by_store: pd.DataFrame, by_staff: pd.DataFrame,
                 value: str, start: pd.Timestamp, end: pd.Timestamp) -> None:
        self.daily, self.by_store, self.by_staff = daily, by_store, by_staff
        self.value, self.start, self.end = value, start, end
        total = by_store[["target", "actual"]].sum()
        total["attainment"] = total["actual"] / total["target"] if total["target"] else np.nan
        self.summary = pd.concat([by_store, total.to_frame("all stores").T])
        self.summary.index.name = "store_id"
        self.notes = [f"Attainment = {value} in the window / the sum of the daily targets "
                      f"from {start.date()} to {end.date()} (both included)."]

    def _settings(self) -> str:
        return f"{self.value}, {self.start.date()} to {self.end.date()}"


def track_targets(targets: Any, visits: Any, *, start: Any, end: Any,
                  value: str = "cash_sales") -> TargetTracking:
    """Daily tracking of ``value`` against the decomposed targets, and attainment.

    Parameters
    ----------
    targets : DataFrame
        day, store_id, staff_id, target (from :func:`decompose_targets`).
    visits : DataFrame
        customer_id, store_id, staff_id, timestamp and the ``value`` column (yuan).
    start, end : date-like
        The window, both days inclusive.
    value : str
        The visits column tracked (``"cash_sales"``, ``"card_consumption"``).

    Examples
    --------
    >>> t = pd.DataFrame({"day": pd.to_datetime(["2025-09-01", "2025-09-02"]),
    ...                   "store_id": "A", "staff_id": "a1", "target": [100.0, 100.0]})
    >>> v = pd.DataFrame({"customer_id": [1], "store_id": ["A"], "staff_id": ["a1"],
    ...                   "timestamp": ["2025-09-02"], "cash_sales": [250.0]})
    >>> float(track_targets(t, v, start="2025-09-01", end="2025-09-02").by_store["attainment"].iloc[0])
    1.25
    """
    first, last = as_window(start, end)
    tg = require(targets, "targets", ("day", "store_id", "staff_id", "target")).copy()
    tg["target"] = pd.to_numeric(tg["target"], errors="coerce")
    bad = tg["target"].isna() | (tg["target"] < 0)
    if bad.any():
        raise DataError(f"targets.target: {int(bad.sum())} rows are missing or negative (e.g. "
                        f"{examples(targets.loc[bad, 'target'])}); targets are yuan >= 0.")
    tg["day"] = pd.to_datetime(tg["day"]).dt.normalize()
    tg = tg[(tg["day"] >= first) & (tg["day"] <= last)]
    v = visits_table(visits, stores=tg["store_id"].unique(),
                     columns=("customer_id", "store_id", "staff_id", "timestamp"),
                     money=(value,))
    v = in_window(v, first, last).assign(day=lambda f: f["timestamp"].dt.normalize())
    keys = ["store_id", "staff_id", "day"]
    both = tg.groupby(keys)["target"].sum().to_frame().join(
        v.groupby(keys)[value].sum().rename("actual"), how="outer").fillna(0.0).reset_index()
    daily = both.groupby(["store_id", "day"])[["target", "actual"]].sum().reset_index()
    daily["cum_target"] = daily.groupby("store_id")["target"].cumsum()
    daily["cum_actual"] = daily.groupby("store_id")["actual"].cumsum()
    daily["attainment_to_date"] = daily["cum_actual"] / daily["cum_target"].replace(0, np.nan)
    return TargetTracking(daily, _attain(both, "store_id"), _attain(both, "staff_id"),
                          value, first, last)


def _attain(both: pd.DataFrame, key: str) -> pd.DataFrame:
    out = both.groupby(key)[["target", "actual"]].sum()
    out["attainment"] = out["actual"] / out["target"].replace(0, np.nan)
    return out


class WindowTotals(Result):
    """Visits, customers, cash sales and card consumption per store in the window."""

    title = "Campaign window totals"

    def __init__(self, summary: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> None:
        self.summary, self.start, self.end = summary, start, end
        self.notes = ["Cash sales (现金业绩) = money taken (packages, offers); card "
                      "consumption (耗卡) = services paid from prepaid cards."]

    def _settings(self) -> str:
        return f"{self.start.date()} to {self.end.date()}"


def window_totals(visits: Any, *, start: Any, end: Any, stores: Any = None) -> WindowTotals:
    """Totals of the window per store plus an "all stores" row.

    Examples
    --------
    >>> v = pd.DataFrame({"customer_id": [1, 1, 2], "store_id": ["A", "A", "B"],
    ...     "timestamp": ["2025-09-01", "2025-09-03", "2025-09-02"],
    ...     "cash_sales": [0.0, 500.0, 99.0], "card_consumption": [380.0, 380.0, 0.0]})
    >>> window_totals(v, start="2025-09-01", end="2025-09-30").summary["cash_sales"].tolist()
    [500.0, 99.0, 599.0]
    """
    first, last = as_window(start, end)
    v = in_window(visits_table(visits, stores=stores,
                               money=("cash_sales", "card_consumption")), first, last)
    per = v.groupby("store_id").agg(visits=("customer_id", "size"),
                                    customers=("customer_id", "nunique"),
                                    cash_sales=("cash_sales", "sum"),
                                    card_consumption=("card_consumption", "sum"))
    total = per[["visits", "cash_sales", "card_consumption"]].sum()
    total["customers"] = v["customer_id"].nunique()
    summary = pd.concat([per, total.to_frame("all stores").T[per.columns]])
    summary.index.name = "store_id"
    for col in ("visits", "customers"):
        summary[col] = summary[col].astype(np.int64)
    return WindowTotals(summary, first, last)
