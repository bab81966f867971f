"""Helpers the report sections share: quiet model calls, period words, expected values."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["contact_action", "contact_value", "data_span", "period_text", "quiet"]


def quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(...)`` with warnings silenced: data oddities are reported once, when the data
    are loaded, not again by every section."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def period_text(tr: Any, days: int) -> str:
    """A horizon in words: whole months when it is close to them, else days."""
    months = days / 30.4375
    if days >= 28 and abs(months - round(months)) < 0.05:
        return tr("clv.period_months", n=round(months))
    return tr.count(days, "day")


def contact_value(n: int, cfg: dict[str, Any], value_per_success: float) -> float:
    """Expected net value of contacting ``n`` customers: n × (success rate × value − cost)."""
    return float(n) * (cfg["success_rate"] * float(value_per_success) - cfg["cost_per_contact"])


def contact_action(tr: Any, text: str, n: int, cfg: dict[str, Any], value_per_success: float,
                   key: str) -> Any:
    """A contact campaign as an action: with its expected value when it pays, otherwise as a
    conditional action naming the break-even cost per contact and the loss at the assumed
    cost (None when nobody is to be contacted or a success is worth nothing)."""
    from omnimkt.report_sections._section import Action

    ev = contact_value(n, cfg, value_per_success)
    if n <= 0:
        return None
    if ev > 0:
        return Action(text, ev, key)
    limit = cfg["success_rate"] * float(value_per_success)
    if limit <= 0:
        return None
    join = " " if tr.lang == "en" else ""
    return Action(text + join + tr("report.breakeven", limit=tr.money(limit),
                                   cost=tr.money(cfg["cost_per_contact"]), loss=tr.money(-ev)),
                  None, key)


def data_span(tx: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last calendar day of the transactions."""
    return (pd.Timestamp(tx["timestamp"].min()).normalize(),
            pd.Timestamp(tx["timestamp"].max()).normalize())
