"""Plots of case M (omnichannel maturity): ``plot_x(result, *, ax=None) -> Axes``."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from omnimkt.plotting._base import new_axes

__all__ = ["plot_maturity"]

_COLOURS = {"achieved": "C2", "started": "C1", "not started": "C3", "not measurable": "C7"}


def plot_maturity(result: Any, *, ax: Axes | None = None) -> Axes:
    """A :class:`~omnimkt.maturity.MaturityAssessment`: each indicator's value (%) by
    stage, coloured by status, with its started / achieved thresholds as ticks.

    Indicators that cannot be measured are drawn as empty grey rows.
    """
    ax = new_axes(ax, (6.8, 3.8))
    s = result.summary.iloc[::-1]
    y = np.arange(len(s))
    values = 100 * s["value"].astype(float).fillna(0)
    ax.barh(y, values, color=[_COLOURS[st] for st in s["status"]])
    ax.scatter(100 * s["started_at"].astype(float), y, marker="|", s=160, color="black",
               label="started at")
    ax.scatter(100 * s["achieved_at"].astype(float), y, marker="|", s=260, color="black",
               lw=2.5, label="achieved at")
    for yi, st in zip(y, s["status"], strict=True):
        ax.text(101, yi, st, va="center", fontsize=7)
    ax.set_yticks(y, [f"{k}. {n.replace('_', ' ')}" for n, k in zip(s.index, s["stage"],
                                                                 strict=True)], fontsize=8)
    ax.set_xlim(0, 125)
    ax.set_xlabel("indicator value (% of customers, orders or data kinds)")
    ax.set_title(f"Omnichannel maturity: stage {result.stage} of 4 reached")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
              frameon=False)
    return ax
