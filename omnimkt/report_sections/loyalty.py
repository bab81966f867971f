"""Report section: the case's points ladder applied to the client's transactions, as a
scenario with its rules listed under the assumptions.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = {**resolve_config({}), "_saved_value": 300.0}
>>> sec = build(analyse(load_sample(), cfg), Tr("en"), cfg)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.loyalty import PointsLadder, Tier, apply_ladder
from omnimkt.plotting.loyalty import plot_monthly_cost, plot_tier_counts
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    money_axis,
    relabel,
)

__all__ = ["analyse", "build", "ladder_from_config"]

_TIER_NAMES = ("1-star", "2-star", "3-star")


def ladder_from_config(cfg: dict[str, Any]) -> PointsLadder:
    """The points ladder the configuration describes."""
    tiers = [Tier(_TIER_NAMES[i] if i < 3 else f"{i + 1}-star", p, d, v)
             for i, (p, d, v) in enumerate(cfg["ladder"])]
    return PointsLadder(tiers=tiers, own_rate=cfg["ladder_own_rate"],
                        referral_rate=cfg["ladder_referral_rate"], reset_at=cfg["ladder_reset_at"],
                        voucher_breakage=cfg["voucher_breakage"])


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """The ladder applied to the transactions (language-free)."""
    ladder = ladder_from_config(cfg)
    customers = getattr(data, "customers", None)
    has_ref = customers is not None and "referrer_id" in customers.columns
    res = quiet(apply_ladder, data.transactions, customers if has_ref else None, ladder)
    return {"res": res, "ladder": ladder, "referrals": has_ref}


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The loyalty scenario section in the report language."""
    res, lad = an["res"], an["ladder"]
    s, th, n = res.summary["value"], res.tier_history, max(len(res.members), 1)
    rows = []
    for k, tier in enumerate(lad.tiers, start=1):
        reached = th[th["level"] == k]
        rows.append({tr("col.member_tier"): tr.label(tier.name), tr("col.threshold"): tr.number(tier.threshold),
                     tr("col.benefit"): tr("loyalty.benefit", discount=tr.pct(tier.discount),
                                           voucher=tr.money(tier.voucher)),
                     tr("col.reached"): tr.number(len(reached)),
                     tr("col.reached_share"): tr.pct(len(reached) / n, 1),
                     tr("col.vouchers"): tr.money(len(reached) * tier.voucher)})
    first = lad.tiers[0].name
    cost, share = s["programme cost"], s["cost as share of spend"]
    n1 = s[f"members reaching {first}"]
    answer = tr("loyalty.answer", n1=tr.number(n1) if tr.lang == "en" else tr.count(n1, "customer"),
                members=tr.count(s["members"], "customer"), tier1=tr.label(first),
                cost=tr.money(cost),
                share=tr.pct(share, 1), spend=tr.money(s["spend (before discounts)"]))
    notes = [] if an["referrals"] else [tr("loyalty.no_referral")]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    plot_tier_counts(res, ax=axes[0])
    relabel(axes[0], tr, title=tr("chart.tiers"), xlabel=tr("axis.month"),
            ylabel=tr("axis.points_members"))
    plot_monthly_cost(res, ax=axes[1])
    relabel(axes[1], tr, title=tr("chart.cost"), xlabel=tr("axis.month"),
            ylabel=tr("axis.cost_month"))
    money_axis(axes[1], tr)
    return Section("loyalty", tr("loyalty.heading"), tr("loyalty.question"), answer,
                   figures=[figure_png(fig)], tables=[Table("", pd.DataFrame(rows))],
                   todo=[tr("loyalty.todo", share=tr.pct(share, 1))],
                   findings=[Finding(tr("loyalty.finding", cost=tr.money(cost),
                                        share=tr.pct(share, 1)), float(cost), 30, "loyalty.cost")],
                   notes=notes, glossary=["points", "breakage"])
