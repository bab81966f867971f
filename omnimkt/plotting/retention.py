"""Plots of the replenishment model: consumption clock, action volumes, backtest outcomes,
prediction errors and uplift. Each draws on the given axes and returns them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_action_counts", "plot_action_volumes", "plot_depletion_clock",
    "plot_depletion_errors", "plot_repurchase", "plot_uplift",
]

_COLORS = {"follow_up_call": "#1f77b4", "repurchase_prompt": "#2ca02c", "win_back": "#d62728",
           "service_content": "#9467bd", "standard": "#7f7f7f", "price_offer": "#ff7f0e"}


def plot_depletion_clock(depletion: pd.DataFrame, *, ax: Axes | None = None,
                         call_days: float = 2, winback_days: float = 90,
                         clip: float = 120) -> Axes:
    """Histogram of days until each customer's formula runs out (negative = overdue).

    ``depletion`` is a :func:`omnimkt.retention.depletion_table` frame; lines mark
    the call point (``call_days`` before running out), the depletion day and how
    far overdue a customer is by the win-back day (``winback_days`` after the
    last purchase, shown at its median distance from depletion).

    Examples
    --------
    >>> import pandas as pd
    >>> ax = plot_depletion_clock(pd.DataFrame({"days_until_depletion": [-3.0, 5.0, 12.0]}))
    """
    ax = new_axes(ax, (6, 4))
    d = np.clip(depletion["days_until_depletion"].to_numpy(dtype=float), -clip, clip)
    ax.hist(d, bins=np.arange(-clip, clip + 7, 7), color="#1f77b4", alpha=0.8)
    ax.axvline(0, color="k", lw=1, label="runs out today")
    ax.axvline(call_days, color="#2ca02c", ls="--", lw=1, label=f"call ({call_days:g} days before)")
    if "last_purchase" in depletion.columns and "expected_depletion" in depletion.columns:
        supply = (depletion["expected_depletion"] - depletion["last_purchase"]).dt.days
        wb = -(winback_days + 1 - float(np.median(supply)))
        ax.axvline(max(wb, -clip), color="#d62728", ls=":", lw=1,
                   label=f"win-back (day {winback_days + 1:g}, typical customer)")
    ax.set_xlabel(f"days until the last purchase runs out (clipped at ±{clip:g})")
    ax.set_ylabel("customers")
    ax.set_title("Consumption clock")
    ax.legend(fontsize=8)
    return ax


def plot_action_counts(actions: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Stacked bars: actions by type, split by offer type (an action list or its counts).

    Examples
    --------
    >>> import pandas as pd
    >>> ax = plot_action_counts(pd.DataFrame({"action": ["win_back"], "offer_type": ["standard"]}))
    """
    from omnimkt.retention.model import OFFER_TYPES, action_counts

    ax = new_axes(ax, (6, 4))
    counts = actions if "total" in actions.columns else action_counts(actions)
    bottom = np.zeros(len(counts))
    x = np.arange(len(counts))
    for offer in OFFER_TYPES:
        v = counts[offer].to_numpy(dtype=float)
        ax.bar(x, v, bottom=bottom, color=_COLORS[offer], label=offer.replace("_", " "))
        bottom += v
    for xi, tot in zip(x, counts["total"], strict=True):
        ax.text(xi, tot, f"{int(tot):,}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [str(i).replace("_", " ") for i in counts.index])
    ax.set_ylabel("actions (customers)")
    ax.set_title("Action list by offer type")
    ax.legend(fontsize=8)
    ax.margins(y=0.12)
    return ax


def plot_action_volumes(result: Any, *, ax: Axes | None = None) -> Axes:
    """Actions per replay cutoff and type from a :class:`BacktestResult` (its ``by_date``)."""
    ax = new_axes(ax, (7, 4))
    by = result.by_date if hasattr(result, "by_date") else result
    piv = by.pivot_table(index="cutoff", columns="action", values="actions", aggfunc="sum",
                         observed=False).fillna(0)
    for col in piv.columns:
        ax.plot(piv.index, piv[col], marker=".", color=_COLORS.get(str(col)),
                label=str(col).replace("_", " "))
    ax.set_xlabel("replay cutoff (last day of history)")
    ax.set_ylabel("actions listed per cutoff (customers)")
    ax.set_title("Action volumes over the backtest")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
    return ax


def plot_repurchase(result: Any, *, ax: Axes | None = None) -> Axes:
    """Share of actioned customers who bought again within each response window, per action."""
    ax = new_axes(ax, (6, 4))
    s = result.summary.drop(index="all", errors="ignore")
    cols = [c for c in s.columns if c.startswith("repurchase_")]
    width = 0.8 / max(len(cols), 1)
    x = np.arange(len(s))
    for i, c in enumerate(cols):
        ax.bar(x + (i - (len(cols) - 1) / 2) * width, 100 * s[c].to_numpy(dtype=float), width,
               label=c.replace("repurchase_", "within ").replace("d", " days"))
    ax.set_xticks(x, [str(i).replace("_", " ") for i in s.index])
    ax.set_ylabel("bought again (% of actions)")
    ax.set_title("What happened after each action (backtest)")
    ax.legend(fontsize=8)
    return ax


def plot_depletion_errors(result: Any, *, ax: Axes | None = None, clip: float = 60) -> Axes:
    """Distribution of actual next purchase minus predicted date, per method (days)."""
    ax = new_axes(ax, (7, 4))
    bins = np.arange(-clip, clip + 2, 2)
    for name, e in result.error_samples.items():
        mae = float(result.errors.loc[name, "mae"])
        ax.hist(np.clip(e, -clip, clip), bins=bins, histtype="step", lw=1.5, density=True,
                label=f"{name.replace('_', ' ')} (MAE {mae:.1f} d)")
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(f"actual next purchase - predicted (days; clipped at ±{clip:g})")
    ax.set_ylabel("share of purchases (density)")
    ax.set_title("Predicted vs actual next purchase")
    ax.legend(fontsize=8)
    return ax


def plot_uplift(result: Any, *, ax: Axes | None = None, reference: float | None = 0.061) -> Axes:
    """Uplift (treated minus control repurchase share, points) with its confidence interval.

    ``reference`` draws the published +6.1 pp of depletion-timed refill reminders
    (Taitel et al. 2017) for scale; None hides it.
    """
    ax = new_axes(ax, (6, 4))
    u = result.uplift
    y = np.arange(len(u))[::-1]
    ax.errorbar(100 * u["uplift"], y,
                xerr=[100 * (u["uplift"] - u["ci_low"]), 100 * (u["ci_high"] - u["uplift"])],
                fmt="o", color="k", capsize=3)
    ax.axvline(0, color="grey", lw=0.8)
    if reference is not None:
        ax.axvline(100 * reference, color="#2ca02c", ls="--", lw=1)
        # label on the line itself so no legend box hides a row
        ax.text(100 * reference, 1.0, f" +{100 * reference:.1f} pp: pharmacy\n reminders (Taitel 2017)",
                transform=ax.get_xaxis_transform(), color="#2ca02c", fontsize=7,
                ha="left", va="top")
    ax.set_yticks(y, [str(i).replace("_", " ") for i in u.index])
    h = result.settings.get("uplift_window_days", 14)
    ax.set_xlabel(f"uplift in {h}-day repurchase (percentage points, 95% CI)")
    ax.set_title("Treated vs hold-out control")
    return ax
