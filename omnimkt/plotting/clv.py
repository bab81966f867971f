"""Plots for customer lifetime value: ``plot_x(result, *, ax=None) -> Axes``.

Each function draws one table returned by :mod:`omnimkt.clv` on the given axes.

Examples
--------
>>> import pandas as pd
>>> tab = pd.DataFrame({"customers": [10, 5], "actual": [0.2, 0.9], "predicted": [0.25, 0.8]},
...                    index=pd.Index(["0", "1+"], name="frequency_cal"))
>>> ax = plot_holdout_by_frequency(tab)
>>> ax.get_xlabel()
'repeat purchases in calibration period'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_holdout_by_frequency",
    "plot_cumulative_tracking",
    "plot_incremental_tracking",
    "plot_period_transactions",
    "plot_probability_alive_matrix",
    "plot_expected_purchases_matrix",
    "plot_clv_distribution",
    "plot_value_concentration",
    "plot_value_tiers",
]

_ACTUAL = "#333333"
_MODEL = "#3b75af"
_UNIT_NAMES = {"D": "days", "W": "weeks", "M": "months"}


def plot_holdout_by_frequency(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mean holdout purchases by calibration frequency, actual vs model
    (table from :func:`omnimkt.clv.holdout_by_frequency`)."""
    ax = new_axes(ax)
    x = np.arange(len(table))
    ax.plot(x, table["actual"], marker="o", color=_ACTUAL, label="actual")
    ax.plot(x, table["predicted"], marker="s", ls="--", color=_MODEL, label="model")
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set_xlabel("repeat purchases in calibration period")
    ax.set_ylabel("mean purchases in holdout period")
    ax.set_title("Conditional expectations: holdout purchases by calibration frequency")
    ax.legend(frameon=False)
    return ax


def _time_label(table: pd.DataFrame) -> str:
    return _UNIT_NAMES.get(table.attrs.get("time_unit", "W"), "periods")


def _mark_calibration(ax: Axes, table: pd.DataFrame) -> None:
    cal = table.attrs.get("calibration_period")
    if cal is not None:
        ax.axvline(cal, color="grey", ls=":", lw=1)
        ax.text(cal, ax.get_ylim()[1] * 0.97, " end of calibration", va="top", fontsize=8,
                color="grey")


def plot_cumulative_tracking(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Cumulative repeat purchases, actual vs model (from
    :func:`omnimkt.clv.cumulative_tracking`)."""
    ax = new_axes(ax)
    ax.plot(table.index, table["actual"], color=_ACTUAL, label="actual")
    ax.plot(table.index, table["expected"], color=_MODEL, ls="--", label="model")
    ax.set_xlabel(_time_label(table) + " since first purchase in the data")
    ax.set_ylabel("cumulative repeat purchases")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("Tracking cumulative repeat purchases")
    ax.legend(frameon=False, loc="upper left")
    _mark_calibration(ax, table)
    return ax


def plot_incremental_tracking(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Repeat purchases per period, actual vs model (from
    :func:`omnimkt.clv.cumulative_tracking`)."""
    ax = new_axes(ax)
    ax.plot(table.index, table["actual_incremental"], color=_ACTUAL, label="actual")
    ax.plot(table.index, table["expected_incremental"], color=_MODEL, ls="--", label="model")
    ax.set_xlabel(_time_label(table) + " since first purchase in the data")
    ax.set_ylabel(f"repeat purchases per {_time_label(table)[:-1]}")
    ax.set_title("Tracking repeat purchases per period")
    ax.legend(frameon=False)
    _mark_calibration(ax, table)
    return ax


def plot_period_transactions(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Customers by number of repeat purchases, actual vs simulated from the model
    (from :func:`omnimkt.clv.period_transactions`)."""
    ax = new_axes(ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"], width=0.4, color=_ACTUAL, label="actual")
    ax.bar(x + 0.2, table["model"], width=0.4, color=_MODEL, label="model")
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set_xlabel("repeat purchases in calibration period")
    ax.set_ylabel("customers")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("Customers by repeat purchases: actual vs model")
    ax.legend(frameon=False)
    return ax


def _heatmap(matrix: pd.DataFrame, ax: Axes | None, label: str, title: str,
             cmap: str) -> Axes:
    ax = new_axes(ax, (6, 5))
    im = ax.imshow(matrix.to_numpy(), origin="lower", aspect="auto", cmap=cmap,
                   extent=(matrix.columns[0] - 0.5, matrix.columns[-1] + 0.5,
                           matrix.index[0] - 0.5, matrix.index[-1] + 0.5))
    # the colour bar lives inside ax (an inset), so the plot adds no axes to the figure
    cax = ax.inset_axes((1.02, 0.0, 0.04, 1.0))
    ax.figure.colorbar(im, cax=cax, label=label)
    ax.set_xlabel("frequency (repeat purchases)")
    ax.set_ylabel("recency (time of last purchase since first)")
    ax.set_title(title)
    return ax


def plot_probability_alive_matrix(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heatmap of P(alive) by frequency and recency (from
    ``model.probability_alive_matrix()``)."""
    return _heatmap(matrix, ax, "P(alive)", "Probability a customer is still active",
                    "RdYlGn")


def plot_expected_purchases_matrix(matrix: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heatmap of expected future purchases by frequency and recency (from
    ``model.expected_purchases_matrix(t)``)."""
    return _heatmap(matrix, ax, "expected purchases", "Expected purchases in the next period",
                    "viridis")


def plot_clv_distribution(values: pd.Series | pd.DataFrame, *, ax: Axes | None = None,
                          bins: int = 40, currency: str = "") -> Axes:
    """Histogram of customer lifetime values (a Series, or the ``clv`` column of
    :func:`omnimkt.clv.customer_value`) on a log scale, with the median and mean."""
    ax = new_axes(ax)
    v = values["clv"] if isinstance(values, pd.DataFrame) else values
    v = v.to_numpy(dtype=float)
    pos = v[v > 0]
    lo = max(np.quantile(pos, 0.001), 1e-2) if len(pos) else 1e-2
    edges = np.geomspace(lo, max(pos.max() if len(pos) else 1.0, lo * 10), bins)
    ax.hist(np.clip(v, lo, None), bins=edges, color=_MODEL, alpha=0.85)
    ax.set_xscale("log")
    for stat, ls in ((np.median(v), "--"), (np.mean(v), ":")):
        ax.axvline(max(stat, lo), color=_ACTUAL, ls=ls, lw=1)
    ax.text(max(np.median(v), lo), ax.get_ylim()[1] * 0.95, " median", fontsize=8, va="top")
    ax.text(max(np.mean(v), lo), ax.get_ylim()[1] * 0.85, " mean", fontsize=8, va="top")
    n_low = int((v < lo).sum())
    note = f"; {n_low:,} values below {lo:.2g} in the first bar" if n_low else ""
    ax.set_xlabel(f"customer lifetime value {currency}".strip() + f" (log scale{note})")
    ax.set_ylabel("customers")
    ax.set_title("Distribution of customer lifetime value")
    return ax


def plot_value_concentration(values: pd.Series | pd.DataFrame, *,
                             ax: Axes | None = None) -> Axes:
    """Share of total CLV held by the top x% of customers (a concentration curve)."""
    ax = new_axes(ax, (5, 4.5))
    v = values["clv"] if isinstance(values, pd.DataFrame) else values
    v = np.sort(v.to_numpy(dtype=float))[::-1]
    share_c = np.arange(1, len(v) + 1) / len(v)
    share_v = np.cumsum(v) / max(v.sum(), 1e-12)
    ax.plot(np.r_[0, share_c], np.r_[0, share_v], color=_MODEL)
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1)
    i20 = int(np.ceil(0.2 * len(v))) - 1
    ax.scatter([share_c[i20]], [share_v[i20]], color=_ACTUAL, zorder=3)
    ax.annotate(f"top 20% hold {share_v[i20]:.0%}", (share_c[i20], share_v[i20]),
                xytext=(10, -15), textcoords="offset points", fontsize=8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("customers, ranked by CLV")
    ax.set_ylabel("share of total CLV")
    ax.set_title("Value concentration")
    return ax


def plot_value_tiers(tiers: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Share of customers vs share of value by tier (from :func:`omnimkt.clv.value_tiers`)."""
    ax = new_axes(ax)
    y = np.arange(len(tiers))[::-1]
    ax.barh(y + 0.2, tiers["share_customers"], height=0.4, color="#bbbbbb",
            label="share of customers")
    ax.barh(y - 0.2, tiers["share_clv"], height=0.4, color=_MODEL, label="share of CLV")
    ax.set_yticks(y, [str(t) for t in tiers.index])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share")
    ax.set_title("Value tiers")
    ax.legend(frameon=False, loc="lower right")
    return ax
