"""Event tables for funnels: the check of a raw events table, and :func:`event_log`.

A funnel reads any table with customer_id, timestamp and a step column. Its ids and
timestamps go through the same column checks as :func:`omnimkt.data.validate_touchpoints`
(same rules, same messages): numbers are an error unless every one is a yyyymmdd date
(convert Unix seconds first), and a time-zone-aware timestamp is read as the wall-clock
time of its own zone, zone dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import align_ids, as_columns, check_frame
from omnimkt.data._checks import Ctx, clean_ids, parse_times
from omnimkt.data.schema import Columns
from omnimkt.data.validate import (
    validate_stage_events,
    validate_touchpoints,
    validate_transactions,
)
from omnimkt.errors import DataError, ModelError

__all__ = ["event_log"]


def _events_table(events: Any, cols: Columns, needed: list[str]) -> tuple[pd.DataFrame, np.ndarray,
                                                                             np.ndarray]:
    """The events table with canonical names, its ids and its timestamps (int64 ns, naive).

    DataError for a missing column, no rows, missing or mixed ids and timestamps that
    are not dates (Unix seconds included), as :func:`omnimkt.data.validate_touchpoints`
    says it.
    """
    df = cols.to_canonical(check_frame(events, "events"))
    missing = [c for c in needed if c not in df.columns]
    if missing:
        wanted = ", ".join(repr(cols.source_name(c)) for c in missing)
        found = ", ".join(repr(str(c)) for c in df.columns[:30]) or "none"
        raise DataError(
            f"events: missing required column(s) {wanted}. Available columns: {found}. If "
            "your data names them differently, map them with columns={canonical: yours} "
            "or pass step_column=...")
    if len(df) == 0:
        raise DataError("events: the table is empty (0 rows); a funnel needs events.")
    ctx = Ctx("events", cols, df.index)
    ids = clean_ids(df["customer_id"], ctx, "customer_id", "auto")
    ts = parse_times(df["timestamp"], ctx, "timestamp", required=True, now=None)
    return df, ids.to_numpy(), ts.to_numpy().view("int64")


def _aligned_ids(tables: dict[str, pd.DataFrame]) -> None:
    """Make every table's customer_id comparable with the transactions' (in place)."""
    names = [n for n in tables if n != "transactions"]
    for _ in range(2):  # second pass: a table aligned before transactions became text
        for name in names:
            left, right = align_ids(tables["transactions"]["customer_id"],
                                    tables[name]["customer_id"], "transactions", name)
            tables["transactions"] = tables["transactions"].assign(customer_id=left)
            tables[name] = tables[name].assign(customer_id=right)


def _orders(tx: pd.DataFrame) -> pd.DataFrame:
    """One row per order (lines of one order_id, or of one timestamp): purchase or repeat."""
    key = ["customer_id", "order_id"] if "order_id" in tx else ["customer_id", "timestamp"]
    agg = {"timestamp": ("timestamp", "min"), "amount": ("amount", "sum")}
    if "channel" in tx:
        agg["channel"] = ("channel", "first")
    orders = tx.groupby(key, sort=False).agg(**agg).reset_index(level="customer_id")
    orders = orders.reset_index(drop=True).sort_values(["customer_id", "timestamp"], kind="stable")
    first = _first_per_group(orders["customer_id"].to_numpy())
    orders["event"] = np.where(first, "purchase", "repeat_purchase")
    orders["source"] = "transaction"
    return orders


def event_log(dataset: Any, *, touchpoint_event: str = "event", stage_prefix: str = "stage:",
              columns: Columns | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Stack touchpoints, orders and stage events into one customer_id/timestamp/event table.

    Every table is checked with :func:`omnimkt.data.validate_transactions`,
    :func:`~omnimkt.data.validate_touchpoints` and
    :func:`~omnimkt.data.validate_stage_events` (identical rows are kept; ``columns`` maps
    your names in all of them); integer ids in one table and text ids in another are
    matched as text, or rejected when nothing matches.

    Touchpoints keep their ``touchpoint_event`` column as the event ("event": impression /
    click / visit; or "channel" when there is no such column); a customer's first order
    is "purchase" and every later order "repeat_purchase" (order lines of one order_id,
    or of one timestamp, are one order); refund rows (amount < 0) are not orders and
    are left out. Stage events become ``stage_prefix + stage`` ("stage:consider").

    Parameters
    ----------
    dataset : omnimkt.data.Dataset
        transactions, and optionally touchpoints and stage_events.
    touchpoint_event : str
        The touchpoints column that names the event.
    stage_prefix : str
        Prefix of the stage events' names.
    columns : omnimkt.Columns or dict, optional
        Your column names, e.g. ``{"customer_id": "member_no"}``.

    Returns
    -------
    DataFrame
        customer_id, timestamp, event, source ("touchpoint" / "transaction" / "stage"),
        channel, account, campaign, amount (missing where they do not apply), sorted by
        customer and time.

    Examples
    --------
    >>> import pandas as pd
    >>> from omnimkt.data import Dataset
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [5.0, 7.0, 3.0],
    ...     "timestamp": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-05"])})
    >>> event_log(Dataset(transactions=tx))["event"].tolist()
    ['purchase', 'repeat_purchase', 'purchase']
    """
    for name, value in (("touchpoint_event", touchpoint_event), ("stage_prefix", stage_prefix)):
        if not isinstance(value, str):
            raise ModelError(f"{name}: must be text, got {value!r}.")
    cols = as_columns(columns)
    tables = {"transactions": validate_transactions(
        getattr(dataset, "transactions", None), cols, allow_refunds=True, duplicates="keep")}
    tp = getattr(dataset, "touchpoints", None)
    if tp is not None and len(tp):
        tables["touchpoints"] = validate_touchpoints(tp, cols, duplicates="keep")
    se = getattr(dataset, "stage_events", None)
    if se is not None and len(se):
        tables["stage_events"] = validate_stage_events(se, cols, duplicates="keep")
    _aligned_ids(tables)
    parts = []
    if "touchpoints" in tables:
        tp = tables["touchpoints"]
        col = touchpoint_event if touchpoint_event in tp else "channel"
        p = pd.DataFrame({"customer_id": tp["customer_id"], "timestamp": tp["timestamp"],
                          "event": tp[col].astype(str), "source": "touchpoint"})
        for extra in ("channel", "account", "campaign"):
            if extra in tp:
                p[extra] = tp[extra].astype(str)
        parts.append(p)
    if "stage_events" in tables:  # before orders, so a stage at an order's time comes first
        se = tables["stage_events"]
        parts.append(pd.DataFrame({"customer_id": se["customer_id"], "timestamp": se["timestamp"],
                                   "event": stage_prefix + se["stage"].astype(str),
                                   "source": "stage"}))
    tx = tables["transactions"]
    parts.append(_orders(tx[tx["amount"] >= 0]))
    out = pd.concat(parts, ignore_index=True)
    keep = ["customer_id", "timestamp", "event", "source", "channel", "account", "campaign",
            "amount"]
    out = out.reindex(columns=[c for c in keep if c in out])
    return out.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
