"""Report section: website visits (shared case F) — order rates by source and by new vs
returning visitor, and, when visits came from media campaigns, the break-even prices of
buying them per click, per action or on commission.

Shown only when the data folder has a ``sessions`` table; otherwise the section is
skipped with a one-line note.

Examples
--------
>>> from omnimkt.datasets import load_sample
>>> from omnimkt.report_sections.config import resolve_config
>>> from omnimkt.report_sections.i18n import Tr
>>> cfg = {**resolve_config({}), "_saved_value": 300.0}
>>> sec = build(analyse(load_sample(), cfg), Tr("en"), cfg)
>>> sec.heading
'Website visits: which visits lead to orders'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from omnimkt.errors import ModelError
from omnimkt.plotting.web import plot_visit_rates
from omnimkt.report_sections._common import quiet
from omnimkt.report_sections._section import Finding, Section, Table, figure_png, relabel
from omnimkt.web import campaign_volumes, price_campaign, visit_rates

__all__ = ["analyse", "build"]

# Only the break-even rates are shown; they do not depend on the price offered, so any
# positive rate serves to run the comparison (CPM needs impressions the visits lack).
_NOMINAL = {"CPC": 1.0, "CPA": 1.0, "CPS": 0.1}


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Order rates per source x new/returning, and campaign break-even prices (language-free)."""
    s = getattr(data, "sessions", None)
    if s is None or len(s) == 0:
        return {"skip": ("no_table",)}
    if "ordered" not in s.columns:
        return {"skip": ("no_order",)}
    by = ("source", "returning") if "returning" in s.columns else ("source",)
    rates = quiet(visit_rates, s, by=by, outcomes="ordered", validate=False)
    pricing = None
    has_campaigns = "campaign" in s.columns and bool(s["campaign"].notna().any())
    if has_campaigns:
        camps = sorted(s["campaign"].dropna().astype("str").unique())
        try:
            vol = campaign_volumes(s, dict.fromkeys(camps, 0), validate=False)
            pricing = price_campaign(vol.drop(columns="impressions"), _NOMINAL,
                                     margin=cfg["margin"])
        except ModelError:  # e.g. no action flags: the rates are still worth showing
            pricing = None
    return {"rates": rates, "pricing": pricing, "campaigns": has_campaigns, "total": int(len(s)),
            "orders": int(s["ordered"].sum())}


def _group_name(tr: Any, key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    words = [tr.label(parts[0]), *(tr(f"visitor.{p}") for p in parts[1:])]
    return " / ".join(words) if tr.lang == "en" else "·".join(words)


def _rates_table(t: pd.DataFrame, tr: Any) -> pd.DataFrame:
    rows = []
    for key, r in t.iterrows():
        parts = key if isinstance(key, tuple) else (key,)
        row = {tr("col.source"): tr.label(parts[0])}
        if len(parts) > 1:
            row[tr("col.visitor")] = tr(f"visitor.{parts[1]}")  # "new" / "returning"
        row.update({tr("col.visits"): tr.number(r["visits"]),
                    tr("col.orders"): tr.number(r["events"]),
                    tr("col.order_rate"): tr.pct(r["rate"], 1),
                    tr("col.interval"): f"{tr.pct(r['ci_low'], 1)} – {tr.pct(r['ci_high'], 1)}"})
        rows.append(row)
    return pd.DataFrame(rows)


def _pricing_table(p: Any, tr: Any) -> pd.DataFrame:
    s, v = p.summary, p.volumes
    be = s.pivot(index="campaign", columns="model", values="break_even_rate")
    return pd.DataFrame({
        tr("col.campaign"): [tr.label(c) for c in v.index],
        tr("col.clicks"): [tr.number(x) for x in v["clicks"]],
        tr("col.actions"): [tr.number(x) for x in v["actions"]],
        tr("col.orders"): [tr.number(x) for x in v["orders"]],
        tr("col.sales"): [tr.money(x) for x in v["sales"]],
        tr("col.cpc_max"): [tr.money(be.loc[c, "CPC"], 2) for c in v.index],
        tr("col.cpa_max"): [tr.money(be.loc[c, "CPA"], 2) for c in v.index],
        tr("col.cps_max"): [tr.pct(be.loc[c, "CPS"], 1) for c in v.index]})


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The website-visits section in the report language."""
    sec = Section("web", tr("web.heading"), tr("web.question"), glossary=["break_even_price"])
    if "skip" in an:
        sec.skipped = tr(f"web.{an['skip'][0]}")
        return sec
    t = an["rates"].table("ordered")
    ok = t[t["visits"] >= 30] if (t["visits"] >= 30).any() else t
    best, worst = ok["rate"].idxmax(), ok["rate"].idxmin()
    sec.answer = tr("web.answer", visits=tr("web.visits", n=tr.number(an["total"])),
                    orders=tr("web.visits", n=tr.number(an["orders"])),
                    rate=tr.pct(an["orders"] / max(an["total"], 1), 1),
                    best=_group_name(tr, best), best_rate=tr.pct(ok.loc[best, "rate"], 1),
                    worst=_group_name(tr, worst), worst_rate=tr.pct(ok.loc[worst, "rate"], 1))
    fig, ax = plt.subplots(figsize=(9, 1.8 + 0.32 * len(t)))
    plot_visit_rates(an["rates"], ax=ax)
    relabel(ax, tr, title=tr("web.chart"), xlabel=tr("axis.order_rate") + " (%)")
    # The plot puts the table's first row at the top (y = n - 1 ... 0), as here.
    ax.set_yticks(np.arange(len(t))[::-1], [_group_name(tr, k) for k in t.index])
    sec.figures.append(figure_png(fig))
    sec.tables.append(Table("", _rates_table(t, tr)))
    if t.index.nlevels == 2:
        src = best[0] if isinstance(best, tuple) else best
        ret, new = (src, "returning"), (src, "new")
        if ret in t.index and new in t.index:
            sec.findings.append(Finding(
                tr("web.finding", source=tr.label(src),
                   ret_rate=tr.pct(t.loc[ret, "rate"], 1), new_rate=tr.pct(t.loc[new, "rate"], 1)),
                float(t.loc[ret, "rate"]), 25, "web.returning"))
    if an["pricing"] is not None:
        sec.tables.append(Table(tr("web.pricing_caption", margin=tr.pct(cfg["margin"])),
                                _pricing_table(an["pricing"], tr), note=tr("web.pricing_note")))
    elif not an["campaigns"]:
        sec.notes.append(tr("web.no_campaign"))
    sec.todo.append(tr("web.todo"))
    return sec
