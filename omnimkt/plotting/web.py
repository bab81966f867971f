"""Plots of web shop measurement: outcome rates with intervals, visit effects, cost per
order under each pricing model and who carries the pricing risk."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from omnimkt.plotting._base import grouped_bars, new_axes
from omnimkt.web.result import PricingComparison, PricingRisk, VisitRates
from omnimkt.web.visits import VisitModel

__all__ = ["plot_pricing", "plot_pricing_risk", "plot_visit_effects", "plot_visit_rates"]

_MODEL_COLORS = {"CPM": "#1f77b4", "CPC": "#ff7f0e", "CPA": "#2ca02c", "CPS": "#9467bd"}


def plot_visit_rates(result: VisitRates, *, ax: Axes | None = None,
                     outcome: str | None = None) -> Axes:
    """One outcome's rate per group of visits with its confidence interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.web import visit_rates
    >>> s = pd.DataFrame({"customer_id": range(4), "timestamp": "2025-01-01",
    ...     "source": ["search", "search", "direct", "direct"], "ordered": [1, 0, 0, 0]})
    >>> ax = plot_visit_rates(visit_rates(s, by="source"))
    """
    name = outcome or ("ordered" if "ordered" in result.outcomes else result.outcomes[0])
    t = result.table(name)
    ax = new_axes(ax, (7, 1.5 + 0.3 * len(t)))
    labels = [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in t.index]
    y = np.arange(len(t))[::-1]
    rate = t["rate"].to_numpy(float) * 100
    err = np.vstack([rate - t["ci_low"].to_numpy(float) * 100,
                     t["ci_high"].to_numpy(float) * 100 - rate])
    ax.errorbar(rate, y, xerr=err, fmt="o", color="#1f77b4", ecolor="#7f7f7f", capsize=3)
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"{name} rate per visit (%), {1 - result.alpha:.0%} Wilson interval")
    ax.set_title(f"{name} by {' x '.join(result.by)}")
    ax.set_xlim(left=0)
    return ax


def plot_visit_effects(model: VisitModel, *, ax: Axes | None = None) -> Axes:
    """The fitted log-odds of each term against the baseline visit, with intervals.

    Examples
    --------
    >>> from omnimkt.datasets.sessions import generate_sessions
    >>> ax = plot_visit_effects(VisitModel().fit(generate_sessions(3000, seed=1).sessions))
    """
    model._check_fitted()
    s = model.summary
    s = s[s["term"] != "intercept"]
    ax = new_axes(ax, (6, 1.5 + 0.35 * len(s)))
    y = np.arange(len(s))[::-1]
    c = s["coef"].to_numpy(float)
    err = np.vstack([c - s["ci_low"].to_numpy(float), s["ci_high"].to_numpy(float) - c])
    ax.errorbar(c, y, xerr=err, fmt="o", color="#2ca02c", ecolor="#7f7f7f", capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, s["term"].tolist())
    ax.set_xlabel(f"log-odds of {model.outcome} vs a direct, new, 1-page, price-interest visit")
    ax.set_title(f"What raises {model.outcome} ({1 - model.alpha:.0%} intervals)")
    return ax


def plot_pricing(result: PricingComparison, *, ax: Axes | None = None) -> Axes:
    """Cost per order of each campaign under each pricing model.

    Examples
    --------
    >>> from omnimkt.web import price_campaign
    >>> vol = {"impressions": 200_000, "clicks": 2_000, "actions": 100, "orders": 40,
    ...        "sales": 12_000}
    >>> ax = plot_pricing(price_campaign(vol, {"CPM": 20, "CPC": 1.5}))
    """
    s = result.summary
    table = s.pivot(index="campaign", columns="model", values="cost_per_order")
    table = table.reindex(index=list(dict.fromkeys(s["campaign"])),
                          columns=list(dict.fromkeys(s["model"])))
    ax = new_axes(ax, (7, 4))
    x = np.arange(len(table))
    grouped_bars(ax, x, [(table[m].to_numpy(float), dict(label=m, color=_MODEL_COLORS.get(m)))
                         for m in table.columns])
    ax.set_xticks(x, table.index.tolist())
    ax.set_ylabel("media cost per order (yuan)")
    ax.set_title("The same campaign bought under each pricing model")
    ax.legend(title="pricing")
    return ax


def plot_pricing_risk(result: PricingRisk, *, ax: Axes | None = None) -> Axes:
    """Spread (coefficient of variation) of the buyer's cost per order and of the
    publisher's revenue under each pricing model.

    Examples
    --------
    >>> from omnimkt.web import pricing_risk
    >>> vol = {"impressions": 200_000, "clicks": 2_000, "actions": 100, "orders": 40,
    ...        "sales": 12_000}
    >>> ax = plot_pricing_risk(pricing_risk(vol, {"CPM": 20, "CPS": 0.1}, n_runs=200))
    """
    s = result.summary
    ax = new_axes(ax, (6, 4))
    x = np.arange(len(s))
    grouped_bars(ax, x, [(s["buyer_cost_per_order_cv"] * 100,
                          dict(label="buyer: cost per order", color="#d62728")),
                        (s["publisher_revenue_cv"] * 100,
                         dict(label="publisher: revenue", color="#7f7f7f"))])
    ax.set_xticks(x, s.index.tolist())
    ax.set_ylabel("coefficient of variation (%)")
    ax.set_title(f"Who carries the risk (rates uncertain, cv {result.rate_cv:g})")
    ax.legend()
    return ax
