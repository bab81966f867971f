"""Plots of the descriptive tables of :mod:`omnimkt.overview`.

Examples
--------
>>> import pandas as pd
>>> ax = plot_basket_sizes(pd.Series([150.0, 250.0, 450.0]))
>>> ax.get_xlabel()
'order value (yuan)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_basket_sizes", "plot_customers_by_channel", "plot_journey_lengths", "plot_monthly_sales",
]


def plot_monthly_sales(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Stacked monthly revenue by channel, from :func:`omnimkt.overview.monthly_sales`."""
    ax = new_axes(ax, (7, 3.5))
    x = table.index.astype(str)
    bottom = np.zeros(len(table))
    for col in table.columns:
        ax.bar(x, table[col].to_numpy() / 1e3, bottom=bottom, label=str(col), width=0.85)
        bottom += table[col].to_numpy() / 1e3
    step = max(1, len(x) // 8)
    ax.set_xticks(range(0, len(x), step), x[::step], rotation=45, ha="right")
    ax.set_xlabel("month")
    ax.set_ylabel("revenue (thousand yuan)")
    if len(table.columns) > 1:
        ax.legend(title="channel", fontsize="small", frameon=False)
    return ax


def plot_basket_sizes(
    baskets: pd.Series, *, ax: Axes | None = None, thresholds: tuple[float, float] = (200.0, 400.0)
) -> Axes:
    """Histogram of order values with the case's price-sensitivity thresholds marked."""
    ax = new_axes(ax, (7, 3.5))
    upper = float(np.quantile(baskets, 0.99))
    ax.hist(baskets.clip(upper=upper), bins=40, color="tab:blue", alpha=0.8)
    # The lines are named in a legend: labels written beside them overlapped the bars.
    for t, label, style in zip(thresholds, ("price offers below", "service above"), ("--", ":"),
                               strict=True):
        ax.axvline(t, color="tab:red", ls=style, lw=1.2, label=f"{label} {t:.0f}")
    ax.legend(frameon=False, fontsize="small", loc="upper right")
    ax.set_xlabel("order value (yuan)")
    ax.set_ylabel("orders")
    return ax


def plot_customers_by_channel(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of customers by acquisition channel, from ``customers_by_channel``."""
    ax = new_axes(ax, (7, 3.5))
    t = table.sort_values("customers")
    ax.barh(t.index.astype(str), t["customers"], color="tab:green")
    for y, (n, share) in enumerate(zip(t["customers"], t["share_of_customers"], strict=True)):
        ax.annotate(f" {share:.0%}", (n, y), va="center", fontsize="small")
    ax.set_xlabel("customers")
    ax.set_ylabel("first purchase channel")
    return ax


def plot_journey_lengths(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """People by touches before buying, with the conversion rate read on the right axis."""
    ax = new_axes(ax, (7, 3.5))
    ax.bar(table.index, table["people"], color="tab:gray", label="people")
    ax.set_xlabel("touches before the first purchase (or in all, if none)")
    ax.set_ylabel("people")
    # The rate is drawn on ax itself, scaled so that 100 % sits at the tallest bar, and
    # read on a secondary axis of ax (a twin axes would add a second axes to the figure).
    scale = max(float(table["people"].max()), 1.0) / 100
    ax.plot(table.index, table["conversion_rate"] * 100 * scale, color="tab:orange",
            marker="o")
    right = ax.secondary_yaxis("right", functions=(lambda v: v / scale, lambda v: v * scale))
    right.set_ylabel("bought (%)", color="tab:orange")
    return ax
