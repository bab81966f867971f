"""Plots for channel attribution: ``plot_x(result, *, ax=None) -> Axes``.

Examples
--------
>>> import pandas as pd
>>> from omnimkt.attribution import read_paths, markov
>>> p = read_paths(pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [1, 1],
...                              "total_null": [1, 0]}))
>>> plot_attribution(markov(p)).get_xlabel()
'attributed conversions'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.errors import ModelError
from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_attribution", "plot_model_comparison", "plot_removal_effects", "plot_lorenz",
    "plot_channel_roi", "plot_budget_shift", "plot_rank_agreement",
]


def plot_attribution(result, *, ax: Axes | None = None, value: bool = False) -> Axes:
    """Horizontal bars of attributed conversions (or value) per channel, largest on top."""
    ax = new_axes(ax)
    s = (result.value if value else result.conversions).sort_values()
    ax.barh(s.index.astype(str), s.to_numpy(), color="#3b75af")
    ax.set_xlabel("attributed value (yuan)" if value else "attributed conversions")
    ax.set_title(f"Attribution: {result.model}")
    return ax


def plot_model_comparison(comparison, *, ax: Axes | None = None) -> Axes:
    """Grouped bars: share of conversions per channel (rows) under each model."""
    ax = new_axes(ax, (9, 4.5))
    share = comparison.summary
    order = share.mean(axis=1).sort_values(ascending=False).index
    share = share.loc[order]
    n_models = share.shape[1]
    width = 0.8 / max(n_models, 1)
    x = np.arange(len(share))
    cmap = plt.get_cmap("tab10")
    for i, model in enumerate(share.columns):
        ax.bar(x + (i - (n_models - 1) / 2) * width, share[model].to_numpy(), width,
               label=model, color=cmap(i % 10))
    ax.set_xticks(x, [str(c) for c in share.index], rotation=30, ha="right")
    ax.set_ylabel("share of conversions")
    ax.set_title("Channel credit by attribution model")
    ax.legend(fontsize=7, ncol=2)
    return ax


def plot_removal_effects(result, *, ax: Axes | None = None) -> Axes:
    """Markov removal effects: share of conversions lost without each channel."""
    ax = new_axes(ax)
    re = result.details.get("removal_effect")
    if not isinstance(re, pd.Series):
        raise ModelError("plot_removal_effects needs a Markov result (details['removal_effect']).")
    s = re.sort_values()
    ax.barh(s.index.astype(str), s.to_numpy(), color="#c44e52")
    ax.set_xlabel("removal effect (share of conversions lost)")
    ax.set_xlim(0, 1)
    ax.set_title("Markov removal effects")
    return ax


def plot_lorenz(concentration, *, ax: Axes | None = None) -> Axes:
    """Lorenz curve of an account concentration, with the equality line and the Gini."""
    ax = new_axes(ax, (4.5, 4.5))
    lz = concentration.lorenz
    ax.plot(lz["account_share"], lz["value_share"], marker="o", color="#3b75af",
            label=f"accounts (Gini {concentration.gini:.2f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equal split")
    ax.set_xlabel("share of accounts (smallest first)")
    ax.set_ylabel("share of total")
    ax.set_title(f"Top account {concentration.top_account}: {concentration.top_share:.0%}")
    ax.legend(fontsize=8)
    return ax


def plot_channel_roi(roi: pd.DataFrame, *, ax: Axes | None = None, metric: str = "roas") -> Axes:
    """Return per yuan (ROAS by default) per channel (rows) and model (bars)."""
    ax = new_axes(ax, (9, 4.5))
    table = roi.pivot(index="channel", columns="model", values=metric)
    table = table.replace([np.inf, -np.inf], np.nan).dropna(how="all")
    n_models = table.shape[1]
    width = 0.8 / max(n_models, 1)
    x = np.arange(len(table))
    cmap = plt.get_cmap("tab10")
    for i, model in enumerate(table.columns):
        ax.bar(x + (i - (n_models - 1) / 2) * width, table[model].fillna(0.0).to_numpy(), width,
               label=model, color=cmap(i % 10))
    ax.set_xticks(x, [str(c) for c in table.index], rotation=30, ha="right")
    ax.set_ylabel({"roas": "attributed revenue per yuan spent", "roi": "ROI",
                   "cpa": "cost per acquisition (yuan)"}.get(metric, metric))
    ax.set_title(f"Channel {metric.upper()} by model")
    ax.legend(fontsize=7)
    return ax


def plot_budget_shift(shift: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Current vs suggested spend per channel (from ``budget_reallocation``)."""
    ax = new_axes(ax)
    s = shift.sort_values("suggested_spend")
    y = np.arange(len(s))
    ax.barh(y - 0.2, s["spend"].to_numpy(), 0.4, label="current spend", color="#999999")
    ax.barh(y + 0.2, s["suggested_spend"].to_numpy(), 0.4, label="suggested spend",
            color="#55a868")
    ax.set_yticks(y, [str(c) for c in s.index])
    ax.set_xlabel("spend (yuan)")
    ax.set_title("Budget: current vs in proportion to attributed value")
    ax.legend(fontsize=8)
    return ax


def plot_rank_agreement(credit: pd.DataFrame, truth: pd.Series, *, ax: Axes | None = None) -> Axes:
    """Spearman correlation of each model's channel ranking with a known truth."""
    ax = new_axes(ax)
    from omnimkt.attribution.agreement import rank_agreement

    rho = rank_agreement(credit, truth).iloc[:, 0].fillna(0.0).sort_values()
    colors = ["#55a868" if v > 0 else "#c44e52" for v in rho]
    ax.barh(rho.index.astype(str), rho.to_numpy(), color=colors)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"Spearman rank correlation with {truth.name or 'truth'}")
    ax.set_title("Which model ranks channels right?")
    return ax
