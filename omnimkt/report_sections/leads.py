"""Report section: lead sources (case H) — what each source costs per lead and per order and
what its leads' orders earn, and how fast a lead's chance to buy decays while it waits for
the first contact.

Shown only when the data folder has a ``leads`` table and the leads' orders with their
gross margin (``lead_orders``, or ``transactions`` with a ``margin`` column); otherwise
the section is skipped with a one-line note.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = {**resolve_config({}), "_saved_value": 300.0}
>>> sec = build(analyse(load_sample(), cfg), Tr("en"), cfg)
>>> sec.heading
'Lead sources: what each costs and earns'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from omnimkt.errors import OmnimktError
from omnimkt.leads import LeadDecayModel, source_economics
from omnimkt.plotting.leads import plot_lead_decay, plot_source_economics
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    legend_labels,
    relabel,
)

__all__ = ["analyse", "build"]

#: The case's hand-over delay of a fair's lead list (15-30 days); its middle is costed.
HANDOVER_DAYS = 22


def _orders(data: Any) -> pd.DataFrame | None:
    orders = getattr(data, "lead_orders", None)
    if orders is not None:
        return orders
    tx = getattr(data, "transactions", None)
    return tx if tx is not None and "margin" in tx.columns else None


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Source economics and the contact-delay decay (language-free)."""
    leads = getattr(data, "leads", None)
    if leads is None or len(leads) == 0:
        return {"skip": ("no_table",)}
    orders = _orders(data)
    if orders is None:
        return {"skip": ("no_orders",)}
    events = getattr(data, "lead_events", None)
    econ = quiet(source_economics, leads, orders, events)
    decay, delay, why = None, None, ""
    try:
        decay = quiet(LeadDecayModel().fit, leads, orders)
        src = "fair" if "fair" in decay.base_rates_.index else str(decay.base_rates_.index[0])
        delay = decay.delay_cost(src, delay_days=(HANDOVER_DAYS,))
    except OmnimktError as exc:  # no contact dates, too few leads ...: economics still hold
        why = str(exc)
    vouchers = int((leads["voucher_value"] > 0).sum()) if "voucher_value" in leads else 0
    return {"econ": econ, "decay": decay, "delay": delay, "why": why, "vouchers": vouchers}


def _table(econ: Any, tr: Any) -> pd.DataFrame:
    s = econ.summary
    return pd.DataFrame({
        tr("col.source"): [tr.label(x) for x in s.index],
        tr("col.leads"): [tr.number(x) for x in s["leads"]],
        tr("col.orders"): [tr.number(x) for x in s["orders"]],
        tr("col.cost"): [tr.money(x) for x in s["cost"]],
        tr("col.cost_per_lead"): [tr.money(x) for x in s["cost_per_lead"]],
        tr("col.cost_per_order"): [tr.money(x) for x in s["cost_per_order"]],
        tr("col.margin"): [tr.money(x) for x in s["margin"]],
        tr("col.net_margin"): [tr.money(x) for x in s["net_margin"]]})


def _figure(an: dict[str, Any], tr: Any) -> bytes:
    decay = an["decay"]
    fig, axes = plt.subplots(1, 2 if decay is not None else 1, figsize=(12, 4.2),
                             squeeze=False)
    ax = axes[0][0]
    plot_source_economics(an["econ"], ax=ax)
    relabel(ax, tr, title=tr("leads.chart_econ"), xlabel=tr("axis.thousand_money"))
    # The plot puts the table's rows at y = 0, 1, ... (axis inverted), as here.
    names = an["econ"].summary.index
    ax.set_yticks(np.arange(len(names)), [tr.label(x) for x in names])
    legend_labels(ax, {"gross margin": tr("leads.legend_margin"),
                       "cost (fees)": tr("leads.legend_cost"),
                       "margin after cost": tr("leads.legend_net")})
    if decay is not None:
        ax = axes[0][1]
        plot_lead_decay(decay, ax=ax)
        relabel(ax, tr, title=tr("leads.chart_decay"), xlabel=tr("axis.days_to_contact"),
                ylabel=tr("axis.share_buying"))
        legend_labels(ax, {"15-30 day hand-over": tr("leads.legend_handover"),
                           **{str(x): tr.label(x) for x in decay.base_rates_.index}})
    return figure_png(fig)


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The lead-sources section in the report language."""
    sec = Section("leads", tr("leads.heading"), tr("leads.question"), glossary=["lead_decay"])
    if "skip" in an:
        sec.skipped = tr(f"leads.{an['skip'][0]}")
        return sec
    s = an["econ"].summary
    best = s["net_margin"].idxmax()
    paid = s[s["cost"] > 0]
    decay = an["decay"]
    half = tr.days(decay.half_life_days_) if decay is not None else "–"
    sec.answer = tr("leads.answer", best=tr.label(best),
                    best_net=tr.money(s.loc[best, "net_margin"]),
                    paid=tr.join([tr.label(x) for x in paid.index]) or "–",
                    cost=tr.money(paid["cost"].sum()), half_life=half)
    sec.figures.append(_figure(an, tr))
    sec.tables.append(Table("", _table(an["econ"], tr)))
    sec.findings.append(Finding(tr("leads.finding_best", best=tr.label(best),
                                   net=tr.money(s.loc[best, "net_margin"])),
                                float(s.loc[best, "net_margin"]), 30, "leads.best"))
    if an["delay"] is not None:
        row = an["delay"].summary.iloc[-1]
        sec.findings.append(Finding(
            tr("leads.finding_delay", source=tr.label(an["delay"].source),
               days=tr.days(row["delay_days"]), lost=tr.money(row["lost_margin_per_event"]),
               share=tr.pct(row["lost_share"])),
            float(row["lost_margin_per_event"]), 45, "leads.delay"))
    else:
        sec.notes.append(tr("leads.no_decay", reason=an["why"]))
    if an["vouchers"]:
        sec.notes.append(tr("leads.voucher_note", n=tr.number(an["vouchers"])))
    sec.todo.append(tr("leads.todo"))
    return sec
