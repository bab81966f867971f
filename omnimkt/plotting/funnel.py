"""Plots for funnels and lifecycle stages: ``plot_x(result, *, ax=None) -> Axes``.

Examples
--------
>>> import pandas as pd
>>> from omnimkt.funnel import funnel
>>> ev = pd.DataFrame({"customer_id": [1, 1, 2], "event": ["visit", "buy", "visit"],
...                    "timestamp": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
>>> ax = plot_funnel(funnel(ev, ["visit", "buy"]))
>>> ax.get_xlabel()
'customers'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.funnel import FunnelResult, StageConversion
from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_funnel", "plot_funnel_breakdown", "plot_time_to_convert", "plot_stage_counts",
    "plot_stage_transitions", "plot_stage_conversion",
]


def plot_funnel(result: FunnelResult, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the units at each step, labelled with count and conversion."""
    ax = new_axes(ax)
    s = result.summary
    unit = s.columns[1]
    y = np.arange(len(s))[::-1]
    ax.barh(y, s[unit], color="#3b75af", alpha=0.85)
    top = max(int(s[unit].max()), 1)
    for yi, n, conv, prev in zip(y, s[unit], s["conversion_from_first"],
                                 s["conversion_from_previous"], strict=True):
        text = f"{n:,}  ({conv:.0%} of first, {prev:.0%} of previous)"
        inside = n >= top * 0.55  # long bars hold their label, short ones get it beside
        ax.text(top * 0.01 if inside else n + top * 0.01, yi, text, va="center", ha="left",
                fontsize=8, color="white" if inside else "black")
    ax.set_yticks(y, s["step"])
    ax.set_xlabel(unit)
    ax.set_xlim(0, top * 1.05)
    ax.set_title("Funnel: " + unit + " reaching each step")
    return ax


def plot_funnel_breakdown(result: FunnelResult, *, ax: Axes | None = None,
                          value: str = "conversion_from_first", top: int = 8) -> Axes:
    """Conversion along the steps, one line per breakdown group (largest ``top`` groups)."""
    ax = new_axes(ax)
    table = result.breakdown_table(value)
    sizes = result.breakdown_table().iloc[:, 0].sort_values(ascending=False)
    for g in sizes.index[:top]:
        ax.plot(range(table.shape[1]), table.loc[g].to_numpy(), marker="o",
                label=f"{g} (n={sizes[g]:,})")
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=20, ha="right")
    ax.set_ylabel(value.replace("_", " ") + " (share)")
    ax.set_ylim(0, 1.05)
    ax.legend(title=result.breakdown_name, fontsize=8)
    ax.set_title(f"Funnel by {result.breakdown_name}")
    return ax


def plot_time_to_convert(result: FunnelResult, *, ax: Axes | None = None, step: int | None = None,
                         bins: int = 30) -> Axes:
    """Histogram of days from the funnel start to step ``step`` (default: the last)."""
    ax = new_axes(ax)
    k = step or len(result.steps)
    days = result.units[f"time_to_{k}"].dropna().dt.total_seconds() / 86_400
    if len(days):
        ax.hist(days, bins=bins, color="#3b75af", alpha=0.85)
        ax.axvline(days.median(), color="black", ls="--", label=f"median {days.median():.1f} d")
        ax.legend()
    ax.set_xlabel(f"days from '{result.steps[0]}' to '{result.steps[k - 1]}'")
    ax.set_ylabel(result.unit)
    ax.set_title("Time to convert")
    return ax


def plot_stage_counts(counts: pd.DataFrame, *, ax: Axes | None = None,
                      include_none: bool = False) -> Axes:
    """Stacked areas of customers per lifecycle stage over time (:func:`stage_counts`)."""
    ax = new_axes(ax, (8, 4))
    data = counts if include_none else counts.drop(columns="none")
    x = data.index.to_timestamp(how="end") if isinstance(data.index, pd.PeriodIndex) else data.index
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.95, data.shape[1]))
    ax.stackplot(x, data.T.to_numpy(), labels=list(data.columns), colors=colors, alpha=0.9)
    ax.set_ylabel("customers")
    ax.set_xlabel("end of period")
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    ax.set_title("Customers by lifecycle stage")
    return ax


def plot_stage_transitions(matrix: pd.DataFrame, *, ax: Axes | None = None,
                           normalize: bool = True) -> Axes:
    """Heatmap of a :func:`stage_transitions` matrix (row shares by default), counts annotated."""
    ax = new_axes(ax, (7, 6))
    counts = matrix
    shown = counts.div(counts.sum(axis=1).replace(0, 1), axis=0) if normalize else counts
    im = ax.imshow(shown.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    vmax = float(shown.to_numpy().max()) or 1.0
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            n = counts.iat[i, j]
            if n:
                ax.text(j, i, f"{n:,}", ha="center", va="center", fontsize=7,
                        color="white" if shown.iat[i, j] > 0.6 * vmax else "black")
    ax.set_xticks(range(counts.shape[1]), counts.columns, rotation=45, ha="right")
    ax.set_yticks(range(counts.shape[0]), counts.index)
    ax.set_xlabel("stage at the end date")
    ax.set_ylabel("stage at the start date")
    # the colour bar lives inside ax (an inset), so nothing else in the figure moves
    cax = ax.inset_axes([1.02, 0.0, 0.03, 1.0])
    ax.figure.colorbar(im, cax=cax, label="share of row" if normalize else "customers")
    ax.set_title("Lifecycle stage transitions")
    return ax


def plot_stage_conversion(result: StageConversion, *, ax: Axes | None = None) -> Axes:
    """Bars of the share moving on from each stage, with the median days in stage."""
    ax = new_axes(ax)
    s = result.summary.iloc[:-1]  # the last stage has no next stage
    x = np.arange(len(s))
    ax.bar(x, s["conversion_to_next"], color="#3b75af", alpha=0.85)
    for xi, conv, d in zip(x, s["conversion_to_next"], s["median_days_in_stage"], strict=True):
        ax.text(xi, conv + 0.02, f"{conv:.0%}\n{d:.0f} d", ha="center", fontsize=8)
    ax.set_xticks(x, s["stage"], rotation=20, ha="right")
    ax.set_ylim(0, 1.2)
    ax.set_ylabel("share moving on to a higher stage")
    ax.set_title("Stage conversion (labels: share, median days in stage)")
    return ax
