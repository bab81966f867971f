"""Report section: customer lifetime value on the client's transactions.

Fits the best of BG/NBD and MBG/NBD (by BIC) and a Gamma-Gamma spend model, values
every customer over the next ``horizon`` weeks, and shows the value tiers, the CLV
distribution and value concentration, with a plain-language reading.

Examples
--------
>>> from omnimkt.data import Dataset
>>> from omnimkt.datasets import load_cdnow
>>> render(Dataset(transactions=load_cdnow()))  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from omnimkt.clv import CLVResult, analyse_clv, win_back_list
from omnimkt.plotting.clv import plot_clv_distribution, plot_value_concentration

__all__ = ["render", "tier_table", "reading"]


def tier_table(result: CLVResult) -> pd.DataFrame:
    """The client-facing value-tier table."""
    t = result.tiers
    return pd.DataFrame({
        "customers": t["customers"].map("{:,}".format),
        "% of customers": (100 * t["share_customers"]).round(1),
        "% of future value": (100 * t["share_clv"]).round(1),
        "mean value": t["clv_mean"].round(0).map("{:,.0f}".format),
        "chance still active": (100 * t["p_alive"]).round(0).astype(int).astype(str) + "%",
        "expected orders": t["expected_purchases"].round(1),
    }, index=t.index)


def reading(result: CLVResult) -> str:
    """Two to four sentences reading the numbers for a client."""
    c = result.customers
    t = result.tiers
    top = t.iloc[0]
    months = result.horizon * 7 / 30.4375
    lines = [
        f"Over the next {months:.0f} months the {len(c):,} customers are expected to place "
        f"about {c['expected_purchases'].sum():,.0f} orders worth **{c['clv'].sum():,.0f}** "
        f"(discounted at {result.annual_discount_rate:.0%} a year; the "
        f"{result.model._label} model fitted the purchase pattern best).",
        f"The {top.name} of customers hold **{top['share_clv']:.0%}** of that value"
        + (" -- close to the 2-8 rule of thumb." if top.name == "top 20%"
           and abs(top["share_clv"] - 0.8) < 0.1 else "."),
    ]
    bottom = t.iloc[-1]
    lines.append(
        f"The {bottom.name} are worth {bottom['share_clv']:.0%} of the value; on average "
        f"they have only a {bottom['p_alive']:.0%} chance of still being active, so "
        "low-cost reactivation is the most they justify."
    )
    at_risk = win_back_list(c)  # p_alive < 0.5 and 2+ repeat purchases (3+ orders)
    if len(at_risk):
        lines.append(
            f"{len(at_risk):,} customers who bought at least three times now look inactive "
            f"(less than a 50% chance of being active): a win-back list."
        )
    return " ".join(lines)


def render(data: Any, *, horizon: float = 52.0, annual_discount_rate: float = 0.10,
           models: tuple[str, ...] = ("BG/NBD", "MBG/NBD"), **_: Any) -> None:
    """Show the CLV section of the report for ``data`` (an omnimkt Dataset).

    Parameters
    ----------
    horizon : future window in weeks (52 = one year).
    annual_discount_rate : yearly discount rate of future revenue.
    models : repeat-purchase models to choose from (by BIC).
    """
    display(Markdown("## Customer lifetime value"))
    with warnings.catch_warnings():
        # Oddities (e.g. duplicate rows) are reported by the data section; keep this quiet.
        warnings.simplefilter("ignore")
        result = analyse_clv(data.transactions, horizon=horizon,
                             annual_discount_rate=annual_discount_rate, models=models)
    display(Markdown(
        "Each customer's expected future orders and spend, from their own purchase history "
        "(how often, how recently, how much), valued over the next year."))
    display(tier_table(result))
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), width_ratios=(1.6, 1))
    plot_clv_distribution(result.customers, ax=axes[0])
    plot_value_concentration(result.customers, ax=axes[1])
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    display(Markdown(reading(result)))
    corr = result.spend_model.independence_corr_
    if abs(corr) > 0.3:
        display(Markdown(
            f"*Note: order value and order frequency are correlated ({corr:.2f}); the spend "
            "estimates lean on an assumption this data only partly meets.*"))
