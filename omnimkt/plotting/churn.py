"""Plots of churn results: ROC / PR curves, gains and lift, calibration, channel retention,
win-back value by threshold. Each draws on the given axes and returns them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from omnimkt._gate import check_choice
from omnimkt.errors import ModelError
from omnimkt.plotting._base import new_axes

__all__ = [
    "plot_calibration", "plot_channel_retention", "plot_gains", "plot_lift", "plot_pr",
    "plot_roc", "plot_winback",
]


def _evaluations(result: Any, approaches: Sequence[str] | None = None) -> dict[str, Any]:
    """A ChurnComparison's evaluations (those named in ``approaches``, default all), or a
    single ChurnEvaluation as a dict."""
    if hasattr(result, "evaluations"):
        evs = dict(result.evaluations)
        if approaches is None:
            return evs
        if isinstance(approaches, str):
            approaches = [approaches]
        for a in approaches:
            check_choice(a, "approaches", tuple(evs))
        return {a: evs[a] for a in approaches}
    if hasattr(result, "roc") and hasattr(result, "gains"):
        return {result.name: result}
    raise ModelError(f"result: expected a ChurnEvaluation or ChurnComparison, got "
                     f"{type(result).__name__}.")


def plot_roc(result: Any, *, ax: Axes | None = None,
             approaches: Sequence[str] | None = None) -> Axes:
    """ROC curves (true vs false positive rate) with the AUC in the legend.

    Examples
    --------
    >>> from omnimkt.churn import evaluate_churn
    >>> ax = plot_roc(evaluate_churn([0, 1, 0, 1], [0.1, 0.9, 0.3, 0.6]))
    """
    ax = new_axes(ax, (5.5, 4))
    for name, ev in _evaluations(result, approaches).items():
        ax.plot(ev.roc["fpr"], ev.roc["tpr"], label=f"{name} (AUC {ev.roc_auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="random")
    ax.set_xlabel("false positive rate (share of non-churners flagged)")
    ax.set_ylabel("true positive rate (share of churners flagged)")
    ax.set_title("ROC curve")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_pr(result: Any, *, ax: Axes | None = None,
            approaches: Sequence[str] | None = None) -> Axes:
    """Precision-recall curves with the average precision (PR AUC) in the legend."""
    ax = new_axes(ax, (5.5, 4))
    base = None
    for name, ev in _evaluations(result, approaches).items():
        ax.plot(ev.pr["recall"], ev.pr["precision"], label=f"{name} (AP {ev.pr_auc:.3f})")
        base = ev.base_rate
    if base is not None:
        ax.axhline(base, color="grey", linestyle=":", linewidth=1,
                   label=f"base rate {base:.0%}")
    ax.set_xlabel("recall (share of churners found)")
    ax.set_ylabel("precision (share of flagged who churn)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Precision-recall curve")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_gains(result: Any, *, ax: Axes | None = None,
               approaches: Sequence[str] | None = None) -> Axes:
    """Cumulative gains: share of churners found when contacting the top x% by score."""
    ax = new_axes(ax, (5.5, 4))
    for name, ev in _evaluations(result, approaches).items():
        g = ev.gains
        x = np.concatenate([[0.0], g["cum_customers_share"].to_numpy()]) * 100
        y = np.concatenate([[0.0], g["cum_churners_share"].to_numpy()]) * 100
        ax.plot(x, y, marker="o", markersize=3, label=name)
    ax.plot([0, 100], [0, 100], color="grey", linestyle=":", linewidth=1, label="random")
    ax.set_xlabel("customers contacted, highest scores first (%)")
    ax.set_ylabel("churners reached (%)")
    ax.set_title("Cumulative gains")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_lift(result: Any, *, ax: Axes | None = None,
              approaches: Sequence[str] | None = None) -> Axes:
    """Lift by score decile: churn rate in the decile / overall churn rate."""
    ax = new_axes(ax, (5.5, 4))
    evs = _evaluations(result, approaches)
    width = 0.8 / len(evs)
    for i, (name, ev) in enumerate(evs.items()):
        d = ev.gains.index.to_numpy()
        ax.bar(d + (i - (len(evs) - 1) / 2) * width, ev.gains["lift"], width=width, label=name)
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("score decile (1 = highest churn score)")
    ax.set_ylabel("lift (decile churn rate / overall rate)")
    ax.set_title("Lift by decile")
    ax.legend(fontsize="small")
    return ax


def plot_calibration(result: Any, *, ax: Axes | None = None,
                     approaches: Sequence[str] | None = None) -> Axes:
    """Predicted vs observed churn rate by predicted-probability bin.

    ``approaches`` picks the scores to draw (all by default); only scores that are
    probabilities of the labelled event belong here (not ``1 - P(alive)``).
    """
    ax = new_axes(ax, (5.5, 4))
    for name, ev in _evaluations(result, approaches).items():
        c = ev.calibration
        if c is None:  # scores that are not probabilities have no calibration
            continue
        ax.plot(c["mean_predicted"], c["observed_rate"], marker="o", markersize=4, label=name)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect")
    ax.set_xlabel("predicted churn probability")
    ax.set_ylabel("observed churn rate")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Calibration")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_channel_retention(result: Any, *, ax: Axes | None = None) -> Axes:
    """Retention by frequency band for few- vs many-channel customers (from
    :func:`omnimkt.churn.channel_retention`), with the raw rates as dashed lines."""
    ax = new_axes(ax, (5.5, 4))
    bb = result.by_band["retention"]
    x = np.arange(len(bb))
    many = f"{result.threshold}+"
    groups = [g for g in bb.columns if g != many] + [many]  # fewer first, in blue
    width = 0.8 / len(groups)
    for i, grp in enumerate(groups):
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, bb[grp].to_numpy() * 100, width=width,
               color=f"C{i}", label=f"{grp} channels, by band")
    hi, lo = result.summary.columns[0], result.summary.columns[1]
    ax.axhline(result.summary.loc["raw", lo] * 100, color="C0", linestyle="--", linewidth=1,
               label="fewer channels, all (raw)")
    ax.axhline(result.summary.loc["raw", hi] * 100, color="C1", linestyle="--", linewidth=1,
               label=f"{many} channels, all (raw)")
    ax.set_xticks(x, [str(b) for b in bb.index])
    ax.set_xlabel("orders in the calibration window (frequency band)")
    ax.set_ylabel("retained: bought in the next period (%)")
    ax.set_title("Retention by channels used, within frequency bands")
    ax.legend(fontsize="small")
    return ax


def plot_winback(result: Any, *, ax: Axes | None = None) -> Axes:
    """Cost, saved value and net value of a win-back campaign by score threshold."""
    ax = new_axes(ax, (5.5, 4))
    s = result.summary
    ax.plot(s["threshold"], s["saved_value"], label="saved value")
    ax.plot(s["threshold"], s["cost"] + s["backfire_loss"], label="cost (+ backfire)")
    ax.plot(s["threshold"], s["net_value"], linewidth=2, label="net value")
    if result.best_threshold is not None:
        ax.axvline(result.best_threshold, color="grey", linestyle=":", linewidth=1,
                   label=f"best threshold {result.best_threshold:.2f}")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_xlabel("contact customers with churn score at least")
    ax.set_ylabel("yuan")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("Win-back campaign value by threshold")
    ax.legend(fontsize="small")
    return ax
