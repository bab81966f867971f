"""Report section: which marketing channels get the credit for new customers, and whether
the data support moving budget between them.

Budget advice is limited to channels with enough spend and credited first purchases
(``min_channel_spend``, ``min_channel_conversions``); a move is suggested only when
the best channel's lowest revenue per ¥1 across credit rules beats the worst
channel's highest, and it is capped at ``max_budget_shift`` of the smaller budget.

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

from omnimkt.attribution import build_paths, channel_costs, channel_roi, compare_models
from omnimkt.plotting.attribution import plot_model_comparison
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import (
    Action,
    Finding,
    Section,
    Table,
    figure_png,
    percent_axis,
    relabel,
)

__all__ = ["analyse", "budget_table", "build"]

MODELS = ("last_touch", "linear", "time_decay", "markov", "shapley")


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Attribution shares and the per-channel budget table (language-free)."""
    tp = getattr(data, "touchpoints", None)
    if tp is None or len(tp) == 0:
        return {"skip": ("no_touch",)}
    paths = quiet(build_paths, tp, data.transactions, window_days=cfg["attribution_window_days"])
    if len(paths) == 0 or paths.total_conversions == 0:
        return {"skip": ("no_paths",)}
    cmp = compare_models(paths, list(MODELS))
    budget = None
    if "cost" in tp.columns:
        costs = channel_costs(tp)
        roi = channel_roi({m: cmp.results[m] for m in MODELS}, costs)
        budget = budget_table(roi, costs, cfg)
    return {"cmp": cmp, "budget": budget}


def budget_table(roi: pd.DataFrame, costs: pd.DataFrame, cfg: dict[str, Any]) -> pd.DataFrame:
    """Per channel: spend, data-driven conversions and revenue per ¥1, its range across the
    credit rules, and whether the channel has enough spend and conversions for advice."""
    roas = roi.pivot(index="channel", columns="model", values="roas")
    conv = roi.pivot(index="channel", columns="model", values="conversions")
    out = pd.DataFrame({"spend": costs["cost"].reindex(roas.index).astype(float)})
    out["conversions"] = conv[["markov", "shapley"]].mean(axis=1)
    out["roas"] = roas[["markov", "shapley"]].mean(axis=1)
    out["roas_low"], out["roas_high"] = roas.min(axis=1), roas.max(axis=1)
    out["eligible"] = ((out["spend"] >= cfg["min_channel_spend"])
                       & (out["conversions"] >= cfg["min_channel_conversions"]))
    return out.sort_values("spend", ascending=False, kind="mergesort")


def budget_move(b: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, Any] | None:
    """The capped move from the worst to the best eligible channel, if the ranges separate."""
    ok = b[b["eligible"] & b["roas"].notna()]
    if len(ok) < 2:
        return None
    hi, lo = ok["roas"].idxmax(), ok["roas"].idxmin()
    if ok.loc[hi, "roas_low"] <= ok.loc[lo, "roas_high"]:
        return None
    amount = cfg["max_budget_shift"] * float(min(ok.loc[hi, "spend"], ok.loc[lo, "spend"]))
    m = cfg["margin"]
    return {"src": lo, "dst": hi, "amount": amount,
            "ev": amount * m * (ok.loc[hi, "roas"] - ok.loc[lo, "roas"]),
            "range": (amount * m * (ok.loc[hi, "roas_low"] - ok.loc[lo, "roas_high"]),
                      amount * m * (ok.loc[hi, "roas_high"] - ok.loc[lo, "roas_low"]))}


def _export(b: pd.DataFrame, tr: Any) -> pd.DataFrame:
    return pd.DataFrame({tr("col.channel"): [tr.label(c) for c in b.index],
                         tr("col.spend"): b["spend"].round(2).to_numpy(),
                         tr("col.conversions"): b["conversions"].round(1).to_numpy(),
                         tr("col.roas"): b["roas"].round(2).to_numpy(),
                         tr("col.roas_low"): b["roas_low"].round(2).to_numpy(),
                         tr("col.roas_high"): b["roas_high"].round(2).to_numpy(),
                         tr("col.budget_ok"): [tr("yes") if e else tr("no") for e in b["eligible"]]})


def _budget(sec: Section, b: pd.DataFrame, tr: Any, cfg: dict[str, Any]) -> None:
    shown = _export(b, tr)
    shown[tr("col.spend")] = [tr.money(v) for v in b["spend"]]
    shown[tr("col.conversions")] = [tr.number(v) for v in b["conversions"]]
    for col, key in (("roas", "col.roas"), ("roas_low", "col.roas_low"),
                     ("roas_high", "col.roas_high")):
        shown[tr(key)] = [tr.money(v, 2) for v in b[col]]
    sec.tables.append(Table("", shown))
    sec.exports["channels"] = _export(b, tr)
    short = [tr.label(c) for c in b.index[~b["eligible"]]]
    if short:
        sec.notes.append(tr("attribution.too_few", spend=tr.money(cfg["min_channel_spend"]),
                            conv=tr.number(cfg["min_channel_conversions"]), channels=tr.join(short)))
    move = budget_move(b, cfg)
    if move is None:
        ok = [tr.label(c) for c in b.index[b["eligible"]]]
        sec.notes.append(tr("attribution.no_move",
                            channels=tr.join(ok) or tr("attribution.none_eligible")))
        return
    sec.actions.append(Action(tr("attribution.move", amount=tr.money(move["amount"]),
                                 src=tr.label(move["src"]), dst=tr.label(move["dst"]),
                                 hi_roas=tr.money(b.loc[move["dst"], "roas"], 2),
                                 lo_roas=tr.money(b.loc[move["src"], "roas"], 2)),
                              move["ev"], "attribution.move", move["range"]))


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The attribution section in the report language."""
    sec = Section("attribution", tr("attribution.heading"), tr("attribution.question"),
                  glossary=["attribution", "last_touch", "data_driven", "roas"])
    if "skip" in an:
        sec.skipped = (tr("attribution.no_touch") if an["skip"][0] == "no_touch" else
                       tr("attribution.no_paths", days=tr.count(cfg["attribution_window_days"], "day")))
        return sec
    share = an["cmp"].summary
    lt, dd = share["last_touch"], (share["markov"] + share["shapley"]) / 2
    sec.answer = tr("attribution.answer", lt=tr.label(lt.idxmax()), dd=tr.label(dd.idxmax()),
                    share=tr.pct(dd.max()))
    sec.findings.append(Finding(tr("attribution.finding", lt=tr.label(lt.idxmax()),
                                   lt_share=tr.pct(lt.max()), dd_share=tr.pct(dd[lt.idxmax()])),
                                float(lt.max() - dd[lt.idxmax()]), 55, "attribution.last_touch"))
    fig, ax = plt.subplots(figsize=(10, 4))
    plot_model_comparison(an["cmp"], ax=ax)
    relabel(ax, tr, title=tr("chart.attribution"), ylabel=tr("axis.share_conversions"))
    percent_axis(ax)
    sec.figures.append(figure_png(fig))
    order = dd.sort_values(ascending=False).index
    t = pd.DataFrame({tr("col.channel"): [tr.label(c) for c in order]})
    for m in share.columns:
        t[tr.label(m)] = [tr.pct(v, 1) for v in share.loc[order, m]]
    sec.tables.append(Table("", t))
    if an["budget"] is not None:
        _budget(sec, an["budget"], tr, cfg)
    sec.todo.append(tr("attribution.todo"))
    return sec
