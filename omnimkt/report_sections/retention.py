"""Report section: replenishment reminders, issued only when the consumption clock fits.

The case's consumption clock (one can a week, prompt on day 20, win-back after 90
silent days) is replayed on the data's own history against a plain rule (each
customer's median gap between orders). Its reminders are recommended only when it
misses the next purchase by fewer days than the plain rule; otherwise the section
says so and issues none. The 200/400-yuan price lines are applied only with enough
customers on both sides.

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

import pandas as pd

from omnimkt.errors import DataError, ModelError
from omnimkt.pricing_rule import price_rule
from omnimkt.report_sections._common import contact_action, data_span, quiet
from omnimkt.report_sections._section import Action, Finding, Section, Table
from omnimkt.retention import ReplenishmentModel, backtest

__all__ = ["analyse", "build", "clock_check"]


def _model(tx: pd.DataFrame, cfg: dict[str, Any]) -> ReplenishmentModel:
    opts = {"days_per_unit": cfg["days_per_unit"], "prompt_day": cfg["prompt_day"],
            "winback_silent_days": cfg["winback_silent_days"],
            "service_threshold": cfg["service_threshold"],
            "price_threshold": cfg["price_threshold"]}
    try:
        return quiet(ReplenishmentModel(**opts).fit, tx)
    except DataError as exc:
        if "no purchases in category" not in str(exc):
            raise
        return quiet(ReplenishmentModel(**opts, category=None).fit, tx)


def clock_check(tx: pd.DataFrame, model: ReplenishmentModel, cfg: dict[str, Any]) -> dict | None:
    """Mean miss (days) of the clock and of the median-gap rule on the data's history, or None
    when the history is too short to replay."""
    first, last = data_span(tx)
    if (last - first).days < cfg["clock_history_days"]:
        return None
    end = last - pd.Timedelta(days=31)  # the last replay's cutoff: 30 days to observe after
    try:
        bt = quiet(backtest, tx, start=end - pd.Timedelta(weeks=11), end=end, model=model,
                  seed=cfg["seed"], validate=False, progress=False)
    except (DataError, ModelError):
        return None
    e = bt.errors
    used = e.index[e["used_by_model"]][0]
    return {"clock": float(e.loc[used, "mae"]), "naive": float(e.loc["median_gap", "mae"]),
            "n": int(e.loc[used, "n"]), "n_naive": int(e.loc["median_gap", "n"])}


def analyse(data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """Clock check, due actions and the price-line counts (language-free)."""
    tx = data.transactions
    try:
        model = _model(tx, cfg)
        acts = quiet(model.actions, None, horizon_days=cfg["action_days"])
        dep = model.depletion(None)
    except (DataError, ModelError) as exc:
        return {"skip": str(exc)}
    first, last = data_span(tx)
    return {"check": clock_check(tx, model, cfg), "actions": acts, "basket": dep["basket"],
            "span_days": (last - first).days, "day": last + pd.Timedelta(days=1)}


def export_table(acts: pd.DataFrame, tr: Any) -> pd.DataFrame:
    """The full action list for the workbook, in the report language."""
    return pd.DataFrame({
        tr("col.customer"): acts["customer_id"].astype(str).to_numpy(),
        tr("col.action"): [tr.label(a) for a in acts["action"]],
        tr("col.due"): acts["due_date"].dt.strftime("%Y-%m-%d").to_numpy(),
        tr("col.channel"): [tr.label(c) for c in acts["channel"]],
        tr("col.offer"): [tr.label(o) for o in acts["offer_type"]],
        tr("col.why"): [tr("retention.reason", day=tr.date(d), units=_units(u, tr))
                        for u, d in zip(acts["units_last"], acts["last_purchase"], strict=True)]})


def _units(u: float, tr: Any) -> str:
    if float(u) == int(u):
        return tr.count(int(u), "unit")
    return f"{tr.number(u, 1)}件" if tr.lang == "zh" else f"{tr.number(u, 1)} units"


def _price_lines(basket: pd.Series, tr: Any, cfg: dict[str, Any]) -> str:
    # The one rule of omnimkt.pricing_rule: above the service line, below the price line.
    codes = price_rule(basket.to_numpy(), high=cfg["service_threshold"],
                       low=cfg["price_threshold"])
    hi, lo = int((codes == 0).sum()), int((codes == 2).sum())
    key = ("retention.price_ok" if min(hi, lo) >= cfg["min_customers_per_side"]
           else "retention.price_skip")
    return tr(key, hi=tr.count(hi, "customer"), lo=tr.count(lo, "customer"),
              service=tr.money(cfg["service_threshold"]), price=tr.money(cfg["price_threshold"]),
              need=tr.count(cfg["min_customers_per_side"], "customer"))


def build(an: dict[str, Any], tr: Any, cfg: dict[str, Any]) -> Section:
    """The replenishment section in the report language."""
    sec = Section("retention", tr("retention.heading"),
                  tr("retention.question", days=tr.days(cfg["days_per_unit"], 0)),
                  glossary=["clock", "median_gap", "mae", "holdout"])
    if "skip" in an:
        sec.skipped = an["skip"]
        return sec
    chk, acts = an["check"], an["actions"]
    n = len(acts)
    when = (tr("retention.when_today", day=tr.date(an["day"])) if cfg["action_days"] == 1 else
            tr("retention.when_days", n=tr.count(cfg["action_days"], "day"),
               day=tr.date(an["day"])))
    if chk is None:
        sec.answer = tr("retention.answer_unchecked", have=tr.count(an["span_days"], "day"),
                        need=tr.count(cfg["clock_history_days"], "day"))
        ok = False
    else:
        ok = chk["clock"] < chk["naive"]
        vals = {"clock": tr.days(chk["clock"], 1), "naive": tr.days(chk["naive"], 1)}
        sec.answer = tr("retention.answer_yes" if ok else "retention.answer_no",
                        n=tr.count(n, "reminder"), when=when, **vals)
        sec.findings.append(Finding(tr("retention.finding_yes" if ok else "retention.finding_no",
                                       **vals), chk["clock"] - chk["naive"],
                                    60 if ok else 78, "retention.clock"))
        sec.tables.append(Table("", pd.DataFrame({
            tr("col.method"): [tr("retention.clock"), tr("retention.naive")],
            tr("col.mae"): [tr.number(chk["clock"], 1), tr.number(chk["naive"], 1)],
            tr("col.predictions"): [tr.number(chk["n"]), tr.number(chk["n_naive"])]})))
    sec.notes.append(_price_lines(an["basket"], tr, cfg))
    if ok and n:
        full = export_table(acts, tr)
        sec.exports["actions"] = full
        sec.tables.append(Table(tr("report.first_rows", n=min(10, n), rows=tr.count(n, "row")),
                                full.head(10), tr("report.workbook_note",
                                                  rows=tr.count(n, "row"),
                                                  sheet=tr("sheet.actions"))))
        action = contact_action(tr, tr("retention.action", n=tr.count(n, "reminder"), when=when),
                                n, cfg, cfg["margin"] * float(acts["mean_basket"].mean()),
                                "retention.actions")
        sec.actions += [action] if action else []
    if ok:
        sec.todo.append(tr("retention.todo_yes"))
    else:  # the plain rule is the recommendation (its value is not estimated here)
        sec.actions.append(Action(tr("retention.todo_no"), None, "retention.median_gap"))
    return sec
