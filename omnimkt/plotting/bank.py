"""Plots of the bank case (I): the tier mix and the e-channel KPIs against a year earlier.
Each draws on the given axes and returns them."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from omnimkt.bank import EChannelKPIs, TierMix
from omnimkt.plotting._base import grouped_bars, new_axes

__all__ = ["plot_echannel_kpis", "plot_tier_mix"]


def plot_tier_mix(result: TierMix, *, ax: Axes | None = None) -> Axes:
    """Customers per tier in the sample next to the case's counts at the sample's scale.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.bank import tier_mix
    >>> ax = plot_tier_mix(tier_mix(pd.DataFrame({"customer_id": [1, 2], "tier": ["vip",
    ...                                            "corporate"]})))
    """
    s = result.summary
    ax = new_axes(ax, (5.5, 3.4))
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["customers"], dict(color="C0", label="sample")),
                        (s["case_scaled"], dict(color="C7", label=f"case x {result.scale:g}"))])
    ax.set_xticks(x, s.index.astype(str))
    ax.set_xlabel("tier")
    ax.set_ylabel("customers")
    ax.set_title("Customer tiers: sample vs the case's mix")
    ax.legend(fontsize=8)
    return ax


def plot_echannel_kpis(result: EChannelKPIs, *, ax: Axes | None = None) -> Axes:
    """Activity rate and online wealth share (%) a year before and now."""
    s = result.summary.loc[["activity_rate", "online_wealth_share"]]
    ax = new_axes(ax, (5.5, 3.4))
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["year_before"].astype(float) * 100,
                          dict(color="C7", label="a year before")),
                        (s["now"].astype(float) * 100,
                         dict(color="C0", label=f"{result.cutoff.date()}"))])
    ax.set_xticks(x, ["activity rate (动户率)", "online share of wealth sales"])
    ax.set_ylabel("%")
    ax.set_title("E-channel KPIs, year on year")
    ax.legend(fontsize=8)
    return ax
