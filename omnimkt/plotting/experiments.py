"""Plots of experiments: the test result with its interval, the Qini curve, uplift by
segment and power against sample size. Each draws on the given axes and returns them."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from omnimkt.experiments.analysis import TestResult
from omnimkt.experiments.design import DesignResult, _power_of
from omnimkt.experiments.uplift import QiniCurve, SegmentUplift
from omnimkt.plotting._base import new_axes

__all__ = ["plot_power_curve", "plot_qini", "plot_test_result", "plot_uplift_by_segment"]


def plot_test_result(result: TestResult, *, ax: Axes | None = None) -> Axes:
    """Treatment minus control per analysis (unadjusted, CUPED) with its interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.experiments import analyse_test
    >>> df = pd.DataFrame({"group": ["treatment"] * 4 + ["control"] * 4,
    ...                    "bought": [1, 1, 1, 0, 1, 0, 0, 0]})
    >>> ax = plot_test_result(analyse_test(df, outcome="bought"))
    """
    ax = new_axes(ax, (6, 2.5 + 0.4 * len(result.summary)))
    s = result.summary
    y = np.arange(len(s))
    diff = s["difference"].to_numpy(dtype=float)
    err = np.vstack([diff - s["ci_low"].to_numpy(dtype=float),
                     s["ci_high"].to_numpy(dtype=float) - diff])
    colors = ["#2ca02c" if sig else "#7f7f7f" for sig in s["significant"]]
    for i, color in enumerate(colors):  # errorbar takes one colour per call
        ax.errorbar(diff[i], y[i], xerr=err[:, i:i + 1], fmt="none", ecolor=color,
                    capsize=6, lw=2)
    ax.scatter(diff, y, color=colors, zorder=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, s["analysis"].tolist())
    ax.set_xlabel("treatment − control" + (" (rate)" if result.metric == "conversion" else ""))
    ax.set_title(f"Test result ({1 - result.alpha:.0%} confidence interval)")
    return ax


def plot_qini(result: QiniCurve, *, ax: Axes | None = None) -> Axes:
    """The Qini curve against random targeting.

    Examples
    --------
    >>> from omnimkt.experiments import qini_curve
    >>> ax = plot_qini(qini_curve([0.9, 0.8, 0.2, 0.1], [1, 0, 0, 1], [1, 0, 1, 0]))
    """
    ax = new_axes(ax, (6, 4))
    c = result.curve
    ax.plot(c["share"] * 100, c["qini"], color="#1f77b4", lw=2, label="by uplift score")
    ax.plot(c["share"] * 100, c["random"], color="#7f7f7f", ls="--", label="random")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("customers contacted, top % by score")
    ax.set_ylabel("incremental conversions")
    ax.set_title(f"Qini curve (coefficient {result.qini_coefficient:.3g})")
    ax.legend(loc="best")
    return ax


def plot_uplift_by_segment(result: SegmentUplift, *, ax: Axes | None = None) -> Axes:
    """Observed uplift per segment with its confidence interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.experiments import uplift_by_segment
    >>> df = pd.DataFrame({"tier": ["A"] * 4 + ["B"] * 4,
    ...                    "group": ["treatment", "treatment", "control", "control"] * 2,
    ...                    "bought": [1, 1, 0, 0, 0, 1, 1, 0]})
    >>> ax = plot_uplift_by_segment(uplift_by_segment(df, segment="tier", outcome="bought"))
    """
    s = result.summary
    ax = new_axes(ax, (6, 1.5 + 0.45 * len(s)))
    y = np.arange(len(s))
    up = s["uplift"].to_numpy(dtype=float)
    colors = np.where(s["ci_high"] < 0, "#d62728", np.where(s["ci_low"] > 0, "#2ca02c",
                                                             "#7f7f7f"))
    ax.barh(y, up, color=colors, alpha=0.8)
    ax.errorbar(up, y, xerr=np.vstack([up - s["ci_low"], s["ci_high"] - up]), fmt="none",
                ecolor="black", capsize=3, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, s[result.segment].astype(str).tolist())
    ax.set_xlabel("uplift: treated − control")
    ax.set_title(f"Uplift by {result.segment}")
    return ax


def plot_power_curve(result: DesignResult, *, ax: Axes | None = None) -> Axes:
    """Power against total sample size for the design's effect, split and alpha.

    Examples
    --------
    >>> from omnimkt.experiments import sample_size
    >>> ax = plot_power_curve(sample_size(baseline=0.06, lift=-0.02, control_share=0.1))
    """
    ax = new_axes(ax, (6, 4))
    n_mark = result.n_treatment + result.n_control
    totals = np.unique(np.linspace(8, max(3 * n_mark, 16), 200).astype(int))
    share = result.control_share
    powers = []
    for n in totals:
        n_c = max(round(n * share), 2)
        n_t = max(n - n_c, 2)
        powers.append(_power_of(result.metric, result.effect_size, float(n_t), n_c / n_t,
                                result.alpha, result.alternative))
    ax.plot(totals, powers, color="#1f77b4", lw=2)
    ax.axhline(result.power, color="#7f7f7f", ls="--", lw=1)
    ax.axvline(n_mark, color="#d62728", ls=":", lw=1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("customers in the test (both groups)")
    ax.set_ylabel("power")
    ax.set_title(f"Power to detect {result.baseline:.4g} → {result.target:.4g}")
    return ax
