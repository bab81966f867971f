"""Cohort retention (留存分析): the triangle, "on" and "on or after" retention, revenue, LTV.

A customer joins the cohort of the calendar period (day, Monday week or month) of
their acquisition: the first purchase, the signup date, or the first of named
start events. Period N of a cohort is the calendar period N after its own.
A customer is retained *on* period N when they bought in period N, and *on or
after* period N (unbounded retention) when they bought in period N or any later
observed one. Periods that end after ``cutoff`` are not observed: their cells are
missing (NaN), never zero, and purchases in them are not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._events import _first_per_group
from omnimkt._gate import align_ids, as_columns, as_day, check_choice, check_number, day_after
from omnimkt._result import Result
from omnimkt.behaviour._common import (
    PERIOD_NAMES,
    check_freq,
    event_names,
    event_table,
    last_full_period,
    match_events,
    period_code,
    period_start,
)
from omnimkt.data.dataset import Dataset
from omnimkt.data.schema import Columns
from omnimkt.data.validate import validate_customers, validate_transactions
from omnimkt.errors import DataError, ModelError

__all__ = ["CohortRetention", "cohort_retention"]

_COHORT_BY = ("first_purchase", "signup", "event")


class CohortRetention(Result):
    """Retention of acquisition cohorts, from :func:`cohort_retention`.

    Attributes
    ----------
    sizes : Series
        Customers per cohort (index: first day of the cohort's period).
    active, on, on_or_after : DataFrame
        Cohorts x period N: customers who bought in period N, that count as a
        share of the cohort, and the share who bought in period N or later.
    revenue, revenue_retention, ltv : DataFrame
        Revenue of the cohort in period N, that revenue over period 0's, and
        cumulative revenue per customer up to period N.
    curves : DataFrame
        Per period N, over the cohorts that observed it (weighted by size): on,
        on_or_after, ltv and the number of customers behind them.
    by_channel : DataFrame or None
        Acquisition channel x period N: "on" retention (weighted), with
        ``channel_sizes`` the customers per channel.
    summary : DataFrame
        One row per cohort: customers and "on" retention for periods 1-12.
    """

    title = "Cohort retention"

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)
        self.notes = [
            f"{int(self.sizes.sum()):,} customers in {len(self.sizes):,} cohorts; retention "
            f"\"on\" period N = bought in {PERIOD_NAMES[self.freq]} N after joining.",
            f"Periods ending after {self.cutoff:%Y-%m-%d} are not observed and shown blank.",
        ]

    def _settings(self) -> str:
        return (f"cohorts by {self.cohort_by.replace('_', ' ')}, per "
                f"{PERIOD_NAMES[self.freq]}, cut-off {self.cutoff:%Y-%m-%d}")


def cohort_retention(
    transactions: pd.DataFrame,
    *,
    freq: str = "M",
    cohort_by: str = "first_purchase",
    customers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    start_events: str | list[str] | None = None,
    n_periods: int | None = None,
    cutoff: Any = None,
    breakdown: str | None = None,
    columns: Columns | Mapping[str, str] | None = None,
) -> CohortRetention:
    """Retention, revenue retention and LTV of acquisition cohorts.

    Parameters
    ----------
    transactions : DataFrame or Dataset
        Purchases (customer_id, timestamp, amount); rows with amount > 0 are
        activity, every row counts in revenue (refunds reduce it). A Dataset
        also supplies ``customers``.
    freq : {"D", "W", "M"}, default "M"
        Calendar period of cohorts and retention (weeks start on Monday).
    cohort_by : {"first_purchase", "signup", "event"}, default "first_purchase"
        Acquisition: the first purchase, ``customers.signup_date`` or the first
        of ``start_events`` in the event log ``events``.
    customers : DataFrame, optional
        Needed for "signup"; its ``acquisition_channel`` feeds ``breakdown``.
    events : DataFrame or Dataset, optional
        Event log (customer_id, timestamp, event) for ``cohort_by="event"``.
    start_events : str or list of str, optional
        Events that acquire a customer (the first of any counts).
    n_periods : int, optional
        Periods after period 0 to show (default: as many as observed).
    cutoff : date-like, optional
        Last day of history, inclusive (default: the day of the last purchase).
    breakdown : {None, "channel"}
        Also compute retention per acquisition channel
        (``customers.acquisition_channel``, else the first purchase's channel).
    columns : omnimkt.Columns or dict, optional
        Your column names.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2], "amount": [10.0, 5.0, 8.0, 4.0],
    ...     "timestamp": pd.to_datetime(["2025-01-03", "2025-02-07", "2025-01-20",
    ...                                  "2025-03-02"])})
    >>> r = cohort_retention(tx, cutoff="2025-03-31")
    >>> r.on.iloc[0].tolist(), r.on_or_after.iloc[0].tolist()
    ([1.0, 0.5, 0.5], [1.0, 1.0, 0.5])
    """
    freq = check_freq(freq)
    check_choice(cohort_by, "cohort_by", _COHORT_BY)
    n_periods = check_number(n_periods, "n_periods", low=1, integer=True, allow_none=True)
    check_choice(breakdown, "breakdown", (None, "channel"))
    cols = as_columns(columns)
    if isinstance(transactions, Dataset):
        customers = transactions.customers if customers is None else customers
        transactions = transactions.transactions
    tx = validate_transactions(transactions, cols, allow_refunds=True, duplicates="keep")
    day = as_day(cutoff, "cutoff", allow_none=True)
    day = tx["timestamp"].max().normalize() if day is None else day
    tx = tx[tx["timestamp"].to_numpy() < day_after(day).to_datetime64()]
    if tx.empty:
        raise DataError(f"transactions: no purchase on or before cutoff {day:%Y-%m-%d}.")
    acq = _acquisition(tx, cohort_by, customers, events, start_events, cols, day)
    if breakdown == "channel":
        acq["group"] = _channels(acq, tx, customers, cols)
    else:
        acq["group"] = "all"
    return _build(tx, acq, freq, day, n_periods, cohort_by, breakdown)


def _first_rows(cid: np.ndarray, mask: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(mask)
    return rows[_first_per_group(cid[rows])]


def _acquisition(tx: pd.DataFrame, cohort_by: str, customers: Any, events: Any,
                 start_events: Any, cols: Columns, day: pd.Timestamp) -> pd.DataFrame:
    """customer_id -> acquisition time (and the channel of the first purchase)."""
    if cohort_by == "first_purchase":
        cid = tx["customer_id"].to_numpy()
        rows = _first_rows(cid, tx["amount"].to_numpy() > 0)
        out = pd.DataFrame({"customer_id": cid[rows],
                            "time": tx["timestamp"].to_numpy()[rows]})
    elif cohort_by == "signup":
        if customers is None:
            raise ModelError('customers: cohort_by="signup" needs the customers table '
                             "(customer_id, signup_date).")
        cu = validate_customers(customers, cols)
        if "signup_date" not in cu:
            raise DataError(f"customers: no {cols.source_name('signup_date')!r} column; "
                            'cohort_by="signup" needs it.')
        cu = cu[cu["signup_date"].notna()]
        out = pd.DataFrame({"customer_id": cu["customer_id"].to_numpy(),
                            "time": cu["signup_date"].to_numpy()})
    else:
        if events is None or start_events is None:
            raise ModelError('events: cohort_by="event" needs events (an event log) and '
                             "start_events (the event names that acquire a customer).")
        names = event_names(start_events, "start_events")
        ev = event_table(events, cols)
        rows = _first_rows(ev.cust, match_events(ev, names, "start_events"))
        out = pd.DataFrame({"customer_id": np.asarray(ev.ids)[ev.cust[rows]],
                            "time": ev.ts[rows]})
    out = out[out["time"].to_numpy() < day_after(day).to_datetime64()]
    if out.empty:
        raise DataError(f"{cohort_by}: no customer was acquired on or before cutoff "
                        f"{day:%Y-%m-%d}.")
    return out.reset_index(drop=True)


def _channels(acq: pd.DataFrame, tx: pd.DataFrame, customers: Any, cols: Columns) -> np.ndarray:
    """Acquisition channel per acquired customer ("unknown" when missing)."""
    if customers is not None:
        cu = validate_customers(customers, cols)
        if "acquisition_channel" in cu:
            left, right = align_ids(acq["customer_id"], cu["customer_id"], "acquisition",
                                    "customers")
            ch = pd.Series(cu["acquisition_channel"].to_numpy(), index=pd.Index(right))
            return ch.reindex(pd.Index(left)).astype(object).fillna("unknown").to_numpy()
    if "channel" not in tx:
        raise DataError('breakdown: "channel" needs customers.acquisition_channel or '
                        "transactions.channel.")
    cid = tx["customer_id"].to_numpy()
    rows = _first_rows(cid, tx["amount"].to_numpy() > 0)
    ch = pd.Series(tx["channel"].to_numpy()[rows], index=pd.Index(cid[rows]))
    left, right = align_ids(acq["customer_id"], pd.Series(ch.index), "acquisition",
                            "transactions")
    ch.index = pd.Index(right)
    return ch.reindex(pd.Index(left)).astype(object).fillna("unknown").to_numpy()


def _build(tx: pd.DataFrame, acq: pd.DataFrame, period: str, day: pd.Timestamp,
           n_periods: int | None, cohort_by: str, breakdown: str | None) -> CohortRetention:
    left, right = align_ids(acq["customer_id"], tx["customer_id"], "acquisition", "transactions")
    idx = pd.Index(left).get_indexer(right)
    c_cust = period_code(acq["time"].to_numpy(), period)
    cc, ci = np.unique(c_cust, return_inverse=True)
    groups, gi = np.unique(acq["group"].to_numpy().astype(str), return_inverse=True)
    last = last_full_period(day, period)
    k_obs = max(last - int(cc[0]) + 1, 1)
    K = k_obs if n_periods is None else n_periods + 1
    n_coh, n_grp = len(cc), len(groups)
    a = period_code(tx["timestamp"].to_numpy(), period)
    safe = np.where(idx >= 0, idx, 0)
    k = a - c_cust[safe]
    keep = (idx >= 0) & (k >= 0) & (a <= last)
    idx, amt = idx[keep], tx["amount"].to_numpy()[keep]
    # purchases past the shown periods still make a customer retained "on or after"
    k = np.minimum(k[keep], K)
    cell = (gi * n_coh + ci)[idx] * (K + 1) + k
    size = n_grp * n_coh * (K + 1)
    revenue = np.bincount(cell, weights=amt, minlength=size).reshape(n_grp, n_coh, K + 1)
    buy = amt > 0
    idx_b, k_b, cell_b = idx[buy], k[buy], cell[buy]
    # rows are sorted by customer then time, so repeats of (customer, period) are adjacent
    first = _first_per_group(idx_b.astype("int64") * (K + 1) + k_b)
    active = np.bincount(cell_b[first], minlength=size).reshape(n_grp, n_coh, K + 1)
    last_row = np.r_[idx_b[1:] != idx_b[:-1], True] if len(idx_b) else np.zeros(0, bool)
    latest = np.bincount(cell_b[last_row], minlength=size).reshape(n_grp, n_coh, K + 1)
    revenue, active = revenue[:, :, :K], active[:, :, :K]
    ooa = np.cumsum(latest[:, :, ::-1], axis=2)[:, :, ::-1][:, :, :K]
    sizes = np.bincount(gi * n_coh + ci, minlength=n_grp * n_coh).reshape(n_grp, n_coh)
    observed = cc[:, None] + np.arange(K)[None, :] <= last
    parts = _tables(active.sum(0), ooa.sum(0), revenue.sum(0), sizes.sum(0), observed,
                    period_start(cc, period))
    parts["curves"] = _curve(active.sum(0), ooa.sum(0), revenue.sum(0), sizes.sum(0), observed)
    parts["by_channel"] = parts["channel_sizes"] = None
    if breakdown is not None:
        parts["by_channel"] = pd.DataFrame(
            [_curve(active[g], ooa[g], revenue[g], sizes[g], observed)["on"] for g in
             range(n_grp)], index=pd.Index(groups, name="channel"))
        parts["channel_sizes"] = pd.Series(sizes.sum(1), index=parts["by_channel"].index,
                                           name="customers")
    return CohortRetention(freq=period, cohort_by=cohort_by, cutoff=day, **parts)


def _tables(active: np.ndarray, ooa: np.ndarray, revenue: np.ndarray, sizes: np.ndarray,
            observed: np.ndarray, cohorts: pd.DatetimeIndex) -> dict[str, Any]:
    index = pd.Index(cohorts, name="cohort")
    cols = pd.RangeIndex(active.shape[1], name="period")

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.where(observed, values, np.nan), index=index, columns=cols)

    n = sizes[:, None].astype(float)
    rev = frame(revenue)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = rev[0].where(rev[0] != 0)
        out = {"sizes": pd.Series(sizes, index=index, name="customers"),
               "active": frame(active), "on": frame(active / n),
               "on_or_after": frame(ooa / n), "revenue": rev,
               "revenue_retention": rev.div(base, axis=0),
               "ltv": frame(np.cumsum(revenue, axis=1) / n)}
    shown = out["on"].iloc[:, 1:13]
    summary = pd.concat([out["sizes"], shown.rename(columns=lambda c: f"P{c}")], axis=1)
    out["summary"] = summary.reset_index()
    return out


def _curve(active: np.ndarray, ooa: np.ndarray, revenue: np.ndarray, sizes: np.ndarray,
           observed: np.ndarray) -> pd.DataFrame:
    """Size-weighted retention per period over the cohorts that observed it."""
    base = (sizes[:, None] * observed).sum(0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cum = np.cumsum(revenue, axis=1)
        out = pd.DataFrame({"customers": base.astype("int64"),
                            "on": (active * observed).sum(0) / base,
                            "on_or_after": (ooa * observed).sum(0) / base,
                            "ltv": (cum * observed).sum(0) / base},
                           index=pd.RangeIndex(active.shape[1], name="period"))
    out.loc[base == 0, ["on", "on_or_after", "ltv"]] = np.nan
    return out
