"""Report section: cohort retention (留存分析) — do the customers won each month stay, and
what are they worth as months pass?

Cohorts are the calendar months of each customer's first purchase
(:func:`omnimkt.behaviour.cohort_retention`); the answer reads the size-weighted
curve: the share who buy in month N ("on"), in month N or later ("on or after") and
the cumulative revenue per customer.

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2], "amount": [10.0, 5.0, 8.0, 4.0],
...     "timestamp": pd.to_datetime(["2025-01-03", "2025-02-07", "2025-01-20", "2025-03-02"])})
>>> cfg = {**resolve_config({}), "_saved_value": 30.0}
>>> build(analyse(Dataset(transactions=tx), cfg), Tr("en"), cfg).answer
'50% of new customers buy again in the month after their first purchase; by then a customer has brought ¥11.50 on average.'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.behaviour import cohort_retention
from omnimkt.errors import OmnimktError
from omnimkt.plotting.behaviour import plot_cohort_triangle, plot_retention_curves
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import Finding, Section, Table, figure_png, relabel

__all__ = ["analyse", "build"]

#: Months after the first purchase shown in the table (those observed).
MONTHS = (1, 2, 3, 6, 9, 12)


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Monthly first-purchase cohorts, 12 months, by acquisition channel when known
    (language-free)."""
    kw = {"freq": "M", "n_periods": 12, "customers": getattr(data, "customers", None)}
    try:
        res = quiet(cohort_retention, data.transactions, breakdown="channel", **kw)
    except OmnimktError:  # no acquisition or purchase channel: retention without the split
        res = quiet(cohort_retention, data.transactions, **kw)
    curves = res.curves
    if len(curves) < 2 or pd.isna(curves["on"].iloc[1]):
        return {"skip": ("short",)}
    return {"cohorts": res}


def _table(curves: pd.DataFrame, tr: Any) -> pd.DataFrame:
    rows = [m for m in MONTHS if m in curves.index and pd.notna(curves.loc[m, "on"])]
    c = curves.loc[rows]
    return pd.DataFrame({tr("col.month_n"): [tr.number(m) for m in rows],
                         tr("col.cohort_customers"): [tr.number(v) for v in c["customers"]],
                         tr("col.retained_on"): [tr.pct(v, 1) for v in c["on"]],
                         tr("col.retained_after"): [tr.pct(v, 1) for v in c["on_or_after"]],
                         tr("col.ltv_cum"): [tr.money(v) for v in c["ltv"]]})


def _channel_table(res: Any, month: int, tr: Any) -> Table | None:
    if res.by_channel is None or month not in res.by_channel.columns:
        return None
    sizes = res.channel_sizes
    order = sizes.sort_values(ascending=False, kind="mergesort").index
    frame = pd.DataFrame({tr("col.channel"): [tr.label(c) for c in order],
                          tr("col.customers"): [tr.number(sizes[c]) for c in order],
                          tr("col.retained_month", k=month): [
                              tr.pct(res.by_channel.loc[c, month], 1) for c in order]})
    return Table(tr("cohorts.by_channel"), frame)


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The cohort-retention section in the report language."""
    sec = Section("cohorts", tr("cohorts.heading"), tr("cohorts.question"),
                  glossary=["cohort", "retention_after", "ltv_cum"])
    if "skip" in an:
        sec.skipped = tr("cohorts.short")
        return sec
    res = an["cohorts"]
    curves = res.curves.dropna(subset=["on"])
    k = int(curves.index.max())
    m1, mk = curves.loc[1], curves.loc[k]
    key = "cohorts.answer" if k > 1 else "cohorts.answer_one"
    sec.answer = tr(key, m1=tr.pct(m1["on"]), k=k, mk=tr.pct(mk["on"]), ltv=tr.money(mk["ltv"]))
    sec.findings.append(Finding(tr("cohorts.finding", k=k, mk=tr.pct(mk["on"]),
                                   after=tr.pct(mk["on_or_after"]), m1=tr.pct(m1["on"])),
                                float(m1["on"]), 58, "cohorts.month1"))
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [3, 2]})
    plot_cohort_triangle(res, ax=axes[0], metric="on")
    relabel(axes[0], tr, title=tr("chart.cohort_triangle"), xlabel=tr("axis.months_since"),
            ylabel=tr("axis.cohort"))
    plot_retention_curves(res, ax=axes[1], metric="on")
    relabel(axes[1], tr, title=tr("chart.retention_curve"), xlabel=tr("axis.months_since"),
            ylabel=tr("axis.share_cohort"))
    sec.figures.append(figure_png(fig))
    sec.tables.append(Table(tr("cohorts.table"), _table(curves, tr)))
    channels = _channel_table(res, min(3, k), tr)
    if channels is not None:
        sec.tables.append(channels)
    sec.notes.append(tr("cohorts.note", day=tr.date(res.cutoff)))
    sec.todo.append(tr("cohorts.todo"))
    return sec
