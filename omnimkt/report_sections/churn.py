"""Report section: who is slipping away -- churn scored on a held-out period, a win-back
threshold that pays on the assumptions, and the "3+ channels retain better" claim.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = {**resolve_config({}), "_saved_value": 300.0}
>>> sec = build(analyse(load_sample(), cfg), Tr("zh"), cfg)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from omnimkt.churn import channel_retention, churn_backtest, winback_thresholds
from omnimkt.errors import DataError, ModelError
from omnimkt.plotting.churn import plot_gains
from omnimkt.report_sections._common import data_span, quiet
from omnimkt.report_sections._section import (
    Action,
    Finding,
    Section,
    Table,
    figure_png,
    percent_axis,
    relabel,
)

__all__ = ["analyse", "build"]


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Backtest, win-back plan and channel retention (language-free); ``skip`` says why not."""
    h = cfg["churn_horizon_days"]
    tx = data.transactions
    first, last = data_span(tx)
    cut = last - pd.Timedelta(days=h)
    if cut - pd.Timedelta(days=h) < first:
        return {"skip": ("too_short", 2 * h, (last - first).days)}
    extra = {k: getattr(data, k) for k in ("customers", "touchpoints")
             if getattr(data, k, None) is not None}
    try:
        cmp = quiet(churn_backtest, tx, cut, horizon_days=h,
                   seed=cfg["seed"], **extra)
    except (DataError, ModelError) as exc:
        return {"skip": ("error", str(exc))}
    sup = list(cmp.summary.index)[-1]
    plan = quiet(winback_thresholds, cmp.scores[sup], y_true=cmp.labels,
                cost_per_contact=cfg["cost_per_contact"], saved_value=cfg["_saved_value"],
                success_rate=cfg["success_rate"])
    ch = None
    if "channel" in tx.columns:
        try:
            ch = quiet(channel_retention, tx, cut, horizon_days=h)
        except DataError:
            ch = None
    return {"cmp": cmp, "plan": plan, "channels": ch, "cut": cut, "sup": sup}


def _comparison(s: pd.DataFrame, tr: Any) -> pd.DataFrame:
    return pd.DataFrame({tr("col.score"): [tr.label(i) for i in s.index],
                         tr("col.capture"): [tr.pct(v) for v in s["capture_top20"]],
                         tr("col.auc"): [tr.number(v, 2) for v in s["roc_auc"]]})


def _channels(ch: Any, tr: Any) -> tuple[Table, Finding]:
    s = ch.summary
    table = pd.DataFrame({
        tr("col.comparison"): [tr("churn.raw"), tr("churn.adjusted")],
        tr("col.retention_many", k=ch.threshold): [tr.pct(v) for v in s.iloc[:, 0]],
        tr("col.retention_few"): [tr.pct(v) for v in s.iloc[:, 1]],
        tr("col.gap"): [f"{lo:+.1f} ~ {hi:+.1f}" for lo, hi in
                        zip(s["ci_low_pts"], s["ci_high_pts"], strict=True)]})
    raw, adj = s.loc["raw"], s.loc["stratified"]
    text = tr("churn.channels_finding", k=ch.threshold, many=tr.pct(raw.iloc[0]),
              few=tr.pct(raw.iloc[1]), adj=f"{adj['difference_pts']:+.1f}")
    return Table("", table), Finding(text, float(adj["difference_pts"]), 40, "churn.channels")


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The churn section in the report language."""
    sec = Section("churn", tr("churn.heading"), tr("churn.question"),
                  glossary=["churn", "auc", "holdout", "expected_value"])
    if "skip" in an:
        kind, *rest = an["skip"]
        sec.skipped = (tr("churn.too_short", need=tr.count(rest[0], "day"),
                          have=tr.count(rest[1], "day")) if kind == "too_short" else rest[0])
        return sec
    cmp, h = an["cmp"], cfg["churn_horizon_days"]
    s = cmp.summary
    best = s["capture_top20"].idxmax()
    n, rate, capture = int(s["customers"].iloc[0]), s["base_rate"].iloc[0], s.loc[best, "capture_top20"]
    sec.answer = tr("churn.answer", h=tr.count(h, "day"), rate=tr.pct(rate),
                    n=tr.count(n, "customer"), capture=tr.pct(capture))
    sec.findings.append(Finding(tr("churn.finding", rate=tr.pct(rate), cut=tr.date(an["cut"]),
                                   h=tr.count(h, "day"), capture=tr.pct(capture)),
                                float(rate), 85, "churn.rate"))
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_gains(cmp, ax=ax)
    relabel(ax, tr, title=tr("chart.gains"), xlabel=tr("axis.share_contacted"),
            ylabel=tr("axis.share_found"))
    percent_axis(ax, "x", 1.0)
    percent_axis(ax, "y", 1.0)
    sec.figures.append(figure_png(fig))
    sec.tables.append(Table("", _comparison(s, tr)))
    plan = an["plan"]
    if plan.best is None:
        sec.notes.append(tr("churn.no_pay", cost=tr.money(cfg["cost_per_contact"]),
                            rate=tr.pct(cfg["success_rate"]), value=tr.money(cfg["_saved_value"])))
    else:
        b = plan.best
        contacted = round(float(b["share_contacted"]) * n)
        sec.actions.append(Action(
            tr("churn.action", thr=tr.pct(plan.best_threshold), n=tr.count(contacted, "customer"),
               share=tr.pct(b["share_contacted"])), float(b["net_value"]), "churn.winback"))
    if an["channels"] is not None:
        table, finding = _channels(an["channels"], tr)
        sec.tables.append(table)
        sec.findings.append(finding)
    sec.todo.append(tr("churn.todo"))
    return sec
