"""Plots of case J (look-alike areas and cross-sell): ``plot_x(result, *, ax=None) -> Axes``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from omnimkt.plotting._base import grouped_bars, new_axes

__all__ = ["plot_area_ranking", "plot_offer_gains", "plot_ranking_check", "plot_rules"]


def plot_rules(result: Any, *, ax: Axes | None = None, top: int = 12) -> Axes:
    """Lift of the ``top`` strongest rules of a :class:`~omnimkt.crosssell.RuleResult`.

    Each bar is ``antecedent -> consequent``, labelled with its confidence; the
    dotted line at lift 1 marks independence.
    """
    ax = new_axes(ax, (6.5, 4.2))
    s = result.summary.head(top).iloc[::-1]
    y = np.arange(len(s))
    ax.barh(y, s["lift"], color="C0")
    for yi, (lift, conf) in enumerate(zip(s["lift"], s["confidence"], strict=True)):
        ax.text(lift, yi, f"  conf {100 * conf:.0f}%", va="center", fontsize=7)
    ax.set_yticks(y, [f"{a} → {c}" for a, c in zip(s["antecedent"], s["consequent"],
                                                     strict=True)], fontsize=8)
    ax.axvline(1, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("lift (1 = bought together only by chance)")
    ax.set_title("Strongest association rules")
    if len(s):
        ax.set_xlim(0, float(s["lift"].max()) * 1.35)
    return ax


def plot_area_ranking(ranking: Any, truth: pd.Series | None = None, *,
                      ax: Axes | None = None) -> Axes:
    """Candidate areas: rank by the look-alike score against the true latent demand.

    ``ranking`` is an :class:`~omnimkt.segments.areas.AreaRanking`; ``truth`` a
    Series of the true demand per area (share of households). Without ``truth``
    the scores of the 15 best candidates are shown.
    """
    ax = new_axes(ax, (6.0, 3.8))
    s = ranking.summary
    if truth is None:
        top = s.head(15).iloc[::-1]
        ax.barh(np.arange(len(top)), top["score"], color="C0")
        ax.set_yticks(np.arange(len(top)), top.index.astype(str), fontsize=8)
        ax.set_xlabel("look-alike score (higher = more like the areas with buyers)")
        return ax
    t = truth.reindex(s.index).astype(float)
    ax.scatter(s["rank"], 100 * t, s=14, color="C0")
    ax.set_xlabel("look-alike rank (1 = most promising)")
    ax.set_ylabel("true latent demand (% of households)")
    ax.set_title("Candidate areas without buyers")
    return ax


def plot_ranking_check(check: Any, *, ax: Axes | None = None) -> Axes:
    """A :class:`~omnimkt.segments.areas.RankingCheck`: the ranking against random orders."""
    ax = new_axes(ax, (5.0, 3.2))
    s = check.summary
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["model"], dict(color="C0", label="ranking")),
                        (s["random"], dict(color="C7", label="random order"))])
    ax.set_xticks(x, [f"{m}\n(k={check.k})" if m == "top-k hits" else m for m in s.index])
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("value (correlation or share, 0-1)")
    ax.legend(fontsize=8)
    return ax


def plot_offer_gains(offers: pd.DataFrame, outcome: pd.Series, *,
                     ax: Axes | None = None) -> Axes:
    """Cumulative gains: share of later buyers reached when offering down the list.

    ``offers`` comes from :meth:`NextProductModel.offers` (best first); ``outcome``
    is 1 for a customer who bought the product later (the truth of a synthetic
    world, or a campaign's result).
    """
    ax = new_axes(ax, (5.0, 3.6))
    y = outcome.reindex(offers.index).fillna(0).to_numpy(dtype=float)
    total = y.sum()
    n = len(y)
    x = 100 * np.arange(0, n + 1) / max(n, 1)
    gains = 100 * np.concatenate([[0.0], np.cumsum(y)]) / total if total else x * 0
    ax.plot(x, gains, color="C0", label="offer list")
    ax.plot([0, 100], [0, 100], color="grey", ls=":", lw=0.8, label="random order")
    ax.set_xlabel("customers offered, best scores first (%)")
    ax.set_ylabel("later buyers reached (%)")
    ax.legend(fontsize=8, loc="lower right")
    return ax
