"""Plots of the segments family: ``plot_x(result, *, ax=None) -> Axes``; no model logic."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from omnimkt.plotting._base import new_axes

__all__ = ["plot_cluster_profile", "plot_pareto", "plot_rfm_segments", "plot_silhouette",
           "plot_tiers", "plot_window_counts"]


def plot_pareto(result: Any, *, ax: Axes | None = None) -> Axes:
    """Concentration (Lorenz-type) curve of a :class:`~omnimkt.segments.ParetoResult`.

    x: share of customers ranked by value (largest first); y: share of value.
    The dot marks the top tier and the share of value it brings.
    """
    ax = new_axes(ax, (6.0, 3.6))
    lz = result.lorenz
    ax.plot(100 * lz["customer_share"], 100 * lz["value_share"], color="C0",
            label="customers ranked by value")
    ax.plot([0, 100], [0, 100], color="grey", lw=0.8, ls=":", label="equal value")
    x, y = 100 * result.customer_share, 100 * result.value_share
    ax.scatter([x], [y], color="C3", zorder=3)
    ax.annotate(f"top {x:.0f}% bring {y:.0f}%", (x, y), xytext=(8, -14),
                textcoords="offset points", color="C3")
    ax.axhline(80, color="C1", lw=0.8, ls="--", label="2-8 rule: 80%")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel("customers, largest value first (%)")
    ax.set_ylabel("share of value (%)")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_rfm_segments(result: Any, *, ax: Axes | None = None) -> Axes:
    """Share of customers and of spend per RFM segment (an :class:`RFMResult`)."""
    ax = new_axes(ax, (6.5, 4.0))
    s = result.summary.iloc[::-1]
    y = np.arange(len(s))
    ax.barh(y + 0.2, 100 * s["share"], height=0.4, color="C0", label="customers")
    ax.barh(y - 0.2, 100 * s["spend_share"], height=0.4, color="C1", label="spend")
    ax.set_yticks(y, s.index)
    ax.set_xlabel("share (%)")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_silhouette(result: Any, *, ax: Axes | None = None) -> Axes:
    """Silhouette by number of clusters k, with the chosen k marked.

    Takes an :class:`RFMCLResult` or a fitted :class:`RFMCLSegmenter`.
    """
    ax = new_axes(ax, (5.0, 3.2))
    model = getattr(result, "model", result)
    sil = model.silhouette_
    ax.plot(sil.index, sil.to_numpy(), marker="o", color="C0")
    if len(sil):
        ax.scatter([model.k_], [sil.loc[model.k_]], s=120, facecolors="none",
                   edgecolors="C3", zorder=3, label=f"chosen k = {model.k_}")
        ax.legend(fontsize=8)
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("silhouette (higher = better separated)")
    return ax


def plot_cluster_profile(result: Any, *, ax: Axes | None = None) -> Axes:
    """Heat map of the cluster profiles: each RFMCL feature relative to all customers.

    Cells show the cluster's median of the feature divided by the median of all
    customers (1 = typical); colour on a log scale.
    """
    ax = new_axes(ax, (6.5, 0.6 + 0.5 * result.k))
    table = result.table
    overall = table[["R", "F", "M", "C", "L"]].median()
    med = table.groupby("cluster")[["R", "F", "M", "C", "L"]].median()
    rel = med / overall.replace(0, np.nan)
    logv = np.log2(rel.astype(float).clip(lower=1e-3)).fillna(0.0)
    lim = max(1.0, float(np.abs(logv.to_numpy()).max()))
    ax.imshow(logv.to_numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    for i in range(rel.shape[0]):
        for j in range(rel.shape[1]):
            ax.text(j, i, f"{rel.iloc[i, j]:.2g}x", ha="center", va="center", fontsize=8)
    names = result.model.names_
    ax.set_yticks(range(len(rel)), [f"{k}: {names[k]}" for k in rel.index])
    labels = {"R": "R (overdue x)", "F": "F orders", "M": "M spend", "C": "C", "L": "L days"}
    ax.set_xticks(range(5), [labels[c] for c in rel.columns])
    ax.set_xlabel("cluster median / median of all customers")
    return ax


def plot_tiers(result: Any, *, ax: Axes | None = None) -> Axes:
    """Share of customers (with the target, if any) and share of value per tier."""
    ax = new_axes(ax, (6.0, 3.6))
    s = result.summary
    x = np.arange(len(s))
    ax.bar(x - 0.2, 100 * s["share"], width=0.4, color="C0", label="customers")
    ax.bar(x + 0.2, 100 * s["value_share"].fillna(0.0), width=0.4, color="C1", label="value")
    if "target_share" in s.columns:
        ax.scatter(x - 0.2, 100 * s["target_share"], marker="_", s=400, color="k",
                   label="target share", zorder=3)
    ax.set_xticks(x, s.index, rotation=15)
    ax.set_ylabel("share (%)")
    ax.legend(fontsize=8)
    return ax


def plot_window_counts(result: Any, *, ax: Axes | None = None) -> Axes:
    """Campaign-window counts next to the salon case's reported numbers."""
    ax = new_axes(ax, (5.5, 3.4))
    s = result.summary
    x = np.arange(len(s))
    ax.bar(x - 0.2, s["customers"], width=0.4, color="C0", label="our data")
    ax.bar(x + 0.2, s["case_g"], width=0.4, color="C7", label="case G (reported)")
    ax.set_xticks(x, s.index)
    ax.set_ylabel("customers in the window")
    ax.legend(fontsize=8)
    return ax
