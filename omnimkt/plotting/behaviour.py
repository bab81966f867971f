"""Plots of the behaviour family: cohort triangle, retention curves, path flow, intervals,
distributions and segment profiles.

Every plot draws on ``new_axes(ax)`` and returns it. Labels are English by default;
pass ``title=``, ``xlabel=``, ``ylabel=`` (Chinese works: the CJK font is registered
by :mod:`omnimkt.plotting`).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt._gate import check_choice, check_number
from omnimkt.behaviour._common import PERIOD_NAMES
from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_cohort_triangle", "plot_distribution", "plot_interval_ecdf", "plot_intervals",
    "plot_path_flow", "plot_path_lengths", "plot_profile", "plot_retention_curves",
]

_METRICS = ("on", "on_or_after", "revenue_retention", "ltv")
_METRIC_LABEL = {"on": "Retention (on period N)", "on_or_after": "Retention (on or after N)",
                 "revenue_retention": "Revenue vs period 0", "ltv": "Cumulative revenue per customer"}


def _labels(ax: Axes, title: str | None, xlabel: str | None, ylabel: str | None,
            defaults: tuple[str, str, str]) -> Axes:
    ax.set_title(defaults[0] if title is None else title)
    ax.set_xlabel(defaults[1] if xlabel is None else xlabel)
    ax.set_ylabel(defaults[2] if ylabel is None else ylabel)
    return ax


def plot_cohort_triangle(result: Any, *, ax: Axes | None = None, metric: str = "on",
                         title: str | None = None, xlabel: str | None = None,
                         ylabel: str | None = None) -> Axes:
    """Heatmap of cohorts x periods with the value in each cell; unobserved cells blank.

    ``metric``: "on", "on_or_after", "revenue_retention" (shown as percentages)
    or "ltv" (money per customer).
    """
    check_choice(metric, "metric", _METRICS)
    table = getattr(result, metric)
    ax = new_axes(ax, (1.2 + 0.55 * table.shape[1], 1.0 + 0.35 * table.shape[0]))
    values = np.ma.masked_invalid(table.to_numpy(dtype=float))
    cmap = plt.get_cmap("Blues").with_extremes(bad="white")
    shown = values[:, 1:] if metric != "ltv" and values.shape[1] > 1 else values
    vmax = float(shown.max()) if shown.count() else 1.0
    ax.imshow(values, aspect="auto", cmap=cmap, vmin=0, vmax=vmax or 1.0)
    if table.size <= 600:
        for (i, j), v in np.ndenumerate(values.filled(np.nan)):
            if np.isfinite(v):
                text = f"{v:,.0f}" if metric == "ltv" else f"{v:.0%}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 * vmax else "black")
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    fmt = "%Y-%m-%d" if result.freq != "M" else "%Y-%m"
    ax.set_yticks(range(table.shape[0]),
                  [f"{c:{fmt}} (n={n:,})" for c, n in zip(table.index, result.sizes,
                                                          strict=True)])
    unit = PERIOD_NAMES[result.freq]
    return _labels(ax, title, xlabel, ylabel,
                   (_METRIC_LABEL[metric], f"{unit}s since joining", "cohort"))


def plot_retention_curves(result: Any, *, ax: Axes | None = None, metric: str = "on",
                          title: str | None = None, xlabel: str | None = None,
                          ylabel: str | None = None) -> Axes:
    """The size-weighted retention curve, with one line per acquisition channel if any."""
    check_choice(metric, "metric", ("on", "on_or_after"))
    ax = new_axes(ax)
    curve = result.curves[metric]
    ax.plot(curve.index, curve.to_numpy(), color="black", lw=2.2, marker="o", ms=3,
            label="all customers")
    if result.by_channel is not None and metric == "on":
        for channel, row in result.by_channel.iterrows():
            ax.plot(row.index, row.to_numpy(dtype=float), lw=1.2, label=str(channel))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylim(0, None)
    ax.legend(fontsize=8)
    unit = PERIOD_NAMES[result.freq]
    return _labels(ax, title, xlabel, ylabel,
                   (_METRIC_LABEL[metric], f"{unit}s since joining", "share of cohort"))


def _flow_nodes(flows: pd.DataFrame, max_nodes: int) -> pd.DataFrame:
    """Flows with, per column, all but the ``max_nodes`` largest nodes merged as "…other"."""
    flows = flows.copy()
    for side, col in (("source", 0), ("target", 1)):
        step = flows["from_step"] + col
        size = flows.groupby([step, flows[side]])["users"].sum()
        rank = size.groupby(level=0).rank(ascending=False, method="first")
        small = rank[rank > max_nodes].index
        hit = pd.MultiIndex.from_arrays([step, flows[side]]).isin(small)
        flows.loc[hit, side] = "…other"
    return flows.groupby(["from_step", "source", "target"], as_index=False)["users"].sum()


def _smooth(x0: float, x1: float, y0: float, y1: float, n: int = 30) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    x = np.linspace(x0, x1, n)
    s = (x - x0) / (x1 - x0)
    return x, y0 + (y1 - y0) * (3 * s**2 - 2 * s**3)


def plot_path_flow(result: Any, *, ax: Axes | None = None, max_nodes: int = 8,
                   title: str | None = None, xlabel: str | None = None,
                   ylabel: str | None = None) -> Axes:
    """Sankey-style flow of users through the path steps (matplotlib only).

    Columns are the steps, node heights and band widths proportional to users;
    per column only the ``max_nodes`` largest nodes are drawn, the rest merged.
    """
    max_nodes = check_number(max_nodes, "max_nodes", low=1, integer=True)
    flows = _flow_nodes(result.flows, max_nodes)
    n_cols = int(flows["from_step"].max()) + 2 if len(flows) else 1
    ax = new_axes(ax, (2.2 * n_cols + 1, 5))
    total = float(result.users) or 1.0
    gap = 0.03 * total
    nodes: dict[tuple[int, str], list[float]] = {}  # (column, label) -> [bottom, height, out, in]
    for j in range(n_cols):
        side = flows[flows["from_step"] == j].groupby("source")["users"].sum() if j < n_cols - 1 \
            else flows[flows["from_step"] == j - 1].groupby("target")["users"].sum()
        y = 0.0
        for label, users in side.sort_values(ascending=False).items():
            nodes[(j, label)] = [y, float(users), y, y]
            y += users + gap
    labels = sorted({lab for _, lab in nodes}, key=str)
    colours = {lab: plt.get_cmap("tab20")(i % 20) for i, lab in enumerate(labels)}
    width = 0.06
    flows = flows.sort_values(["from_step", "source", "users"], ascending=[True, True, False])
    for row in flows.itertuples(index=False):  # one band per drawn flow, not per user
        src, dst = nodes[(row.from_step, row.source)], nodes[(row.from_step + 1, row.target)]
        x, lo = _smooth(row.from_step + width, row.from_step + 1 - width, src[2], dst[3])
        _, hi = _smooth(row.from_step + width, row.from_step + 1 - width, src[2] + row.users,
                        dst[3] + row.users)
        ax.fill_between(x, lo, hi, color=colours[row.source], alpha=0.35, lw=0)
        src[2] += row.users
        dst[3] += row.users
    for (j, label), (bottom, height, _, _) in nodes.items():
        ax.bar(j, height, width=2 * width, bottom=bottom, color=colours[label])
        if height >= 0.02 * total:
            ax.text(j + width * 1.3, bottom + height / 2, f"{label} ({height / total:.0%})",
                    va="center", fontsize=7)
    offsets = range(n_cols) if result.direction == "after" else range(1 - n_cols, 1)
    ax.set_xticks(range(n_cols), [result.anchor if o == 0 else f"{o:+d}" for o in offsets],
                  fontsize=8)
    ax.set_yticks([])
    ax.invert_yaxis()
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    return _labels(ax, title, xlabel, ylabel,
                   (f"User paths {result.direction} {result.anchor}", "", ""))


def plot_path_lengths(result: Any, *, ax: Axes | None = None, title: str | None = None,
                      xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """Users by the number of events after (before) the anchor."""
    ax = new_axes(ax)
    lengths = result.lengths
    ax.bar(lengths["length"], lengths["users"], color="tab:blue")
    return _labels(ax, title, xlabel, ylabel,
                   ("Path lengths", f"events {result.direction} {result.anchor}", "users"))


def plot_intervals(result: Any, *, ax: Axes | None = None, title: str | None = None,
                   xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """Box plot of the days between the two events, one box per group."""
    ax = new_axes(ax)
    groups = result.intervals.groupby("group", sort=True)["days"]
    names = [str(g) for g, _ in groups]
    ax.boxplot([d.to_numpy() for _, d in groups], showfliers=False)
    ax.set_xticks(range(1, len(names) + 1), names)
    return _labels(ax, title, xlabel, ylabel,
                   (f"{result.from_label} → {result.to_label}", "group", "days"))


def plot_interval_ecdf(result: Any, *, ax: Axes | None = None, title: str | None = None,
                       xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """Share of pairs completed within x days (empirical CDF), one line per group."""
    ax = new_axes(ax)
    for group, d in result.intervals.groupby("group", sort=True)["days"]:
        x = np.sort(d.to_numpy())
        ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", label=str(group))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(fontsize=8)
    return _labels(ax, title, xlabel, ylabel,
                   (f"{result.from_label} → {result.to_label}", "days", "share within"))


def plot_distribution(result: Any, *, ax: Axes | None = None, title: str | None = None,
                      xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """Share of users per bucket, bars grouped by group."""
    ax = new_axes(ax)
    shares = result.shares.fillna(0)
    n = len(shares)
    width = 0.8 / max(n, 1)
    x = np.arange(shares.shape[1])
    for i, (group, row) in enumerate(shares.iterrows()):
        ax.bar(x + i * width - 0.4 + width / 2, row.to_numpy(), width=width, label=str(group))
    ax.set_xticks(x, list(shares.columns))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    if n > 1:
        ax.legend(fontsize=8)
    return _labels(ax, title, xlabel, ylabel,
                   (f"How often users did {result.event_label}", "times", "share of users"))


def plot_profile(result: Any, *, ax: Axes | None = None, title: str | None = None,
                 xlabel: str | None = None, ylabel: str | None = None) -> Axes:
    """Index of the segment vs the base (100 = same), bars from 100; * marks p < 0.05."""
    table = result.summary.dropna(subset=["index"])
    ax = new_axes(ax, (7, 1 + 0.3 * len(table)))
    names = [f"{a}: {lv}" if lv else str(a) for a, lv in zip(table["attribute"], table["level"],
                                                           strict=True)]
    idx = table["index"].to_numpy(dtype=float)
    colours = np.where(idx >= 100, "tab:blue", "tab:red")
    y = np.arange(len(table))
    ax.barh(y, idx - 100, left=100, color=colours)
    ax.axvline(100, color="black", lw=0.8)
    star = (table["p_value"] < 0.05).to_numpy()
    ax.set_yticks(y, [n + (" *" if s else "") for n, s in zip(names, star, strict=True)],
                  fontsize=8)
    ax.invert_yaxis()
    return _labels(ax, title, xlabel, ylabel,
                   ("Segment profile", "index vs base (100 = same)", ""))
