"""Per-person channel counts: marketing channels that reached a person, sales channels
they bought through, and the spend per shopping trip in store and online."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_day, check_bool, check_frame, day_after
from omnimkt.churn._common import _prepare_side, _transactions
from omnimkt.errors import DataError, ModelError

__all__ = ["ENGAGED_EVENTS", "STORE_CHANNELS", "channel_counts", "orders"]

#: Sales channels counted as "in store"; every other sales channel is "online".
STORE_CHANNELS: tuple[str, ...] = ("store_pos",)
#: Touch events that count as engagement (the person acted, not only saw).
ENGAGED_EVENTS: tuple[str, ...] = ("click", "visit")


def _need_channel(tx: pd.DataFrame, table: str = "transactions") -> None:
    if "channel" not in tx.columns:
        raise DataError(f"{table}: no channel column, so channels used cannot be counted. "
                        f"Add the channel of each row (column 'channel') or map yours with "
                        f"columns={{'channel': '<your column>'}}.")


def _store_channels(store_channels: Sequence[str]) -> tuple[str, ...]:
    if isinstance(store_channels, str) or not all(isinstance(c, str) for c in store_channels):
        raise ModelError(f"store_channels: give a list of channel names, e.g. "
                         f"{list(STORE_CHANNELS)}, got {store_channels!r}.")
    return tuple(store_channels)


def orders(tx: pd.DataFrame, store_channels: Sequence[str] = STORE_CHANNELS) -> pd.DataFrame:
    """Order lines summed to shopping trips: customer, time, channel, amount, in store.

    A trip is an ``order_id``; without that column, the lines of one customer at
    one moment through one channel.

    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "order_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2025-01-01"] * 3), "amount": [2.0, 3.0, 4.0],
    ...     "channel": ["store_pos", "store_pos", "app"]})
    >>> orders(tx)[["amount", "in_store"]].values.tolist()
    [[5.0, True], [4.0, False]]
    """
    _need_channel(tx)
    keys = ["order_id"] if "order_id" in tx.columns else ["customer_id", "timestamp", "channel"]
    o = (tx.groupby(keys, sort=True, observed=True)
         .agg(customer_id=("customer_id", "first"), timestamp=("timestamp", "first"),
              channel=("channel", "first"), amount=("amount", "sum"))
         .reset_index(drop=True))
    o["in_store"] = o["channel"].isin(_store_channels(store_channels))
    return o


def channel_counts(transactions: pd.DataFrame, touchpoints: pd.DataFrame | None = None, *,
                   cutoff: Any = None, pre_purchase: bool = True,
                   store_channels: Sequence[str] = STORE_CHANNELS,
                   engaged_events: Sequence[str] = ENGAGED_EVENTS,
                   columns: Any = None) -> pd.DataFrame:
    """Marketing-channel and sales-channel counts per person, side by side.

    Case K's vendor counts *marketing* channels (e-mail, SMS, push, social ...);
    the churn notebook counts *sales* channels (store, e-shop, mini-shop, app).
    This table has both for everyone in either table (prospects who never bought
    have zero orders). Rows on or before ``cutoff`` (inclusive day; None = all).

    Columns: ``n_sales_channels``, ``n_orders``, ``spend``, ``store_trips``,
    ``online_trips``, ``store_trip_spend`` / ``online_trip_spend`` (mean amount
    per trip, NaN without such trips), ``first_order`` and, with touchpoints,
    ``n_marketing_channels``, ``n_touches``, ``engaged_share`` (touches whose
    ``event`` is in ``engaged_events``, NaN without an event column). With
    ``pre_purchase`` only touches before the person's first order count, so that
    buying cannot create the exposure it is compared with.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1], "timestamp": pd.to_datetime(
    ...     ["2025-01-05", "2025-01-09"]), "amount": 10.0, "channel": ["store_pos", "app"]})
    >>> tp = pd.DataFrame({"customer_id": [1, 1, 2], "timestamp": pd.to_datetime(
    ...     ["2025-01-01", "2025-01-02", "2025-01-03"]), "channel": ["sms", "tv", "sms"]})
    >>> channel_counts(tx, tp)[["n_sales_channels", "n_marketing_channels"]].values.tolist()
    [[2, 2], [0, 1]]
    """
    pre_purchase = check_bool(pre_purchase, "pre_purchase")
    tx = _transactions(transactions, columns)
    _need_channel(tx)
    check_frame(touchpoints, "touchpoints") if touchpoints is not None else None
    tx, _, tp = _prepare_side(tx, None, touchpoints, columns)
    cut = as_day(cutoff, "cutoff", allow_none=True)
    if cut is not None:
        tx = tx[tx["timestamp"] < day_after(cut)]
        tp = None if tp is None else tp[tp["timestamp"] < day_after(cut)]
    o = orders(tx, store_channels)
    g = o.groupby("customer_id")
    out = pd.DataFrame({"n_sales_channels": g["channel"].nunique(), "n_orders": g.size(),
                        "spend": g["amount"].sum(), "first_order": g["timestamp"].min()})
    for where, mask in (("store", o["in_store"]), ("online", ~o["in_store"])):
        gg = o[mask].groupby("customer_id")["amount"]
        out[f"{where}_trips"] = gg.size()
        out[f"{where}_trip_spend"] = gg.mean()
    if tp is not None:
        out = out.join(_touch_counts(tp, out["first_order"], pre_purchase, engaged_events),
                       how="outer")
    fill = ["n_sales_channels", "n_orders", "spend", "store_trips", "online_trips",
            *(["n_marketing_channels", "n_touches"] if tp is not None else [])]
    out[fill] = out[fill].fillna(0)
    ints = [c for c in fill if c != "spend"]
    out[ints] = out[ints].astype(np.int64)
    out.index.name = "customer_id"
    return out


def _touch_counts(tp: pd.DataFrame, first_order: pd.Series, pre_purchase: bool,
                  engaged_events: Sequence[str]) -> pd.DataFrame:
    _need_channel(tp, "touchpoints")
    if pre_purchase:
        first = tp["customer_id"].map(first_order)
        tp = tp[first.isna() | (tp["timestamp"] < first)]
    g = tp.groupby("customer_id")
    out = pd.DataFrame({"n_marketing_channels": g["channel"].nunique(), "n_touches": g.size(),
                        "first_touch": g["timestamp"].min()})
    if "event" in tp.columns:
        engaged = tp["event"].isin(list(engaged_events))
        out["engaged_share"] = engaged.groupby(tp["customer_id"]).mean()
    else:
        out["engaged_share"] = np.nan
    return out
