"""Plots of case L (involvement): ``plot_x(result, *, ax=None) -> Axes``."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from omnimkt.plotting._base import grouped_bars, new_axes

__all__ = ["plot_involvement_profile", "plot_reliability"]

_LABELS = {"importance": "importance\n重要性", "risk_importance": "risk importance\n风险后果",
           "risk_probability": "risk probability\n选错可能", "sign": "sign\n象征",
           "pleasure": "pleasure\n享乐", "involvement": "involvement\n涉入度"}


def plot_involvement_profile(profile: Any, *, ax: Axes | None = None) -> Axes:
    """Mean facet score per product (rows) and facet (columns) of an InvolvementProfile.

    Cells are coloured from low (blue) to high (red) around the threshold and
    carry the mean answer.
    """
    ax = new_axes(ax, (7.5, 4.2))
    cols = [*profile.facets, "involvement"]
    s = profile.summary[cols]
    low, high = profile.scale
    span = max(abs(s.to_numpy() - profile.threshold).max(), 0.5)
    ax.imshow(s.to_numpy(dtype=float), cmap="coolwarm", aspect="auto",
              vmin=profile.threshold - span, vmax=profile.threshold + span)
    for i in range(s.shape[0]):
        for j in range(s.shape[1]):
            ax.text(j, i, f"{s.iat[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(np.arange(len(cols)), [_LABELS.get(c, c) for c in cols], fontsize=8)
    ax.set_yticks(np.arange(len(s)), [f"{p} ({lv})" for p, lv in
                                      zip(s.index, profile.summary["level"], strict=True)],
                  fontsize=8)
    ax.set_title(f"Mean answer per facet ({low}-{high} scale; above "
                 f"{profile.threshold:g} = high)", fontsize=9)
    return ax


def plot_reliability(profile: Any, *, ax: Axes | None = None) -> Axes:
    """Cronbach's alpha per facet (pooled, and the lowest within one product)."""
    ax = new_axes(ax, (5.5, 3.2))
    r = profile.reliability
    x = np.arange(len(r))
    grouped_bars(ax, x, [(r["alpha"], dict(color="C0", label="all answer sheets")),
                        (r["alpha_min_product"],
                         dict(color="C1", label="lowest within one product"))])
    ax.axhline(0.7, color="grey", ls="--", lw=0.8, label="0.7 (usual minimum)")
    ax.set_xticks(x, [_LABELS.get(f, f) for f in r.index], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("Cronbach's alpha")
    ax.legend(fontsize=7, loc="lower right")
    return ax
