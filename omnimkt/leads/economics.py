"""Lead-source economics: what each source costs per lead and per order, and what it earns.

Costs come from ``lead_events``: a fixed ``fee`` per event and ``fee_per_order`` on every
order taken at the event (an order on the lead's capture day). Earnings are the
gross ``margin`` of the leads' orders. A fair is judged twice (:func:`fair_roi`):
on its own orders, as the case says stores do ("every fair loses money"), and with
the later orders of the leads it brought, which is why the case says stores keep going.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import check_number
from omnimkt._result import Result
from omnimkt.errors import DataError
from omnimkt.leads._common import event_costs, prepare, ratio

__all__ = ["FairROI", "SourceEconomics", "fair_roi", "source_economics"]


class SourceEconomics(Result):
    """Cost, orders and margin per lead source.

    Attributes
    ----------
    summary : DataFrame indexed by source
        leads, buyers, orders, orders_at_event, sales, margin, fees (fixed), order_fees,
        cost, cost_per_lead, cost_per_order, net_margin (margin − cost) and roi
        (net_margin / cost; empty where a source costs nothing).
    """

    title = "Lead-source economics"

    def __init__(self, summary: pd.DataFrame, dropped_orders: int) -> None:
        self.summary = summary
        best = summary["net_margin"].idxmax()
        self.notes = [f"Highest margin after costs: {best} "
                      f"({summary.loc[best, 'net_margin']:,.0f})."]
        if dropped_orders:
            self.notes.append(f"{dropped_orders:,} orders of customers who are not leads were "
                              "left out.")


def source_economics(leads: pd.DataFrame, orders: pd.DataFrame, events: pd.DataFrame, *,
                     columns: Any = None) -> SourceEconomics:
    """Cost per lead and per order, margin and ROI of every lead source.

    Parameters
    ----------
    leads : DataFrame
        The leads table (see :func:`omnimkt.data.validate_leads`).
    orders : DataFrame
        The leads' orders: a transactions table with ``margin``.
    events : DataFrame
        The fairs and campaigns with their fees (:func:`omnimkt.data.validate_lead_events`).
    columns : Columns or dict, optional

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"customer_id": [1, 2], "source": ["fair", "walk_in"],
    ...     "captured": ["2025-04-05", "2025-04-06"], "event_id": ["F1", None]})
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2], "timestamp": ["2025-04-05",
    ...     "2025-05-20", "2025-04-06"], "amount": [5000, 8000, 3000], "margin": [100, 1200, 450]})
    >>> events = pd.DataFrame({"event_id": ["F1"], "source": ["fair"],
    ...     "event_date": ["2025-04-05"], "fee": [1000], "fee_per_order": [50]})
    >>> source_economics(leads, orders, events).summary.loc["fair", ["cost", "net_margin"]].tolist()
    [1050.0, 250.0]
    """
    t = prepare(leads, orders, events, columns=columns)
    o = t.orders
    per = pd.DataFrame({
        "leads": t.leads.groupby("source").size(),
        "buyers": o.groupby("source")["customer_id"].nunique(),
        "orders": o.groupby("source").size(),
        "orders_at_event": o[o["at_event"]].groupby("source").size(),
        "sales": o.groupby("source")["amount"].sum(),
        "margin": o.groupby("source")["margin"].sum(),
    })
    costs = event_costs(t).groupby("source")[["fee", "order_fees"]].sum()
    per = per.join(costs.rename(columns={"fee": "fees"}), how="outer").fillna(0.0)
    for c in ("leads", "buyers", "orders", "orders_at_event"):
        per[c] = per[c].astype("int64")
    per["cost"] = per["fees"] + per["order_fees"]
    per["cost_per_lead"] = ratio(per["cost"], per["leads"])
    per["cost_per_order"] = ratio(per["cost"], per["orders"])
    per["net_margin"] = per["margin"] - per["cost"]
    per["roi"] = ratio(per["net_margin"], per["cost"])
    per.index.name = "source"
    return SourceEconomics(per.sort_values("net_margin", ascending=False), t.dropped_orders)


class FairROI(Result):
    """Each fair's return on its own orders and with its leads' later orders.

    Attributes
    ----------
    summary : DataFrame indexed by event_id
        event_date, leads, fee, orders_at_event, order_fees, sales_at_event,
        margin_at_event, net_own (margin at the event − fee − order fees), later_orders,
        later_sales, later_margin, net_with_followups, later_orders_to_break_even (later
        orders at the mean later margin that cover a loss on own orders), roi_own and
        roi_with_followups (net / (fee + order fees)).
    source : str
    horizon_days : int or None
        Later orders counted within this many days of the event (None: all observed).
    """

    title = "Fair ROI: own orders vs with the leads' later orders"

    def __init__(self, summary: pd.DataFrame, source: str, horizon_days: int | None) -> None:
        self.summary, self.source, self.horizon_days = summary, source, horizon_days
        n = len(summary)
        loss = int((summary["net_own"] < 0).sum())
        gain = int((summary["net_with_followups"] > 0).sum())
        self.notes = [
            f"{loss} of {n} events lose money on the margin of their own orders; "
            f"{gain} of {n} are positive once the later orders of their leads are counted.",
            f"Mean sales at the event: {summary['sales_at_event'].mean():,.0f}; mean net on own "
            f"orders {summary['net_own'].mean():,.0f}, with later orders "
            f"{summary['net_with_followups'].mean():,.0f}.",
        ]

    def _settings(self) -> str:
        span = "all later orders" if self.horizon_days is None else \
            f"later orders within {self.horizon_days} days"
        return f"source {self.source!r}, {span}"


def fair_roi(leads: pd.DataFrame, orders: pd.DataFrame, events: pd.DataFrame, *,
             source: str = "fair", horizon_days: int | None = None,
             columns: Any = None) -> FairROI:
    """The ROI of each fair (or other event of ``source``) before and after follow-up sales.

    Own orders are those on the fair's day (the lead's capture day); they carry the
    fixed fee and ``fee_per_order`` each. Later orders of the fair's leads (after the
    hand-over call, follow-ups) add their margin and no fee.

    Parameters
    ----------
    leads, orders, events : DataFrame
        As in :func:`source_economics`.
    source : str, default "fair"
        Which events to judge.
    horizon_days : int > 0, optional
        Count later orders placed within this many days after the event, so that early
        and late fairs are compared over the same span; ``None`` counts all.
    columns : Columns or dict, optional

    Examples
    --------
    >>> import pandas as pd
    >>> leads = pd.DataFrame({"customer_id": [1, 2], "source": "fair",
    ...     "captured": "2025-04-05", "event_id": "F1"})
    >>> orders = pd.DataFrame({"customer_id": [1, 2, 2], "timestamp": ["2025-04-05",
    ...     "2025-04-05", "2025-06-01"], "amount": [5000, 4000, 9000], "margin": [100, 80, 1350]})
    >>> events = pd.DataFrame({"event_id": ["F1"], "source": ["fair"],
    ...     "event_date": ["2025-04-05"], "fee": [1000], "fee_per_order": [50]})
    >>> fair_roi(leads, orders, events).summary[["net_own", "net_with_followups"]].iloc[0].tolist()
    [-920.0, 430.0]
    """
    horizon = check_number(horizon_days, "horizon_days", low=1, integer=True, allow_none=True)
    t = prepare(leads, orders, events, columns=columns)
    costs = event_costs(t)
    costs = costs[costs["source"] == source]
    if costs.empty:
        raise DataError(f"lead_events.source: no event has source {source!r} (sources: "
                        f"{sorted(t.events['source'].unique())}). Pass one of them as source=.")
    o = t.orders[t.orders["source"] == source].copy()
    o["event_id"] = o["event_id"].astype("str")
    later = o[~o["at_event"]]
    if horizon is not None:
        end = later["event_id"].map(costs["event_date"]) + pd.Timedelta(days=horizon)
        later = later[(later["timestamp"] < end).to_numpy()]
    at = o[o["at_event"]].groupby("event_id")
    lt = later.groupby("event_id")
    out = costs[["event_date", "fee", "orders_at_event", "order_fees"]].copy()
    lead_ev = t.leads["event_id"].astype("str")
    out.insert(1, "leads", lead_ev.value_counts().reindex(out.index).fillna(0).astype("int64"))
    out["sales_at_event"] = at["amount"].sum().reindex(out.index).fillna(0.0)
    out["margin_at_event"] = at["margin"].sum().reindex(out.index).fillna(0.0)
    paid = out["fee"] + out["order_fees"]
    out["net_own"] = out["margin_at_event"] - paid
    out["later_orders"] = lt.size().reindex(out.index).fillna(0).astype("int64")
    out["later_sales"] = lt["amount"].sum().reindex(out.index).fillna(0.0)
    out["later_margin"] = lt["margin"].sum().reindex(out.index).fillna(0.0)
    out["net_with_followups"] = out["net_own"] + out["later_margin"]
    per_later = ratio(out["later_margin"].sum(), out["later_orders"].sum())
    out["later_orders_to_break_even"] = np.ceil(np.maximum(-out["net_own"], 0) / per_later)
    out["roi_own"] = ratio(out["net_own"], paid)
    out["roi_with_followups"] = ratio(out["net_with_followups"], paid)
    out["net_own"] = out["net_own"].astype(float)
    return FairROI(out.sort_values("event_date"), source, horizon)
