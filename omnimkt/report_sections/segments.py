"""Report section: customer value segments (2-8 rule, RFM segments, the four classes).

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4, 5], "amount": [90.0, 50, 20, 10, 5, 5],
...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05", "2025-01-09",
...                                  "2025-01-20", "2025-02-02"])})
>>> cfg = {**resolve_config({}), "_saved_value": 30.0}
>>> build(analyse(Dataset(transactions=tx), cfg), Tr("en"), cfg).heading
'Customer groups by value and activity'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.plotting.segments import plot_pareto, plot_rfm_segments
from omnimkt.report_sections._common import contact_action, quiet
from omnimkt.report_sections._section import (
    Finding,
    Section,
    Table,
    figure_png,
    percent_axis,
    relabel,
)
from omnimkt.segments import customer_table, four_classes, pareto_split, rfm_scores

__all__ = ["analyse", "build"]

_QUIET = ("at risk", "can't lose")


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Pareto split, RFM segments and (with customers) the four classes (language-free)."""
    table = quiet(customer_table, data.transactions)
    out = {"table": table, "pareto": pareto_split(table, top_share=cfg["top_share"]),
           "rfm": rfm_scores(table), "classes": None}
    customers = getattr(data, "customers", None)
    if customers is not None and len(customers):
        out["classes"] = quiet(four_classes, table, customers=customers,
                              recent_days=cfg["recent_days"], loyal_orders=cfg["loyal_orders"])
    return out


def _rfm_table(s: pd.DataFrame, tr: Any) -> pd.DataFrame:
    return pd.DataFrame({
        tr("col.segment"): [tr.label(i) for i in s.index],
        tr("col.customers"): [tr.number(v) for v in s["customers"]],
        tr("col.share_customers"): [tr.pct(v) for v in s["share"]],
        tr("col.share_spend"): [tr.pct(v) for v in s["spend_share"]],
        tr("col.days_since"): [tr.number(v) for v in s["mean_recency_days"]],
        tr("col.what_to_do"): [tr(f"rfm.todo.{i}") if f"rfm.todo.{i}" in _keys() else "–"
                               for i in s.index]})


def _keys() -> set[str]:
    from omnimkt.report_sections._strings import STRINGS

    return set(STRINGS)


def export_table(an: dict[str, Any], tr: Any) -> pd.DataFrame:
    """Segment per customer for the workbook."""
    seg = an["rfm"].scores
    col = "segment" if "segment" in seg.columns else seg.columns[-1]
    return pd.DataFrame({tr("col.customer"): seg.index.astype(str),
                         tr("col.segment"): [tr.label(v) for v in seg[col]]})


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The segments section in the report language."""
    p, s = an["pareto"], an["rfm"].summary
    quiet_rows = s.loc[[i for i in _QUIET if i in s.index]]
    n_quiet = int(quiet_rows["customers"].sum())
    top_share = tr.pct(p.customer_share)
    answer = tr("segments.answer", top_share=top_share, share=tr.pct(p.value_share),
                n=tr.count(n_quiet, "customer"), risk_spend=tr.pct(quiet_rows["spend_share"].sum()))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.0))
    plot_pareto(p, ax=axes[0])
    relabel(axes[0], tr, title=tr("chart.pareto"), xlabel=tr("axis.share_customers"),
            ylabel=tr("axis.share_value"))
    percent_axis(axes[0], "x", 1.0)
    percent_axis(axes[0], "y", 1.0)
    plot_rfm_segments(an["rfm"], ax=axes[1])
    relabel(axes[1], tr, title=tr("chart.rfm"))
    findings = [Finding(tr("segments.finding_pareto", top_share=top_share,
                           share=tr.pct(p.value_share)), float(p.value_share), 75,
                        "segments.pareto"),
                Finding(tr("segments.finding_risk", n=tr.count(n_quiet, "customer"),
                           spend=tr.pct(quiet_rows["spend_share"].sum())), n_quiet, 65,
                        "segments.quiet")]
    actions = []
    action = contact_action(tr, tr("segments.action", n=tr.count(n_quiet, "quiet_vip")),
                            n_quiet, cfg, cfg["_saved_value"], "segments.quiet")
    actions += [action] if action else []
    tables = [Table("", _rfm_table(s, tr))]
    if an["classes"] is not None:
        cs = an["classes"].summary
        tables.append(Table(
            tr("segments.classes_caption", k=cfg["loyal_orders"],
               days=tr.count(cfg["recent_days"], "day")),
            pd.DataFrame({tr("col.segment"): [tr.label(i) for i in cs.index],
                          tr("col.customers"): [tr.number(v) for v in cs["customers"]],
                          tr("col.share_customers"): [tr.pct(v) for v in cs["share"]],
                          tr("col.share_spend"): [tr.pct(v) for v in cs["value_share"]],
                          tr("col.mean_spend"): [tr.money(v, 0) for v in cs["mean_value"]]})))
    return Section("segments", tr("segments.heading"), tr("segments.question"), answer,
                   figures=[figure_png(fig)], tables=tables, todo=[tr("segments.todo")],
                   findings=findings, actions=actions, glossary=["rfm", "pareto"],
                   exports={"segments": export_table(an, tr)})
