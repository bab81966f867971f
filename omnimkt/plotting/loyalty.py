"""Plots for the points ladder: ``plot_x(result, *, ax=None) -> Axes``.

Examples
--------
>>> from omnimkt.loyalty import Behaviour, simulate
>>> res = simulate(behaviour=Behaviour(n_initial=100, max_members=200), weeks=5,
...                n_runs=2, progress=False)
>>> ax = plot_tier_distribution(res)
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from omnimkt.errors import ModelError
from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_tier_distribution", "plot_band", "plot_member_growth", "plot_liability",
    "plot_net_effect", "plot_scenarios", "plot_sensitivity", "plot_balance_history",
    "plot_monthly_cost", "plot_tier_counts",
]

_YUAN = FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}M" if abs(v) >= 1e6 else f"{v:,.0f}")
_COLORS = ["#c7c7c7", "#9ecae1", "#4292c6", "#08306b", "#6a51a3", "#54278f"]


def plot_tier_distribution(result, *, ax: Axes | None = None, stat: str = "p50",
                           include_members: bool = False) -> Axes:
    """Members at each tier by week (stacked; median over runs by default)."""
    ax = new_axes(ax)
    tab = result.tier_distribution(stat)
    if not include_members:
        tab = tab.drop(columns="member")
    colors = _COLORS[1:] if not include_members else _COLORS
    ax.stackplot(tab.index, *[tab[c] for c in tab.columns], labels=list(tab.columns),
                 colors=colors[:tab.shape[1]])
    ax.set_xlabel("week")
    ax.set_ylabel("members (count)")
    ax.set_title("Members per tier")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_band(result, metric: str, *, ax: Axes | None = None, label: str | None = None,
              color: str = "#4292c6", cumulative: bool = False) -> Axes:
    """Median and percentile band over runs of one weekly metric (yuan or count)."""
    ax = new_axes(ax)
    if cumulative:
        w = result.weekly.assign(_m=result.weekly.groupby("run")[metric].cumsum())
        g = w.groupby("week")["_m"]
        lo, mid, hi = result.percentiles
        b = pd.DataFrame({"lo": g.quantile(lo / 100), "mid": g.quantile(mid / 100),
                          "hi": g.quantile(hi / 100)})
    else:
        b = result.band(metric)
        b.columns = ["lo", "mid", "hi", "mean"]
    ax.fill_between(b.index, b["lo"], b["hi"], color=color, alpha=0.25, linewidth=0)
    ax.plot(b.index, b["mid"], color=color, label=label or metric)
    ax.set_xlabel("week")
    ax.yaxis.set_major_formatter(_YUAN)
    return ax


def plot_member_growth(result, *, ax: Axes | None = None) -> Axes:
    """Member base with band, the milestone line (5,000) and the median week it is reached."""
    ax = plot_band(result, "members", ax=ax, label="members (median, band)")
    m = result.ladder.milestone_members
    ax.axhline(m, color="#d62728", linestyle="--", linewidth=1, label=f"{m:,} members")
    wk = result.milestone_weeks.median()
    if np.isfinite(wk):
        ax.axvline(wk, color="#d62728", linestyle=":", linewidth=1)
        ax.annotate(f"week {wk:.0f}", (wk, m), textcoords="offset points", xytext=(4, 6),
                    color="#d62728")
    ax.set_ylabel("members (count)")
    ax.set_title("Member base")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_liability(result, *, ax: Axes | None = None) -> Axes:
    """Outstanding liability by week: vouchers and discount rights (yuan, median + band)."""
    ax = new_axes(ax)
    plot_band(result, "voucher_liability", ax=ax, label="vouchers not yet redeemed (expected)",
              color="#e6550d")
    plot_band(result, "discount_liability", ax=ax, label="discount rights (next year)",
              color="#3182bd")
    ax.set_ylabel("liability (yuan)")
    ax.set_title("Outstanding liability (IFRS 15 style)")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_net_effect(result, *, ax: Axes | None = None) -> Axes:
    """Cumulative programme cost and net effect on revenue (yuan, median + band)."""
    ax = new_axes(ax)
    plot_band(result, "programme_cost", ax=ax, cumulative=True, color="#e6550d",
              label="cumulative programme cost")
    plot_band(result, "net_effect", ax=ax, cumulative=True, color="#31a354",
              label="cumulative net effect on revenue")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("yuan")
    ax.set_title("Cost and net effect")
    ax.legend(loc="lower left", frameon=False)
    return ax


def plot_scenarios(result, *, ax: Axes | None = None,
                   metrics: tuple[str, ...] = ("programme cost", "net effect")) -> Axes:
    """Grouped bars of key figures per scenario (medians; net effect with its band)."""
    ax = new_axes(ax)
    tab = result.table
    x = np.arange(len(tab))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        vals = tab[m].to_numpy(float)
        err = None
        if m == "net effect":
            err = np.vstack([vals - tab["net effect low"].to_numpy(float),
                             tab["net effect high"].to_numpy(float) - vals])
        ax.bar(x + (i - (len(metrics) - 1) / 2) * width, vals, width, yerr=err, label=m,
               color=_COLORS[2 + i % 4], capsize=3)
    ax.set_xticks(x, [str(s) for s in tab.index])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(_YUAN)
    ax.set_ylabel("yuan over the horizon")
    ax.set_title("Ladders compared")
    ax.legend(frameon=False)
    return ax


def plot_sensitivity(grid: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heat map of a two-setting :func:`~omnimkt.loyalty.sensitivity_grid` (last column = value)."""
    if not isinstance(grid, pd.DataFrame) or not 2 <= grid.shape[1] <= 3:
        raise ModelError("grid: expected the table of omnimkt.loyalty.sensitivity_grid with one "
                         "or two settings.")
    ax = new_axes(ax)
    keys, metric = list(grid.columns[:-1]), grid.columns[-1]
    if len(keys) == 1:
        ax.plot(grid[keys[0]], grid[metric], marker="o")
        ax.set_xlabel(keys[0])
        ax.set_ylabel(metric)
        ax.yaxis.set_major_formatter(_YUAN)
        return ax
    tab = grid.pivot_table(index=keys[0], columns=keys[1], values=metric)
    ax.imshow(tab.to_numpy(), cmap="RdYlGn", aspect="auto", origin="lower")
    ax.set_xticks(range(tab.shape[1]), [f"{v:g}" for v in tab.columns])
    ax.set_yticks(range(tab.shape[0]), [f"{v:g}" for v in tab.index])
    ax.set_xlabel(keys[1])
    ax.set_ylabel(keys[0])
    for (i, j), v in np.ndenumerate(tab.to_numpy()):
        ax.text(j, i, _YUAN(v, None), ha="center", va="center", fontsize=8)
    # every cell carries its value, so no colour bar (it would add axes to the figure)
    ax.set_title(f"Sensitivity of {metric} (yuan; green = higher)")
    return ax


def plot_balance_history(result, customer_id, *, ax: Axes | None = None) -> Axes:
    """One member's points balance after each event, with tier dates and resets."""
    h = result.balance_history(customer_id)
    if h.empty:
        raise ModelError(f"customer_id: {customer_id!r} has no events in this ledger.")
    ax = new_axes(ax)
    ax.step(h["timestamp"], h["balance"], where="post", color="#08306b", label="balance")
    for th in result.ladder.tiers:
        ax.axhline(th.threshold, color="#9ecae1", linestyle="--", linewidth=0.8)
        ax.annotate(th.name, (h["timestamp"].min(), th.threshold),
                    textcoords="offset points", xytext=(2, 2), fontsize=8, color="#4292c6")
    resets = h[h["points_reset"] > 0]
    ax.scatter(resets["timestamp"], resets["points_reset"], color="#d62728", marker="v",
               label="reset (points removed)", zorder=3)
    ax.set_ylabel("points")
    ax.set_xlabel("date")
    ax.set_title(f"Member {customer_id}: points balance")
    ax.legend(loc="upper left", frameon=False)
    return ax


def _date_axis(ax: Axes) -> None:
    # Concise labels ("2025", "Apr", "Jul") instead of overlapping full dates.
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plot_monthly_cost(result, *, ax: Axes | None = None) -> Axes:
    """Monthly discounts and expected voucher cost of a ladder applied to a log (yuan)."""
    ax = new_axes(ax)
    mo = result.monthly
    x = mo.index
    ax.bar(x, mo["discount"], width=20, color="#4292c6", label="discounts")
    ax.bar(x, mo["voucher_cost_expected"], width=20, bottom=mo["discount"], color="#e6550d",
           label="vouchers (after breakage)")
    ax.yaxis.set_major_formatter(_YUAN)
    _date_axis(ax)
    ax.set_ylabel("yuan per month")
    ax.set_title("Programme cost by month")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_tier_counts(result, *, ax: Axes | None = None) -> Axes:
    """Members who have reached at least each tier, by month (ladder applied to a log)."""
    ax = new_axes(ax)
    tab = result.tier_counts()
    for i, c in enumerate(tab.columns):
        ax.plot(tab.index, tab[c], marker=".", color=_COLORS[1 + i % 5], label=c)
    ax.set_ylabel("members (count)")
    _date_axis(ax)
    ax.set_xlabel("month")
    ax.set_title("Members reaching each tier")
    ax.legend(loc="upper left", frameon=False)
    return ax
