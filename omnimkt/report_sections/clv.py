"""Report section: customer lifetime value on the client's transactions.

Fits the best of BG/NBD and MBG/NBD (by BIC) and a Gamma-Gamma spend model, values
every customer over the next ``horizon_days`` and shows the value tiers, the value
distribution and its concentration, and the repeat buyers who now look inactive.

Examples
--------
>>> from omnimkt.datasets import load_cdnow
>>> from omnimkt.data import Dataset
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = resolve_config({})
>>> sec = build(analyse(Dataset(transactions=load_cdnow()), cfg), Tr("en"), cfg)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.clv import analyse_clv, win_back_list
from omnimkt.plotting.clv import plot_clv_distribution, plot_value_concentration
from omnimkt.report_sections._common import contact_action, period_text, quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    money_axis,
    percent_axis,
    relabel,
)

__all__ = ["analyse", "build"]


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """The fitted CLV result and the win-back list (language-free)."""
    result = quiet(analyse_clv, data.transactions, models=("BG/NBD", "MBG/NBD"),
                   horizon_days=cfg["horizon_days"],
                   annual_discount_rate=cfg["annual_discount_rate"])
    return {"result": result, "winback": win_back_list(result.customers)}


def _tier_table(t: pd.DataFrame, tr: Any) -> pd.DataFrame:
    return pd.DataFrame({
        tr("col.tier"): [tr.label(i) for i in t.index],
        tr("col.customers"): [tr.number(v) for v in t["customers"]],
        tr("col.share_customers"): [tr.pct(v) for v in t["share_customers"]],
        tr("col.share_value"): [tr.pct(v) for v in t["share_clv"]],
        tr("col.mean_value"): [tr.money(v, 0) for v in t["clv_mean"]],
        tr("col.p_alive"): [tr.pct(v) for v in t["p_alive"]],
        tr("col.expected_orders"): [tr.number(v, 1) for v in t["expected_purchases"]],
    })


def export_table(c: pd.DataFrame, tr: Any) -> pd.DataFrame:
    """CLV per customer for the workbook (numbers kept as numbers)."""
    out = pd.DataFrame({tr("col.customer"): c.index.astype(str),
                        tr("col.clv"): c["clv"].to_numpy(),
                        tr("col.p_alive"): c["p_alive"].round(4).to_numpy(),
                        tr("col.expected_orders"): c["expected_purchases"].round(3).to_numpy()})
    return out.sort_values(tr("col.clv"), ascending=False, kind="mergesort")


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The CLV section in the report language."""
    r, c, t = an["result"], an["result"].customers, an["result"].tiers
    period = period_text(tr, cfg["horizon_days"])
    total, top = float(c["clv"].sum()), t.iloc[0]
    answer = tr("clv.answer", customers=tr.count(len(c), "customer"),
                orders=tr.count(round(c["expected_purchases"].sum()), "order"),
                value=tr.money(total), period=period, top=tr.pct(top["share_clv"]))
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), width_ratios=(1.6, 1))
    plot_clv_distribution(c, ax=axes[0])
    relabel(axes[0], tr, title=tr("chart.clv_dist"), xlabel=tr("axis.clv"),
            ylabel=tr("axis.customers"))
    money_axis(axes[0], tr, "x")
    percent_axis(axes[1], "x", 100.0)
    percent_axis(axes[1], "y", 100.0)
    plot_value_concentration(c, ax=axes[1])
    relabel(axes[1], tr, title=tr("chart.concentration"), xlabel=tr("axis.share_customers"),
            ylabel=tr("axis.share_value"))
    wb = an["winback"]
    findings = [Finding(tr("clv.finding_total", value=tr.money(total), period=period), total, 100,
                        "clv.total"),
                Finding(tr("clv.finding_top", top=tr.pct(top["share_clv"]),
                           bottom=tr.pct(t.iloc[-1]["share_clv"]),
                           alive=tr.pct(t.iloc[-1]["p_alive"])),
                        float(top["share_clv"]), 80, "clv.top")]
    actions = []
    if len(wb):
        findings.append(Finding(tr("clv.finding_risk", n=tr.count(len(wb), "customer")),
                                len(wb), 70, "clv.winback"))
    action = contact_action(tr, tr("clv.action", n=tr.count(len(wb), "repeat_buyer")), len(wb),
                            cfg, cfg["_saved_value"], "clv.winback")
    actions += [action] if action else []
    notes = []
    corr = getattr(r.spend_model, "independence_corr_", 0.0)
    if abs(corr) > 0.3:
        notes.append(tr("clv.corr_note", corr=f"{corr:.2f}"))
    sheet = tr("sheet.winback")
    wb_table = export_table(c.loc[wb.index], tr) if len(wb) else None
    tables = [Table("", _tier_table(t, tr))]
    if wb_table is not None:
        notes.append(tr("report.workbook_note", rows=tr.count(len(wb_table), "row"), sheet=sheet))
    exports = {"clv": export_table(c, tr)}
    if wb_table is not None:
        exports["winback"] = wb_table
    return Section("clv", tr("clv.heading"), tr("clv.question", period=period), answer,
                   figures=[figure_png(fig)], tables=tables, todo=[tr("clv.todo")],
                   findings=findings, actions=actions, notes=notes,
                   glossary=["clv", "p_alive", "bgnbd", "discount", "expected_value"],
                   exports=exports)
