"""Plots of social accounts and WeChat methods: contribution with intervals, fans vs
effect, audience drift, the method funnel and the quiz's re-marketing groups. Each
draws on the given axes and returns them."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.textpath import TextPath

from omnimkt.plotting._base import new_axes
from omnimkt.social.accounts import AccountContribution, RankingComparison
from omnimkt.social.drift import AudienceDrift
from omnimkt.social.quiz import RemarketingSegments
from omnimkt.social.wechat import FUNNEL_STEPS, MethodFunnel

__all__ = ["plot_account_contribution", "plot_audience_drift", "plot_fans_vs_effect",
           "plot_method_funnel", "plot_remarketing_segments"]


def plot_account_contribution(result: AccountContribution, *, ax: Axes | None = None) -> Axes:
    """Incremental conversions per account with their intervals, beside the clicks share.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.social import AccountContribution
    >>> posts = pd.DataFrame({"account": ["a", "b"], "followers": [1000, 5000],
    ...     "impressions": [800, 4000], "clicks": [40, 400], "conversions": [30, 20],
    ...     "holdout": [200, 1000], "holdout_conversions": [2, 5]})
    >>> ax = plot_account_contribution(AccountContribution(n_boot=200).fit(posts))
    """
    c = result.summary.iloc[::-1]
    ax = new_axes(ax, (7, 1.5 + 0.35 * len(c)))
    y = np.arange(len(c))
    inc = c["incremental"].to_numpy(float)
    err = np.vstack([inc - c["ci_low"].to_numpy(float), c["ci_high"].to_numpy(float) - inc])
    ax.barh(y, inc, color="#2ca02c", alpha=0.8, label="incremental conversions")
    ax.errorbar(inc, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1,
                label=f"{1 - result.alpha:.0%} interval")
    clicks = c["clicks"].to_numpy(float)
    scale = inc.max() / clicks.max() if clicks.max() > 0 and inc.max() > 0 else 1.0
    ax.scatter(clicks * scale, y, marker="D", color="#d62728", zorder=3,
               label="clicks (scaled to the largest bar)")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, c.index.tolist())
    ax.set_xlabel("incremental conversions (orders)")
    ax.set_title("Account contribution: measured effect vs clicks")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_fans_vs_effect(result: RankingComparison, *, ax: Axes | None = None) -> Axes:
    """Followers (thousands) against measured incremental conversions, one dot per account.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.social import AccountContribution, fans_vs_effect
    >>> posts = pd.DataFrame({"account": ["a", "b"], "followers": [1000, 5000],
    ...     "impressions": [800, 4000], "clicks": [40, 400], "conversions": [30, 20],
    ...     "holdout": [200, 1000], "holdout_conversions": [2, 5]})
    >>> ax = plot_fans_vs_effect(fans_vs_effect(AccountContribution(n_boot=200).fit(posts)))
    """
    ax = new_axes(ax, (6, 4))
    r = result.ranks
    x = r["followers"].to_numpy(float) / 1000
    ax.scatter(x, r["incremental"], color="#1f77b4", zorder=3, label="measured")
    if "truth" in r:
        ax.scatter(x, r["truth"], marker="x", color="#7f7f7f", label="true (synthetic)")
    obstacles = np.column_stack([x, r["incremental"].to_numpy(float)])
    if "truth" in r:
        obstacles = np.vstack([obstacles, np.column_stack([x, r["truth"].to_numpy(float)])])
    _label_points(ax, [str(n) for n in r.index], x, r["incremental"].to_numpy(float),
                  obstacles)
    ax.set_xlabel("followers (thousands, zombie fans included)")
    ax.set_ylabel("incremental conversions (orders)")
    rho = result.agreement.loc["followers", "incremental"]
    ax.set_title(f"Fan count is not effect (rank correlation {rho:.2f})")
    ax.legend(fontsize=8)
    return ax


def _label_points(ax: Axes, names: list[str], x: np.ndarray, y: np.ndarray,
                  obstacles: np.ndarray, fontsize: float = 8) -> None:
    """Label each point where its text overlaps no other label and no marker.

    Greedy nudging in points (1/72 inch) on the current axes limits, top point
    first: right or left beside the point, else stacked further up or down with
    a thin leader line from its nearest corner.
    Close points (two accounts with nearly the same fans and effect) get
    separate labels.
    """
    ax.autoscale_view()
    to_pt = 72.0 / ax.figure.dpi
    pts = ax.transData.transform(np.column_stack([x, y])) * to_pt
    marks = ax.transData.transform(obstacles) * to_pt
    h, pad, r = 1.2 * fontsize, 2.0, 3.5          # text height, gap, marker radius (points)
    placed: list[tuple[float, float, float, float]] = []

    def free(box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        hit_label = any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in placed)
        hit_mark = ((marks[:, 0] + r > x0) & (marks[:, 0] - r < x1)
                    & (marks[:, 1] + r > y0) & (marks[:, 1] - r < y1)).any()
        return not (hit_label or hit_mark)

    for i in np.argsort(-pts[:, 1], kind="stable"):   # top to bottom
        w = TextPath((0, 0), names[i], size=fontsize).get_extents().width + 2.0
        px, py = pts[i]
        # beside the point (right, left), else stacked above/below it, edge over the point
        spots = [(4.0, 3.0), (-4.0 - w, 3.0)] + [
            (dx, 3.0 + side * k * (h + pad)) for k in range(1, 6) for side in (1, -1)
            for dx in (0.0, -w)]
        spot = next((d for d in spots if free(_box(px, py, d, w, h))), spots[0])
        placed.append(_box(px, py, spot, w, h))
        dx, dy = spot
        line = None
        if spot not in spots[:2]:   # away from its point: a thin line to the nearest corner
            line = {"arrowstyle": "-", "color": "#7f7f7f", "lw": 0.6, "shrinkA": 0,
                    "shrinkB": 2, "relpos": (0.0 if dx >= 0 else 1.0, 0.0 if dy > 0 else 1.0)}
        ax.annotate(names[i], (x[i], y[i]), textcoords="offset points", xytext=(dx, dy),
                    fontsize=fontsize, va="bottom", arrowprops=line)


def _box(px: float, py: float, spot: tuple[float, float], w: float,
         h: float) -> tuple[float, float, float, float]:
    return (px + spot[0], py + spot[1], px + spot[0] + w, py + spot[1] + h)

def plot_audience_drift(result: AudienceDrift, *, ax: Axes | None = None) -> Axes:
    """The account's audience mix per period as stacked shares.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.social import audience_drift
    >>> a = pd.DataFrame({"account": "x", "period": [1, 1, 2, 2],
    ...                   "interest": ["phones", "beauty"] * 2, "followers": [90, 10, 40, 60]})
    >>> ax = plot_audience_drift(audience_drift(a, "x"))
    """
    ax = new_axes(ax, (7, 4))
    comp = result.composition
    order = comp.mean().sort_values(ascending=False).index
    ax.stackplot(comp.index.to_numpy(), comp[order].to_numpy().T, labels=list(order), alpha=0.85)
    ax.set_xlabel("period")
    ax.set_ylabel("share of followers")
    ax.set_ylim(0, 1)
    ax.set_title(f"Audience of {result.account}: interests over time")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return ax


def plot_method_funnel(result: MethodFunnel, *, ax: Axes | None = None) -> Axes:
    """Share of the people reached still in the funnel at each step, per method (log scale).

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.social import method_funnel
    >>> df = pd.DataFrame({"method": ["moments", "drift_bottle"], "reached": [100, 1000],
    ...                    "received": [70, 40], "interacted": [20, 4], "converted": [3, 1]})
    >>> ax = plot_method_funnel(method_funnel(df))
    """
    ax = new_axes(ax, (7, 4))
    s = result.summary
    steps = np.arange(len(FUNNEL_STEPS))
    for method, row in s.iterrows():
        share = row[list(FUNNEL_STEPS)].to_numpy(float) / max(float(row["reached"]), 1.0)
        ax.plot(steps, np.where(share > 0, share, np.nan), marker="o", label=str(method))
    ax.set_yscale("log")
    ax.set_xticks(steps, ["reached", "received (read)", "interacted", "converted"])
    ax.set_ylabel("share of people reached (log scale)")
    ax.set_title("Reach -> reception -> interaction -> conversion")
    ax.legend(fontsize=8)
    return ax


def plot_remarketing_segments(result: RemarketingSegments, *, ax: Axes | None = None) -> Axes:
    """Participants per re-marketing group, with the share of regulars.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.social import quiz_points, remarketing_segments
    >>> a = pd.DataFrame({"participant_id": [1, 1, 2], "day": [1, 2, 1], "correct": [3, 2, 4]})
    >>> p = pd.DataFrame({"participant_id": [1, 2], "sex": ["f", "m"]})
    >>> ax = plot_remarketing_segments(remarketing_segments(quiz_points(a), p, by=["sex"]))
    """
    s = result.summary
    ax = new_axes(ax, (7, 1.5 + 0.35 * len(s)))
    labels = [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in s.index]
    y = np.arange(len(s))[::-1]
    n = s["participants"].to_numpy(float)
    reg = s["regulars_share"].to_numpy(float)
    ax.barh(y, n, color="#c7c7c7", label="participants")
    ax.barh(y, n * reg, color="#1f77b4", label="regulars (on half the days or more)")
    ax.set_yticks(y, labels)
    ax.set_xlabel("participants (people)")
    ax.set_title("Quiz participants regrouped for re-marketing")
    ax.legend(fontsize=8, loc="lower right")
    return ax
