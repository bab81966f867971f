"""The one preparation of the lead tables every lead model shares.

Tables go through :mod:`omnimkt.data`'s validators; orders are matched to leads by
``customer_id`` (orders of customers who are not leads are left out and counted);
each order is classed by when it happened relative to its lead:

- **at the event**: on the lead's capture day (an order taken at the fair, a walk-in's
  purchase on the day); the event's ``fee_per_order`` applies to these only;
- **later**: after the capture day (conversions after the call, voucher baskets,
  follow-up orders).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import align_ids
from omnimkt.data import validate_lead_events, validate_lead_orders, validate_leads
from omnimkt.errors import DataError, examples


@dataclass
class LeadTables:
    """Validated leads, their orders (with source, event and timing) and the events."""

    leads: pd.DataFrame
    orders: pd.DataFrame
    events: pd.DataFrame | None
    dropped_orders: int


def prepare(leads: Any, orders: Any, events: Any = None, *, columns: Any = None,
            validate: bool = True) -> LeadTables:
    """Validate the tables and join each order to its lead (and the lead's event)."""
    if validate:
        leads = validate_leads(leads, columns)
        orders = validate_lead_orders(orders, columns)
        events = None if events is None else validate_lead_events(events, columns)
    lead_ids, order_ids = align_ids(leads["customer_id"], orders["customer_id"], "leads",
                                    "orders")
    leads = leads.assign(customer_id=lead_ids)
    orders = orders.assign(customer_id=order_ids)
    if events is not None:
        _check_events(leads, events)
    known = orders["customer_id"].isin(leads["customer_id"]).to_numpy()
    cols = ["customer_id", "source", "captured"] + [c for c in ("event_id", "contacted")
                                                    if c in leads]
    joined = orders[known].merge(leads[cols], on="customer_id", how="left")
    day = joined["timestamp"].dt.normalize()
    early = (day < joined["captured"]).to_numpy()
    if early.any():
        raise DataError(
            f"orders: {int(early.sum()):,} orders are dated before their lead was captured "
            f"(e.g. customer_id {examples(joined['customer_id'][early])}). A lead's orders "
            "come after it was taken; check the capture dates or drop these orders.")
    joined["at_event"] = (day == joined["captured"]).to_numpy()
    return LeadTables(leads, joined, events, int((~known).sum()))


def _check_events(leads: pd.DataFrame, events: pd.DataFrame) -> None:
    if "event_id" not in leads:
        return
    ev = leads["event_id"]
    named = ev.notna().to_numpy() & (ev.astype("str").str.strip() != "").to_numpy()
    unknown = named & ~ev.astype("str").isin(events["event_id"].astype("str")).to_numpy()
    if unknown.any():
        raise DataError(
            f"leads.event_id: {int(unknown.sum()):,} of {len(leads):,} leads name an event that "
            f"is not in lead_events (e.g. {examples(ev[unknown].unique())}). Add the fair or "
            "campaign with its fee to lead_events, or correct the event ids.")


def event_costs(tables: LeadTables) -> pd.DataFrame:
    """Per event: fixed fee, orders taken at the event and the per-order fees on them."""
    events = tables.events
    if events is None:
        return pd.DataFrame(columns=["source", "fee", "orders_at_event", "order_fees"])
    at = tables.orders[tables.orders["at_event"]]
    n_at = at.groupby(at["event_id"].astype("str")).size() if "event_id" in at else pd.Series()
    out = events.assign(event_id=events["event_id"].astype("str")).set_index("event_id")
    out["orders_at_event"] = n_at.reindex(out.index).fillna(0).astype("int64")
    out["order_fees"] = out["orders_at_event"] * out["fee_per_order"]
    return out[["source", "event_date", "fee", "fee_per_order", "orders_at_event",
                "order_fees"]]


def ratio(num: Any, den: Any) -> Any:
    """num / den, NaN where den is 0 (a source without cost has no ROI)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
