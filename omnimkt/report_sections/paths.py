"""Report section: user paths before the first purchase (用户路径分析, 首购前触点).

Touches are named by their channel (:func:`omnimkt.funnel.event_log`), lifecycle
stages are left out, and :func:`omnimkt.behaviour.user_paths` takes each first
buyer's last three touches before the first purchase (repeats of one channel
merged, channels beyond the eight most frequent folded into "other"). Needs the
touchpoint table; without it the section is skipped with a note.

Examples
--------
>>> import pandas as pd
>>> from omnimkt.data import Dataset
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> tx = pd.DataFrame({"customer_id": [1], "amount": [10.0],
...                    "timestamp": pd.to_datetime(["2025-01-03"])})
>>> cfg = {**resolve_config({}), "_saved_value": 30.0}
>>> build(analyse(Dataset(transactions=tx), cfg), Tr("en"), cfg).skipped
'no touchpoint table was provided, so the touches before the first purchase cannot be traced.'
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.behaviour import user_paths
from omnimkt.funnel import event_log
from omnimkt.plotting.behaviour import plot_path_flow
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import Finding, Section, Table, figure_png, relabel

__all__ = ["analyse", "build"]

STEPS = 3
TOP_STEPS = 8
TOP_PATHS = 10


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """The most frequent touch paths before the first purchase and the last touch before
    it (language-free)."""
    tp = getattr(data, "touchpoints", None)
    if tp is None or len(tp) == 0:
        return {"skip": ("no_touch",)}
    events = quiet(event_log, data, touchpoint_event="channel")
    events = events[events["source"] != "stage"]
    res = quiet(user_paths, events, anchor_event="purchase", direction="before", steps=STEPS,
                top_steps=TOP_STEPS, top_paths=TOP_PATHS)
    last = res.paths.groupby(f"step_{STEPS}", sort=False)["users"].sum()
    last = (last / res.users).sort_values(ascending=False, kind="mergesort")
    return {"paths": res, "last": last}


def _path_text(row: pd.Series, tr: Any) -> str:
    return " → ".join(tr.label(row[f"step_{i + 1}"]) for i in range(STEPS))


def _labelled(res: Any, tr: Any) -> SimpleNamespace:
    """The result with display labels in its flows, so the chart speaks the report language."""
    anchor = tr("paths.first_purchase")

    def label(v: Any) -> str:
        return anchor if v == res.anchor else tr.label(v)

    flows = res.flows.assign(source=[label(v) for v in res.flows["source"]],
                             target=[label(v) for v in res.flows["target"]])
    return SimpleNamespace(flows=flows, users=res.users, direction=res.direction, anchor=anchor)


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The paths section in the report language."""
    sec = Section("paths", tr("paths.heading"), tr("paths.question"),
                  glossary=["user_path", "attribution"])
    if "skip" in an:
        sec.skipped = tr("paths.no_touch")
        return sec
    res, last = an["paths"], an["last"]
    top = res.paths.iloc[0]
    sec.answer = tr("paths.answer", path=_path_text(top, tr), share=tr.pct(top["share"], 1),
                    n=tr.count(res.users, "first_buyer"), last=tr.label(last.index[0]),
                    last_share=tr.pct(last.iloc[0]))
    sec.findings.append(Finding(tr("paths.finding", last=tr.label(last.index[0]),
                                   share=tr.pct(last.iloc[0])),
                                float(last.iloc[0]), 35, "paths.last_touch"))
    fig, ax = plt.subplots(figsize=(11, 5))
    # every node drawn: the plot's own merging would add an English "other"
    plot_path_flow(_labelled(res, tr), ax=ax, max_nodes=TOP_STEPS + 2)
    relabel(ax, tr, title=tr("chart.paths", k=STEPS), xlabel="", ylabel="")
    sec.figures.append(figure_png(fig))
    shown = res.paths.head(TOP_PATHS)
    sec.tables.append(Table(tr("paths.table", n=len(shown)), pd.DataFrame({
        tr("col.path"): [_path_text(r, tr) for _, r in shown.iterrows()],
        tr("col.first_buyers"): [tr.number(v) for v in shown["users"]],
        tr("col.share_first_buyers"): [tr.pct(v, 1) for v in shown["share"]]})))
    sec.tables.append(Table(tr("paths.last_table"), pd.DataFrame({
        tr("col.last_touch"): [tr.label(c) for c in last.index],
        tr("col.share_first_buyers"): [tr.pct(v, 1) for v in last.to_numpy()]})))
    sec.notes.append(tr("paths.note", k=STEPS, top=TOP_STEPS))
    sec.todo.append(tr("paths.todo"))
    return sec
