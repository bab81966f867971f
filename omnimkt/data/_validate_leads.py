"""Validation of the lead tables of case H: ``leads``, ``lead_events`` and the orders on leads.

A lead is a prospective customer (its ``customer_id`` is the id its orders carry in
the transactions table). The checks follow the rest of :mod:`omnimkt.data`: one
:class:`~omnimkt.DataError` per problem naming the table, the column (your name for
it), how many rows are bad, a few examples and what to do. Rules specific to leads:

- every lead has a ``source`` (fair, canvassing, walk-in ...);
- no date runs backwards: ``handed_over`` and ``contacted`` are not before
  ``captured`` (a negative contact delay is a data error, not a fast contact);
- a voucher (``voucher_value`` > 0) has an expiry date, not before the capture;
- an event with a fee names its event (``event_id``): a fee without a fair is an error;
  fees are not negative.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import as_columns, check_bool
from omnimkt.data._checks import Ctx, clean_ids, parse_times, resolve_now, to_numeric
from omnimkt.data.schema import LEAD_EVENTS, LEADS, Columns
from omnimkt.data.validate import IdType, _canonical_frame, validate_transactions
from omnimkt.errors import DataError, DataWarning, examples

__all__ = ["validate_lead_events", "validate_lead_orders", "validate_leads"]


def _text_column(raw: pd.DataFrame, ctx: Ctx, canon: str) -> pd.Series:
    ctx.require_values(raw, canon)
    return raw[canon].astype("str").str.strip()


def _not_before(out: pd.DataFrame, raw: pd.DataFrame, ctx: Ctx, later: str, earlier: str,
                what: str) -> None:
    bad = (out[later] < out[earlier]).to_numpy(dtype=bool)
    if bad.any():
        raise ctx.error(later, bad, what, raw[later],
                        f"Check the dates: {later} cannot come before {earlier} "
                        "(a day/month swap or a wrong year?); correct or drop these rows.")


def _unique(out: pd.DataFrame, ctx: Ctx, canon: str, todo: str) -> None:
    rep = out[canon].duplicated(keep=False).to_numpy()
    if rep.any():
        ids = out[canon][rep].unique()
        raise DataError(f"{ctx.table}.{ctx.label(canon)}: {len(ids):,} ids appear on more than "
                        f"one row ({int(rep.sum()):,} rows, e.g. {examples(ids)}). {todo}")


def validate_leads(df: pd.DataFrame, columns: Columns | Mapping[str, str] | None = None, *,
                   now: Any = None, id_type: IdType = "auto",
                   dayfirst: bool | None = None) -> pd.DataFrame:
    """Check a leads table (customer_id, source, captured, ...) and return it canonical.

    Parameters
    ----------
    df : DataFrame
        One row per lead: ``customer_id`` (unique), ``source``, ``captured`` (the day
        the lead was taken), optionally ``event_id`` (the fair or campaign), ``handed_over``
        (the day the store received it), ``contacted`` (first call or visit),
        ``store_id``, ``voucher_value`` and ``voucher_expiry``.
    columns : Columns or dict, optional
        Your column names, e.g. ``{"customer_id": "客户编号", "source": "来源"}``.
    now, id_type, dayfirst
        As in :func:`omnimkt.data.validate_transactions`.

    Returns
    -------
    DataFrame sorted by customer_id, dates as datetime64, voucher_value as float.

    Examples
    --------
    >>> import pandas as pd
    >>> leads = validate_leads(pd.DataFrame({"customer_id": [2, 1], "source": ["fair", "walk_in"],
    ...     "captured": ["2025-03-01", "2025-03-02"], "contacted": ["2025-03-20", "2025-03-02"]}))
    >>> (leads["contacted"] - leads["captured"]).dt.days.tolist()
    [0, 19]
    """
    cols = as_columns(columns)
    if dayfirst is not None:
        check_bool(dayfirst, "dayfirst")
    raw = _canonical_frame(df, LEADS, cols)
    ctx = Ctx("leads", cols, raw.index)
    out = raw.copy()
    out["customer_id"] = clean_ids(raw["customer_id"], ctx, "customer_id", id_type)
    out["source"] = _text_column(raw, ctx, "source")
    limit = resolve_now(now)
    for c in LEADS.timestamps:
        if c in raw:
            out[c] = parse_times(raw[c], ctx, c, required=c == "captured",
                                 now=None if c == "voucher_expiry" else limit, dayfirst=dayfirst)
    for c in ("handed_over", "contacted"):
        if c in out:
            _not_before(out, raw, ctx, c, "captured",
                        "are before the lead was captured (a contact delay below zero)")
    if "voucher_value" in raw:
        out["voucher_value"] = to_numeric(raw["voucher_value"], ctx, "voucher_value",
                                          required=False)
        neg = (out["voucher_value"] < 0).to_numpy()
        if neg.any():
            raise ctx.error("voucher_value", neg, "are negative", raw["voucher_value"],
                            "A voucher is worth 0 or more; correct these rows.")
        has = (out["voucher_value"] > 0).to_numpy()
        expiry = out["voucher_expiry"] if "voucher_expiry" in out else pd.Series(pd.NaT,
                                                                                   index=out.index)
        no_end = has & expiry.isna().to_numpy()
        if no_end.any():
            raise ctx.error("voucher_value", no_end, "carry a voucher without an expiry date "
                            "(voucher_expiry)", raw["voucher_value"],
                            "Give every voucher its expiry date (the case's vouchers expire); "
                            "set voucher_value to 0 for leads without a voucher.")
    if "voucher_expiry" in out:
        _not_before(out, raw, ctx, "voucher_expiry", "captured",
                    "expire before the lead was captured")
    _unique(out, ctx, "customer_id", "Keep one row per lead (e.g. the first source that "
            "brought the customer): df.drop_duplicates(subset=[id column]).")
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


def validate_lead_events(df: pd.DataFrame, columns: Columns | Mapping[str, str] | None = None,
                         *, now: Any = None, dayfirst: bool | None = None) -> pd.DataFrame:
    """Check the events that bring leads (event_id, source, event_date, fee, fee_per_order).

    ``fee`` (fixed, per event) and ``fee_per_order`` (per order taken at the event)
    are money, not negative; missing fees count as 0. A row with a fee must name its
    event: a fee without a fair (no ``event_id``) cannot be charged to any leads.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = validate_lead_events(pd.DataFrame({"event_id": ["F1"], "source": ["fair"],
    ...     "event_date": ["2025-04-12"], "fee": [12000], "fee_per_order": [50]}))
    >>> ev[["fee", "fee_per_order"]].iloc[0].tolist()
    [12000.0, 50.0]
    """
    cols = as_columns(columns)
    if dayfirst is not None:
        check_bool(dayfirst, "dayfirst")
    raw = _canonical_frame(df, LEAD_EVENTS, cols)
    ctx = Ctx("lead_events", cols, raw.index)
    out = raw.copy()
    for c in ("fee", "fee_per_order"):
        num = to_numeric(raw[c], ctx, c, required=False) if c in raw else \
            pd.Series(0.0, index=raw.index, name=c)
        neg = (num < 0).to_numpy()
        if neg.any():
            raise ctx.error(c, neg, "are negative", raw[c],
                            "Fees are what the store paid: 0 or more. Record refunds "
                            "separately; correct these rows.")
        out[c] = num.fillna(0.0)
    no_event = raw["event_id"].isna().to_numpy() | (
        raw["event_id"].astype("str").str.strip() == "").to_numpy()
    charged = no_event & ((out["fee"] > 0) | (out["fee_per_order"] > 0)).to_numpy()
    if charged.any():
        raise ctx.error("event_id", charged, "carry a fee without a fair or event (no event_id)",
                        raw["fee"], "Name the fair each fee was paid for, or drop these rows.")
    out["event_id"] = clean_ids(raw["event_id"], ctx, "event_id", "auto")
    out["source"] = _text_column(raw, ctx, "source")
    out["event_date"] = parse_times(raw["event_date"], ctx, "event_date", required=True,
                                    now=resolve_now(now), dayfirst=dayfirst)
    _unique(out, ctx, "event_id", "Give every fair or campaign one row with its total fee.")
    return out.sort_values(["event_date", "event_id"], kind="stable").reset_index(drop=True)


def validate_lead_orders(df: pd.DataFrame, columns: Columns | Mapping[str, str] | None = None,
                         *, now: Any = None, id_type: IdType = "auto",
                         dayfirst: bool | None = None) -> pd.DataFrame:
    """Check orders placed by leads: a transactions table that also has ``margin``.

    The rows go through :func:`omnimkt.data.validate_transactions` (duplicates
    kept: two equal appliance orders on one day are real); ``margin`` (gross margin
    in money) is required and may be negative (a loss-leader price at a fair).

    Examples
    --------
    >>> import pandas as pd
    >>> o = validate_lead_orders(pd.DataFrame({"customer_id": [1], "timestamp": ["2025-05-02"],
    ...                                        "amount": [4800], "margin": [96]}))
    >>> o["margin"].tolist()
    [96.0]
    """
    with warnings.catch_warnings():
        # One lead with orders is a normal case here (a single voucher basket).
        warnings.filterwarnings("ignore", message=".*belong to a single customer",
                                category=DataWarning)
        out = validate_transactions(df, columns, now=now, id_type=id_type, dayfirst=dayfirst,
                                    duplicates="keep")
    if "margin" not in out:
        name = as_columns(columns).source_name("margin")
        raise DataError(f"orders: missing the column {name!r} (the gross margin of each order, "
                        "in money). Lead economics need it; map yours with "
                        "omnimkt.Columns(margin='<your column>').")
    miss = np.isnan(out["margin"].to_numpy())
    if miss.any():
        raise DataError(f"orders.margin: {int(miss.sum()):,} of {len(out):,} rows have no "
                        f"margin (e.g. orders of customer_id "
                        f"{examples(out['customer_id'][miss])}). Fill them in or drop them.")
    return out
