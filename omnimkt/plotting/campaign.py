"""Plots of the campaign scorecard (case G): attainment, daily tracking, penetration,
traffic and staff load. Each draws on the given axes and returns them."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from omnimkt.campaign import Penetration, StaffLoad, TargetTracking, TrafficChange
from omnimkt.plotting._base import grouped_bars, new_axes

__all__ = ["plot_attainment", "plot_daily_tracking", "plot_penetration", "plot_staff_load",
           "plot_traffic_change"]


def plot_attainment(result: TargetTracking, *, ax: Axes | None = None) -> Axes:
    """Attainment per store (actual / target, %) with the 100% line.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.campaign import track_targets
    >>> t = pd.DataFrame({"day": pd.to_datetime(["2025-09-01"]), "store_id": "A",
    ...                   "staff_id": "a1", "target": [100.0]})
    >>> v = pd.DataFrame({"customer_id": [1], "store_id": ["A"], "staff_id": ["a1"],
    ...                   "timestamp": ["2025-09-01"], "cash_sales": [90.0]})
    >>> ax = plot_attainment(track_targets(t, v, start="2025-09-01", end="2025-09-01"))
    """
    s = result.by_store.sort_values("attainment", ascending=False)
    ax = new_axes(ax, (6, 3.5))
    pct = s["attainment"].to_numpy(dtype=float) * 100
    colors = ["#2ca02c" if p >= 100 else "#d62728" for p in pct]
    ax.bar(np.arange(len(s)), pct, color=colors)
    ax.axhline(100, color="black", lw=0.8, ls="--", label="target")
    ax.set_xticks(np.arange(len(s)), s.index.astype(str))
    ax.set_xlabel("store")
    ax.set_ylabel("attainment (% of target)")
    ax.set_title(f"Target attainment ({result.value})")
    ax.legend(fontsize=8)
    return ax


def plot_daily_tracking(result: TargetTracking, *, ax: Axes | None = None) -> Axes:
    """Cumulative attainment to date per store, day by day (the daily "GPS")."""
    ax = new_axes(ax, (7, 3.8))
    for store, part in result.daily.groupby("store_id"):
        ax.plot(part["day"], part["attainment_to_date"] * 100, lw=1.4, label=str(store))
    ax.axhline(100, color="black", lw=0.8, ls="--")
    ax.set_xlabel("day")
    ax.set_ylabel("attainment to date (%)")
    ax.set_title("Daily tracking against the cumulative target")
    ax.legend(fontsize=7, ncol=2)
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def plot_penetration(result: Penetration, *, ax: Axes | None = None) -> Axes:
    """Service penetration (%) by service type, one bar per customer group."""
    s = result.summary * 100
    ax = new_axes(ax, (6.5, 3.6))
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s[col], dict(label=f"{col} customers" if col != "all"
                                        else "all customers")) for col in s.columns])
    ax.set_xticks(x, s.index.astype(str))
    ax.set_xlabel("service type")
    ax.set_ylabel("customers with the service (%)")
    ax.set_title("Service penetration in the window")
    ax.legend(fontsize=7)
    return ax


def plot_traffic_change(result: TrafficChange, *, ax: Axes | None = None) -> Axes:
    """Visits per store in the window against the same days a year earlier."""
    s = result.summary.drop(index="all stores", errors="ignore")
    ax = new_axes(ax, (6.5, 3.6))
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["visits_year_before"], dict(color="C7", label="a year earlier")),
                        (s["visits"], dict(color="C0", label="campaign window"))])
    ax.set_xticks(x, s.index.astype(str))
    ax.set_xlabel("store")
    ax.set_ylabel("visits in the window")
    ax.set_title("Store traffic, year on year")
    ax.legend(fontsize=8)
    return ax


def plot_staff_load(result: StaffLoad, *, ax: Axes | None = None) -> Axes:
    """Customers per therapist per working day, per store."""
    s = result.summary.drop(index="all stores", errors="ignore")
    ax = new_axes(ax, (6, 3.4))
    ax.bar(np.arange(len(s)), s["per_day"], color="C0")
    ax.axhspan(3, 4, color="C1", alpha=0.2, label="case: 3-4")
    ax.set_xticks(np.arange(len(s)), s.index.astype(str))
    ax.set_xlabel("store")
    ax.set_ylabel("visits per therapist per working day")
    ax.set_title("Therapist load")
    ax.legend(fontsize=8)
    return ax
