"""Report section: purchase funnel (any data) and journey funnel (with touchpoints).

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 1], "amount": 1.0, "timestamp": pd.to_datetime(
...     ["2025-01-01", "2025-02-01", "2025-01-05", "2025-03-01"])})
>>> cfg = {**resolve_config({}), "_saved_value": 30.0}
>>> build(analyse(Dataset(transactions=tx), cfg), Tr("en"), cfg).answer
'1 of 2 customers came back for a second order (a median of 31 days after the first) and 1 reached order 3.'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.funnel import campaign_funnel, purchase_funnel
from omnimkt.plotting.funnel import plot_funnel
from omnimkt.report_sections._common import contact_action, data_span, quiet
from omnimkt.report_sections._section import Finding, Section, Table, figure_png, relabel

__all__ = ["analyse", "build"]


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Purchase and journey funnels and the recent one-time buyers (language-free)."""
    tx = data.transactions
    buy = quiet(purchase_funnel, tx, 3)
    journey = None
    if data.touchpoints is not None and len(data.touchpoints):
        journey = quiet(campaign_funnel, data, window_days=cfg["funnel_window_days"])
    _, last = data_span(tx)
    per = tx.groupby("customer_id")["timestamp"].agg(["count", "max"])
    recent_once = per[(per["count"] == 1)
                      & (per["max"] >= last - pd.Timedelta(days=cfg["recent_days"] - 1))]
    return {"buy": buy, "journey": journey, "recent_once": len(recent_once),
            "mean_order": float(tx["amount"].sum() / max(len(tx), 1))}


def _table(s: pd.DataFrame, tr: Any) -> pd.DataFrame:
    unit = s.columns[1]
    days = s["median_time_to_step"].dt.total_seconds() / 86_400
    return pd.DataFrame({tr("col.step"): [tr.label(v) for v in s["step"]],
                         tr("col.customers"): [tr.number(v) for v in s[unit]],
                         tr("col.share_prev"): [tr.pct(v, 1) for v in s["conversion_from_previous"]],
                         tr("col.share_first"): [tr.pct(v, 1) for v in s["conversion_from_first"]],
                         tr("col.median_days"): [tr.number(v, 1) for v in days]})


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The funnel section in the report language."""
    s = an["buy"].summary
    first, second = int(s["customers"].iloc[0]), int(s["customers"].iloc[1])
    d2 = s["median_time_to_step"].iloc[1].total_seconds() / 86_400
    # English: "3 of 5 customers came back"; Chinese needs the measure word on every count.
    part = tr.number if tr.lang == "en" else (lambda v: tr.count(v, "customer"))
    answer = tr("funnel.answer", second=part(second), n=tr.count(first, "customer"),
                days=tr.days(d2), last=part(s["customers"].iloc[-1]), k=len(s))
    journey = an["journey"]
    fig, axes = plt.subplots(1, 2 if journey is not None else 1, squeeze=False,
                             figsize=(13 if journey is not None else 6.5, 3.6))
    plot_funnel(an["buy"], ax=axes[0, 0])
    relabel(axes[0, 0], tr, title=tr("chart.funnel"))
    findings = [Finding(tr("funnel.finding", second=tr.pct(s["conversion_from_first"].iloc[1])),
                        float(s["conversion_from_first"].iloc[1]), 68, "funnel.second")]
    tables = [Table(tr("chart.funnel"), _table(s, tr))]
    if journey is not None:
        plot_funnel(journey, ax=axes[0, 1])
        relabel(axes[0, 1], tr, title=tr("chart.journey"))
        j = journey.summary.reset_index(drop=True)
        i = int(j["conversion_from_previous"].iloc[1:].idxmin())
        findings.append(Finding(tr("funnel.finding_drop", a=tr.label(j["step"].iloc[i - 1]),
                                   b=tr.label(j["step"].iloc[i]),
                                   share=tr.pct(j["conversion_from_previous"].iloc[i])),
                                float(j["conversion_from_previous"].iloc[i]), 45, "funnel.drop"))
        tables.append(Table(tr("chart.journey"), _table(j, tr)))
    later = s["conversion_from_previous"].iloc[2:]
    todo = ("funnel.todo" if len(later) and later.min() > s["conversion_from_previous"].iloc[1]
            else "funnel.todo_plain")
    n = an["recent_once"]
    action = contact_action(tr, tr("funnel.action", n=tr.count(n, "customer"),
                                   days=tr.count(cfg["recent_days"], "day")),
                            n, cfg, cfg["margin"] * an["mean_order"], "funnel.second")
    actions = [action] if action else []
    return Section("funnel", tr("funnel.heading"), tr("funnel.question"), answer,
                   figures=[figure_png(fig)], tables=tables, todo=[tr(todo)], findings=findings,
                   actions=actions, glossary=["funnel", "expected_value"])
