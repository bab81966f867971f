"""Shared plumbing of the behaviour family: the event table, calendar periods, groups.

Kept private: every public function reads its tables through here so an event log,
a Dataset and a mapping of column names behave the same in every analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from omnimkt._gate import align_ids, check_choice
from omnimkt.data.dataset import Dataset
from omnimkt.data.schema import Columns
from omnimkt.data.validate import validate_customers
from omnimkt.errors import DataError, ModelError, examples

__all__: list[str] = []

PERIODS = ("D", "W", "M")
PERIOD_NAMES = {"D": "day", "W": "week", "M": "month"}


@dataclass
class Events:
    """An event table sorted by customer then time, as arrays.

    ``cust`` are codes into ``ids`` (runs of equal codes are one customer),
    ``ts`` naive datetime64[ns], ``names`` the event of every row and ``frame``
    the sorted table (for extra columns such as channel).
    """

    frame: pd.DataFrame
    cust: np.ndarray
    ids: pd.Index
    ts: np.ndarray
    codes: np.ndarray
    cats: np.ndarray

    @property
    def names(self) -> np.ndarray:
        """The event name of every row (built on demand: text for 10M rows is slow)."""
        return self.cats[self.codes]


def event_table(data: Any, cols: Columns) -> Events:
    """An event log (customer_id, timestamp, event) or a Dataset, checked and sorted.

    A Dataset becomes :func:`omnimkt.funnel.event_log` plus a "signup" event per
    customer with a signup_date.
    """
    from omnimkt.funnel.events import _events_table, event_log

    if isinstance(data, Dataset):
        frame = event_log(data, columns=cols)
        cu = getattr(data, "customers", None)
        if cu is not None and len(cu):
            cu = validate_customers(cu, cols)
            if "signup_date" in cu:
                cu = cu[cu["signup_date"].notna()]
                fid, sid = align_ids(frame["customer_id"], cu["customer_id"], "transactions",
                                     "customers")
                su = pd.DataFrame({"customer_id": sid.to_numpy(), "timestamp": cu["signup_date"],
                                   "event": "signup", "source": "customer"})
                frame = frame.assign(customer_id=fid.to_numpy())
                frame = pd.concat([su, frame], ignore_index=True)
        ids = frame["customer_id"].to_numpy()
        ts = frame["timestamp"].to_numpy().astype("datetime64[ns]").view("int64")
    else:
        frame, ids, ts = _events_table(data, cols, ["customer_id", "timestamp", "event"])
        if frame["event"].isna().any():
            raise DataError(f"events.{cols.source_name('event')}: "
                            f"{int(frame['event'].isna().sum()):,} rows have no event name; "
                            "drop them or fill them in.")
    cust, uniques = pd.factorize(ids)
    step = np.diff(cust)
    if not np.all((step > 0) | (step == 0) & (np.diff(ts) >= 0)):
        order = np.lexsort((ts, cust))  # stable: ties keep the table's order
        frame = frame.iloc[order].reset_index(drop=True)
        cust, ts = cust[order], ts[order]
    event = frame["event"]
    if isinstance(event.dtype, pd.CategoricalDtype):
        codes, cats = event.cat.codes.to_numpy(), event.cat.categories.astype(str)
    else:
        codes, cats = pd.factorize(event)  # before any text conversion: 10M rows
        cats = np.asarray(cats).astype(str)
    return Events(frame=frame, cust=cust, ids=pd.Index(uniques, name="customer_id"),
                  ts=ts.view("datetime64[ns]"), codes=np.asarray(codes, dtype="int64"),
                  cats=np.asarray(cats, dtype=object))


def event_names(value: Any, name: str) -> list[str]:
    """One event name or a list of them, as a non-empty list of text."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence | np.ndarray | pd.Index) or isinstance(items, bytes):
        raise ModelError(f"{name}: expected an event name or a list of names, got {value!r}.")
    items = list(items)
    if not items or not all(isinstance(v, str) and v for v in items):
        raise ModelError(f"{name}: expected event names as non-empty text, got {value!r}.")
    return items


def match_events(ev: Events, wanted: list[str], name: str) -> np.ndarray:
    """Mask of the rows whose event is one of ``wanted``; a ModelError when none occurs."""
    mask = np.isin(ev.codes, np.flatnonzero(np.isin(ev.cats, wanted)))
    if not mask.any():
        counts = np.bincount(ev.codes[ev.codes >= 0], minlength=len(ev.cats))
        seen = ev.cats[np.argsort(-counts, kind="stable")][:8].tolist()
        raise ModelError(f"{name}: event {examples(wanted)} never occurs in the events; "
                         f"the most frequent events are {examples(seen, 8)}.")
    return mask


# --------------------------------------------------------------------------- periods
def check_freq(freq: Any) -> str:
    """``freq`` as "D", "W" or "M" (case and spaces ignored), else a ModelError."""
    if isinstance(freq, str) and freq.strip().upper() in PERIODS:
        freq = freq.strip().upper()
    return check_choice(freq, "freq", PERIODS)


def period_code(ts: np.ndarray, period: str) -> np.ndarray:
    """Calendar period number of each time (days, Monday weeks or months since 1970)."""
    ns = np.asarray(ts).astype("datetime64[ns]").view("int64")
    days = ns // 86_400_000_000_000
    if period == "M":
        if len(days) == 0:
            return days
        # months of each distinct day from a small table: astype("datetime64[M]") on
        # 10M rows costs seconds
        lo = int(days.min())
        table = np.arange(lo, int(days.max()) + 1).astype("datetime64[D]")
        return table.astype("datetime64[M]").astype("int64")[days - lo]
    # 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
    return (days + 3) // 7 if period == "W" else days


def period_start(code: np.ndarray, period: str) -> pd.DatetimeIndex:
    code = np.asarray(code, dtype="int64")
    if period == "M":
        return pd.DatetimeIndex(code.astype("datetime64[M]").astype("datetime64[ns]"))
    days = code * 7 - 3 if period == "W" else code
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))


def last_full_period(cutoff: pd.Timestamp, period: str) -> int:
    """The last period that ends on or before the inclusive ``cutoff`` day."""
    here = int(period_code(np.array([cutoff.to_datetime64()]), period)[0])
    nxt = int(period_code(np.array([(cutoff + pd.Timedelta(days=1)).to_datetime64()]), period)[0])
    return here if nxt != here else here - 1


# --------------------------------------------------------------------------- groups
def customer_groups(by: Any, ev: Events, rows: np.ndarray, name: str = "breakdown") -> np.ndarray:
    """The group of each row in ``rows``: a column of the events (value on that row) or a
    Series indexed by customer_id (value of that row's customer); None is one group."""
    if by is None:
        return np.full(len(rows), "all", dtype=object)
    if isinstance(by, str):
        if by not in ev.frame:
            raise ModelError(f"{name}: the events have no column {by!r}; columns are "
                             f"{examples(list(ev.frame.columns), 12)}.")
        return ev.frame[by].to_numpy()[rows].astype(object)
    if isinstance(by, pd.Series):
        left, right = align_ids(pd.Series(ev.ids), pd.Series(by.index), "events", name)
        mapped = pd.Series(by.to_numpy(), index=pd.Index(right)).reindex(pd.Index(left))
        return mapped.to_numpy().astype(object)[ev.cust[rows]]
    raise ModelError(f"{name}: expected a column name or a Series indexed by customer_id, "
                     f"got {type(by).__name__}.")
