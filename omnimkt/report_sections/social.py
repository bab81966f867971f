"""Report section: social-media accounts (shared case E) — the orders each account's posts
caused, measured against held-out followers, beside its clicks and follower count, and
how concentrated clicks and effect are.

Shown only when the data folder has a ``social_posts`` table; otherwise the section is
skipped with a one-line note.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = {**resolve_config({}), "_saved_value": 300.0}
>>> sec = build(analyse(load_sample(), cfg), Tr("en"), cfg)
>>> sec.heading
'Social accounts: effect, not clicks or fans'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.plotting.social import plot_account_contribution, plot_fans_vs_effect
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    legend_labels,
    relabel,
)
from omnimkt.social import AccountContribution, concentration, fans_vs_effect

__all__ = ["analyse", "build"]


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Each account's incremental orders, the rankings and the concentrations (language-free)."""
    posts = getattr(data, "social_posts", None)
    if posts is None or len(posts) == 0:
        return {"skip": ("no_table",)}
    model = quiet(AccountContribution(seed=cfg["seed"]).fit, posts)
    c = model.contributions_
    return {"model": model, "ranks": fans_vs_effect(model),
            "clicks": concentration(c["clicks"]),
            "effect": concentration(c["incremental"].clip(lower=0))}


def _table(model: AccountContribution, tr: Any) -> pd.DataFrame:
    c = model.summary
    clicks = c["clicks"] / max(float(c["clicks"].sum()), 1.0)
    return pd.DataFrame({
        tr("col.account"): [tr.label(a) for a in c.index],
        tr("col.followers"): [tr.number(x) for x in c["followers"]],
        tr("col.clicks"): [tr.number(x) for x in c["clicks"]],
        tr("col.click_share"): [tr.pct(x, 1) for x in clicks],
        tr("col.extra_orders"): [tr.number(x, 1) for x in c["incremental"]],
        tr("col.interval"): [f"{tr.number(lo, 1)} – {tr.number(hi, 1)}"
                             for lo, hi in zip(c["ci_low"], c["ci_high"], strict=True)],
        tr("col.effect_share"): [tr.pct(x, 1) for x in c["share"]]})


def _figure(an: dict[str, Any], tr: Any) -> bytes:
    model = an["model"]
    level = tr.pct(1 - model.alpha)
    n = len(model.contributions_)
    fig, axes = plt.subplots(1, 2, figsize=(12, 1.8 + 0.38 * n),
                             gridspec_kw={"width_ratios": [3, 2]})
    plot_account_contribution(model, ax=axes[0])
    relabel(axes[0], tr, title=tr("social.chart_effect"), xlabel=tr("axis.extra_orders"),
            ylabel="")
    legend_labels(axes[0], {"incremental conversions": tr("social.legend_effect"),
                            f"{1 - model.alpha:.0%} interval":
                                tr("social.legend_interval", level=level),
                            "clicks (scaled to the largest bar)": tr("social.legend_clicks")})
    plot_fans_vs_effect(an["ranks"], ax=axes[1])
    relabel(axes[1], tr, title=tr("social.chart_fans"), xlabel=tr("axis.followers_k"),
            ylabel=tr("axis.extra_orders"))
    legend_labels(axes[1], {"measured": tr("social.legend_measured")})
    return figure_png(fig)


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The social-accounts section in the report language."""
    sec = Section("social", tr("social.heading"), tr("social.question"),
                  glossary=["incremental", "holdout", "rank_correlation"])
    if "skip" in an:
        sec.skipped = tr("social.no_table")
        return sec
    model, clicks, effect = an["model"], an["clicks"], an["effect"]
    c, agree = model.contributions_, an["ranks"].agreement
    top_c, top_e = clicks.top_account, effect.top_account
    sec.answer = tr("social.answer", top_clicks=tr.label(top_c),
                    click_share=tr.pct(clicks.top_share),
                    clicks=tr.count(clicks.total, "click"), top_effect=tr.label(top_e),
                    effect_share=tr.pct(effect.top_share), orders=tr.number(effect.total),
                    rho_fans=f"{agree.loc['followers', 'incremental']:.2f}",
                    rho_clicks=f"{agree.loc['clicks', 'incremental']:.2f}")
    sec.figures.append(_figure(an, tr))
    sec.tables.append(Table("", _table(model, tr)))
    sure = int((c["ci_low"] > 0).sum())
    sec.notes.append(tr("social.sure", n=sure, m=len(c), level=tr.pct(1 - model.alpha)))
    gap = float(clicks.shares[top_c] - effect.shares.get(top_c, 0.0))
    if gap > 0:
        sec.findings.append(Finding(tr("social.finding", top_clicks=tr.label(top_c),
                                       click_share=tr.pct(clicks.top_share),
                                       effect_share=tr.pct(effect.shares.get(top_c, 0.0))),
                                    gap, 40, "social.clicks_overstate"))
    sec.todo.append(tr("social.todo"))
    return sec
