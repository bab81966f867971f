"""Plots of case K (omnichannel claims): ``plot_x(result, *, ax=None) -> Axes``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.plotting._base import new_axes

__all__ = ["plot_marketing_claims", "plot_shopper_spend"]


def _forest(summary: pd.DataFrame, ax: Axes, title: str) -> Axes:
    """Relative uplift (%) with its 95% interval per row, and the claim as a red mark."""
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    est = 100 * s["relative_uplift"].astype(float)
    lo = 100 * s["uplift_ci_low"].astype(float)
    hi = 100 * s["uplift_ci_high"].astype(float)
    adjusted = np.array([str(k[-1]) != "raw" for k in s.index])
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="none", ecolor="grey", lw=1)
    ax.scatter(est[~adjusted], y[~adjusted], color="C7", zorder=3, label="raw")
    ax.scatter(est[adjusted], y[adjusted], color="C0", zorder=3, label="frequency-adjusted")
    ax.scatter(100 * s["claim"].astype(float), y, marker="|", s=200, color="C3", zorder=3,
               label="the case's claim")
    ax.set_yticks(y, [" / ".join(map(str, k)).replace("plus", "+").replace("_", " ")
                      for k in s.index], fontsize=8)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("relative difference, many vs few channels (%, 95% interval)")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="best")
    return ax


def plot_marketing_claims(result: Any, *, ax: Axes | None = None) -> Axes:
    """A :class:`~omnimkt.claims.MarketingChannelClaims`: uplift of 3+ vs fewer marketing
    channels per measure, raw and adjusted, against the vendor's +90% / +250%."""
    ax = new_axes(ax, (6.5, 3.6))
    return _forest(result.summary, ax, f"{result.threshold}+ marketing channels vs fewer")


def plot_shopper_spend(result: Any, *, ax: Axes | None = None) -> Axes:
    """A :class:`~omnimkt.claims.ShopperSpend`: spend-per-trip differences against the
    study's +4% / +10% / +9%."""
    ax = new_axes(ax, (6.5, 3.6))
    return _forest(result.summary, ax, "Spend per trip, omnichannel vs single-channel")
